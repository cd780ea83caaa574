"""What the terminal sees: no colour or progress when piped, with NO_COLOR or TERM=dumb; no
prompt without a terminal (fail naming the flag, or read stdin where documented); did-you-mean
for a mistyped command or item."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from tests.support.cli import MAPPING, ORDERS_OK, PHONE, SITE_MATCHED, assert_one_line

ANSI = "\x1b["
BAR = "━"  # rich's progress bar
COMMANDS = [
    ("pull",),
    ("menu", "show", "--search", "Лате"),
    ("order", "batch", "orders.csv", "--yes"),
    ("match", "site.csv", "--mapping", "site.toml", "--no-input"),
]
# Colour would be allowed by everything but the one thing each case changes.
COLOUR_ALLOWED = {"NO_COLOR": None, "TERM": "xterm-256color", "POSTER_CLI_TTY": "1"}


def run_all(env: Any, extra: dict[str, str | None]) -> tuple[str, str]:
    """Run each command (fresh journal each time); all their stdout, all their stderr."""
    out, err = [], []
    for args in COMMANDS:
        journal = env.data_dir / "orders.sqlite"
        for path in (journal, journal.with_name("orders.sqlite-wal"), journal.with_name("orders.sqlite-shm")):
            path.unlink(missing_ok=True)
        result = env.run(*args, env=extra)
        assert result.exit_code == 0, (args, result.stderr)
        out.append(result.stdout)
        err.append(result.stderr)
    return "".join(out), "".join(err)


def test_a_terminal_does_get_colour_and_a_progress_bar(cafe: Any) -> None:
    """The control for the cases below: the escapes they look for do appear at a colour terminal."""
    out, err = run_all(cafe, COLOUR_ALLOWED)
    assert ANSI in out and ANSI in err and BAR in err


@pytest.mark.parametrize(
    "change",
    [{"POSTER_CLI_TTY": None}, {"NO_COLOR": "1"}, {"TERM": "dumb"}, {"NO_COLOR": ""}],
    ids=["piped", "NO_COLOR", "TERM=dumb", "NO_COLOR-empty"],
)
def test_no_colour_and_no_progress(cafe: Any, change: dict[str, str | None]) -> None:
    out, err = run_all(cafe, {**COLOUR_ALLOWED, **change})
    assert ANSI not in out and ANSI not in err
    assert BAR not in err and "\r" not in err  # no progress bar, no redrawn lines


def test_real_processes_writing_to_pipes_print_no_escapes(sandbox_server: Any, tmp_path: Path) -> None:
    """Not CliRunner: the installed entry point with real pipes, a colour TERM and no NO_COLOR."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTER_", "NO_COLOR", "FORCE_COLOR"))}
    env.update(
        TERM="xterm-256color",
        POSTER_API_URL=sandbox_server.api_url,
        POSTER_TOKEN=sandbox_server.token,
        POSTER_CLI_DATA_DIR=str(tmp_path / "data"),
        POSTER_SPOT_ID="1",
        POSTER_RATE_LIMIT="0",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "mapping.toml").write_text(tomli_w.dumps(MAPPING), encoding="utf-8")
    (tmp_path / "orders.csv").write_text(ORDERS_OK, encoding="utf-8")
    (tmp_path / "site.csv").write_text(SITE_MATCHED, encoding="utf-8")
    piped = [COMMANDS[0], COMMANDS[2]]  # pull (tables, talk) and order batch (the progress bar)
    script = "; ".join(f"{sys.executable} -m poster_cli {' '.join(args)}" for args in piped)
    done = subprocess.run(["sh", "-c", f"set -e; {script}"], cwd=tmp_path, env=env, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    out, err = done.stdout.decode(), done.stderr.decode()
    assert "Кава" in out and "sent" in out
    assert ANSI not in out and ANSI not in err and BAR not in err


# -- no prompts without a terminal ------------------------------------------------------------

NO_TTY = {"POSTER_CLI_TTY": "0"}
TTY_NO_INPUT = {"POSTER_CLI_TTY": "1"}


def test_init_asks_nothing_without_a_terminal(cafe: Any) -> None:
    result = cafe.run("init", "--local", env={**NO_TTY, "POSTER_TOKEN": None}, input="should-not-be-read\n")
    assert result.exit_code == 0, result.stderr
    assert "token" not in result.stdout and "Poster access token" not in result.stderr
    assert "No token yet: run `poster-cli login`" in result.stderr
    assert "should-not-be-read" not in Path("poster-cli.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "where", [["init", "--local", "--no-input"], ["--no-input", "init", "--local"]], ids=["after", "before"]
)
def test_init_at_a_terminal_with_no_input_asks_nothing(cafe: Any, where: list[str]) -> None:
    result = cafe.run(*where, env={**TTY_NO_INPUT, "POSTER_TOKEN": None})
    assert result.exit_code == 0, result.stderr
    assert "Poster access token" not in result.stdout + result.stderr


def test_login_without_a_terminal_reads_stdin_and_never_prompts(cafe: Any) -> None:
    token = cafe.sandbox.token
    result = cafe.run("login", "--local", env=NO_TTY, input=token + "\n")
    assert result.exit_code == 0, result.stderr
    assert "Poster access token" not in result.stdout + result.stderr
    assert token in Path("poster-cli.toml").read_text(encoding="utf-8")
    assert_one_line(
        cafe.run("login", "--local", env=NO_TTY, input=""), 2, "no token given", "poster-cli login < token.txt"
    )


def test_match_without_a_terminal_asks_nothing(cafe: Any) -> None:
    Path("unmatched.csv").write_text("id,name\nLAT,Latte\nGIFT,Gift card\n", encoding="utf-8")
    for env in (NO_TTY, TTY_NO_INPUT):
        args = ["match", "unmatched.csv", "--mapping", "m.toml"] + (["--no-input"] if env is TTY_NO_INPUT else [])
        result = cafe.run(*args, env=env, input="1\n1\n")
        assert result.exit_code == 3, result.stderr
        assert "[1/" not in result.stderr  # the review question
        assert "attention: 2 site items are unmatched" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("order", "send", "-i", "ESP", "--phone", PHONE, "--order-id", "P-1"),
        ("mapping", "push"),
        ("--no-input", "order", "send", "-i", "ESP", "--phone", PHONE, "--order-id", "P-1"),
        ("--no-input", "mapping", "push"),
    ],
    ids=["send", "push", "send --no-input", "push --no-input"],
)
def test_writes_to_a_live_account_without_a_terminal_fail_naming_yes(cafe: Any, args: tuple[str, ...]) -> None:
    env = NO_TTY if args[0] != "--no-input" else TTY_NO_INPUT
    assert_one_line(cafe.run(*args, env=env, input="y\n"), 2, "--yes")
    assert cafe.sandbox.state.doc["orders"] == []
    assert all(not p.get("extras") for p in cafe.sandbox.state.doc["products"])


