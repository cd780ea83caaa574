"""Every environment variable poster-cli reads is read in ``poster_cli/config.py``: one file lists them all.

Two modules touch the environment for another reason and are named here: ``demo.py`` sets the demo's
variables for its run and puts the old ones back; ``webhooks/hook.py`` hands the environment (secrets
removed) to the user's ``--on-event`` command.
"""

from __future__ import annotations

import ast

from tests.support.paths import ROOT

PACKAGE = ROOT / "poster_cli"
PASSES_IT_ON = {"config.py", "demo.py", "webhooks/hook.py"}


def reads_environment(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb"):
            if isinstance(node.value, ast.Name) and node.value.id == "os":
                lines.append(node.lineno)
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            if any(alias.name in ("environ", "getenv") for alias in node.names):
                lines.append(node.lineno)
    return lines


def test_only_config_reads_the_environment() -> None:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name in PASSES_IT_ON:
            continue
        lines = reads_environment(ast.parse(path.read_text(encoding="utf-8")))
        if lines:
            found[name] = lines
    assert found == {}


def test_the_scan_sees_a_read() -> None:
    assert reads_environment(ast.parse("import os\nx = os.environ.get('A')\n")) == [2]
    assert reads_environment(ast.parse("from os import getenv\n")) == [1]
