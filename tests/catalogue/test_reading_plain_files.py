"""How a catalogue file is recognised and read as a plain table: the format forced or found from the
content, the delimiter, the header and its blank rows, JSON shapes, column names, and the one-line
errors for files that are not a catalogue (each with the file, and the line when there is one)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from poster_cli.catalogue import ColumnOverrides, read_catalogue
from poster_cli.errors import InputFileError, UsageError
from tests.support.catalogue_files import error, items, write
from tests.support.catalogue_samples import SAMPLES


def test_an_unknown_format_names_the_known_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "site.csv", "id,name\nA,Tea\n")
    with pytest.raises(UsageError) as info:
        read_catalogue(path, format="prom")
    assert info.value.message == "unknown catalogue format 'prom'"
    assert info.value.hint == (
        "one of: auto, csv, json, xlsx, shopify-csv, shopify-json, woocommerce-csv, woocommerce-json, tilda, yml"
    )


def test_a_file_over_256_mb_is_refused_before_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with open(path, "wb") as fh:
        fh.truncate(256 * 1024 * 1024 + 1)  # sparse: no disk, no memory
    assert str(error(path)) == f"{path}: larger than 256 MB: not a catalogue"


def test_a_folder_is_not_readable(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    assert str(error(folder)) == f"{folder}: cannot read: Is a directory"


def test_an_old_excel_workbook_is_named(tmp_path: Path) -> None:
    path = tmp_path / "prices.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)
    err = error(path)
    assert err.message == f"{path}: an old Excel workbook (XLS)" and err.hint == "save it as XLSX or CSV"


def test_xml_that_is_not_a_feed_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "feed.xml", '\ufeff  \n<?xml version="1.0"?>\n<rss><channel/></rss>\n')
    assert str(error(path)) == f"{path}: XML, but not a yml_catalog feed (Prom, Rozetka, Horoshop)"


def test_a_feed_is_found_after_a_byte_order_mark_and_blank_lines(tmp_path: Path) -> None:
    feed = SAMPLES["feed.xml"].partition("\n")[2]  # without its XML declaration, which must come first
    assert feed.startswith("<!DOCTYPE yml_catalog")
    path = write(tmp_path, "export.txt", "\ufeff\n  \n" + feed)
    assert read_catalogue(path).format == "YML feed"


def test_json_is_found_by_its_first_character_or_its_name(tmp_path: Path) -> None:
    rows = [{"id": "A", "name": "Tea", "price": "45"}]
    assert read_catalogue(write(tmp_path, "export.txt", "\n  " + json.dumps(rows))).format == "JSON"
    assert read_catalogue(write(tmp_path, "items.txt", json.dumps({"items": rows}))).format == "JSON"
    named = write(tmp_path, "site.JSON", "\ufeff" + json.dumps(rows))
    assert items(read_catalogue(named)) == [("A", "Tea", 4500, "", "")]


@pytest.mark.parametrize(
    "name, forced, format",
    [
        ("shopify.csv", "shopify-csv", "Shopify product CSV"),
        ("woocommerce.csv", "woocommerce-csv", "WooCommerce product CSV"),
        ("tilda.csv", "tilda", "Tilda CSV"),
        ("products.json", "shopify-json", "Shopify products.json"),
        ("woocommerce.json", "woocommerce-json", "WooCommerce REST JSON"),
        ("feed.xml", "yml", "YML feed"),
    ],
)
def test_a_forced_format_is_the_reader_used(tmp_path: Path, name: str, forced: str, format: str) -> None:
    path = write(tmp_path, "export.txt", SAMPLES[name])
    assert read_catalogue(path, format=forced).format == format


def test_a_shopify_csv_read_as_plain_csv_uses_its_columns_literally(tmp_path: Path) -> None:
    path = write(tmp_path, "export.txt", "Handle,Title,SKU,Price\nlatte,Latte,LAT,70\n")
    assert read_catalogue(path).format == "Shopify product CSV"
    plain = read_catalogue(path, format="csv")
    assert plain.format == "CSV" and plain.fields == {"id": "SKU", "name": "Title", "price": "Price"}


def test_a_forced_json_reader_on_a_text_file_still_reads_json(tmp_path: Path) -> None:
    path = write(tmp_path, "export.txt", SAMPLES["products.json"])
    assert read_catalogue(path, format="shopify-json").format == "Shopify products.json"
    with pytest.raises(InputFileError, match="not valid JSON"):
        read_catalogue(write(tmp_path, "site.csv", "id,name\nA,Tea\n"), format="json")


@pytest.mark.parametrize(
    "doc, format",
    [
        ({"products": [{"title": "Tea", "variants": [{"sku": "T", "price": "45.00"}]}]}, "Shopify products.json"),
        ({"product": {"title": "Tea", "variants": [{"sku": "T", "price": "45.00"}]}}, "Shopify products.json"),
        ({"products": [{"id": "T", "name": "Tea", "price": "45"}]}, "JSON"),
        ({"products": []}, None),
        ([{"id": "T", "type": "simple", "name": "Tea", "regular_price": "45"}], "WooCommerce REST JSON"),
        ([{"id": "T", "type": "simple", "name": "Tea", "price": "45"}], "JSON"),
        ([{"id": "T", "type": "dish", "name": "Tea", "price": "45", "regular_price": "45"}], "JSON"),
    ],
)
def test_the_json_shape_decides_the_reader(tmp_path: Path, doc: object, format: str | None) -> None:
    path = write(tmp_path, "site.json", json.dumps(doc))
    if format is None:
        assert "has no items" in str(error(path))
        return
    catalogue = read_catalogue(path)
    assert catalogue.format == format and items(catalogue)[0][:3] == ("T", "Tea", 4500)


@pytest.mark.parametrize(
    "header, format",
    [
        ("Tilda UID;SKU;Title;Price", "Tilda CSV"),
        ("Handle;Title;Variant Price;Variant SKU", "Shopify product CSV"),
        ("URL handle;Title;Price;SKU", "Shopify product CSV"),
        ("Handle;Title;Option1 Name", "Shopify product CSV"),
        ("Handle;Name;SKU;Price", "CSV"),
        ("Type;Name;SKU;Regular price", "WooCommerce product CSV"),
        ("Type;Name;SKU;Parent", "WooCommerce product CSV"),
        ("Type;Name;SKU;Attribute 1 name", "WooCommerce product CSV"),
        ("Type;Name;SKU;Price", "CSV"),
        ("Handle;Title;Vendor", "CSV"),
        ("Handle;Title;Variant Price", "Shopify product CSV"),
        ("Handle;Title;Price", "Shopify product CSV"),
        ("Handle;Title;Variant SKU", "Shopify product CSV"),
        ("Handle;Title;SKU", "Shopify product CSV"),
        ("Handle;Title;Option1 Value", "Shopify product CSV"),
    ],
)
def test_the_header_decides_the_csv_reader(tmp_path: Path, header: str, format: str) -> None:
    from poster_cli.catalogue.readers import _csv_kind

    assert (
        _csv_kind(header.split(";"))
        == {
            "Tilda CSV": "tilda",
            "Shopify product CSV": "shopify-csv",
            "WooCommerce product CSV": "woocommerce-csv",
            "CSV": "csv",
        }[format]
    )


@pytest.mark.parametrize(
    "text, delimiter",
    [
        ("id,name,price\nA,Tea,45\n", ","),
        ("id;name;price\nA;Tea, black;45\n", ";"),
        ("id\tname\tprice\nA\tTea; black, hot\t45\n", "\t"),
        ("name;price,note\nTea;45,hot\nCake;50,sweet\n", ","),  # a tie: the comma, first in line, wins
        ("just one column\nTea\n", ","),
        ("", ","),
    ],
)
def test_the_delimiter_splits_the_first_lines_alike(text: str, delimiter: str) -> None:
    from poster_cli.catalogue import sniff_delimiter

    assert sniff_delimiter(text) == delimiter


def test_a_delimiter_that_splits_more_lines_alike_wins_over_more_fields() -> None:
    from poster_cli.catalogue import sniff_delimiter

    # ",": 3 fields on the header but 4 and 5 below; ";": 2 fields on every line
    text = "id;name,x,y\nA;Tea,1,2,3\nB;Cake,1,2,3,4\n"
    assert sniff_delimiter(text) == ";"


def test_blank_lines_before_the_header_and_between_rows_are_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "site.csv", "\n,,\n\ufeffid,name,price\n\nA,Tea,45\n,,\nB,Cake,50,,\n")
    catalogue = read_catalogue(path)
    assert items(catalogue) == [("A", "Tea", 4500, "", ""), ("B", "Cake", 5000, "", "")]
    assert [i.line for i in catalogue] == [5, 7]
    assert catalogue.fields == {"id": "id", "name": "name", "price": "price"}


def test_a_file_of_blank_lines_is_empty(tmp_path: Path) -> None:
    path = write(tmp_path, "site.csv", "\n ,\n\n")
    assert str(error(path)) == f"{path}: the file is empty"


def test_a_short_row_reads_its_missing_cells_as_empty(tmp_path: Path) -> None:
    path = write(tmp_path, "site.csv", "id,name,price,category\nA,Tea\n")
    assert items(read_catalogue(path)) == [("A", "Tea", None, "", "")]


def test_json_objects_that_are_not_items_are_named(tmp_path: Path) -> None:
    path = write(tmp_path, "site.json", json.dumps([{"id": "A", "name": "Tea"}, "B"]))
    assert str(error(path)) == f"{path}: items[1] is not an object"
    path = write(tmp_path, "site.json", json.dumps({"items": {"id": "A"}}))
    assert str(error(path)) == f'{path}: expected a list of items or {{"items": [...]}}'


def test_json_numbers_as_ids_and_each_objects_own_keys(tmp_path: Path) -> None:
    rows = [
        {"sku": 101.0, "title": "Tea", "cost": 45, "group": "Drinks", "ean": 4820000000017},
        {"id": 7, "name": "Cake", "price": "50,00"},
        {"sku": "C", "title": "  Pie  ", "cost": None},
    ]
    path = write(tmp_path, "site.json", json.dumps(rows))
    catalogue = read_catalogue(path)
    assert items(catalogue) == [
        ("101", "Tea", 4500, "Drinks", "4820000000017"),
        ("7", "Cake", 5000, "", ""),
        ("C", "Pie", None, "", ""),
    ]


def test_a_bad_json_item_is_named_by_its_index(tmp_path: Path) -> None:
    path = write(tmp_path, "site.json", json.dumps([{"id": "A", "name": "Tea"}, {"id": "B", "name": ""}]))
    assert str(error(path)) == f"{path}: items[1]: item 'B' has no name"


def test_json_nested_64_levels_is_read_and_65_is_not(tmp_path: Path) -> None:
    def nested(levels: int) -> object:
        doc: object = "x"
        for _ in range(levels - 2):  # the list and its item are two levels
            doc = [doc]
        return [{"id": "A", "name": "Tea", "extra": doc}]

    assert len(read_catalogue(write(tmp_path, "ok.json", json.dumps(nested(64))))) == 1
    err = error(write(tmp_path, "deep.json", json.dumps(nested(65))))
    assert err.problem == "JSON nested deeper than 64 levels"


def test_missing_columns_are_named_with_what_the_file_has(tmp_path: Path) -> None:
    path = write(tmp_path, "site.csv", "ref;label;cost\n1;Latte;70\n")
    err = error(path)
    assert (
        err.problem == "no id column (looked for id, local_id, site_id, sku, код, code; columns are: ref, label, cost)"
    )
    assert err.hint == "pass --id-col"
    assert str(err).startswith(f"{path}: no id column")
    err = error(path, columns=ColumnOverrides(id="ref"))
    assert err.problem == (
        "no name column (looked for name, title, назва, название, найменування, наименование; "
        "columns are: ref, label, cost)"
    )
    assert err.hint == "pass --name-col"
    err = error(path, columns=ColumnOverrides(id="Ref", name="title", price="price"))
    assert err.problem == "no column named 'title', 'price'" and err.hint == "columns are: ref, label, cost"
    assert str(err).startswith(f"{path}: no column named")


def test_an_override_takes_its_column_from_the_common_names(tmp_path: Path) -> None:
    path = write(tmp_path, "site.csv", "id,name,code,title,price\n1,Latte,L-1,Лате,70\n")
    catalogue = read_catalogue(path, ColumnOverrides(id="Code", name="TITLE"))
    assert items(catalogue) == [("L-1", "Лате", 7000, "", "")]
    assert catalogue.fields == {"id": "code", "name": "title", "price": "price"}


def test_header_names_match_by_prefix_spacing_and_case(tmp_path: Path) -> None:
    path = write(tmp_path, "site.csv", "Item-ID;Product Name;Price (UAH);Category/Group;EAN-13\nA;Tea;45;Drinks;482\n")
    catalogue = read_catalogue(path)
    assert items(catalogue) == [("A", "Tea", 4500, "Drinks", "482")]
    assert catalogue.fields == {
        "id": "Item-ID",
        "name": "Product Name",
        "price": "Price (UAH)",
        "category": "Category/Group",
    }


def test_a_header_that_only_starts_like_a_name_is_not_it(tmp_path: Path) -> None:
    path = write(tmp_path, "site.csv", "identity;names;id;name;pricey\nX;Y;A;Tea;9\n")
    catalogue = read_catalogue(path)
    assert items(catalogue) == [("A", "Tea", None, "", "")]
    assert catalogue.fields == {"id": "id", "name": "name"}


def test_one_header_serves_one_field(tmp_path: Path) -> None:
    # "item_id" could name the item ("item" + "_id"), but it is the id column already
    path = write(tmp_path, "site.csv", "item_id,item,price\n7,Tea,45\n")
    catalogue = read_catalogue(path)
    assert items(catalogue) == [("7", "Tea", 4500, "", "")]
    assert catalogue.describe() == "read as CSV: 1 items; id ← item_id, name ← item, price ← price"


def test_the_describe_line_counts_skipped_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "products.json", SAMPLES["products.json"])
    catalogue = read_catalogue(path)
    assert catalogue.meta() == {
        "format": "Shopify products.json",
        "items": 6,
        "fields": {
            "id": "variants[].sku (else variants[].id)",
            "name": "title + variants[].option1..3",
            "price": "variants[].price",
            "category": "product_type",
        },
        "skipped": {},
    }
    assert catalogue.describe().endswith("category ← product_type")
    assert catalogue[0].local_id == "ESP" and [i.local_id for i in catalogue[4:]] == ["LEM-S", "LEM-L"]


def test_a_symlink_loop_is_a_clean_error(tmp_path: Path) -> None:
    loop = tmp_path / "loop.csv"
    os.symlink(loop, loop)
    assert str(error(loop)).startswith(f"{loop}: cannot read: ")


def test_a_zip_that_is_not_a_workbook_is_named(tmp_path: Path) -> None:
    path = tmp_path / "prices.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"not really a zip" * 4)
    assert str(error(path)) == f"{path}: not a readable XLSX workbook (BadZipFile)"


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Prices"
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_an_xlsx_header_is_looked_for_in_the_first_30_rows(tmp_path: Path) -> None:
    titles: list[list[object]] = [[f"title line {n}"] for n in range(29)]
    body: list[list[object]] = [
        ["Code", "Name", None, "Price"],
        [101.0, "Tea", "ignored", 45],
        [],
        [None, None],
        ["C", "Cake", None, 50.5],
    ]
    catalogue = read_catalogue(_workbook(tmp_path / "ok.xlsx", titles + body))
    assert items(catalogue) == [("101", "Tea", 4500, "", ""), ("C", "Cake", 5050, "", "")]
    assert [i.line for i in catalogue] == [31, 34]
    assert catalogue.format == "XLSX (sheet 'Prices', header on row 30)"
    path = _workbook(tmp_path / "late.xlsx", [*titles, ["one more title"], *body])
    err = error(path)
    assert err.problem == "sheet 'Prices': no header row with an id and a name column in its first 30 rows"
    assert err.hint == "pass --id-col and --name-col, or --sheet NAME"


def test_an_xlsx_header_s_empty_cells_are_no_columns(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "prices.xlsx", [["Code", "Name", None, "Price"], ["A", "Tea", "x", 45]])
    err = error(path, columns=ColumnOverrides(price="Cost"))
    assert (err.problem, err.hint) == ("no column named 'Cost'", "columns are: Code, Name, Price")


def test_a_byte_order_mark_inside_a_json_key_is_not_part_of_the_name(tmp_path: Path) -> None:
    path = write(tmp_path, "site.json", json.dumps([{"\ufeffid": "A", "name": "Tea", "price": "45"}]))
    assert items(read_catalogue(path)) == [("A", "Tea", 4500, "", "")]


def test_an_xlsx_header_must_have_the_columns_the_flags_name(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "prices.xlsx", [["id", "name", "price"], ["A", "Tea", 45]])
    err = error(path, columns=ColumnOverrides(id="ref"))
    assert err.problem == "sheet 'Prices': no header row with an id and a name column in its first 30 rows"
    assert items(read_catalogue(path, ColumnOverrides(id="ID"))) == [("A", "Tea", 4500, "", "")]


def test_a_text_file_forced_as_xlsx_is_not_a_workbook(tmp_path: Path) -> None:
    path = write(tmp_path, "site.csv", "id,name\nA,Tea\n")
    assert str(error(path, format="xlsx")) == f"{path}: not a readable XLSX workbook (BadZipFile)"


def test_an_xlsx_with_a_sheet_named_and_the_first_sheet_by_default(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Menu"
    book.active.append(["id", "name", "price"])
    book.active.append(["A", "Tea", 45])
    other = book.create_sheet("Old")
    other.append(["id", "name", "price"])
    other.append(["B", "Cake", 50])
    path = tmp_path / "prices.xlsx"
    book.save(path)
    assert items(read_catalogue(path)) == [("A", "Tea", 4500, "", "")]
    assert items(read_catalogue(path, sheet="Old")) == [("B", "Cake", 5000, "", "")]
    assert read_catalogue(path, sheet="Old").format == "XLSX (sheet 'Old', header on row 1)"


def test_a_column_named_by_a_flag_is_not_taken_again_by_a_common_name(tmp_path: Path) -> None:
    path = write(tmp_path, "site.csv", "name,title,price\nT-1,Tea,45\n")
    catalogue = read_catalogue(path, ColumnOverrides(id="name"))
    assert items(catalogue) == [("T-1", "Tea", 4500, "", "")]
    assert catalogue.fields == {"id": "name", "name": "title", "price": "price"}


def test_an_xlsx_row_of_text_cells_and_a_formula_without_a_saved_value(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "prices.xlsx",
        [["id", "name", "price"], ["A", "Tea", "45"], ["   ", " ", None], ["B", "Cake", "=1+1"]],
    )
    catalogue = read_catalogue(path)
    assert items(catalogue) == [
        ("A", "Tea", 4500, "", ""),
        ("B", "Cake", None, "", ""),
    ]  # the value Excel saved, not the formula
    assert [i.line for i in catalogue] == [2, 4]


def test_xlsx_errors_name_the_workbook(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "prices.xlsx", [["id", "name", "price"], ["A", "Tea", "free"]])
    assert str(error(path)) == f"{path}:2: item 'A': not a price: 'free'"
    assert str(error(path, sheet="Menu")) == f"{path}: no sheet named 'Menu' (sheets are: Prices)"
    empty = _workbook(tmp_path / "empty.xlsx", [["just a title"]])
    assert str(error(empty)).startswith(f"{empty}: sheet 'Prices': no header row")


@pytest.mark.parametrize(
    "rows",
    [
        [{"id": 1, "type": "simple", "sku": "T", "name": "Tea", "price": "45", "variations": []}],
        [
            {"id": 1, "type": "external", "sku": "G", "name": "Gift", "price": "1"},
            {"id": 2, "type": "simple", "sku": "T", "name": "Tea", "price": "45", "parent_id": 0},
        ],
    ],
)
def test_a_rest_product_list_is_found_by_its_types_and_keys(tmp_path: Path, rows: list[dict[str, object]]) -> None:
    catalogue = read_catalogue(write(tmp_path, "products.json", json.dumps(rows)))
    assert catalogue.format == "WooCommerce REST JSON"
    assert items(catalogue) == [("T", "Tea", 4500, "", "")]


def test_bad_json_is_named_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "site.json", '[\n  {"id": "A",\n  "name": }\n]')
    err = error(path)
    assert str(err) == f"{path}:3: not valid JSON: Expecting value" and err.line == 3
    deep = write(tmp_path, "deep.json", "[" * 30000 + "]" * 30000)
    assert str(error(deep)) == f"{deep}: JSON nested too deep"
    nested: object = [{"id": "A", "name": "Tea"}]
    for _ in range(70):
        nested = [nested]
    too_deep = write(tmp_path, "deeper.json", json.dumps({"items": nested}))
    assert str(error(too_deep)) == f"{too_deep}: JSON nested deeper than 64 levels"


def test_read_options_carry_the_sheet_and_the_format(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from poster_cli.catalogue import ReadOptions

    book = Workbook()
    book.active.append(["note"])
    other = book.create_sheet("Prices")
    other.append(["id", "name", "price"])
    other.append(["A", "Tea", 45])
    path = tmp_path / "prices.xlsx"
    book.save(path)
    assert items(ReadOptions(sheet="Prices").read(path)) == [("A", "Tea", 4500, "", "")]
    shopify = write(tmp_path, "export.txt", "Handle,Title,SKU,Price\nlatte,Latte,LAT,70\n")
    assert ReadOptions(format="csv").read(shopify).format == "CSV"
    assert ReadOptions().read(shopify).format == "Shopify product CSV"


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "missing.csv"
    assert str(error(path)) == f"{path}: no such file"


def test_column_flags_apply_to_json(tmp_path: Path) -> None:
    path = write(tmp_path, "site.json", json.dumps([{"ref": "A", "label": "Tea", "cost": "45"}]))
    catalogue = read_catalogue(path, ColumnOverrides(id="ref", name="label", price="cost"))
    assert items(catalogue) == [("A", "Tea", 4500, "", "")]


def test_column_flags_on_a_platform_file_are_one_usage_error(tmp_path: Path) -> None:
    path = write(tmp_path, "wc.csv", SAMPLES["woocommerce.csv"])
    with pytest.raises(UsageError) as info:
        read_catalogue(path, ColumnOverrides(id="SKU", price="Regular price"))
    assert info.value.message == (
        f"{path}: read as WooCommerce product CSV, whose fields are known; --id-col, --price-col "
        "apply to plain CSV, JSON or XLSX"
    )
    assert info.value.hint == "add --format csv to read it as a plain table"


def test_a_broken_feed_forced_as_yml_names_the_format(tmp_path: Path) -> None:
    path = write(tmp_path, "export.txt", "<yml_catalog><shop>")
    message = str(error(path, format="yml"))
    assert message.startswith(f"{path}:1: read as YML feed: not well-formed XML")


def test_a_json_file_is_read_as_json_by_its_name(tmp_path: Path) -> None:
    path = write(tmp_path, "site.json", "id,name\nA,Tea\n")
    assert str(error(path)) == f"{path}:1: not valid JSON: Expecting value"


@pytest.mark.parametrize("name, text", [("site.csv", "id,name\nA,Tea\nB,"), ("site.json", '[{"id": "A", "name": "')])
def test_bytes_in_no_encoding_name_the_file(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_bytes(text.encode() + b"\x98\n")
    assert str(error(path)).startswith(f"{path}:")
    assert "neither UTF-8 nor cp1251 (byte 0x98)" in str(error(path))
