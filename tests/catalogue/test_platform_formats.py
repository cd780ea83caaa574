"""Catalogues in the platforms' own formats: one item per sellable variant, the same items as the
plain CSV, the format and the fields used said in one line, bad files named with format and row."""

from __future__ import annotations

from pathlib import Path

import pytest

from poster_cli.catalogue import read_catalogue
from poster_cli.errors import InputFileError, UsageError
from tests.support.catalogue_samples import EXPECTED, PLAIN_CSV, SAMPLES, write_xlsx


def sample(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_text(SAMPLES[name], encoding="utf-8")
    return path


def as_tuples(catalogue: object) -> list[tuple[str, str, int | None, str]]:
    return [(i.local_id, i.name, i.price, i.category) for i in catalogue]  # type: ignore[attr-defined]


def test_the_plain_csv_reads_as_the_expected_items(tmp_path: Path) -> None:
    path = tmp_path / "site.csv"
    path.write_text(PLAIN_CSV, encoding="utf-8")
    assert as_tuples(read_catalogue(path)) == EXPECTED


@pytest.mark.parametrize(
    "name, format, skipped",
    [
        ("shopify.csv", "Shopify product CSV", {"image rows": 1}),
        ("shopify-2024.csv", "Shopify product CSV", {"draft products": 1}),
        ("products.json", "Shopify products.json", {}),
        ("woocommerce.csv", "WooCommerce product CSV", {"variable parents": 2}),
        ("woocommerce.json", "WooCommerce REST JSON", {"variable parents": 2}),
        ("tilda.csv", "Tilda CSV", {"main products of variants": 2}),
        ("feed.xml", "YML feed", {}),
    ],
)
def test_each_platform_format_gives_one_item_per_sellable_variant(
    tmp_path: Path, name: str, format: str, skipped: dict[str, int]
) -> None:
    catalogue = read_catalogue(sample(tmp_path, name))
    assert as_tuples(catalogue) == EXPECTED
    assert catalogue.format == format and catalogue.skipped == skipped


def test_the_format_is_found_from_the_content_not_the_name(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_text(SAMPLES["woocommerce.csv"], encoding="utf-8")
    assert read_catalogue(path).format == "WooCommerce product CSV"
    path.write_text(SAMPLES["feed.xml"], encoding="utf-8")
    assert read_catalogue(path).format == "YML feed"


def test_an_xlsx_price_list_with_a_title_above_the_table(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "prices.xlsx")
    catalogue = read_catalogue(path, sheet="Прайс")
    assert as_tuples(catalogue) == EXPECTED
    assert catalogue.format == "XLSX (sheet 'Прайс', header on row 3)"
    assert [i.line for i in catalogue][:2] == [4, 5]
    with pytest.raises(InputFileError, match="no header row with an id and a name column"):
        read_catalogue(path)  # the first sheet is not the price list
    with pytest.raises(InputFileError, match="no sheet named 'Ціни'.*sheets are: Інфо, Прайс"):
        read_catalogue(path, sheet="Ціни")
    csv_file = tmp_path / "site.csv"
    csv_file.write_text("id,name\nA,Tea\n", encoding="utf-8")
    with pytest.raises(UsageError, match="--sheet is for XLSX workbooks; this file was read as CSV"):
        read_catalogue(csv_file, sheet="Прайс")


def test_describe_names_the_format_the_fields_and_what_was_skipped(tmp_path: Path) -> None:
    line = read_catalogue(sample(tmp_path, "shopify.csv")).describe()
    assert line == (
        "read as Shopify product CSV: 6 items; id ← Variant SKU (else Handle + options), "
        "name ← Title + Option1..3 Value, price ← Variant Price, category ← Type; 1 row skipped (1 image rows)"
    )


def test_shopify_products_without_skus_are_ordered_by_variant_id(tmp_path: Path) -> None:
    path = tmp_path / "products.json"
    path.write_text(SAMPLES["products.json"].replace('"sku": "LAT-S"', '"sku": ""'), encoding="utf-8")
    ids = [i.local_id for i in read_catalogue(path)]
    assert ids[1] == "10021" and ids[2] == "LAT-L"


@pytest.mark.parametrize(
    "name, old, new, words",
    [
        ("shopify.csv", ",85.50,", ",abc,", ["read as Shopify product CSV", ":4:", "'abc'"]),
        ("woocommerce.csv", "id:11", "id:99", ["read as WooCommerce product CSV", ":4:", "'id:99'"]),
        ("feed.xml", "<price>55</price>", "<price>55</prise>", ["read as YML feed", ":28:", "mismatched tag"]),
        ("feed.xml", "<price>55</price>", "<price>fifty</price>", ["read as YML feed", ":27:", "'TEA'", "'fifty'"]),
        ("products.json", '"title": "Лате"', '"title": ""', ["products[1]", "no title"]),
        ("tilda.csv", ";160;", ";160.00;", ["read as Tilda CSV", "mixes decimal commas", "decimal points"]),
    ],
)
def test_a_broken_platform_file_names_its_format_and_row(
    tmp_path: Path, name: str, old: str, new: str, words: list[str]
) -> None:
    assert old in SAMPLES[name]
    path = tmp_path / name
    path.write_text(SAMPLES[name].replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read_catalogue(path)
    message = str(info.value)
    assert info.value.exit_code == 2 and message.startswith(str(path))
    for word in words:
        assert word in message, message


def test_a_feed_declaring_entities_is_refused_before_expanding_them(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE yml_catalog [\n<!ENTITY a "aaaaaaaaaa">\n'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n'
        "<yml_catalog><shop><offers><offer id='1'><name>&b;</name></offer></offers></shop></yml_catalog>\n"
    )
    path = tmp_path / "feed.xml"
    path.write_text(bomb, encoding="utf-8")
    with pytest.raises(InputFileError, match=r"feed.xml:3: read as YML feed: entity declarations are not allowed"):
        read_catalogue(path)


def test_json_nested_too_deep_is_a_bad_file(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 30000 + "]" * 30000, encoding="utf-8")
    with pytest.raises(InputFileError, match="nested"):
        read_catalogue(path)


def test_column_flags_on_a_platform_format_say_how_to_read_it_plainly(tmp_path: Path) -> None:
    from poster_cli.catalogue import ColumnOverrides

    path = sample(tmp_path, "woocommerce.csv")
    with pytest.raises(UsageError, match="read as WooCommerce product CSV.*--price-col.*--format csv"):
        read_catalogue(path, ColumnOverrides(price="Regular price"))
    with pytest.raises(InputFileError, match=r"woocommerce.csv:8: item '16' has no name"):  # read literally
        read_catalogue(path, ColumnOverrides(price="Regular price"), format="csv")
