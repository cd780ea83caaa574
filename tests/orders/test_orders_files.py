"""The order batch file reader: CSV and JSON, every bad row reported, never a traceback."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from poster_cli.errors import InputFileError, UsageError
from poster_cli.orders.build import ItemRequest, parse_item_arg
from poster_cli.orders.files import parse_batch


def test_csv_rows_with_the_same_order_id_form_one_order() -> None:
    text = (
        "order_id;phone;item;count;paid;comment\n"
        "A-1;+380501234567;EV;2;yes;ring twice\n"
        "A-2;0501234567;Latte L;1;;\n"
        "A-1;;poster:139/147;0,5;;\n"
    )
    batch = parse_batch(("\ufeff" + text).encode("utf-8"), "o.csv")
    assert batch.problems == []
    a1, a2 = batch.orders
    assert (a1.order_id, a1.phone, a1.paid, a1.comment, a1.line) == ("A-1", "+380501234567", True, "ring twice", 2)
    assert [(i.item, i.count, i.line) for i in a1.items] == [
        ("EV", Decimal(2), 2),
        ("poster:139/147", Decimal("0.5"), 4),
    ]
    assert a2.paid is False and a2.items[0].count == 1


def test_cp1251_csv_is_read() -> None:
    text = "order_id,phone,item,count,first_name\nA-1,+380501234567,EV,1,Олена\n"
    batch = parse_batch(text.encode("cp1251"), "o.csv")
    assert batch.orders[0].first_name == "Олена"


def test_every_bad_row_is_reported_with_its_line() -> None:
    text = (
        "order_id,phone,item,count,paid,spot_id\n"
        "A-1,+380501234567,EV,two,,\n"  # 2: bad count
        ",+380501234567,EV,1,,\n"  # 3: no order id
        "A-2,+380501234567,EV,1,maybe,\n"  # 4: bad paid
        "A-3,+380501234567,,1,,x\n"  # 5: no item, bad spot
        "A-4,+380501234567,EV,1,,\n"  # 6: fine
        "A-4,+380509999999,EV,1,,\n"  # 7: phone disagrees with line 6
        "A-5,+380501234567,EV,1,,\n"  # 8: fine
    )
    batch = parse_batch(text.encode(), "o.csv")
    got = sorted(str(p) for p in batch.problems)
    assert got == sorted(
        [
            "o.csv:2: count 'two' is not a number",
            "o.csv:3: no order_id",
            "o.csv:4: paid 'maybe' is not yes/no",
            "o.csv:5: no item",
            "o.csv:5: spot_id 'x' is not a whole number",
            "o.csv:7: phone '+380509999999' differs from '+380501234567' on line 6",
        ]
    )
    assert [o.order_id for o in batch.orders] == ["A-5"]
    assert batch.bad_order_ids == {"A-1", "A-2", "A-3", "A-4"}


def test_csv_without_the_needed_columns_is_one_clear_error() -> None:
    with pytest.raises(InputFileError, match=r"o.csv:1: no order_id or item column \(found: name, qty\)"):
        parse_batch(b"name,qty\nx,1\n", "o.csv")


def test_json_orders() -> None:
    data = [
        {
            "order_id": "J-1",
            "phone": "+380501234567",
            "items": [{"item": "EV", "count": 2}, "poster:138"],
            "paid": True,
        },
        {"order_id": 7, "client_id": 55, "items": [{"item": "CHEESE", "count": "0.25"}], "spot_id": 2},
        {"order_id": "J-3", "items": []},
        {"order_id": "J-1", "phone": "+380501234567", "items": ["EV"]},
        ["not", "an", "order"],
    ]
    batch = parse_batch(json.dumps(data).encode(), "o.json")
    assert [o.order_id for o in batch.orders] == ["J-1", "7"]
    j1, seven = batch.orders
    assert (
        j1.paid and [(i.item, i.count) for i in j1.items] == [("EV", 2), ("poster:138", 1)] and j1.where == "orders[0]"
    )
    assert seven.client_id == 55 and seven.spot_id == 2 and seven.items[0].count == Decimal("0.25")
    assert sorted(str(p) for p in batch.problems) == [
        "o.json orders[2]: items must be a non-empty list of {item, count}",
        "o.json orders[3]: order_id 'J-1' is also orders[0]",
        "o.json orders[4]: an order must be an object",
    ]


def test_a_header_cell_with_a_line_break_is_named_on_one_line() -> None:
    # found by the property test below: a quoted header cell may hold a line break
    with pytest.raises(InputFileError) as info:
        parse_batch(b'"\n', "o.csv", kind="csv")
    assert info.value.message == "o.csv:1: no order_id or item column (found: nothing)"
    with pytest.raises(InputFileError) as info:
        parse_batch(b'"site\norder",phone\n1,2\n', "o.csv", kind="csv")
    assert info.value.message == "o.csv:1: no order_id or item column (found: site order, phone)"


def test_json_that_is_not_a_list() -> None:
    with pytest.raises(InputFileError, match="expected a list of orders"):
        parse_batch(b'{"x": 1}', "o.json")
    with pytest.raises(InputFileError, match="o.json:1: not valid JSON"):
        parse_batch(b"[{", "o.json")


@pytest.mark.parametrize(
    ("arg", "item", "count"),
    [
        ("EV", "EV", 1),
        ("EV:3", "EV", 3),
        ("poster:138", "poster:138", 1),
        ("poster:139/147:2", "poster:139/147", 2),
        ("CHEESE:0,25", "CHEESE", Decimal("0.25")),
    ],
)
def test_item_argument(arg: str, item: str, count: Decimal) -> None:
    parsed = parse_item_arg(arg)
    assert (parsed.item, parsed.count) == (item, count)


def test_item_argument_with_a_bad_count() -> None:
    with pytest.raises(UsageError, match="must be a number"):
        parse_item_arg("EV:lots")


@pytest.mark.parametrize(
    ("arg", "why"),
    [
        ("EV:0", "must be more than 0"),
        ("EV:-1", "must be more than 0"),
        ("EV:10000.001", "is more than 10000"),
        ("EV:0.0001", "has more than 3 decimal places"),
        ("EV:NaN", "is not a number"),
        ("EV:Infinity", "is not a number"),
    ],
)
def test_item_argument_with_a_count_no_line_can_have(arg: str, why: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_item_arg(arg)
    assert str(info.value) == f"--item {arg!r}: the count after ':' {why}, e.g. L-001:2"


@pytest.mark.parametrize(
    ("arg", "item", "count"),
    [("EV:10000", "EV", Decimal(10000)), ("EV:0.001", "EV", Decimal("0.001")), ("EV:1.5000", "EV", Decimal("1.5"))],
)
def test_item_argument_counts_at_the_limits_are_taken(arg: str, item: str, count: Decimal) -> None:
    assert parse_item_arg(arg) == ItemRequest(item, count)


def test_an_item_argument_with_nothing_before_the_colon_is_the_item_itself() -> None:
    # not an empty item counted twice: the builder then names ":2" as an unknown item
    assert parse_item_arg(":2") == ItemRequest(":2")


# -- properties ---------------------------------------------------------------------------------

ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,10}", fullmatch=True)
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20).map(str.strip)
items = st.from_regex(r"(poster:[0-9]{1,4}|[A-Za-zА-Яа-яіїє0-9 _-]{1,12})", fullmatch=True).map(str.strip).filter(bool)
counts = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(999), places=3)
orders = st.dictionaries(
    ids,
    st.fixed_dictionaries(
        {
            "phone": st.from_regex(r"\+?[0-9]{10,15}", fullmatch=True),
            "paid": st.booleans(),
            "comment": texts,
            "items": st.lists(st.tuples(items, counts), min_size=1, max_size=4),
        }
    ),
    min_size=1,
    max_size=5,
)


@given(orders, st.sampled_from([",", ";"]), st.sampled_from(["utf-8", "utf-8-sig"]))
@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
def test_csv_round_trip(data: dict, delimiter: str, encoding: str) -> None:
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter)
    w.writerow(["order_id", "phone", "item", "count", "paid", "comment"])
    for oid, o in data.items():
        for n, (item, count) in enumerate(o["items"]):
            w.writerow(
                [oid, o["phone"] if n == 0 else "", item, str(count), "yes" if o["paid"] else "no", o["comment"]]
            )
    batch = parse_batch(out.getvalue().encode(encoding), "o.csv")
    assert batch.problems == []
    assert {o.order_id for o in batch.orders} == set(data)
    for got in batch.orders:
        want = data[got.order_id]
        assert (got.phone, got.paid, got.comment or "") == (want["phone"], want["paid"], want["comment"])
        assert [(i.item, i.count) for i in got.items] == [(i, c) for i, c in want["items"]]


@given(orders)
@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
def test_json_round_trip(data: dict) -> None:
    doc = [
        {
            "order_id": oid,
            "phone": o["phone"],
            "paid": o["paid"],
            "comment": o["comment"],
            "items": [{"item": i, "count": str(c)} for i, c in o["items"]],
        }
        for oid, o in data.items()
    ]
    batch = parse_batch(json.dumps({"orders": doc}, ensure_ascii=False).encode(), "o.json")
    assert batch.problems == []
    assert [o.order_id for o in batch.orders] == list(data)
    for got in batch.orders:
        assert [(i.item, i.count) for i in got.items] == [(i, c) for i, c in data[got.order_id]["items"]]


@given(st.binary(max_size=300), st.sampled_from(["csv", "json", ""]))
@settings(max_examples=200)
def test_any_bytes_give_orders_problems_or_one_clear_error(data: bytes, kind: str) -> None:
    try:
        batch = parse_batch(data, "o." + (kind or "txt"), kind=kind)
    except InputFileError as err:
        assert str(err).startswith("o.") and "\n" not in str(err).strip()
        return
    for p in batch.problems:
        assert p.where.startswith("o.") and p.message


@given(st.lists(st.lists(st.text(max_size=8), max_size=6), max_size=8))
@settings(max_examples=100)
def test_any_csv_table_under_a_good_header_never_crashes(rows: list) -> None:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["order_id", "phone", "item", "count", "paid", "spot_id", "client_id"])
    w.writerows(rows)
    batch = parse_batch(out.getvalue().encode("utf-8", errors="replace"), "o.csv", kind="csv")
    seen = {o.order_id for o in batch.orders}
    assert not seen & batch.bad_order_ids  # an order with a problem is never sent
