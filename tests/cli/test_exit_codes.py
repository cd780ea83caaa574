"""The exit code table of design.md, command by command: 0 done, 1 failed (network, API,
unexpected), 2 bad usage or bad input, 3 done but needs attention, 4 authentication, 130
interrupted. Every failure is one line on stderr without a traceback; ``--debug`` adds the
traceback.

The helpers here (``cafe``, ``offline``, ``assert_one_line``) are shared by the other
contract tests (bad inputs, golden JSON, terminal, redaction).
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest
import typer

from tests.support.cli import PHONE, REJECTED_TOKEN, assert_attention, assert_one_line, closed_url, offline

# -- 0: done ------------------------------------------------------------------------------------

OK_COMMANDS = [
    ("pull",),
    ("doctor",),
    ("menu", "show", "--search", "Еспресо"),
    ("match", "site.csv", "--mapping", "site-mapping.toml"),
    ("mapping", "show"),
    ("mapping", "check"),
    ("mapping", "push", "--dry-run"),
    ("sync",),
    ("order", "send", "-i", "ESP", "--phone", PHONE, "--dry-run"),
    ("order", "send", "-i", "ESP", "--phone", PHONE, "--order-id", "OK-1", "--yes"),
    ("order", "batch", "orders.csv"),
    ("order", "batch", "orders.csv", "--dry-run"),
    ("order", "list"),
    ("webhooks", "list"),
    ("sandbox", "faults"),
]


def decide_unmatched(cafe: Any) -> None:
    """The café's mapping with its unmatched site item decided (no match): `sync` counts the
    mapping's unmatched items (exit 3) even without --catalogue."""
    path = cafe.data_dir / "mapping.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('"unmatched"', '"ignored"'), encoding="utf-8")


@pytest.mark.parametrize("args", OK_COMMANDS, ids=" ".join)
def test_exit_0_when_done(cafe: Any, args: tuple[str, ...]) -> None:
    if args == ("sync",):
        decide_unmatched(cafe)
    result = cafe.run(*args)
    assert result.exit_code == 0, result.stderr
    assert "error:" not in result.stderr and "Traceback" not in result.stderr


def test_exit_0_for_init_login_status_and_trigger(cafe: Any) -> None:
    assert cafe.run("init", "--local").exit_code == 0
    assert cafe.run("login", "--local", "--no-check", input=cafe.sandbox.token + "\n").exit_code == 0
    sent = cafe.run("order", "send", "-i", "ESP", "--phone", PHONE, "--order-id", "S-1", "--yes")
    assert sent.exit_code == 0, sent.stderr
    assert cafe.run("order", "status", "S-1").exit_code == 0
    poster_id = cafe.sandbox.state.doc["orders"][0]["incoming_order_id"]
    assert cafe.run("sandbox", "trigger", "order.accepted", str(poster_id)).exit_code == 0
    watched = cafe.run("order", "watch", "S-1", "--timeout", "5")
    assert watched.exit_code == 0, watched.stderr


# -- 1: failed (network down) -------------------------------------------------------------------

NETWORK_COMMANDS = [
    (("pull",), "no answer from Poster for menu.getProducts: ConnectError"),
    (("sync",), "no answer from Poster for menu.getProducts: ConnectError"),
    (("init", "--local"), "no answer from Poster for access.getSpots: ConnectError"),
    (("order", "status", "1001"), "no answer from Poster for incomingOrders.getIncomingOrder: ConnectError"),
    (("sandbox", "trigger", "order.accepted", "1"), "no sandbox at http://127.0.0.1:"),
]


@pytest.mark.parametrize("args,says", NETWORK_COMMANDS, ids=[" ".join(a) for a, _ in NETWORK_COMMANDS])
def test_exit_1_with_one_line_when_poster_is_unreachable(cafe: Any, args: tuple[str, ...], says: str) -> None:
    before = (cafe.data_dir / "menu.json").read_bytes()
    line = assert_one_line(offline(cafe, *args), 1)
    assert line.startswith("error: " + says), line
    assert (cafe.data_dir / "menu.json").read_bytes() == before  # nothing half-written


def test_login_and_doctor_exit_1_when_poster_is_unreachable(cafe: Any) -> None:
    assert_one_line(offline(cafe, "login", "--local", input=cafe.sandbox.token + "\n"), 1, "no answer")
    doctor = offline(cafe, "doctor")
    assert doctor.exit_code == 1 and "FAIL api" in doctor.stdout and "Traceback" not in doctor.stderr


