"""Issue 13 item 1: a batch re-run after a price change skips what was sent and sends what is new;
what the site sent decides whether an order changed, never the total from today's prices."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import ESPRESSO_LINK, FAST, pulled_with_mapping

LINKS = [
    ESPRESSO_LINK,
    {
        "local_id": "SYR",
        "local_name": "Syrnyky with condensed milk",
        "status": "manual",
        "product_id": 141,
        "dish_modifications": [{"m": 2002, "a": 1}],
    },
]
HEADER = "order_id,phone,item,count,paid,first_name\n"
FIRST = HEADER + (
    "R-1,+380501234567,ESP,2,yes,Olena\nR-1,+380501234567,SYR,1,yes,Olena\nR-2,+380931112233,ESP,1,no,Andrii\n"
)


@pytest.fixture
def env(cli_env: Any) -> Any:
    return pulled_with_mapping(cli_env, LINKS)


def sandbox_orders(env: Any, order_id: str) -> list[dict[str, Any]]:
    """The sandbox's own orders whose comment carries this site id (read from its state)."""
    marker = f"Site order #{order_id}"
    return [
        o for o in env.sandbox.state.doc["orders"] if o["comment"] == marker or o["comment"].startswith(marker + " ")
    ]


def batch(env: Any, f: Path, *extra: str) -> Any:
    return env.run("order", "batch", str(f), "--yes", "--json", *extra, env=FAST)


def test_rerun_after_a_price_change_skips_sent_orders_and_sends_the_new_one(env: Any, tmp_path: Path) -> None:
    f = tmp_path / "orders.csv"
    f.write_text(FIRST, encoding="utf-8")
    first = batch(env, f)
    assert first.exit_code == 0, first.stderr
    ids = {s["order_id"]: s["incoming_order_id"] for s in json.loads(first.stdout)["sent"]}
    assert set(ids) == {"R-1", "R-2"}
    assert sandbox_orders(env, "R-1")[0]["payment"]["sum"] == 2 * 4500 + 14500 + 1500

    env.sandbox.trigger("product.price", "101", "70")  # the cashier raises the espresso price
    assert env.run("pull").exit_code == 0
    f.write_text(FIRST + "R-3,+380671112233,ESP,1,yes,Taras\n", encoding="utf-8")
    again = batch(env, f)
    assert again.exit_code == 0, again.stderr
    doc = json.loads(again.stdout)
    assert [s["order_id"] for s in doc["sent"]] == ["R-3"]
    assert sorted((s["order_id"], s["incoming_order_id"]) for s in doc["skipped"]) == sorted(ids.items())
    assert doc["failed"] == []
    assert "different content" not in again.stderr
    assert [len(sandbox_orders(env, i)) for i in ("R-1", "R-2", "R-3")] == [1, 1, 1]
    assert sandbox_orders(env, "R-3")[0]["payment"]["sum"] == 7000  # today's price for the new order


def test_a_sent_order_is_skipped_even_when_its_item_left_the_menu(env: Any, tmp_path: Path) -> None:
    f = tmp_path / "orders.csv"
    f.write_text(FIRST, encoding="utf-8")
    assert batch(env, f).exit_code == 0
    env.sandbox.trigger("product.removed", "141")
    assert env.run("pull").exit_code == 0
    again = batch(env, f)
    assert again.exit_code == 0, again.stderr
    doc = json.loads(again.stdout)
    assert sorted(s["order_id"] for s in doc["skipped"]) == ["R-1", "R-2"]
    assert doc["sent"] == [] and doc["failed"] == []
    assert len(sandbox_orders(env, "R-1")) == 1


@pytest.mark.parametrize(
    "changed_row",
    [
        "R-2,+380931112233,ESP,2,no,Andrii\n",  # count
        "R-2,+380931112299,ESP,1,no,Andrii\n",  # phone
        "R-2,+380931112233,ESP,1,yes,Andrii\n",  # paid
        "R-2,+380931112233,SYR,1,no,Andrii\n",  # item
    ],
)
def test_what_the_site_sent_still_decides_a_real_change(env: Any, tmp_path: Path, changed_row: str) -> None:
    f = tmp_path / "orders.csv"
    f.write_text(FIRST, encoding="utf-8")
    assert batch(env, f).exit_code == 0
    env.sandbox.trigger("product.price", "101", "70")
    assert env.run("pull").exit_code == 0
    f.write_text(HEADER + FIRST.splitlines(keepends=True)[1] + FIRST.splitlines(keepends=True)[2] + changed_row)
    r = batch(env, f)
    assert r.exit_code == 2
    assert "R-2 (sent, Poster #" in r.stderr and "R-1" not in r.stderr
    assert len(sandbox_orders(env, "R-2")) == 1


def test_dry_run_after_a_price_change_counts_only_what_will_be_sent(env: Any, tmp_path: Path) -> None:
    f = tmp_path / "orders.csv"
    f.write_text(FIRST, encoding="utf-8")
    assert batch(env, f).exit_code == 0
    env.sandbox.trigger("product.price", "101", "70")
    assert env.run("pull").exit_code == 0
    f.write_text(FIRST + "R-3,+380671112233,ESP,1,yes,Taras\n", encoding="utf-8")
    dry = env.run("order", "batch", str(f), "--dry-run", "--json", env=FAST)
    assert dry.exit_code == 0, dry.stderr
    doc = json.loads(dry.stdout)
    assert [o["order_id"] for o in doc["orders"]] == ["R-3"]
    assert sorted(s["order_id"] for s in doc["skipped"]) == ["R-1", "R-2"]
