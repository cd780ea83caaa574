"""`poster-cli doctor --probe [--write] [--json]` against the sandbox in both modes: each check
says holds / does not hold / could not check; read-only unless --write, which leaves no key
behind; never an order; what it finds reaches `mapping pull`.

Oracles read the sandbox's own state (its orders, its products' extras, its time zone), never
the probe's code.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone

import pytest

from poster_cli.mapping import Mapping, MappingEntry, save_mapping
from poster_cli.poster.errors import error_for_code
from poster_cli.probe import FAILS, HOLDS, UNKNOWN, _own_orders
from tests.support.sandbox import make_sandbox

NAMES = ["token scope", "spots", "currency", "time zone", "own orders", "extras", "rate limit"]


@pytest.fixture(params=["full", "docs-minimal"])
def sandbox(request):
    return make_sandbox(mode=request.param)


def probe(cli_env, *args: str) -> tuple[int, dict]:
    result = cli_env.run("doctor", "--probe", "--json", *args)
    assert "Traceback" not in result.stderr
    return result.exit_code, json.loads(result.stdout)


def by_name(report: dict) -> dict[str, dict]:
    return {f["name"]: f for f in report["findings"]}


def extras_snapshot(sandbox) -> dict[int, dict]:
    return {p["id"]: dict(p.get("extras") or {}) for p in sandbox.state.doc["products"]}


def test_read_only_probe_checks_each_guess_and_changes_nothing(cli_env):
    before = extras_snapshot(cli_env.sandbox)
    code, report = probe(cli_env)
    found = by_name(report)
    assert list(found) == NAMES
    assert all(f["result"] in (HOLDS, FAILS, UNKNOWN) and f["checks"] and f["detail"] for f in found.values())
    assert code == 0, report
    for name in ("token scope", "spots", "currency", "own orders", "rate limit"):
        assert found[name]["result"] == HOLDS, found[name]
    assert found["time zone"]["data"]["zone"] == cli_env.sandbox.state.timezone
    assert found["time zone"]["result"] == UNKNOWN  # no closed receipt yet to compare a time with
    assert "no closed receipt" in found["time zone"]["detail"]
    assert found["extras"]["result"] == UNKNOWN  # nothing stored yet: only --write can tell
    assert found["time zone"]["assumption"] == "time-zone" and found["extras"]["assumption"] == "extras-echo"
    assert cli_env.sandbox.state.doc["orders"] == []
    assert extras_snapshot(cli_env.sandbox) == before
    assert cli_env.sandbox.token not in json.dumps(report)
    saved = json.loads((cli_env.data_dir / "probe.json").read_text("utf-8"))
    assert saved["findings"] == report["findings"]


def close_an_order(sandbox) -> int:
    body = {"spot_id": 1, "phone": "+380501234567", "products": [{"product_id": 101, "count": 1}]}
    order = sandbox.request("incomingOrders.createIncomingOrder", json=body).json()["response"]
    return sandbox.trigger("order.closed", order["incoming_order_id"]).result["transaction_id"]


def test_a_closed_receipt_shows_poster_times_are_in_the_account_zone(cli_env):
    receipt = close_an_order(cli_env.sandbox)
    code, report = probe(cli_env)
    zone = by_name(report)["time zone"]
    assert zone["result"] == HOLDS, zone
    assert zone["data"]["receipt"] == str(receipt)


@pytest.mark.parametrize("sandbox", ["full"], indirect=True)
def test_a_receipt_written_in_another_zone_than_the_settings_say_does_not_hold(cli_env):
    here = datetime.now().astimezone().utcoffset()
    # the sandbox writes receipts in this machine's time; its settings now name another zone
    cli_env.sandbox.state.doc["timezone"] = "UTC" if here else "Asia/Tokyo"
    close_an_order(cli_env.sandbox)
    code, report = probe(cli_env)
    zone = by_name(report)["time zone"]
    assert zone["result"] == FAILS, zone
    assert code == 3


def test_write_probe_sets_reads_back_and_removes_one_key(cli_env):
    code, report = probe(cli_env, "--write")
    found = by_name(report)
    mode = cli_env.sandbox.sandbox.mode
    expected = HOLDS if mode == "full" else FAILS  # docs-minimal never shows extras
    assert found["extras write"]["result"] == expected
    assert found["extras"]["result"] == expected
    assert code == (0 if mode == "full" else 3)
    pid = found["extras write"]["data"]["product_id"]
    left = cli_env.sandbox.state.product(pid)["extras"]
    assert left.get("poster_cli_probe", "") == ""  # removed again (set empty, the API has no delete)
    assert cli_env.sandbox.state.doc["orders"] == []


@pytest.mark.parametrize("sandbox", ["full"], indirect=True)
def test_a_second_write_probe_finds_the_same(cli_env):
    first = by_name(probe(cli_env, "--write")[1])
    code, report = probe(cli_env, "--write")  # the first one left its key, emptied
    again = by_name(report)
    assert code == 0, report
    assert again["extras write"]["result"] == first["extras write"]["result"] == HOLDS
    assert again["extras merge"]["result"] == first["extras merge"]["result"] == UNKNOWN  # no other key there


@pytest.mark.parametrize("sandbox", ["full"], indirect=True)  # only an account that shows extras
def test_write_probe_sees_other_keys_kept(cli_env):
    assert cli_env.run("pull").exit_code == 0
    pid = min(p["id"] for p in cli_env.sandbox.state.doc["products"] if not p.get("hidden"))
    m = Mapping()
    m.set(MappingEntry("ESP-01", "Espresso", "confirmed", product_id=pid))
    save_mapping(m, cli_env.data_dir / "mapping.toml")
    assert cli_env.run("mapping", "push", "--yes").exit_code == 0
    code, report = probe(cli_env, "--write")
    assert by_name(report)["extras merge"]["result"] == HOLDS
    assert cli_env.sandbox.state.product(pid)["extras"]["site_id"] == "ESP-01"


@pytest.mark.parametrize("sandbox", ["docs-minimal"], indirect=True)  # an account that shows no extras
def test_after_a_write_probe_mapping_pull_says_what_the_probe_found(cli_env):
    probe(cli_env, "--write")
    assert cli_env.run("pull").exit_code == 0
    result = cli_env.run("mapping", "pull")
    assert result.exit_code == 1
    assert "doctor --probe --write" in result.stderr and "found it does not" in result.stderr
    assert not (cli_env.data_dir / "mapping.toml").exists()
    m = Mapping()
    m.set(MappingEntry("ESP-01", "Espresso", "confirmed", product_id=101))
    save_mapping(m, cli_env.data_dir / "mapping.toml")
    pushed = cli_env.run("mapping", "push", "--yes")
    assert pushed.exit_code == 0
    assert "cannot read these links back" in pushed.stderr


def test_a_burst_over_the_limit_does_not_hold(cli_env):
    cli_env.sandbox.faults(rate_limit=3)
    code, report = probe(cli_env)
    rate = by_name(report)["rate limit"]
    assert rate["result"] == FAILS, rate
    assert "error 700" in rate["detail"]
    assert code == 3


@pytest.mark.parametrize("sandbox", ["full"], indirect=True)
def test_human_output_is_one_line_per_check(cli_env):
    result = cli_env.run("doctor", "--probe")
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == len(NAMES), result.stdout  # one line each, however long the detail
    for line, name in zip(lines, NAMES):
        assert line.split()[0] in ("holds", "does", "could"), line
        assert f" {name}: " in line, line


@pytest.mark.parametrize("sandbox", ["full"], indirect=True)
def test_write_needs_probe(cli_env):
    result = cli_env.run("doctor", "--write")
    assert result.exit_code == 2
    assert "--probe" in result.stderr


@pytest.mark.parametrize("sandbox", ["full"], indirect=True)
def test_a_refused_token_is_exit_4(cli_env):
    result = cli_env.run("doctor", "--probe", env={"POSTER_TOKEN": "424242:" + "0" * 32})
    assert result.exit_code == 4


class RefusingOwnOrders:
    async def call(self, method, params=None, **kwargs):
        raise error_for_code(20, "The application is not authorized to call this method", method)


def test_a_token_refused_own_orders_does_not_hold():
    found = asyncio.run(_own_orders(RefusingOwnOrders(), datetime(2026, 12, 5, tzinfo=timezone.utc)))
    assert found.result == FAILS
    assert "getIncomingOrders" in found.detail and "error 20" in found.detail


@pytest.mark.parametrize("sandbox", ["full"], indirect=True)
def test_an_unreachable_api_is_one_line_and_exit_1(cli_env, monkeypatch):
    from tests.support.cli import fast_cli, offline

    fast_cli(monkeypatch)
    result = offline(cli_env, "doctor", "--probe")
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stdout == ""
    assert not (cli_env.data_dir / "probe.json").exists()  # nothing found, nothing kept
