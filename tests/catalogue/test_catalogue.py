"""Catalogue readers: delimiters, encodings, header names in three languages, prices, bad rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from poster_cli.catalogue import ColumnOverrides, parse_price, read_catalogue
from poster_cli.errors import InputFileError


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


@pytest.mark.parametrize(
    "text, kopecks",
    [
        ("190", 19000),
        ("190.00", 19000),
        ("190,00", 19000),
        ("1 190,50 грн", 119050),
        ("1\u00a0190,50", 119050),
        ("1,190.50", 119050),
        ("1.190,50", 119050),
        ("₴ 65", 6500),
        ("99,9", 9990),
        ("", None),
        ("  ", None),
    ],
)
def test_prices_become_kopecks(text: str, kopecks: int | None) -> None:
    assert parse_price(text) == kopecks


def test_semicolon_cp1251_with_ukrainian_headers(tmp_path: Path) -> None:
    p = write(
        tmp_path, "site.csv", "Код;Назва;Ціна, грн;Категорія\nL-1;Лате 0,4 л;70,00;Кава\nL-2;Чай;45;Чай\n", "cp1251"
    )
    items = read_catalogue(p)
    assert [(i.local_id, i.name, i.price, i.category) for i in items] == [
        ("L-1", "Лате 0,4 л", 7000, "Кава"),
        ("L-2", "Чай", 4500, "Чай"),
    ]
    assert items[0].line == 2


def test_utf8_bom_comma_and_english_headers(tmp_path: Path) -> None:
    p = write(tmp_path, "site.csv", "\ufeffSKU,Title,Price_UAH,Section,Barcode\nA,\"Latte, large\",85,Coffee,482000\n")
    [item] = read_catalogue(p)
    assert (item.local_id, item.name, item.price, item.category, item.barcode) == (
        "A",
        "Latte, large",
        8500,
        "Coffee",
        "482000",
    )


def test_tab_separated_russian_headers(tmp_path: Path) -> None:
    p = write(tmp_path, "site.tsv", "артикул\tнаименование\tцена\tкатегория\n7\tРолл Филадельфия\t359\tРоллы\n")
    [item] = read_catalogue(p)
    assert (item.local_id, item.name, item.price) == ("7", "Ролл Филадельфия", 35900)


def test_column_overrides_for_odd_headers(tmp_path: Path) -> None:
    p = write(tmp_path, "site.csv", "ref;label;cost_site\n1;Latte;70\n")
    with pytest.raises(InputFileError, match="no id column.*--id-col"):
        read_catalogue(p)
    [item] = read_catalogue(p, ColumnOverrides(id="ref", name="label", price="cost_site"))
    assert (item.local_id, item.name, item.price) == ("1", "Latte", 7000)
    with pytest.raises(InputFileError, match="no column named 'nope'"):
        read_catalogue(p, ColumnOverrides(id="nope", name="label"))


def test_json_list_and_items_object(tmp_path: Path) -> None:
    rows = [{"id": 1, "name": "Latte", "price": 70.5}, {"id": 2, "title": "Tea", "price": "45,00"}]
    a = read_catalogue(write(tmp_path, "a.json", json.dumps(rows)))
    b = read_catalogue(write(tmp_path, "b.json", json.dumps({"items": rows})))
    assert (
        [(i.local_id, i.name, i.price) for i in a]
        == [("1", "Latte", 7050), ("2", "Tea", 4500)]
        == [(i.local_id, i.name, i.price) for i in b]
    )


@pytest.mark.parametrize(
    "text, problem, line",
    [
        ("id,name,price\n1,Latte,70\n1,Tea,45\n", "id '1' appears again", 3),
        ("id,name,price\n1,Latte,seventy\n", "not a price", 2),
        ("id,name,price\n1,,70\n", "has no name", 2),
        ("id,name,price\n,Latte,70\n", "the id is empty", 2),
        ("id,name\n1,Latte,extra,fields\n", "4 fields, the header has 2", 2),
    ],
)
def test_bad_rows_name_file_and_line(tmp_path: Path, text: str, problem: str, line: int) -> None:
    p = write(tmp_path, "bad.csv", text)
    with pytest.raises(InputFileError) as err:
        read_catalogue(p)
    assert err.value.line == line and problem in str(err.value) and str(p) in str(err.value)
    assert err.value.exit_code == 2


def test_bad_json_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="not valid JSON"):
        read_catalogue(write(tmp_path, "x.json", "[{"))
    with pytest.raises(InputFileError, match="expected a list"):
        read_catalogue(write(tmp_path, "y.json", '{"a": 1}'))
    with pytest.raises(InputFileError, match="no such file"):
        read_catalogue(tmp_path / "missing.csv")


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_either_read_or_a_clean_input_error(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "c.csv"
        p.write_bytes(data)
        try:
            read_catalogue(p)
        except InputFileError as err:
            assert err.exit_code == 2


@pytest.mark.parametrize(
    "name,text", [("site.csv", "sku,name,price\n"), ("site.json", "[]"), ("items.json", '{"items": []}')]
)
def test_an_empty_catalogue_is_bad_input_not_nothing_to_map(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError, match="has no items") as info:
        read_catalogue(path)
    assert info.value.exit_code == 2 and name in str(info.value)


def test_match_on_an_empty_catalogue_leaves_the_mapping_alone(cli_env: object, tmp_path: Path) -> None:
    env = cli_env  # type: ignore[assignment]
    assert env.run("pull").exit_code == 0  # type: ignore[attr-defined]
    site = tmp_path / "site.csv"
    site.write_text("sku,name,price\nESP,Espresso,45\n", encoding="utf-8")
    env.run("--no-input", "match", str(site))  # type: ignore[attr-defined]
    mapping = env.data_dir / "mapping.toml"  # type: ignore[attr-defined]
    before = mapping.read_bytes()
    site.write_text("sku,name,price\n", encoding="utf-8")
    result = env.run("--no-input", "match", str(site))  # type: ignore[attr-defined]
    assert result.exit_code == 2 and "has no items" in result.stderr
    assert mapping.read_bytes() == before
