"""What the order builder decides, as `order send` and `order batch` show it against the sandbox's
demo café: the one line of a refused order and its exit code, each bad row of a file, and the
order the sandbox itself holds afterwards (its own state is the oracle). Prices of the demo café
(spot 1): Espresso 45.00, Americano small 50.00, Syrnyky 145.00 + condensed milk 15.00."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.cli import AMERICANO_S_LINK, ESPRESSO_LINK, FAST, PHONE, pulled_with_mapping, sandbox_orders

LINKS = [
    ESPRESSO_LINK,
    AMERICANO_S_LINK,
    {
        "local_id": "SYR",
        "local_name": "Syrnyky",
        "status": "manual",
        "product_id": 141,
        "dish_modifications": [{"m": 2002, "a": 1}],
    },
    {
        "local_id": "SYR-2",
        "local_name": "Syrnyky, two sauces",
        "status": "manual",
        "product_id": 141,
        "dish_modifications": [{"m": 2001, "a": 1}, {"m": 2002, "a": 1}],
    },
]


@pytest.fixture
def env(cli_env: Any) -> Any:
    return pulled_with_mapping(cli_env, LINKS)


def products(order: dict[str, Any]) -> list[tuple[int, int | None, list[dict[str, int]], str]]:
    return [(p["product_id"], p["modificator_id"], p["modification"], p["count"]) for p in order["products"]]


def test_a_refused_order_is_one_line_with_every_problem_and_exit_2(env: Any) -> None:
    r = env.run(
        "order", "send", "-i", " ", "-i", "poster:abc", "-i", "SYR-2", "--client-id", "0", "--order-id", "W-1", "--yes"
    )
    assert r.exit_code == 2
    assert r.stderr == (
        "error: order W-1 cannot be sent: client id 0 must be a positive number; an item is empty;"
        " 'poster:abc': write poster:PRODUCT_ID or poster:PRODUCT_ID/MODIFICATOR_ID;"
        " SYR-2: 'Соус' allows at most 1 choices, got 2\n"
    )
    assert r.stdout == ""
    assert env.sandbox.state.doc["orders"] == []


def test_lines_named_several_ways_reach_poster_as_one_line_each(env: Any) -> None:
    r = env.run(
        "order",
        "send",
        *("-i", "ESP", "-i", "espresso:2", "-i", "SYR", "-i", "AMER-S", "-i", "americano small"),
        *("--client-id", "1", "--order-id", "W-2", "--yes", "--json"),
        env=FAST,
    )
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert (doc["outcome"], doc["total"], doc["currency"], doc["paid"]) == ("sent", 39500, "UAH", False)
    [held] = sandbox_orders(env, "W-2")
    assert (held["client_id"], held["phone"], held["total"], held["payment"]) == (1, None, 39500, None)
    assert products(held) == [
        (101, None, [], "3"),
        (141, None, [{"m": 2002, "a": 1}], "1"),
        (103, 1001, [], "2"),
    ]


def test_a_batch_names_each_bad_order_at_its_line_and_sends_the_good_one(env: Any) -> None:
    path = env.data_dir / "orders.csv"
    path.write_text(
        "order_id,phone,client_id,item,count\n"
        f"B-1,{PHONE},,poster:abc,1\n"
        "B-2,,,ESP,1\n"
        f"B-3,{PHONE},,ESP,1\n"
        "B-3,,,Espresso,2\n"
        ",,,,\n"
        "B-4,,0,ESP,1\n",
        encoding="utf-8",
    )
    r = env.run("order", "batch", str(path), "--yes", env=FAST)
    assert r.exit_code == 3
    assert r.stderr.splitlines()[:4] == [
        "error: orders.csv:2: 'poster:abc': write poster:PRODUCT_ID or poster:PRODUCT_ID/MODIFICATOR_ID",
        "error: orders.csv:3: no phone and no client id: Poster needs one of them",
        "error: orders.csv:7: client id 0 must be a positive number",
        "3 order(s) invalid; 1 valid order(s) will be sent.",
    ]
    assert [o["comment"] for o in env.sandbox.state.doc["orders"]] == ["Site order #B-3"]
    [held] = sandbox_orders(env, "B-3")
    assert (held["phone"], held["total"]) == (PHONE, 13500)
    assert products(held) == [(101, None, [], "3")]
