"""Where the tests' files are: the repository root, ``tests/fixtures`` and ``tests/golden``."""

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
GOLDEN = TESTS / "golden"
