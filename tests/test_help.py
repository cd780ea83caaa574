"""Every command and sub-command explains itself with an example; the README and CI agree."""

import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from poster_cli.cli.main import COMMAND_MODULES, app

ROOT = Path(__file__).parent.parent


def walk(command, path=()):
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from walk(sub, path + (name,))


COMMANDS = [p for p, _ in walk(typer.main.get_command(app)) if p]


def test_every_command_module_is_registered():
    top = {p[0] for p in COMMANDS}
    for expected in ("init", "login", "doctor", "pull"):
        assert expected in top
    assert len(COMMAND_MODULES) == len(set(COMMAND_MODULES))


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p))
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