def test_webhooks_test_exits_1_when_the_receiver_is_down(cafe: Any) -> None:
    result = cafe.run(
        "webhooks", "test", "--url", closed_url().replace("/api", "/webhook"), env={"POSTER_APP_SECRET": "s"}
    )
    assert_one_line(result, 1, "cannot reach", "webhooks serve")


def test_order_send_and_batch_to_a_dead_server_exit_1_with_one_line(cafe: Any) -> None:
    # Poster unreachable is a network failure (exit 1, as the table says), for one order or a file;
    # nothing is reported as sent, and the order goes once Poster is back.
    line = assert_one_line(offline(cafe, "order", "send", "-i", "ESP", "--phone", PHONE, "--order-id", "N-1"), 1)
    assert "ConnectError" in line and "nothing was sent" in line
    line = assert_one_line(offline(cafe, "order", "batch", "orders.csv", "--json"), 1)
    assert "ConnectError" in line and "nothing was sent" in line
    back = cafe.run("order", "send", "-i", "ESP", "--phone", PHONE, "--order-id", "N-1", "--yes")
    assert back.exit_code == 0, back.stderr
    assert len(cafe.sandbox.state.doc["orders"]) == 1


def test_order_send_whose_post_cannot_connect_exits_1(cafe: Any) -> None:
    # Poster answered the check before sending, then the connection for the order itself failed
    # before the request left: still a network failure, and nothing is in Poster.
    import httpx

    inner = cafe.sandbox.transport

    class RefusePosts(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("createIncomingOrder"):
                raise httpx.ConnectError("connection refused", request=request)
            return await inner.handle_async_request(request)

    cafe.sandbox.transport = RefusePosts()
    try:
        result = cafe.run("order", "send", "-i", "ESP", "--phone", PHONE, "--order-id", "N-2", "--yes")
    finally:
        cafe.sandbox.transport = inner
    assert result.exit_code == 1, result.stderr
    assert "ConnectError" in result.stderr and "Traceback" not in result.stderr
    assert cafe.sandbox.state.doc["orders"] == []


# -- 2: bad usage, bad input file, broken config ----------------------------------------------

BAD_USAGE = [
    (("pull", "--bogus"), "--bogus"),
    (("order", "batch", "orders.csv", "--concurrency", "0"), "--concurrency"),
    (("match",), "catalogue"),
    (("menu", "show", "--menu", "nothere.json"), "nothere.json"),
    (("match", "nothere.csv"), "nothere.csv"),
    (("order", "batch", "nothere.csv"), "nothere.csv"),
    (("mapping", "show", "--status", "great"), "great"),
    (("mapping", "show", "--mapping", "nothere.toml"), "nothere.toml"),
    (("mapping", "pull"), "--force"),
    (("sync", "--attention", "loud"), "--attention"),
    (("order", "send", "-i", "ESP:abc", "--phone", PHONE), "ESP:abc"),
    (("order", "send", "-i", "ESP", "--phone", PHONE), "--yes"),  # a live account, nobody to confirm
    (("order", "list", "--status", "lost"), "lost"),
    (("order", "status", "NOPE-1"), "NOPE-1"),
    (("webhooks", "list", "--since", "someday"), "someday"),
    (("webhooks", "test"), "POSTER_APP_SECRET"),
    (("sandbox", "trigger", "order.acepted", "1"), "order.accepted"),
    (("init", "--local", "--no-input"), ""),  # init --local twice: the file exists
]


@pytest.mark.parametrize("args,word", BAD_USAGE, ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_exit_2_with_one_line_for_bad_usage(cafe: Any, args: tuple[str, ...], word: str) -> None:
    if args[0] == "init":
        assert cafe.run("init", "--local").exit_code == 0
    assert_one_line(cafe.run(*args), 2, word)


@pytest.mark.parametrize(
    "config,word",
    [
        ("token = \n", "line 1"),
        ('rate_limit = "fast"\n', "rate_limit"),
        ("timeout = \"soon\"\n", "timeout"),
        ("[profiles\n", "line 1"),
    ],
)
def test_exit_2_for_a_broken_config(cafe: Any, config: str, word: str) -> None:
    Path("broken.toml").write_text(config, encoding="utf-8")
    for args in (("pull",), ("doctor",), ("sync",), ("menu", "show")):
        result = cafe.run("--config", "broken.toml", *args, env={"POSTER_RATE_LIMIT": None})
        assert_one_line(result, 2, "broken.toml", word)


def test_exit_2_for_a_bad_setting_in_the_environment(cafe: Any) -> None:
    assert_one_line(cafe.run("pull", env={"POSTER_SPOT_ID": "first"}), 2, "POSTER_SPOT_ID")
    assert_one_line(cafe.run("--config", "none.toml", "pull"), 2, "none.toml", "poster-cli init")


# -- 3: done, but needs attention --------------------------------------------------------------


def test_exit_3_for_match_with_unmatched_items(cafe: Any) -> None:
    result = cafe.run("match", "unmatched.csv", "--mapping", "m.toml")
    assert_attention(result)
    assert result.stderr.strip().splitlines()[-1].startswith("attention: 1 site item")


def test_exit_3_for_mapping_check_with_a_broken_link(cafe: Any) -> None:
    cafe.sandbox.trigger("product.removed", "101")
    assert cafe.run("pull").exit_code == 0
    result = cafe.run("mapping", "check")
    assert_attention(result)
    assert "ESP (Espresso) → 101" in result.stderr and "attention: 1 of" in result.stderr


def test_exit_3_for_sync_with_drift(cafe: Any) -> None:
    decide_unmatched(cafe)
    assert cafe.run("sync").exit_code == 0  # the first sync records the menu
    cafe.sandbox.trigger("product.price", "101", "50")
    result = cafe.run("sync")
    assert_attention(result)
    assert "~ 101" in result.stdout
    assert cafe.run("sync").exit_code == 0  # nothing new since


def test_exit_3_for_order_batch_with_an_invalid_order(cafe: Any) -> None:
    result = cafe.run("order", "batch", "one-bad.csv")
    assert_attention(result)
    assert "one-bad.csv:5: unknown item 'Expresso'" in result.stderr
    assert len(cafe.sandbox.state.doc["orders"]) == 2  # the valid ones were still sent


def test_exit_3_for_menu_diff_with_changes(cafe: Any) -> None:
    old = cafe.data_dir / "old-menu.json"
    old.write_bytes((cafe.data_dir / "menu.json").read_bytes())
    cafe.sandbox.trigger("product.renamed", "102", "Доппіо")
    assert cafe.run("pull").exit_code == 0
    result = cafe.run("menu", "diff", str(old), str(cafe.data_dir / "menu.json"))
    assert_attention(result)


def test_exit_3_when_the_cashier_declines_a_watched_order(cafe: Any) -> None:
    assert cafe.run("order", "send", "-i", "ESP", "--phone", PHONE, "--order-id", "D-1", "--yes").exit_code == 0
    cafe.sandbox.trigger("order.declined", str(cafe.sandbox.state.doc["orders"][0]["incoming_order_id"]))
    assert_attention(cafe.run("order", "watch", "D-1", "--timeout", "5"))


# -- 4: authentication --------------------------------------------------------------------------

AUTH_COMMANDS = [
    ("pull",),
    ("sync",),
    ("init", "--local"),
    ("order", "send", "-i", "ESP", "--phone", PHONE, "--order-id", "A-1", "--yes"),
    ("order", "status", "1001"),
    ("sandbox", "trigger", "order.accepted", "1"),
]


@pytest.mark.parametrize("args", AUTH_COMMANDS, ids=" ".join)
def test_exit_4_for_a_rejected_token(cafe: Any, args: tuple[str, ...]) -> None:
    assert_one_line(cafe.run(*args, env={"POSTER_TOKEN": REJECTED_TOKEN}), 4, "token")


@pytest.mark.parametrize(
    "args",
    [("pull",), ("sync",), ("order", "status", "1001"), ("order", "send", "-i", "ESP", "--phone", PHONE, "--yes")],
    ids=" ".join,
)
def test_exit_4_without_a_token(cafe: Any, args: tuple[str, ...]) -> None:
    assert_one_line(cafe.run(*args, env={"POSTER_TOKEN": None}), 4, "poster-cli login")


def test_exit_4_for_login_and_doctor_with_a_rejected_token(cafe: Any) -> None:
    assert_one_line(cafe.run("login", "--local", input=REJECTED_TOKEN + "\n"), 4, "error 11")
    assert not Path("poster-cli.toml").exists()  # a refused token is not saved
    doctor = cafe.run("doctor", env={"POSTER_TOKEN": None})
    assert doctor.exit_code == 4 and "FAIL token" in doctor.stdout and "Traceback" not in doctor.stderr


# -- 130: interrupted; unexpected errors; --debug ---------------------------------------------


def interrupt(*_args: Any, **_kwargs: Any) -> Any:
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    "target,args",
    [
        ("poster_cli.menu.fetch_snapshot", ("pull",)),
        ("poster_cli.mapping_sync.run_match", ("match", "site.csv")),
        ("poster_cli.orders.batch.run_batch", ("order", "batch", "orders.csv")),
        ("poster_cli.drift.run_sync", ("sync",)),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else v.rsplit(".", 1)[-1],
)
def test_ctrl_c_inside_the_core_exits_130_with_one_line(
    cafe: Any, monkeypatch: pytest.MonkeyPatch, target: str, args: tuple[str, ...]
) -> None:
    mapping = (cafe.data_dir / "mapping.toml").read_bytes()
    monkeypatch.setattr(target, interrupt)
    assert_one_line(cafe.run(*args), 130, "interrupted")
    assert (cafe.data_dir / "mapping.toml").read_bytes() == mapping


def test_an_unexpected_error_is_exit_1_one_line_and_a_traceback_only_with_debug(
    cafe: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("poster_cli.menu_view.select_products", broken)
    assert_one_line(cafe.run("menu", "show"), 1, "unexpected RuntimeError: disk on fire", "--debug")
    debug = cafe.run("--debug", "menu", "show")
    assert debug.exit_code == 1
    assert "Traceback (most recent call last)" in debug.stderr and "select_products" in debug.stderr
    assert debug.stderr.strip().splitlines()[-1].startswith("error: unexpected RuntimeError")


@pytest.mark.parametrize(
    "args,env,code",
    [
        (("menu", "show", "--menu", "nothere.json"), {}, 2),
        (("pull",), {"POSTER_TOKEN": REJECTED_TOKEN}, 4),
    ],
    ids=["usage", "auth"],
)
def test_debug_shows_the_traceback_and_keeps_the_exit_code(
    cafe: Any, args: tuple[str, ...], env: dict[str, str], code: int
) -> None:
    plain = cafe.run(*args, env=env)
    debug = cafe.run("--debug", *args, env=env)
    assert plain.exit_code == debug.exit_code == code
    assert "Traceback" not in plain.stderr and "Traceback (most recent call last)" in debug.stderr
    assert debug.stderr.strip().splitlines()[-1] == plain.stderr.strip().splitlines()[-1]


def test_debug_shows_no_traceback_for_exit_3_a_normal_outcome(cafe: Any) -> None:
    """Issue 13 item 10: "needs attention" is what the command found, not a failure of the tool."""
    args = ("match", "unmatched.csv", "--mapping", "m.toml")
    plain = cafe.run(*args)
    debug = cafe.run("--debug", *args)
    assert plain.exit_code == debug.exit_code == 3
    assert "Traceback" not in debug.stderr
    assert debug.stderr.strip().splitlines()[-1] == plain.stderr.strip().splitlines()[-1]


# -- every Example line in --help parses ---------------------------------------------------------


def _examples() -> list[str]:
    from poster_cli.cli.main import app

    found: list[str] = []

    def walk(command: Any, ctx: Any) -> None:
        for line in (command.help or "").splitlines():
            if "Example:" in line:
                found.append(line.split("Example:", 1)[1].strip())
        if hasattr(command, "list_commands"):  # a group, maybe loading its commands lazily
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                walk(sub, sub.context_class(sub, info_name=name, parent=ctx))

    root = typer.main.get_command(app)
    walk(root, root.context_class(root, info_name="poster-cli"))
    assert len(found) > 20, found  # every command has one (tests/cli/test_help.py)
    return found


def _invocations(example: str) -> list[list[str]]:
    """``A=1 poster-cli pull && poster-cli match x.csv < in.txt`` -> [["pull"], ["match", "x.csv"]]."""
    runs = []
    for part in example.split("&&"):
        words = shlex.split(part)
        if "poster-cli" not in words:
            continue
        words = words[words.index("poster-cli") + 1 :]
        if "<" in words:
            words = words[: words.index("<")]
        runs.append(words)
    return runs


@pytest.mark.parametrize("example", _examples())
def test_every_help_example_is_a_valid_command_line(example: str) -> None:
    """Parsing stops at the trailing --help, so this checks the flags without running anything."""
    from typer.testing import CliRunner

    from poster_cli.cli.main import app

    for words in _invocations(example):
        result = CliRunner().invoke(app, [*words, "--help"])
        assert result.exit_code == 0, f"`poster-cli {' '.join(words)}` from the help does not parse: {result.output}"
