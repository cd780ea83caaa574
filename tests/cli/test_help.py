"""Every command and sub-command explains itself with an example; the README and CI agree."""

import re

import pytest
import typer
from typer.testing import CliRunner

from poster_cli.cli.main import COMMAND_MODULES, COMMANDS, _module_commands, app
from tests.support.paths import ROOT


def walk(command, path=()):
    yield path, command
    if hasattr(command, "list_commands"):
        for name in command.list_commands(None):
            yield from walk(command.get_command(None, name), path + (name,))


COMMAND_PATHS = [p for p, _ in walk(typer.main.get_command(app)) if p]


def test_the_lazy_command_table_matches_what_the_modules_register():
    registered = {}
    for module in COMMAND_MODULES:
        for name in _module_commands(module):
            registered[name] = module
    assert registered == {name: module for name, (module, _) in COMMANDS.items()}


def test_root_help_needs_no_command_module():
    """`--help` and `--version` list commands from the table; no command module is imported."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from poster_cli.cli.main import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('poster_cli.cli.') and m not in "
        "('poster_cli.cli.main', 'poster_cli.cli.common'))\n"
        "heavy = sorted(m for m in ('httpx', 'rapidfuzz', 'starlette', 'uvicorn', 'rich') if m in sys.modules)\n"
        "sys.stderr.write(repr((loaded, heavy)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stderr.strip().splitlines()[-1] == "([], [])"
    for name in COMMANDS:
        assert name in out.stdout


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda p: " ".join(p))
def test_help_has_an_example(path):
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert re.search(r"Example", result.output), f"`poster-cli {' '.join(path)} --help` shows no example"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    head = readme.split("\n```", 2)[0:2]
    block = "\n".join(head)
    test_line = next(line for line in block.splitlines() if "pytest" in line)
    steps = [part.strip() for part in test_line.split("&&")[1:]]  # after the venv creation
    ci_lines = [line.strip() for line in ci.splitlines()]
    assert steps and all(step in ci_lines for step in steps), steps
    assert ci_lines.index(steps[0]) < ci_lines.index(steps[-1])
    assert "poster-cli demo" in block
