"""`poster-cli order ...` through CliRunner against the in-process sandbox (TTY and non-TTY)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import AMERICANO_S_LINK, ESPRESSO_LINK, FAST, PHONE, pulled_with_mapping, sandbox_orders

LINKS = [
    ESPRESSO_LINK,
    AMERICANO_S_LINK,
    {
        "local_id": "SYR",
        "local_name": "Syrnyky with condensed milk",
        "status": "manual",
        "product_id": 141,
        "dish_modifications": [{"m": 2002, "a": 1}, {"m": 2004, "a": 1}],
    },
    {"local_id": "BEANS", "local_name": "Coffee beans", "status": "confirmed", "product_id": 109},
]


@pytest.fixture
def env(cli_env: Any) -> Any:
    return pulled_with_mapping(cli_env, LINKS)


def test_dry_run_prints_the_exact_body_and_never_the_token(env: Any) -> None:
    r = env.run(
        "order",
        "send",
        "-i",
        "ESP:2",
        "-i",
        "SYR",
        "-i",
        "Espresso",
        "--phone",
        PHONE,
        "--paid",
        "--order-id",
        "W-1",
        "--comment",
        "no sugar",
        "--dry-run",
        "--json",
    )
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["body"] == {
        "spot_id": 1,
        "phone": PHONE,
        "comment": "Site order #W-1\nno sugar",
        "products": [
            {"product_id": 101, "count": 3},
            {"product_id": 141, "modification": '[{"m":2002,"a":1},{"m":2004,"a":1}]', "count": 1},
        ],
        "payment": {"type": 1, "sum": 3 * 4500 + 14500 + 1500 + 4500, "currency": "UAH"},
    }
    assert env.sandbox.token not in r.stdout + r.stderr
    assert env.sandbox.state.doc["orders"] == []


def test_live_account_without_a_terminal_needs_yes(env: Any) -> None:
    r = env.run("order", "send", "-i", "ESP", "--phone", PHONE, "--order-id", "W-2")
    assert r.exit_code == 2 and "--yes" in r.stderr and "\n" not in r.stderr.strip()
    assert sandbox_orders(env, "W-2") == []


def test_at_a_terminal_it_asks_first(env: Any) -> None:
    tty = {"POSTER_CLI_TTY": "1"}
    r = env.run("order", "send", "-i", "ESP", "--phone", PHONE, "--order-id", "W-3", input="n\n", env=tty)
    assert r.exit_code == 1 and "Nothing sent" in r.stderr and sandbox_orders(env, "W-3") == []
    r = env.run("order", "send", "-i", "ESP", "--phone", PHONE, "--order-id", "W-3", input="y\n", env=tty)
    assert r.exit_code == 0, r.stderr
    assert "Sent: Poster order #" in r.stderr and len(sandbox_orders(env, "W-3")) == 1


def test_local_sandbox_needs_no_confirmation(env: Any) -> None:
    r = env.run(
        "order",
        "send",
        "-i",
        "ESP",
        "--phone",
        PHONE,
        "--order-id",
        "W-4",
        env={"POSTER_API_URL": "http://127.0.0.1:8111/api"},
    )
    assert r.exit_code == 0, r.stderr
    assert len(sandbox_orders(env, "W-4")) == 1


def test_send_twice_sends_once_and_a_changed_order_is_refused(env: Any) -> None:
    args = ["order", "send", "-i", "AMER-S:2", "--phone", PHONE, "--order-id", "W-5", "--yes", "--json"]
    first = json.loads(env.run(*args).stdout)
    assert first["outcome"] == "sent" and first["total"] == 10000 and first["poster"]["incoming_order_id"]
    again = json.loads(env.run(*args).stdout)
    assert again["outcome"] == "skipped" and again["incoming_order_id"] == first["incoming_order_id"]
    changed = env.run("order", "send", "-i", "AMER-S:3", "--phone", PHONE, "--order-id", "W-5", "--yes")
    assert changed.exit_code == 2 and "W-5 (sent, Poster #" in changed.stderr and "new id" in changed.stderr
    assert len(sandbox_orders(env, "W-5")) == 1


def test_unknown_item_is_one_line_with_a_suggestion(env: Any) -> None:
    r = env.run("order", "send", "-i", "Expresso", "--phone", "12", "--yes")
    assert r.exit_code == 2
    assert "did you mean 'Espresso' (ESP)" in r.stderr and "phone '12' has 2 digits" in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


BATCH = (
    "order_id,phone,item,count,paid,comment\n"
    "B-1,+380501234567,ESP,2,yes,\n"
    "B-1,,SYR,1,,\n"
    "B-2,+380501234568,AMER-S,1,no,to go\n"
    "B-3,+380501234569,Expresso,1,,\n"  # unknown item
    "B-4,12,ESP,1,,\n"  # bad phone
    "B-5,+380501234560,BEANS,0.25,,\n"  # weight item
)


def test_batch_sends_the_valid_orders_and_reports_every_bad_row(env: Any, tmp_path: Path) -> None:
    f = tmp_path / "orders.csv"
    f.write_text(BATCH, encoding="utf-8")
    r = env.run("order", "batch", str(f), "--json", env=FAST)
    assert r.exit_code == 3, r.stderr
    doc = json.loads(r.stdout)
    assert list(doc) == ["sent", "skipped", "failed"]
    assert sorted(s["order_id"] for s in doc["sent"]) == ["B-1", "B-2", "B-5"]
    assert all(isinstance(s["incoming_order_id"], int) for s in doc["sent"])
    assert doc["skipped"] == []
    assert [f["order_id"] for f in doc["failed"]] == ["B-3", "B-4"]
    assert "orders.csv:5: unknown item 'Expresso'" in r.stderr
    assert "orders.csv:6: phone '12' has 2 digits" in r.stderr
    b1 = sandbox_orders(env, "B-1")
    assert len(b1) == 1 and b1[0]["total"] == 2 * 4500 + 14500 + 1500 + 4500

    again = env.run("order", "batch", str(f), "--json", env=FAST)
    doc2 = json.loads(again.stdout)
    assert doc2["sent"] == [] and sorted(s["order_id"] for s in doc2["skipped"]) == ["B-1", "B-2", "B-5"]
    assert len(env.sandbox.state.doc["orders"]) == 3


def test_batch_all_good_exits_0_with_a_summary_table(env: Any, tmp_path: Path) -> None:
    f = tmp_path / "orders.json"
    f.write_text(
        json.dumps([{"order_id": f"J-{i}", "phone": PHONE, "items": [{"item": "ESP", "count": 1}]} for i in range(5)])
    )
    r = env.run("order", "batch", str(f), "--concurrency", "3", env=FAST)
    assert r.exit_code == 0, r.stderr
    assert "sent" in r.stdout and "5" in r.stdout
    assert len(env.sandbox.state.doc["orders"]) == 5


def test_batch_conflicting_ids_are_refused_before_anything_is_sent(env: Any, tmp_path: Path) -> None:
    f = tmp_path / "orders.csv"
    f.write_text("order_id,phone,item,count\nC-1,+380501234567,ESP,1\n", encoding="utf-8")
    assert env.run("order", "batch", str(f)).exit_code == 0
    f.write_text("order_id,phone,item,count\nC-1,+380501234567,ESP,2\nC-2,+380501234567,ESP,1\n", encoding="utf-8")
    r = env.run("order", "batch", str(f))
    assert r.exit_code == 2 and "C-1" in r.stderr and "different content" in r.stderr
    assert sandbox_orders(env, "C-2") == []


def test_batch_dry_run_sends_nothing(env: Any, tmp_path: Path) -> None:
    f = tmp_path / "orders.csv"
    f.write_text(BATCH, encoding="utf-8")
    r = env.run("order", "batch", str(f), "--dry-run")
    assert r.exit_code == 3
    doc = json.loads(r.stdout)
    assert [o["order_id"] for o in doc["orders"]] == ["B-1", "B-2", "B-5"]
    assert env.sandbox.state.doc["orders"] == []


def test_batch_through_dropped_connections_lands_each_order_once(env: Any, tmp_path: Path) -> None:
    f = tmp_path / "orders.csv"
    f.write_text("order_id,phone,item,count\n" + "".join(f"D-{i},+380501234567,ESP,{1 + i % 3}\n" for i in range(30)))
    env.sandbox.faults(drop_after_commit_rate=0.3, error_rate=0.1, seed=11)
    r = env.run("order", "batch", str(f), "--json", "--concurrency", "6", env=FAST)
    env.sandbox.faults_off()
    assert r.exit_code == 0, r.stderr
    assert len(json.loads(r.stdout)["sent"]) == 30
    assert all(len(sandbox_orders(env, f"D-{i}")) == 1 for i in range(30))


def test_unreadable_batch_file_is_exit_2(env: Any, tmp_path: Path) -> None:
    f = tmp_path / "orders.csv"
    f.write_text("name\nx\n", encoding="utf-8")
    r = env.run("order", "batch", str(f))
    assert r.exit_code == 2 and "orders.csv:1: no order_id or item column" in r.stderr


def test_status_list_and_watch_follow_the_cashier(env: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for oid in ("S-1", "S-2", "S-3"):
        assert env.run("order", "send", "-i", "ESP", "--phone", PHONE, "--order-id", oid, "--yes").exit_code == 0
    ids = {oid: sandbox_orders(env, oid)[0]["incoming_order_id"] for oid in ("S-1", "S-2", "S-3")}
    env.sandbox.trigger("order.accepted", ids["S-1"])
    env.sandbox.trigger("order.declined", ids["S-2"])
    env.sandbox.trigger("order.closed", ids["S-3"])

    status = json.loads(env.run("order", "status", str(ids["S-1"]), "--json").stdout)
    assert status["order_id"] == "S-1" and status["state"] == "accepted" and status["poster"]["status"] == 1

    listed = json.loads(env.run("order", "list", "--json").stdout)
    assert {e["order_id"]: e["state"] for e in listed} == {"S-1": "accepted", "S-2": "declined", "S-3": "closed"}
    only = json.loads(env.run("order", "list", "--status", "closed", "--no-refresh", "--json").stdout)
    assert [e["order_id"] for e in only] == ["S-3"]

    r = env.run("order", "watch", "S-1", "S-3", "--json")
    assert r.exit_code == 0, r.stderr
    assert "S-3: closed" in r.stderr
    r = env.run("order", "watch", "S-1", "S-2")
    assert r.exit_code == 3 and "S-2: declined" in r.stderr


def test_watch_polls_until_accepted_and_ctrl_c_exits_130(env: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    assert env.run("order", "send", "-i", "ESP", "--phone", PHONE, "--order-id", "P-1", "--yes").exit_code == 0
    poster_id = sandbox_orders(env, "P-1")[0]["incoming_order_id"]
    real_sleep = asyncio.sleep
    polls = []

    async def cashier_accepts_while_we_wait(delay: float, *a: Any) -> None:
        if delay >= 1:  # watch's own waits (the sandbox and client sleep for less)
            polls.append(delay)
        if len(polls) == 2 and delay >= 1:
            env.sandbox.trigger("order.accepted", poster_id)
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", cashier_accepts_while_we_wait)
    r = env.run("order", "watch", "P-1")
    assert r.exit_code == 0, r.stderr
    assert "P-1: sent" in r.stderr and "P-1: sent → accepted" in r.stderr
    assert polls[1] > polls[0]  # backs off while nothing changes

    assert env.run("order", "send", "-i", "ESP", "--phone", PHONE, "--order-id", "P-2", "--yes").exit_code == 0

    async def interrupted(delay: float, *a: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(asyncio, "sleep", interrupted)
    r = env.run("order", "watch", "P-2")
    assert r.exit_code == 130 and "interrupted" in r.stderr
