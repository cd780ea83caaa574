"""What a price cell becomes, in kopecks: thousands separators, negatives, rounding, "0,500",
currency marks, numbers from JSON and spreadsheets, and how a column's cells decide its decimal
separator together. Every expected price is written here as a literal."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from poster_cli.catalogue import PriceError, parse_price, read_catalogue
from poster_cli.errors import InputFileError


def column(tmp_path: Path, *cells: str) -> dict[str, int | None]:
    """The prices read from a ``;``-separated CSV whose price column holds ``cells`` (ids A, B, …)."""
    rows = "".join(f"{chr(65 + i)};Item {i};{cell}\n" for i, cell in enumerate(cells))
    path = tmp_path / "site.csv"
    path.write_text("id;name;price\n" + rows, encoding="utf-8")
    return {i.local_id: i.price for i in read_catalogue(path)}


def refused(tmp_path: Path, *cells: str) -> str:
    with pytest.raises(InputFileError) as info:
        column(tmp_path, *cells)
    assert info.value.exit_code == 2
    return str(info.value)


@pytest.mark.parametrize(
    "text, kopecks",
    [
        ("0", 0),
        ("0,50", 50),
        ("0.5", 50),
        (",500", 50),
        (".500", 50),
        ("0.500", 50),
        ("1.190.000", 119000000),
        ("1,190,000.50", 119000050),
        ("1.190.000,50", 119000050),
        ("1'190.50", 119050),
        ("1\u202f190,50", 119050),
        ("1\u2009190", 119000),
        ("$5", 500),
        ("5 €", 500),
        ("5 zł", 500),
        ("5 руб.", 500),
        ("5р.", 500),
        ("5 PLN", 500),
        ("5 usd", 500),
        ("5₽", 500),
        ("5 UAH", 500),
        ("грн", None),
    ],
)
def test_a_lone_cell_reads_as_written(text: str, kopecks: int | None) -> None:
    assert parse_price(text) == kopecks


@pytest.mark.parametrize(
    "text, kopecks", [("0.125", 13), ("0,125", 13), ("1.2345", 123), ("1.2350", 124), ("0.0049", 0), ("0.005", 1)]
)
def test_more_than_two_decimals_round_half_up(text: str, kopecks: int) -> None:
    assert parse_price(text) == kopecks


@pytest.mark.parametrize(
    "value, kopecks",
    [(190, 19000), (0, 0), (Decimal("85.505"), 8551), (70.5, 7050), (0.1, 10), (1.005, 101), (None, None)],
)
def test_numbers_from_json_or_a_spreadsheet(value: object, kopecks: int | None) -> None:
    assert parse_price(value) == kopecks


@pytest.mark.parametrize(
    "value", ["-5", "-5,50", "-0,500", "-0.01", -5, -0.5, Decimal("-1"), True, False, Decimal("NaN"), float("inf")]
)
def test_negative_and_non_numbers_are_not_prices(value: object) -> None:
    with pytest.raises(PriceError, match="not a price"):
        parse_price(value)


@pytest.mark.parametrize("text", ["1,190.000,50", "1.2,3.4", "12-5", "1..5"])
def test_separators_in_no_sensible_order_are_not_a_price(text: str) -> None:
    with pytest.raises(PriceError, match=f"not a price: '{text}'"):
        parse_price(text)


def test_the_largest_price_and_one_too_large() -> None:
    assert parse_price("999999999999.99") == 99999999999999
    with pytest.raises(PriceError, match=r"not a price: '1000000000000' \(too large\)"):
        parse_price("1000000000000")
    with pytest.raises(PriceError, match="too large"):
        parse_price(10**12)


@pytest.mark.parametrize(
    "text, decimal, kopecks",
    [("1,190", ",", 119), ("1,190", ".", 119000), ("1.190", ".", 119), ("1.190", ",", 119000), ("7", ",", 700)],
)
def test_the_columns_separator_decides_a_cell(text: str, decimal: str, kopecks: int) -> None:
    assert parse_price(text, decimal) == kopecks


def test_a_lone_ambiguous_cell_says_exactly_what_it_cannot_tell() -> None:
    for text in ("1,190", "1.190"):
        with pytest.raises(PriceError) as info:
            parse_price(text)
        assert str(info.value) == (
            f"price '{text}' could be thousands or decimals, and no other price in the column tells which"
        )


def test_two_comma_groups_tell_the_column_uses_points(tmp_path: Path) -> None:
    assert column(tmp_path, "1,190,000", "1,190") == {"A": 119000000, "B": 119000}


def test_two_dot_groups_tell_the_column_uses_commas(tmp_path: Path) -> None:
    assert column(tmp_path, "1.190.000", "1.190") == {"A": 119000000, "B": 119000}


def test_a_column_of_lone_zero_point_cells_is_not_ambiguous(tmp_path: Path) -> None:
    assert column(tmp_path, "0,500", "1,190") == {"A": 50, "B": 119}
    assert column(tmp_path, "0.500", "1.190") == {"A": 50, "B": 119}


def test_a_column_of_whole_numbers_and_blanks_reads_plainly(tmp_path: Path) -> None:
    assert column(tmp_path, "45", "", "1 190") == {"A": 4500, "B": None, "C": 119000}


def test_a_mixed_column_names_the_first_cell_of_each_kind(tmp_path: Path) -> None:
    message = refused(tmp_path, "45", "85,50", "12,00", "9.99", "1.50")
    assert message.endswith(
        "site.csv: the price column mixes decimal commas (line 3: '85,50') and decimal points (line 5: '9.99')"
    )


def test_an_ambiguous_column_names_its_first_ambiguous_cell(tmp_path: Path) -> None:
    message = refused(tmp_path, "45", "2.500", "1,190")
    assert message.endswith(
        "site.csv: price '2.500' (line 3) could be thousands or decimals, and no other price in the column tells which"
    )


def test_json_numbers_do_not_hide_the_cells_that_decide(tmp_path: Path) -> None:
    rows = [
        {"id": "A", "name": "Tea", "price": 45},
        {"id": "B", "name": "Latte", "price": "85,50"},
        {"id": "C", "name": "Beans", "price": "1,190"},
        {"id": "D", "name": "Cake", "price": 70.5},
    ]
    path = tmp_path / "site.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    assert {i.local_id: i.price for i in read_catalogue(path)} == {"A": 4500, "B": 8550, "C": 119, "D": 7050}


def test_a_bad_price_in_json_names_the_item(tmp_path: Path) -> None:
    path = tmp_path / "site.json"
    path.write_text(json.dumps([{"id": "A", "name": "Tea", "price": "-5"}]), encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read_catalogue(path)
    assert str(info.value) == f"{path}: items[0]: item 'A': not a price: '-5'"
    assert info.value.line is None


@pytest.mark.parametrize("text", ["1..5", "1.19.000", "12,50,00", "1,19,000.50", "1.19,5"])
def test_grouping_not_in_threes_is_a_typo_not_a_price(text: str) -> None:
    with pytest.raises(PriceError, match="not a price"):
        parse_price(text)


def test_grouping_in_threes_reads_in_a_column_too(tmp_path: Path) -> None:
    assert column(tmp_path, "1.190", "12.345.678,90", "5,5") == {"A": 119000, "B": 1234567890, "C": 550}
    assert "site.csv:3: item 'B': not a price: '12.34.567,90'" in refused(tmp_path, "1.190", "12.34.567,90", "5,5")


def test_a_cell_with_both_separators_tells_the_column(tmp_path: Path) -> None:
    assert column(tmp_path, "1,190.50", "1,190") == {"A": 119050, "B": 119000}
    assert column(tmp_path, "1.190,50", "1.190") == {"A": 119050, "B": 119000}
