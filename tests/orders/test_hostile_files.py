"""Hostile order files: a 1 MB value, JSON nested 30,000 deep, counts like 1e999999. Each bad row is
reported and the rest are sent; a file that cannot be an order file is exit 2 with one line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

FAST = {"POSTER_CLI_LOOKUP_DELAYS": "0,0", "POSTER_RATE_LIMIT": "0"}
PHONE = "+380501234567"


@pytest.fixture
def env(cli_env: Any) -> Any:
    assert cli_env.run("pull").exit_code == 0
    return cli_env


def sent_ids(env: Any) -> list[str]:
    """Site order ids of the orders the sandbox holds, read from its state (not from our output)."""
    return sorted(o["comment"].split("#", 1)[1].split()[0] for o in env.sandbox.state.doc["orders"])


def test_a_csv_with_a_megabyte_value_and_absurd_counts_sends_the_good_rows(env: Any, tmp_path: Path) -> None:
    f = tmp_path / "orders.csv"
    rows = [
        "order_id,phone,item,count,comment",
        f"H-1,{PHONE},poster:101,1,",
        f"H-2,{PHONE},poster:101,1,{'x' * 1_000_000}",
        f"H-3,{PHONE},poster:101,1e999999,",
        f"H-4,{PHONE},poster:101,{'9' * 5000},",
        f"H-5,{PHONE},poster:101,2,",
    ]
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = env.run("order", "batch", str(f), "--json", env=FAST)
    assert r.exit_code == 3, r.stderr
    doc = json.loads(r.stdout)
    assert sorted(s["order_id"] for s in doc["sent"]) == ["H-1", "H-5"]
    assert sorted(x["order_id"] for x in doc["failed"]) == ["H-2", "H-3", "H-4"]
    assert "orders.csv:3: a value of 1000000 characters" in r.stderr
    assert "orders.csv:4: count '1e999999' is more than 10000" in r.stderr
    assert "orders.csv:5: count '9999" in r.stderr
    assert "unexpected" not in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr) < 5000  # the megabyte is not echoed back
    assert sent_ids(env) == ["H-1", "H-5"]


def test_json_orders_with_hostile_values_are_each_reported_and_the_rest_sent(env: Any, tmp_path: Path) -> None:
    f = tmp_path / "orders.json"
    good = {"phone": PHONE, "items": [{"item": "poster:101", "count": 1}]}
    text = json.dumps(
        [
            {"order_id": "J-1", **good},
            {"order_id": "J-2", **good, "comment": "y" * 1_000_000},
            {"order_id": "J-3", "phone": PHONE, "items": [{"item": "poster:101", "count": "1e999999"}]},
            {"order_id": "J-4", "phone": PHONE, "items": [{"item": "poster:101", "count": 0.0001}]},
            {"order_id": "J-5", **good},
        ]
    ).replace('"1e999999"', "1e999999")  # a JSON number, as a hostile file would write it
    f.write_text(text, encoding="utf-8")
    r = env.run("order", "batch", str(f), "--json", env=FAST)
    assert r.exit_code == 3, r.stderr
    doc = json.loads(r.stdout)
    assert sorted(s["order_id"] for s in doc["sent"]) == ["J-1", "J-5"]
    assert "orders[1]: comment has 1000000 characters" in r.stderr
    assert "orders[2].items[0]: count" in r.stderr and "orders[3].items[0]: count" in r.stderr
    assert "unexpected" not in r.stderr and "Traceback" not in r.stderr
    assert sent_ids(env) == ["J-1", "J-5"]


@pytest.mark.parametrize(
    "content",
    [
        "[" * 30_000 + "]" * 30_000,
        '[{"order_id": "D-1", "items": ' + "[" * 30_000 + "]" * 30_000 + "}]",
        '[{"order_id": "D-1", "items": [{"item": "poster:101", "count": ' + "9" * 5000 + "}]}]",
    ],
)
def test_a_file_that_cannot_be_an_order_file_is_exit_2_with_one_line(env: Any, tmp_path: Path, content: str) -> None:
    f = tmp_path / "orders.json"
    f.write_text(content, encoding="utf-8")
    r = env.run("order", "batch", str(f), env=FAST)
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith((f"error: {f.name}: ", f"error: {f}: "))
    assert env.sandbox.state.doc["orders"] == []


def test_a_utf8_file_with_one_cp1251_row_is_refused_naming_that_line(env: Any, tmp_path: Path) -> None:
    f = tmp_path / "orders.csv"
    good = f"E-1,{PHONE},poster:101,1,Без цибулі\n".encode()
    bad = f"E-2,{PHONE},poster:101,1,Без цукру\n".encode("cp1251")
    f.write_bytes(b"order_id,phone,item,count,comment\n" + good + bad + good.replace(b"E-1", b"E-3"))
    r = env.run("order", "batch", str(f), env=FAST)
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: orders.csv:3: ") and "not UTF-8" in lines[0]
    assert env.sandbox.state.doc["orders"] == []  # nothing sent with garbled names


def test_a_whole_cp1251_file_is_still_read(env: Any, tmp_path: Path) -> None:
    f = tmp_path / "orders.csv"
    f.write_bytes(f"order_id,phone,item,count,comment\nC-1,{PHONE},poster:101,1,Без цукру\n".encode("cp1251"))
    r = env.run("order", "batch", str(f), env=FAST)
    assert r.exit_code == 0, r.stderr
    assert [o["comment"] for o in env.sandbox.state.doc["orders"] if "Без цукру" in o["comment"]]


def test_a_row_with_more_values_than_columns_is_reported_and_its_order_not_sent(env: Any, tmp_path: Path) -> None:
    # an unquoted comma in a comment: sending "no onions" without " please" would be a guess
    f = tmp_path / "orders.csv"
    rows = [
        "order_id,phone,item,count,comment",
        f"V-1,{PHONE},poster:101,1,no onions, please",
        f"V-2,{PHONE},poster:101,1,",
        f"V-3,{PHONE},{'x' * 10_001},1,",
    ]
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = env.run("order", "batch", str(f), "--json", env=FAST)
    assert r.exit_code == 3, r.stderr
    doc = json.loads(r.stdout)
    assert [s["order_id"] for s in doc["sent"]] == ["V-2"]
    assert [x["order_id"] for x in doc["failed"]] == ["V-1", "V-3"]
    assert "orders.csv:2: 6 values but 5 columns" in r.stderr
    assert "orders.csv:4: a value of 10001 characters (at most 10000)" in r.stderr
    assert sent_ids(env) == ["V-2"]
