"""Order batch files read row by row, as `order batch` reports them: each order exactly as read (every
field, its line or place in the file), each problem with its place, its one-line message and its
order id, the columns a user is warned about, and the one-line error for a file that is no order file.
Expected orders and messages are written out by hand."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from poster_cli.errors import InputFileError
from poster_cli.orders.build import ItemRequest, OrderRequest
from poster_cli.orders.files import FileProblem, ParsedBatch, parse_batch, read_batch

PHONE = "+380501234567"


def csv_batch(*lines: str) -> ParsedBatch:
    return parse_batch(("\n".join(lines) + "\n").encode("utf-8"), "o.csv", kind="csv")


def json_batch(doc: object) -> ParsedBatch:
    return parse_batch(json.dumps(doc, ensure_ascii=False).encode("utf-8"), "o.json", kind="json")


def file_error(data: bytes, name: str = "o.csv", kind: str = "csv") -> InputFileError:
    with pytest.raises(InputFileError) as info:
        parse_batch(data, name, kind=kind)
    return info.value


# -- CSV: what an order is -----------------------------------------------------------------------


def test_a_csv_order_keeps_every_field_its_lines_give() -> None:
    batch = csv_batch(
        "order_id,item,count,phone,client_id,paid,first_name,last_name,comment,spot_id,email,address",
        f"A-1,EV,2,{PHONE},55,yes,Олена,Коваль,ring twice,2,o@example.com,Kyiv 1",
        "A-1,poster:139/147,0.5,,,,,,,,,",
    )
    assert batch.problems == [] and batch.ignored_columns == []
    assert batch.orders == [
        OrderRequest(
            order_id="A-1",
            items=[ItemRequest("EV", Decimal(2), 2), ItemRequest("poster:139/147", Decimal("0.5"), 3)],
            phone=PHONE,
            client_id=55,
            spot_id=2,
            paid=True,
            first_name="Олена",
            last_name="Коваль",
            email="o@example.com",
            address="Kyiv 1",
            comment="ring twice",
            line=2,
            source="o.csv",
        )
    ]


def test_an_order_level_value_may_come_on_any_of_its_rows_and_the_first_line_places_it() -> None:
    batch = csv_batch(
        "order_id,item,phone,comment",
        "A-1,EV,,",
        "B-1,EV,+380509999999,",
        f"A-1,Latte,{PHONE},",
        f"A-1,Tea,{PHONE},late",
    )
    assert batch.problems == []
    a1, b1 = batch.orders
    assert (a1.order_id, a1.phone, a1.comment, a1.line) == ("A-1", PHONE, "late", 2)
    assert [(i.item, i.count, i.line) for i in a1.items] == [("EV", 1, 2), ("Latte", 1, 4), ("Tea", 1, 5)]
    assert (b1.order_id, b1.line) == ("B-1", 3)


def test_headers_are_read_whatever_their_case_spaces_dashes_or_usual_other_names() -> None:
    for header in ("Order,Product,Qty", "OrderID,SKU,Quantity", " order id ,ITEM,count", "Order-Id,Item,QTY"):
        batch = csv_batch(header, "A-1,EV,3")
        assert [(o.order_id, [(i.item, i.count) for i in o.items]) for o in batch.orders] == [("A-1", [("EV", 3)])]
    batch = csv_batch("order_id,item,First Name,last-name", "A-1,EV,Олена,Коваль")
    assert (batch.orders[0].first_name, batch.orders[0].last_name) == ("Олена", "Коваль")


def test_columns_the_reader_does_not_know_are_named_blank_headers_are_not() -> None:
    batch = csv_batch("order_id,Note,item, ,colour", "A-1,x,EV,y,red")
    assert batch.ignored_columns == ["Note", "colour"]
    assert batch.problems == [] and [o.order_id for o in batch.orders] == ["A-1"]
    assert csv_batch("order_id,item", "A-1,EV").ignored_columns == []


def test_the_delimiter_is_the_one_the_header_uses_most() -> None:
    semicolons = csv_batch("order_id;item;count;comment", "A-1;EV;1,5;one, two, three")
    assert [(o.comment, o.items[0].count) for o in semicolons.orders] == [("one, two, three", Decimal("1.5"))]
    # the rows' own semicolons do not decide it
    commas = csv_batch("order_id,item,count,comment", 'A-1,EV,2,"a;b;c;d;e;f;g"', 'A-2,EV,1,"h;i;j;k;l;m;n"')
    assert [(o.order_id, o.comment) for o in commas.orders] == [("A-1", "a;b;c;d;e;f;g"), ("A-2", "h;i;j;k;l;m;n")]
    # as many of each: a comma
    err = file_error(b"order_id;item,count\nA-1;EV,1\n")
    assert err.message == "o.csv:1: no order_id or item column (found: order_id;item, count)"


def test_rows_end_with_any_line_break_and_a_cell_keeps_its_own_as_written() -> None:
    text = 'order_id,item,comment\r\nA-1,EV,"ring\r\ntwice"\r\nA-2,EV,\rA-3,EV,"call\nfirst"\r'
    batch = parse_batch(text.encode(), "o.csv", kind="csv")
    assert batch.problems == []
    assert [(o.order_id, o.comment, o.line) for o in batch.orders] == [
        ("A-1", "ring\r\ntwice", 2),
        ("A-2", None, 4),
        ("A-3", "call\nfirst", 5),
    ]


def test_blank_rows_are_skipped_and_the_rows_after_them_read() -> None:
    batch = csv_batch("order_id,item", "A-1,EV", "", " , ", "A-2,EV")
    assert batch.problems == []
    assert [(o.order_id, o.line) for o in batch.orders] == [("A-1", 2), ("A-2", 5)]


def test_a_row_after_a_cell_spanning_lines_is_placed_on_its_own_line() -> None:
    batch = csv_batch("order_id,item,comment", 'A-1,EV,"ring\ntwice"', "A-2,,")
    assert [(o.order_id, o.comment) for o in batch.orders] == [("A-1", "ring\ntwice")]
    assert batch.problems == [FileProblem("o.csv:4", "no item", "A-2")]


# -- CSV: problems -------------------------------------------------------------------------------


def test_a_row_without_an_order_id_is_reported_and_the_next_rows_are_read() -> None:
    batch = csv_batch("order_id,item", ",EV", "A-1,EV")
    assert batch.problems == [FileProblem("o.csv:2", "no order_id", None)]
    assert [o.order_id for o in batch.orders] == ["A-1"]


def test_a_row_without_an_item_spoils_its_order_only() -> None:
    batch = csv_batch("order_id,item", "A-1,EV", "A-1,", "A-2,EV")
    assert batch.problems == [FileProblem("o.csv:3", "no item", "A-1")]
    assert [o.order_id for o in batch.orders] == ["A-2"] and batch.bad_order_ids == {"A-1"}


def test_the_rows_after_one_without_an_item_are_still_checked() -> None:
    batch = csv_batch("order_id,item,phone", f"A-1,EV,{PHONE}", "A-1,,", "A-1,EV,+380509999999")
    assert batch.problems == [
        FileProblem("o.csv:3", "no item", "A-1"),
        FileProblem("o.csv:4", f"phone '+380509999999' differs from '{PHONE}' on line 2", "A-1"),
    ]


def test_an_order_level_value_that_differs_names_both_lines_and_the_first_value_stands() -> None:
    batch = csv_batch(
        "order_id,item,phone,paid",
        f"A-1,EV,{PHONE},yes",
        "A-1,EV,+380509999999,",
        "A-1,EV,+380508888888,no",
    )
    assert batch.problems == [
        FileProblem("o.csv:3", f"phone '+380509999999' differs from '{PHONE}' on line 2", "A-1"),
        FileProblem("o.csv:4", f"phone '+380508888888' differs from '{PHONE}' on line 2", "A-1"),
        FileProblem("o.csv:4", "paid 'no' differs from 'yes' on line 2", "A-1"),
    ]
    assert batch.orders == []


def test_a_row_reported_for_its_values_keeps_its_order_out() -> None:
    batch = csv_batch("order_id,item", "A-1,EV,extra", "A-2,EV", ",EV,x", f"A-4,{'x' * 10_001}", "A-4,EV")
    assert batch.problems == [
        FileProblem("o.csv:2", "3 values but 2 columns", "A-1"),
        FileProblem("o.csv:4", "3 values but 2 columns", None),
        FileProblem("o.csv:4", "no order_id", None),
        FileProblem("o.csv:5", "a value of 10001 characters (at most 10000)", "A-4"),
    ]
    assert [o.order_id for o in batch.orders] == ["A-2"] and batch.bad_order_ids == {"A-1", "A-4"}


def test_a_row_with_fewer_values_than_columns_is_read() -> None:
    batch = csv_batch("order_id,item,count,phone", "A-1,EV")
    assert batch.problems == [] and [(o.order_id, o.items[0].count) for o in batch.orders] == [("A-1", 1)]


def test_values_at_the_length_limit_are_read_and_one_over_is_reported() -> None:
    at_limit = "x" * 10_000
    batch = csv_batch("order_id,item,comment", f"A-1,EV,{at_limit}", f"A-2,EV,{at_limit}x", "A-3,EV,")
    assert batch.orders[0].comment == at_limit
    assert batch.problems == [
        FileProblem("o.csv:3", "a value of 10001 characters (at most 10000)", "A-2"),
        FileProblem("o.csv:3", "comment has 10001 characters (at most 10000)", "A-2"),
    ]
    assert [o.order_id for o in batch.orders] == ["A-1", "A-3"]


def test_a_too_long_value_on_an_order_s_later_row_is_placed_on_that_row() -> None:
    batch = csv_batch("order_id,item,comment", "A-1,EV,", f"A-1,EV,{'x' * 10_001}")
    assert batch.problems == [
        FileProblem("o.csv:3", "a value of 10001 characters (at most 10000)", "A-1"),
        FileProblem("o.csv:3", "comment has 10001 characters (at most 10000)", "A-1"),
    ]


def test_a_row_too_short_to_reach_the_order_id_column_has_no_order_id() -> None:
    batch = csv_batch("item,count,order_id", "EV", "EV,1,A-2")
    assert batch.problems == [FileProblem("o.csv:2", "no order_id", None)]
    assert [o.order_id for o in batch.orders] == ["A-2"]


def test_a_too_long_value_in_a_row_without_a_usable_order_id_is_reported_once_and_reading_goes_on() -> None:
    long_id = "A" * 10_001
    batch = csv_batch("order_id,item,comment", f",EV,{'x' * 10_001}", f"{long_id},EV,", "A-3,EV,")
    assert batch.problems == [
        FileProblem("o.csv:2", "a value of 10001 characters (at most 10000)", None),
        FileProblem("o.csv:3", "a value of 10001 characters (at most 10000)", long_id),
    ]
    assert [o.order_id for o in batch.orders] == ["A-3"]


def test_an_order_id_at_the_length_limit_keeps_its_row_in_its_order_when_another_value_is_too_long() -> None:
    oid = "A" * 10_000
    batch = csv_batch("order_id,item,comment", f"{oid},EV,{'x' * 10_001}")
    assert batch.problems == [
        FileProblem("o.csv:2", "a value of 10001 characters (at most 10000)", oid),
        FileProblem("o.csv:2", "comment has 10001 characters (at most 10000)", oid),
    ]
    assert batch.orders == []


def test_a_value_longer_than_csv_s_own_limit_is_reported_not_a_stopped_read() -> None:
    limit = csv.field_size_limit()
    huge = "x" * (limit + 10)
    batch = csv_batch("order_id,item,comment", f"A-1,EV,{huge}", "A-2,EV,")
    assert batch.problems == [
        FileProblem("o.csv:2", f"a value of {limit + 10} characters (at most 10000)", "A-1"),
        FileProblem("o.csv:2", f"comment has {limit + 10} characters (at most 10000)", "A-1"),
    ]
    assert [o.order_id for o in batch.orders] == ["A-2"]
    assert csv.field_size_limit() == limit  # the process-wide limit is put back
    # a header that is one cell as long as the whole file
    err = file_error(("y" * (limit + 10)).encode())
    assert err.message.startswith("o.csv:1: no order_id or item column (found: yyy")


def test_an_empty_file_asks_for_a_header() -> None:
    err = file_error(b"")
    assert (err.message, err.hint) == ("o.csv: the file is empty", "expected a header row: order_id,phone,item,count")


def test_a_header_without_the_needed_columns_says_which_are_missing_and_what_is_there() -> None:
    err = file_error(b"order_id,phone\nA-1,1\n")
    assert err.message == "o.csv:1: no item column (found: order_id, phone)"
    assert err.line == 1
    assert err.hint == "columns: order_id, phone, item, count, and optionally paid, first_name, comment, ..."
    assert file_error(b"item,,qty\n").message == "o.csv:1: no order_id column (found: item, qty)"


# -- counts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "count"),
    [
        ("", Decimal(1)),
        ("3", Decimal(3)),
        ('"0,25"', Decimal("0.25")),
        ("1.5", Decimal("1.5")),
        ("10000", Decimal(10000)),
    ],
)
def test_a_csv_count_is_read_as_a_decimal(raw: str, count: Decimal) -> None:
    batch = csv_batch("order_id,item,count", f"A-1,EV,{raw}")
    assert batch.problems == [] and batch.orders[0].items == [ItemRequest("EV", count, 2)]


@pytest.mark.parametrize("raw", ["0", "-2"])
def test_a_zero_or_negative_count_is_left_for_the_builder_to_name_with_its_item(raw: str) -> None:
    batch = csv_batch("order_id,item,count", f"A-1,EV,{raw}")
    assert batch.problems == [] and batch.orders[0].items == [ItemRequest("EV", Decimal(raw), 2)]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("two", "count 'two' is not a number"),
        ("NaN", "count 'NaN' is not a number"),
        ("-Infinity", "count '-Infinity' is not a number"),
        ("10000.5", "count '10000.5' is more than 10000"),
        ("0.0001", "count '0.0001' has more than 3 decimal places"),
        ("x" * 40, f"count {'x' * 40!r} is not a number"),
        ("x" * 41, f"count {'x' * 39 + '…'!r} is not a number"),
    ],
)
def test_a_bad_csv_count_is_named_in_one_short_line(raw: str, message: str) -> None:
    batch = csv_batch("order_id,item,count", f"A-1,EV,{raw}", "A-2,EV,1")
    assert batch.problems == [FileProblem("o.csv:2", message, "A-1")]
    assert [o.order_id for o in batch.orders] == ["A-2"]


@pytest.mark.parametrize(
    ("count", "read"),
    [(None, Decimal(1)), (2, Decimal(2)), (2.5, Decimal("2.5")), (" 3 ", Decimal(3)), ("0,5", Decimal("0.5"))],
)
def test_a_json_count_is_read_as_a_decimal(count: object, read: Decimal) -> None:
    batch = json_batch([{"order_id": "J-1", "items": [{"item": "EV", "count": count}]}])
    assert batch.problems == [] and batch.orders[0].items == [ItemRequest("EV", read)]


@pytest.mark.parametrize(
    ("count", "message"),
    [(True, "count True is not a number"), ([1], "count [1] is not a number"), ("", "count '' is not a number")],
)
def test_a_json_count_that_is_no_number_is_named(count: object, message: str) -> None:
    batch = json_batch([{"order_id": "J-1", "items": [{"item": "EV", "count": count}]}])
    if count == "":  # an empty string in JSON is a count left out, as in a CSV cell
        assert batch.problems == [] and batch.orders[0].items == [ItemRequest("EV", Decimal(1))]
        return
    assert batch.problems == [FileProblem("o.json orders[0].items[0]", message, "J-1")]
    assert batch.orders == []


# -- order-level values ------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "YES", "y", "Paid", "так", "Да"])
def test_paid_words_read_as_paid(raw: str) -> None:
    assert csv_batch("order_id,item,paid", f"A-1,EV,{raw}").orders[0].paid is True


@pytest.mark.parametrize("raw", ["", "0", "false", "No", "n", "ні", "нет"])
def test_unpaid_words_read_as_not_paid(raw: str) -> None:
    batch = csv_batch("order_id,item,paid", f"A-1,EV,{raw}")
    assert batch.problems == [] and batch.orders[0].paid is False


def test_a_paid_value_that_is_neither_is_reported_on_the_line_that_gives_it() -> None:
    batch = csv_batch("order_id,item,paid", "A-1,EV,", "A-1,EV,maybe")
    assert batch.problems == [FileProblem("o.csv:3", "paid 'maybe' is not yes/no", "A-1")]
    assert batch.orders == []


@pytest.mark.parametrize(
    ("values", "problems"),
    [
        ({"paid": " yes "}, []),
        ({"paid": 1}, []),
        ({"paid": "sure"}, ["paid 'sure' is not yes/no"]),
        ({"spot_id": " 3 ", "client_id": 7}, []),
        ({"spot_id": "", "client_id": ""}, []),
        ({"spot_id": 2.0}, ["spot_id 2.0 is not a whole number"]),
        ({"spot_id": True}, ["spot_id True is not a whole number"]),
        ({"client_id": 1.0}, ["client_id 1.0 is not a whole number"]),
        (
            {"spot_id": "two", "client_id": "x"},
            ["spot_id 'two' is not a whole number", "client_id 'x' is not a whole number"],
        ),
        ({"phone": 380501234567}, []),
        ({"phone": ["+380"], "comment": {"a": 1}}, ["phone must be text", "comment must be text"]),
        ({"address": "x" * 10_000}, []),
        ({"address": "x" * 10_001}, ["address has 10001 characters (at most 10000)"]),
        (
            {"phone": "1" * 10_001, "comment": ["x"]},
            ["phone has 10001 characters (at most 10000)", "comment must be text"],
        ),
    ],
)
def test_json_order_values_are_checked_for_type(values: dict[str, object], problems: list[str]) -> None:
    batch = json_batch([dict({"order_id": "J-1", "items": ["EV"]}, **values)])
    assert [str(p) for p in batch.problems] == [f"o.json orders[0]: {m}" for m in problems]
    assert {p.order_id for p in batch.problems} <= {"J-1"}
    assert [o.order_id for o in batch.orders] == ([] if problems else ["J-1"])


def test_json_order_values_as_read() -> None:
    batch = json_batch(
        [
            {
                "order_id": " J-1 ",
                "items": ["EV"],
                "paid": " Так ",
                "spot_id": " 3 ",
                "client_id": 7,
                "phone": 380501234567,
                "first_name": "Олена",
                "last_name": "",
                "email": "o@example.com",
                "address": "Kyiv",
                "comment": None,
            }
        ]
    )
    assert batch.orders == [
        OrderRequest(
            order_id="J-1",
            items=[ItemRequest("EV")],
            phone="380501234567",
            client_id=7,
            spot_id=3,
            paid=True,
            first_name="Олена",
            email="o@example.com",
            address="Kyiv",
            source="o.json",
            where="orders[0]",
        )
    ]


def test_an_order_with_a_bad_value_names_it_where_the_csv_gives_it() -> None:
    batch = csv_batch("order_id,item,spot_id,client_id", "A-1,EV,,", "A-1,EV,x,", "A-1,EV,,y")
    assert batch.problems == [
        FileProblem("o.csv:3", "spot_id 'x' is not a whole number", "A-1"),
        FileProblem("o.csv:4", "client_id 'y' is not a whole number", "A-1"),
    ]


# -- JSON -------------------------------------------------------------------------------------------


def test_json_orders_with_their_places_and_every_problem() -> None:
    doc = {
        "orders": [
            {"order_id": "J-1", "items": [{"item": " EV ", "count": 2}, "poster:138", 7], "note": 1, "colour": "red"},
            {"order_id": True, "items": ["EV"]},
            {"order_id": "  ", "items": ["EV"]},
            {"order_id": ["J"], "items": ["EV"]},
            {"items": ["EV"]},
            {"order_id": 5, "items": "EV", "note": 2},
            {
                "order_id": "J-7",
                "items": [
                    True,
                    {"count": 1},
                    {"item": False},
                    {"item": " "},
                    {"item": "x" * 10_001},
                    {"item": "EV", "count": "two"},
                ],
            },
            "J-8",
            {"order_id": "J-1", "items": ["EV"]},
            {"order_id": "J-10", "items": [{"item": "x" * 10_000}], "alpha": 0},
        ]
    }
    batch = json_batch(doc)
    assert batch.orders == [
        OrderRequest(
            order_id="J-1",
            items=[ItemRequest("EV", Decimal(2)), ItemRequest("poster:138"), ItemRequest("7")],
            source="o.json",
            where="orders[0]",
        ),
        OrderRequest(order_id="J-10", items=[ItemRequest("x" * 10_000)], source="o.json", where="orders[9]"),
    ]
    assert batch.problems == [
        FileProblem("o.json orders[1]", "no order_id"),
        FileProblem("o.json orders[2]", "no order_id"),
        FileProblem("o.json orders[3]", "no order_id"),
        FileProblem("o.json orders[4]", "no order_id"),
        FileProblem("o.json orders[5]", "items must be a non-empty list of {item, count}", "5"),
        FileProblem("o.json orders[6].items[0]", "an item must be {item, count} or an item id", "J-7"),
        FileProblem("o.json orders[6].items[1]", "no item", "J-7"),
        FileProblem("o.json orders[6].items[2]", "no item", "J-7"),
        FileProblem("o.json orders[6].items[3]", "no item", "J-7"),
        FileProblem("o.json orders[6].items[4]", "an item of 10001 characters", "J-7"),
        FileProblem("o.json orders[6].items[5]", "count 'two' is not a number", "J-7"),
        FileProblem("o.json orders[7]", "an order must be an object"),
        FileProblem("o.json orders[8]", "order_id 'J-1' is also orders[0]", "J-1"),
    ]
    assert batch.ignored_columns == ["colour", "note", "alpha"]


def test_a_json_order_id_over_the_length_limit_is_reported_by_its_length() -> None:
    batch = json_batch([{"order_id": "A" * 10_001, "items": ["EV"]}, {"order_id": "B" * 10_000, "items": ["EV"]}])
    assert batch.problems == [FileProblem("o.json orders[0]", "an order_id of 10001 characters")]
    assert [o.order_id for o in batch.orders] == ["B" * 10_000]


def test_an_order_id_reused_after_a_bad_order_is_still_a_duplicate() -> None:
    batch = json_batch([{"order_id": "J-1", "items": []}, {"order_id": "J-1", "items": ["EV"]}])
    assert batch.problems == [
        FileProblem("o.json orders[0]", "items must be a non-empty list of {item, count}", "J-1"),
        FileProblem("o.json orders[1]", "order_id 'J-1' is also orders[0]", "J-1"),
    ]
    assert batch.orders == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"x": 1}', 'o.json: expected a list of orders, or {"orders": [...]}'),
        (b'"orders"', 'o.json: expected a list of orders, or {"orders": [...]}'),
        (b'{"orders": {"order_id": "J-1"}}', 'o.json: expected a list of orders, or {"orders": [...]}'),
        (b'[\n{"order_id": ]', "o.json:2: not valid JSON: Expecting value"),
        (b"[" * 20 + b"]" * 20, "o.json: not an order file: nested deeper than 16 levels"),
        (b"[" + b"9" * 5000 + b"]", "o.json: not an order file: "),
    ],
)
def test_a_json_file_that_is_no_order_file_is_one_line(data: bytes, message: str) -> None:
    err = file_error(data, "o.json", kind="json")
    assert err.message.startswith(message) and "\n" not in err.message
    if message.endswith(": "):  # Python's own words for the number follow
        assert "digits" in err.message


def test_an_order_file_may_nest_16_levels_and_not_17() -> None:
    sixteen = json_batch([[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]])
    assert sixteen.problems == [FileProblem("o.json orders[0]", "an order must be an object")]
    err = file_error(b"[" * 17 + b"]" * 17, "o.json", kind="json")
    assert err.message == "o.json: not an order file: nested deeper than 16 levels"


# -- the file as a whole --------------------------------------------------------------------------


def test_the_extension_decides_and_else_the_content(tmp_path: Path) -> None:
    doc = json.dumps([{"order_id": "J-1", "items": ["EV"]}])
    upper = tmp_path / "ORDERS.JSON"
    upper.write_text(doc, encoding="utf-8")
    assert [(o.order_id, o.source) for o in read_batch(upper).orders] == [("J-1", "ORDERS.JSON")]
    for name, text in (
        ("orders.txt", "\n  " + doc),
        ("orders", '{"orders": ' + doc + "}"),
        ("o.dat", "order_id,item\nC-1,EV\n"),
    ):
        f = tmp_path / name
        f.write_text(text, encoding="utf-8")
        assert [o.source for o in read_batch(f).orders] == [name]
    # a .csv whose text looks like JSON is still read as CSV
    f = tmp_path / "o.csv"
    f.write_text("[order_id],item\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read_batch(f)
    assert info.value.message == "o.csv:1: no order_id column (found: [order_id], item)"


def test_a_file_that_cannot_be_read_is_named_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as info:
        read_batch(tmp_path / "missing.csv")
    assert info.value.message == f"{tmp_path / 'missing.csv'}: cannot read: No such file or directory"


def test_a_line_in_another_encoding_is_named_by_its_file_and_line() -> None:
    data = "order_id,item\nA-1,Борщ\n".encode("utf-8") + "A-2,Вареники\n".encode("cp1251")
    err = file_error(data, "o.csv")
    assert err.message.startswith("o.csv:3: this line is not UTF-8 while the rest of the file is")