def test_a_batch_without_a_terminal_sends_without_asking_as_documented(cafe: Any) -> None:
    """`order batch --help`: --yes is 'asked only at a terminal'; cron runs need no flag."""
    Path("orders.csv").write_text(ORDERS_OK, encoding="utf-8")
    result = cafe.run("order", "batch", "orders.csv", env=NO_TTY)
    assert result.exit_code == 0, result.stderr
    assert "live Poster account" not in result.stderr and len(cafe.sandbox.state.doc["orders"]) == 2


# -- did you mean -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typo,suggestion",
    [
        (["ordr"], "'order'"),
        (["pul"], "'pull'"),
        (["order", "sned"], "'send'"),
        (["mapping", "chek"], "'check'"),
        (["menu", "shwo"], "'show'"),
        (["webhooks", "lst"], "'list'"),
        (["sandbox", "triger"], "'trigger'"),
        (["pull", "--jsn"], "--json"),
        (["sandbox", "trigger", "order.acepted", "1"], "order.accepted"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_a_mistyped_command_gets_a_suggestion_in_one_line(cafe: Any, typo: list[str], suggestion: str) -> None:
    line = assert_one_line(cafe.run(*typo), 2, suggestion)
    assert line.startswith("error: ")


def test_a_mistyped_item_gets_a_suggestion(cafe: Any) -> None:
    line = assert_one_line(cafe.run("order", "send", "--item", "Lattte L", "--phone", PHONE, "--dry-run"), 2)
    assert "unknown item 'Lattte L'; did you mean 'Latte L' (LAT-L)" in line
    assert cafe.sandbox.state.doc["orders"] == []
