"""A price column is read by its own convention, and a file's bytes are decoded strictly."""

from __future__ import annotations

from pathlib import Path

import pytest

from poster_cli.catalogue import read_catalogue
from poster_cli.errors import InputFileError


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "site.csv"
    path.write_bytes(text.encode(encoding))
    return path


def prices(path: Path) -> dict[str, int | None]:
    return {i.local_id: i.price for i in read_catalogue(path)}


def test_a_decimal_comma_column_reads_1_190_as_one_and_nineteen(tmp_path: Path) -> None:
    path = write(tmp_path, "id;name;price\nA;Latte;85,50\nB;Beans 1 kg;1,190\nC;Tea;45\n")
    assert prices(path) == {"A": 8550, "B": 119, "C": 4500}


def test_a_decimal_point_column_reads_1_190_as_thousands(tmp_path: Path) -> None:
    path = write(tmp_path, 'id,name,price\nA,Latte,85.50\nB,Beans 1 kg,"1,190"\nC,Tea,45\n')
    assert prices(path) == {"A": 8550, "B": 119000, "C": 4500}


def test_a_dot_grouped_column_reads_1_190_as_thousands(tmp_path: Path) -> None:
    path = write(tmp_path, "id;name;price\nA;Beans 5 kg;5.950,00\nB;Beans 1 kg;1.190\n")
    assert prices(path) == {"A": 595000, "B": 119000}


def test_a_column_that_cannot_tell_is_bad_input_naming_a_cell(tmp_path: Path) -> None:
    path = write(tmp_path, 'id,name,price\nA,Tea,45\nB,Beans 1 kg,"1,190"\n')
    with pytest.raises(InputFileError) as info:
        read_catalogue(path)
    assert info.value.exit_code == 2
    assert "price '1,190' (line 3) could be thousands or decimals" in str(info.value)


def test_a_column_mixing_conventions_is_bad_input_naming_both_cells(tmp_path: Path) -> None:
    path = write(tmp_path, 'id;name;price\nA;Latte;85,50\nB;Tea;45.00\n')
    with pytest.raises(
        InputFileError, match=r"mixes decimal commas \(line 2: '85,50'\) and decimal points \(line 3: '45.00'\)"
    ):
        read_catalogue(path)


def test_zero_point_five_hundred_is_a_decimal_whatever_the_column(tmp_path: Path) -> None:
    path = write(tmp_path, "id;name;price\nA;Sample;0,500\nB;Tea;45\n")
    assert prices(path) == {"A": 50, "B": 4500}


def test_a_utf8_file_with_one_cp1251_row_names_that_line(tmp_path: Path) -> None:
    text = "id,name,price\nA,Лате,70\n".encode() + "B,Капучино,65\n".encode("cp1251") + "C,Чай,45\n".encode()
    path = tmp_path / "site.csv"
    path.write_bytes(text)
    with pytest.raises(InputFileError) as info:
        read_catalogue(path)
    assert info.value.line == 3 and info.value.exit_code == 2
    assert "not UTF-8 while the rest of the file is" in str(info.value)


def test_a_whole_cp1251_file_is_still_read(tmp_path: Path) -> None:
    path = write(tmp_path, "id;name;price\nA;Лате;70\nB;Капучино;65\n", "cp1251")
    assert [i.name for i in read_catalogue(path)] == ["Лате", "Капучино"]


@pytest.mark.parametrize(
    "text, kopecks", [("1,190.50", 119050), ("1.190,50", 119050), ("1,190,000", 119000000), ("0,500", 50)]
)
def test_a_lone_price_decides_by_itself(text: str, kopecks: int) -> None:
    from poster_cli.catalogue import parse_price

    assert parse_price(text) == kopecks


def test_a_lone_price_that_cannot_tell_says_so() -> None:
    from poster_cli.catalogue import PriceError, parse_price

    with pytest.raises(PriceError, match="price '1,190' could be thousands or decimals"):
        parse_price("1,190")


@pytest.mark.parametrize("cell", ["1e999999", "1E+3", "+5", "9" * 40])
def test_hostile_prices_are_a_bad_row_not_a_crash(tmp_path: Path, cell: str) -> None:
    path = write(tmp_path, f"id,name,price\nA,Tea,{cell}\n")
    with pytest.raises(InputFileError, match=r"site.csv:2: item 'A': not a price"):
        read_catalogue(path)


def test_a_huge_number_in_json_is_a_bad_item(tmp_path: Path) -> None:
    path = tmp_path / "site.json"
    path.write_text('[{"id": "A", "name": "Tea", "price": 1e308}]', encoding="utf-8")
    with pytest.raises(InputFileError, match=r"items\[0\]: item 'A': not a price"):
        read_catalogue(path)


def test_a_megabyte_field_is_a_bad_line_not_a_crash(tmp_path: Path) -> None:
    path = write(tmp_path, "id,name,price\nA,Tea,45\nB," + "x" * 1_000_000 + ",5\n")
    with pytest.raises(InputFileError, match=r"site.csv:3: not readable as CSV: field larger than field limit"):
        read_catalogue(path)
