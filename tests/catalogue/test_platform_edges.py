"""The platform readers at their edges: ids without SKUs, categories from paths, products that are
not for sale, variants taking their parent's fields, and each broken file named with its row.

Every file here follows the platform's documented export (the sources are named in
tests/support/catalogue_samples.py): Shopify's product CSV and Admin REST ``products.json``,
WooCommerce's Product CSV Import Schema and REST v3 products, Tilda's store CSV, Prom/Rozetka YML."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from poster_cli.catalogue import read_catalogue
from tests.support.catalogue_files import error, items, write


def table(header: list[str], rows: list[dict[str, str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def problem(path: Path, **kwargs: object) -> str:
    return str(error(path, **kwargs))


# --- Shopify product CSV -------------------------------------------------------------------------

SHOPIFY = [
    "Handle",
    "Title",
    "Product Category",
    "Type",
    "Option1 Name",
    "Option1 Value",
    "Option2 Name",
    "Option2 Value",
    "Variant SKU",
    "Variant Price",
    "Variant Barcode",
    "Image Src",
    "Status",
]


def test_shopify_variants_without_skus_are_named_by_handle_and_options(tmp_path: Path) -> None:
    rows = [
        {
            "Handle": "latte",
            "Title": "Latte",
            "Product Category": "Food, Beverages & Tobacco > Beverages > Coffee",
            "Option1 Name": "Size",
            "Option1 Value": "Large",
            "Option2 Name": "Milk",
            "Option2 Value": "Oat",
            "Variant Price": "70.00",
            "Variant Barcode": "4820000000017",
            "Status": "active",
        },
        {"Handle": "latte", "Option1 Value": "Small", "Option2 Value": "Oat", "Variant Price": "60.00"},
        {"Handle": "latte", "Image Src": "https://cdn.example.com/latte.jpg"},
        {
            "Handle": "espresso",
            "Title": "Espresso",
            "Type": "Coffee bar",
            "Option1 Name": "Title",
            "Option1 Value": "Default Title",
            "Variant Price": "45.00",
            "Status": "active",
        },
    ]
    catalogue = read_catalogue(write(tmp_path, "products.csv", table(SHOPIFY, rows)))
    assert items(catalogue) == [
        ("latte/Large/Oat", "Latte Large Oat", 7000, "Coffee", "4820000000017"),
        ("latte/Small/Oat", "Latte Small Oat", 6000, "Coffee", ""),
        ("espresso", "Espresso", 4500, "Coffee bar", ""),
    ]
    assert catalogue.skipped == {"image rows": 1}
    assert catalogue.describe().endswith("; 1 row skipped (1 image rows)")


def test_shopify_products_not_for_sale_are_skipped_by_status(tmp_path: Path) -> None:
    rows = [
        {"Handle": "a", "Title": "Old", "Variant SKU": "A1", "Variant Price": "1", "Status": "archived"},
        {"Handle": "a", "Variant SKU": "A2", "Variant Price": "2"},
        {"Handle": "b", "Title": "New", "Variant SKU": "B1", "Variant Price": "3", "Status": "Draft"},
        {"Handle": "c", "Title": "Tea", "Variant SKU": "C1", "Variant Price": "4", "Status": "active"},
    ]
    catalogue = read_catalogue(write(tmp_path, "products.csv", table(SHOPIFY, rows)))
    assert items(catalogue) == [("C1", "Tea", 400, "", "")]
    assert catalogue.skipped == {"archived products": 2, "draft products": 1}
    assert catalogue.describe().endswith("; 3 rows skipped (2 archived products, 1 draft products)")


@pytest.mark.parametrize(
    "rows, where",
    [
        (
            [{"Handle": "", "Title": "Tea", "Variant SKU": "T", "Variant Price": "4"}],
            ":2: read as Shopify product CSV: the Handle is empty",
        ),
        (
            [
                {"Handle": "tea", "Title": "Tea", "Variant SKU": "T", "Variant Price": "4"},
                {"Handle": "cake", "Variant SKU": "C", "Variant Price": "5"},
            ],
            ":3: read as Shopify product CSV: product 'cake' starts without a Title",
        ),
    ],
)
def test_a_broken_shopify_csv_names_the_row(tmp_path: Path, rows: list[dict[str, str]], where: str) -> None:
    path = write(tmp_path, "products.csv", table(SHOPIFY, rows))
    assert problem(path) == f"{path}{where}"


def test_a_file_forced_as_shopify_csv_needs_a_handle(tmp_path: Path) -> None:
    path = write(tmp_path, "site.csv", "id,name,price\nA,Tea,4\n")
    assert problem(path, format="shopify-csv") == f"{path}: read as Shopify product CSV: no Handle column"


# --- Shopify products.json ---------------------------------------------------------------------


def variant(vid: int, sku: str | None, price: object, option1: str, barcode: str | None = None) -> dict[str, object]:
    return {
        "id": vid,
        "sku": sku,
        "price": price,
        "option1": option1,
        "option2": None,
        "option3": None,
        "barcode": barcode,
    }


def test_a_single_shopify_product_and_its_variants(tmp_path: Path) -> None:
    product = {
        "id": 1,
        "title": " Latte ",
        "product_type": "Coffee",
        "status": "active",
        "variants": [variant(11, "", "70.00", "Small", "482"), variant(12, "LAT-L", 85.5, "Large")],
    }
    catalogue = read_catalogue(write(tmp_path, "product.json", json.dumps({"product": product})))
    assert catalogue.format == "Shopify products.json"
    assert items(catalogue) == [
        ("11", "Latte Small", 7000, "Coffee", "482"),
        ("LAT-L", "Latte Large", 8550, "Coffee", ""),
    ]


def test_shopify_products_not_for_sale_count_their_variants(tmp_path: Path) -> None:
    products = [
        {"title": "Old", "status": "archived", "variants": [variant(1, "A", "1", "S"), variant(2, "B", "1", "L")]},
        {"title": "New", "status": "DRAFT", "variants": []},
        {"title": "Tea", "product_type": None, "variants": [variant(3, "T", "4.00", "Default Title")]},
    ]
    catalogue = read_catalogue(write(tmp_path, "products.json", json.dumps({"products": products})))
    assert items(catalogue) == [("T", "Tea", 400, "", "")]
    assert catalogue.skipped == {"archived products": 2, "DRAFT products": 1}


@pytest.mark.parametrize(
    "doc, message",
    [
        ({"products": "none"}, 'expected {"products": [...]}'),
        ({"products": [{"title": "Tea", "variants": []}, "x"]}, "products[1] is not an object"),
        ({"products": [{"title": "Tea", "variants": {"sku": "T"}}]}, "products[0].variants is not a list"),
        (
            {"products": [{"title": "Tea", "variants": [variant(1, "T", "4", "S"), "x"]}]},
            "products[0].variants[1] is not an object",
        ),
        (
            {"products": [{"title": "Tea", "variants": [variant(1, "T", "4", "S"), variant(2, "T", "5", "L")]}]},
            "products[0].variants[1]: id 'T' appears again (first at products[0].variants[0])",
        ),
    ],
)
def test_a_broken_products_json_names_the_product(tmp_path: Path, doc: object, message: str) -> None:
    path = write(tmp_path, "products.json", json.dumps(doc))
    assert problem(path, format="shopify-json") == f"{path}: read as Shopify products.json: {message}"


# --- WooCommerce product CSV -------------------------------------------------------------------

WOO = [
    "ID",
    "Type",
    "SKU",
    "Name",
    "Published",
    "Sale price",
    "Regular price",
    "Categories",
    "Parent",
    "Attribute 1 name",
    "Attribute 1 value(s)",
    "Attribute 2 name",
    "Attribute 2 value(s)",
]


def test_woocommerce_rows_that_are_not_items_are_counted_by_reason(tmp_path: Path) -> None:
    rows = [
        {"ID": "1", "Type": "grouped", "Name": "Breakfast set", "Published": "1"},
        {"ID": "2", "Type": "external", "Name": "Gift card", "Published": "1", "Regular price": "100"},
        {"ID": "3", "Type": "simple", "SKU": "A", "Name": "Private", "Published": "0", "Regular price": "1"},
        {"ID": "4", "Type": "simple", "SKU": "B", "Name": "Draft", "Published": "-1", "Regular price": "1"},
        {
            "ID": "20",
            "Type": "Simple, Downloadable",
            "Name": "Recipe",
            "Published": "1",
            "Regular price": "30",
            "Categories": "Books > Coffee\\, tea and more, Gifts",
        },
    ]
    catalogue = read_catalogue(write(tmp_path, "wc-product-export.csv", table(WOO, rows)))
    assert items(catalogue) == [("20", "Recipe", 3000, "Coffee, tea and more", "")]
    assert catalogue.skipped == {"grouped products": 1, "external products": 1, "unpublished": 2}


def test_woocommerce_variations_take_what_they_lack_from_their_parent(tmp_path: Path) -> None:
    rows = [
        {"ID": "11", "Type": "variable", "Name": "Latte", "Published": "1", "Categories": "Drinks > Coffee"},
        {
            "ID": "12",
            "Type": "variation",
            "SKU": "L-S",
            "Name": "Latte - Small",
            "Published": "1",
            "Regular price": "60",
            "Parent": "id:11",
            "Attribute 1 name": "Size",
            "Attribute 1 value(s)": "Small",
            "Attribute 2 name": "Milk",
            "Attribute 2 value(s)": "Oat",
        },
        {
            "ID": "13",
            "Type": "variation",
            "SKU": "L-X",
            "Name": "Latte special",
            "Published": "1",
            "Regular price": "90",
            "Categories": "Specials",
            "Parent": "11",
        },
        {"ID": "14", "Type": "variation", "SKU": "L-Y", "Published": "1", "Regular price": "95", "Parent": "id:11"},
    ]
    catalogue = read_catalogue(write(tmp_path, "wc-product-export.csv", table(WOO, rows)))
    assert items(catalogue) == [
        ("L-S", "Latte Small Oat", 6000, "Coffee", ""),
        ("L-X", "Latte special", 9000, "Specials", ""),
        ("L-Y", "Latte", 9500, "Coffee", ""),
    ]
    assert catalogue.skipped == {"variable parents": 1}


# --- WooCommerce REST JSON ---------------------------------------------------------------------


def woo(pid: int, kind: str, sku: str, name: str, **extra: object) -> dict[str, object]:
    return {"id": pid, "type": kind, "sku": sku, "name": name, "status": "publish", **extra}


def test_woocommerce_json_prices_statuses_and_variations(tmp_path: Path) -> None:
    products = [
        woo(1, "simple", "", "Tea", price="", sale_price="", regular_price="45", categories=[]),
        woo(2, "simple", "CAKE", "Cake", price=50, categories=[{"id": 3, "name": " Desserts "}]),
        woo(3, "simple", "OLD", "Old", price="1", status="draft"),
        woo(4, "grouped", "SET", "Set", price="1"),
        woo(5, "variable", "LAT", "Latte", price="60", regular_price="60", categories=[{"name": "Coffee"}]),
        woo(6, "variable", "RAF", "Raf", price="80", variations=[7, 8]),
        {
            "id": 9,
            "parent_id": 5,
            "type": "variation",
            "sku": "LAT-S",
            "price": "60",
            "status": "publish",
            "attributes": [{"name": "Size", "option": "S"}],
        },
        {
            "id": 10,
            "parent_id": 5,
            "type": "variation",
            "sku": "LAT-P",
            "price": "61",
            "status": "private",
            "attributes": [],
        },
        woo(11, "simple", "SALE", "Sale", price="", sale_price="39", regular_price="45"),
    ]
    catalogue = read_catalogue(write(tmp_path, "products.json", json.dumps(products)))
    assert catalogue.format == "WooCommerce REST JSON"
    assert items(catalogue) == [
        ("1", "Tea", 4500, "", ""),
        ("CAKE", "Cake", 5000, "Desserts", ""),
        ("LAT-S", "Latte S", 6000, "Coffee", ""),
        ("SALE", "Sale", 3900, "", ""),
    ]
    assert catalogue.skipped == {
        "unpublished": 2,
        "grouped products": 1,
        "variable parents": 2,
        "variable products whose variations are not in the file": 1,
    }


@pytest.mark.parametrize(
    "doc, message",
    [
        ({"id": 1}, "expected a list of products"),
        ([woo(1, "simple", "A", "Tea", price="4"), 5], "[1] is not an object"),
    ],
)
def test_a_broken_woocommerce_json_names_the_entry(tmp_path: Path, doc: object, message: str) -> None:
    path = write(tmp_path, "products.json", json.dumps(doc))
    assert problem(path, format="woocommerce-json") == f"{path}: read as WooCommerce REST JSON: {message}"


# --- Tilda -------------------------------------------------------------------------------------

TILDA = ["Tilda UID", "SKU", "Category", "Title", "Price", "Editions", "Parent UID"]


def test_tilda_variants_editions_and_their_main_product(tmp_path: Path) -> None:
    rows = [
        {"Tilda UID": "1", "Category": "Coffee;Hits", "Title": "Latte", "Price": "60", "Editions": ""},
        {"Tilda UID": "2", "SKU": "L-L", "Price": "70", "Editions": "Size:400 ml; Milk: oat ;", "Parent UID": "1"},
        {"Tilda UID": "3", "Title": "Latte XL", "Category": "Big", "Editions": "XL", "Parent UID": "1"},
        {
            "Tilda UID": "4",
            "SKU": "RAF",
            "Category": "Coffee",
            "Title": "Raf",
            "Price": "80",
            "Editions": "Size:300 ml",
        },
        {"Tilda UID": "5", "SKU": "RAF-L", "Price": "90", "Editions": "Size:500 ml", "Parent UID": "4"},
    ]
    catalogue = read_catalogue(write(tmp_path, "store.csv", table(TILDA, rows, ";")))
    assert catalogue.format == "Tilda CSV"
    assert items(catalogue) == [
        ("L-L", "Latte 400 ml oat", 7000, "Coffee", ""),
        ("3", "Latte XL", 6000, "Big", ""),
        ("RAF", "Raf 300 ml", 8000, "Coffee", ""),
        ("RAF-L", "Raf 500 ml", 9000, "Coffee", ""),
    ]
    assert catalogue.skipped == {"main products of variants": 1}


# --- YML feed ----------------------------------------------------------------------------------

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<yml_catalog date="2026-12-01 10:00">
  <shop>
    <name>Cafe</name>
    <categories>
      <category id="1">Coffee</category>
      <category id="2" parentId="1">Milk coffee</category>
    </categories>
    <offers>
{offers}
    </offers>
  </shop>
</yml_catalog>
"""


def feed(tmp_path: Path, offers: str) -> Path:
    return write(tmp_path, "feed.xml", FEED.replace("{offers}", offers))


def test_yml_names_from_type_vendor_and_model_and_ids_from_offers_when_codes_repeat(tmp_path: Path) -> None:
    offers = """
      <offer id="1" available="true"><typePrefix>Coffee</typePrefix><vendor>Lavazza</vendor><model>Oro 1 kg</model>
        <price>690</price><categoryId>1</categoryId><vendorCode>BEANS</vendorCode><barcode>8000070012</barcode></offer>
      <offer id="2" available="true"><name>Latte</name><price>70</price><categoryId>2</categoryId>
        <vendorCode>BEANS</vendorCode><param name="Size">L</param></offer>
      <offer id="3" available="true"><name>Cake</name><price>50</price><categoryId>9</categoryId></offer>"""
    catalogue = read_catalogue(feed(tmp_path, offers))
    assert items(catalogue) == [
        ("1", "Coffee Lavazza Oro 1 kg", 69000, "Coffee", "8000070012"),
        ("2", "Latte", 7000, "Milk coffee", ""),
        ("3", "Cake", 5000, "", ""),
    ]
    assert catalogue.fields["id"] == "offer/@id" and catalogue.fields["name"] == "name"
    assert [i.line for i in catalogue] == [11, 13, 15]


def test_yml_group_names_gain_the_params_that_differ(tmp_path: Path) -> None:
    offers = """
      <offer id="1" group_id="7"><name>Latte</name><price>60</price><vendorCode>L-S</vendorCode>
        <param name="Size">S</param><param name="Milk">cow</param><param name="Syrup">none</param></offer>
      <offer id="2" group_id="7"><name>Latte L</name><price>70</price><vendorCode>L-L</vendorCode>
        <param name="Size">L</param><param name="Milk">cow</param><param name="Syrup">vanilla</param></offer>
      <offer id="3" group_id="8"><name>Tea</name><price>40</price><vendorCode>TEA</vendorCode>
        <param name="Size">M</param></offer>"""
    catalogue = read_catalogue(feed(tmp_path, offers))
    assert items(catalogue) == [
        ("L-S", "Latte S none", 6000, "", ""),
        ("L-L", "Latte L vanilla", 7000, "", ""),
        ("TEA", "Tea", 4000, "", ""),
    ]
    assert catalogue.fields == {
        "id": "vendorCode",
        "name": "name + the group's differing params",
        "price": "price",
        "category": "categoryId → categories",
    }


def test_yml_reads_only_offers_inside_offers_and_their_own_fields(tmp_path: Path) -> None:
    offers = """
      <offer id="1"><name>Tea</name><price>40</price><vendorCode>TEA</vendorCode>
        <delivery-options><option><price>99</price></option></delivery-options><price>41</price></offer>
      <promo><offer id="2"><name>Not an item</name><price>1</price></offer></promo>"""
    catalogue = read_catalogue(feed(tmp_path, offers))
    assert items(catalogue) == [("TEA", "Tea", 4000, "", "")]


def test_a_yml_offer_without_an_id_is_named_by_its_line(tmp_path: Path) -> None:
    path = feed(tmp_path, '      <offer><name>Tea</name><price>40</price></offer>')
    assert problem(path) == f"{path}:10: read as YML feed: the id is empty"


def test_a_yml_feed_without_offers_has_no_items(tmp_path: Path) -> None:
    path = feed(tmp_path, "")
    assert problem(path) == f"{path}: read as YML feed: has no items (check the export: a header and at least one row)"


def test_platform_files_with_only_the_columns_they_need(tmp_path: Path) -> None:
    shopify = write(tmp_path, "products.csv", "Handle,Title,Variant SKU,Variant Price\ntea,Tea,T,45.00\n")
    catalogue = read_catalogue(shopify)
    assert items(catalogue) == [("T", "Tea", 4500, "", "")]
    assert catalogue.fields["category"] == "Type"
    woo_csv = write(tmp_path, "wc.csv", "Type,SKU,Name,Regular price\nsimple,T,Tea,45\n")
    assert items(read_catalogue(woo_csv)) == [("T", "Tea", 4500, "", "")]
    tilda = write(tmp_path, "store.csv", "Tilda UID;Title;Price;Editions\n7;;12;Size:XL\n")
    assert items(read_catalogue(tilda)) == [("7", "XL", 1200, "", "")]


def test_a_variant_name_adds_each_new_value_once() -> None:
    from poster_cli.catalogue.items import variant_name

    assert variant_name(" Tea ", ["Large", " large ", "Default Title", "", "Oat"]) == "Tea Large Oat"
    assert variant_name("", ["Large", "Oat"]) == "Large Oat"
    assert variant_name("Hoodie - Blue", ["Blue", "XL"]) == "Hoodie - Blue XL"


@pytest.mark.parametrize(
    "name, line",
    [
        (
            "shopify-2024.csv",
            (
                "read as Shopify product CSV: 6 items; id ← SKU (else Handle + options), name ← Title + Option1..3 Value, "
                "price ← Price, category ← Type; 1 row skipped (1 draft products)"
            ),
        ),
        (
            "woocommerce.csv",
            (
                "read as WooCommerce product CSV: 6 items; id ← SKU (else ID), "
                "name ← Name (variations: the parent's + Attribute values), price ← Sale price, else Regular price, "
                "category ← Categories (variations: the parent's); 2 rows skipped (2 variable parents)"
            ),
        ),
        (
            "woocommerce.json",
            (
                "read as WooCommerce REST JSON: 6 items; id ← sku (else id), "
                "name ← name (variations: the parent's + attributes[].option), "
                "price ← price (else sale_price, regular_price), category ← categories[0].name; "
                "2 rows skipped (2 variable parents)"
            ),
        ),
        (
            "tilda.csv",
            (
                "read as Tilda CSV: 6 items; id ← SKU (else Tilda UID), name ← Title + Editions, price ← Price, "
                "category ← Category (the first); 2 rows skipped (2 main products of variants)"
            ),
        ),
    ],
)
def test_the_match_line_says_which_fields_each_platform_gave(tmp_path: Path, name: str, line: str) -> None:
    from tests.support.catalogue_samples import SAMPLES

    assert read_catalogue(write(tmp_path, name, SAMPLES[name])).describe() == line


def test_tilda_rows_without_a_uid_and_editions_holding_a_colon(tmp_path: Path) -> None:
    rows = [
        {"SKU": "T", "Category": "Tea", "Title": "Tea", "Price": "40"},
        {"Tilda UID": "9", "SKU": "B", "Title": "Breakfast", "Price": "90", "Editions": "Pickup:10:30"},
    ]
    catalogue = read_catalogue(write(tmp_path, "store.csv", table(TILDA, rows, ";")))
    assert items(catalogue) == [("T", "Tea", 4000, "Tea", ""), ("B", "Breakfast 10:30", 9000, "", "")]
    assert [i.line for i in catalogue] == [2, 3]


def test_shopify_variant_rows_with_only_a_sku_or_only_an_option(tmp_path: Path) -> None:
    rows = [
        {"Handle": "tea", "Title": "Tea", "Option1 Name": "Size", "Option1 Value": "S", "Variant SKU": "T-S"},
        {"Handle": "tea", "Option1 Value": "L"},
        {"Handle": "tea", "Variant SKU": "T-X"},
    ]
    catalogue = read_catalogue(write(tmp_path, "products.csv", table(SHOPIFY, rows)))
    assert items(catalogue) == [
        ("T-S", "Tea S", None, "", ""),
        ("tea/L", "Tea L", None, "", ""),
        ("T-X", "Tea", None, "", ""),
    ]
    assert [i.line for i in catalogue] == [2, 3, 4]


def test_a_shopify_csv_without_sku_or_price_columns(tmp_path: Path) -> None:
    catalogue = read_catalogue(write(tmp_path, "products.csv", "Handle,Title,Option1 Value\ntea,Tea,Default Title\n"))
    assert items(catalogue) == [("tea", "Tea", None, "", "")]
    assert catalogue.describe() == (
        "read as Shopify product CSV: 1 items; id ← SKU (else Handle + options), name ← Title + Option1..3 Value, "
        "price ← Variant Price, category ← Type"
    )


@pytest.mark.parametrize("doc", [[{"title": "Tea", "variants": []}], {"items": []}])
def test_json_forced_as_shopify_without_products(tmp_path: Path, doc: object) -> None:
    path = write(tmp_path, "products.json", json.dumps(doc))
    assert (
        problem(path, format="shopify-json") == f'{path}: read as Shopify products.json: expected {{"products": [...]}}'
    )


def test_shopify_json_options_two_and_three_and_a_missing_price(tmp_path: Path) -> None:
    v = variant(1, "L", None, "Large")
    v.update(option2="Oat", option3="Vanilla")
    doc = {"products": [{"title": "Latte", "variants": [v]}]}
    assert items(read_catalogue(write(tmp_path, "products.json", json.dumps(doc)))) == [
        ("L", "Latte Large Oat Vanilla", None, "", "")
    ]


def test_a_woocommerce_variation_with_a_second_type_is_still_a_variation(tmp_path: Path) -> None:
    rows = [
        {"ID": "11", "Type": "variable", "Name": "Guide", "Published": "1", "Categories": "Books"},
        {
            "ID": "12",
            "Type": "variation, downloadable",
            "SKU": "G-PDF",
            "Published": "1",
            "Regular price": "10",
            "Parent": "id:11",
            "Attribute 1 name": "Format",
            "Attribute 1 value(s)": "PDF",
        },
    ]
    catalogue = read_catalogue(write(tmp_path, "wc.csv", table(WOO, rows)))
    assert items(catalogue) == [("G-PDF", "Guide PDF", 1000, "Books", "")]
    assert [i.line for i in catalogue] == [3]


def test_woocommerce_json_as_the_rest_api_writes_parents_and_variations(tmp_path: Path) -> None:
    products = [
        woo(1, "simple", "TEA", "Tea", price="45", parent_id=0),
        woo(5, "variable", "LAT", "Latte", price="60"),
        {"id": 9, "parent_id": 5, "sku": "LAT-P", "price": "61", "status": "private", "attributes": []},
        {"id": 10, "parent_id": 5, "sku": "LAT-S", "price": "60", "attributes": [{"name": "Size", "option": "S"}]},
        woo(11, "simple", "CUP", "Cup"),
    ]
    catalogue = read_catalogue(write(tmp_path, "products.json", json.dumps(products)), format="woocommerce-json")
    assert items(catalogue) == [
        ("TEA", "Tea", 4500, "", ""),
        ("LAT-S", "Latte S", 6000, "", ""),
        ("CUP", "Cup", None, "", ""),
    ]


@pytest.mark.parametrize(
    "variation, message",
    [
        ({"parent_id": 99}, "[1]: variation's parent_id '99' is no variable product in the file"),
        ({"parent_id": 1}, "[1]: variation's parent_id '1' is no variable product in the file"),
        ({"type": "variation"}, "[1]: a variation without a parent_id"),
        ({"type": "variation", "parent_id": 0}, "[1]: a variation without a parent_id"),
    ],
)
def test_a_woocommerce_json_variation_without_its_product_is_named(
    tmp_path: Path, variation: dict[str, object], message: str
) -> None:
    orphan = {"id": 9, "sku": "LAT-S", "price": "60", "attributes": [{"name": "Size", "option": "S"}], **variation}
    path = write(tmp_path, "products.json", json.dumps([woo(1, "simple", "TEA", "Tea", price="45"), orphan]))
    assert problem(path, format="woocommerce-json") == f"{path}: read as WooCommerce REST JSON: {message}"


def test_the_variations_of_an_unpublished_woocommerce_product_are_left_out_with_it(tmp_path: Path) -> None:
    products = [
        woo(5, "variable", "LAT", "Latte", status="draft"),
        {"id": 9, "parent_id": 5, "sku": "LAT-S", "price": "60", "attributes": [{"name": "Size", "option": "S"}]},
        woo(1, "simple", "TEA", "Tea", price="45"),
    ]
    catalogue = read_catalogue(write(tmp_path, "products.json", json.dumps(products)), format="woocommerce-json")
    assert items(catalogue) == [("TEA", "Tea", 4500, "", "")]
    assert catalogue.skipped == {"unpublished": 1}


def test_a_broken_woocommerce_json_item_is_named_by_its_place(tmp_path: Path) -> None:
    path = write(tmp_path, "products.json", json.dumps([woo(1, "simple", "TEA", "", price="45")]))
    assert (
        problem(path, format="woocommerce-json")
        == f"{path}: read as WooCommerce REST JSON: [0]: item 'TEA' has no name"
    )
    variable = woo(5, "variable", "LAT", "", variations=[{"id": 9, "sku": "LAT-S", "price": "x", "attributes": []}])
    path = write(tmp_path, "products.json", json.dumps([variable]))
    assert problem(path, format="woocommerce-json") == (
        f"{path}: read as WooCommerce REST JSON: [0].variations[0]: item 'LAT-S' has no name"
    )


def test_yml_text_split_by_a_comment_and_a_category_without_an_id(tmp_path: Path) -> None:
    offers = """
      <offer id="1"><delivery-options><option><price>99</price></option></delivery-options>
        <name>Chai<!-- a note --> latte</name><price>65</price><categoryId>1</categoryId></offer>"""
    text = FEED.replace("{offers}", offers).replace("</categories>", "<category>No id</category></categories>")
    catalogue = read_catalogue(write(tmp_path, "feed.xml", text))
    assert items(catalogue) == [("1", "Chai latte", 6500, "Coffee", "")]


def test_yml_ids_are_offer_ids_when_one_vendor_code_is_missing(tmp_path: Path) -> None:
    offers = """
      <offer id="1"><name>Tea</name><price>40</price><vendorCode>TEA</vendorCode></offer>
      <offer id="2"><name>Cake</name><price>50</price></offer>"""
    catalogue = read_catalogue(feed(tmp_path, offers))
    assert [i.local_id for i in catalogue] == ["1", "2"]


def test_yml_offers_with_one_id_twice_name_both_lines(tmp_path: Path) -> None:
    offers = """      <offer id="1"><name>Tea</name><price>40</price></offer>
      <offer id="2"><name>Cake</name><price>50</price></offer>
      <offer id="1"><name>Chai</name><price>65</price></offer>"""
    path = feed(tmp_path, offers)
    assert problem(path) == f"{path}:12: read as YML feed: id '1' appears again (first at line 10)"


def test_a_stray_offer_before_the_offers_is_no_item(tmp_path: Path) -> None:
    stray = (
        '<promos><promo id="p"><offer id="9"><name>Gift</name><price>1</price></offer></promo></promos>\n    <offers>'
    )
    text = FEED.replace("{offers}", '      <offer id="1"><name>Tea</name><price>40</price></offer>')
    catalogue = read_catalogue(write(tmp_path, "feed.xml", text.replace("<offers>", stray)))
    assert items(catalogue) == [("1", "Tea", 4000, "", "")]


def test_a_truncated_yml_feed_is_not_well_formed(tmp_path: Path) -> None:
    text = FEED.replace("{offers}", '      <offer id="1"><name>Tea</name><price>40</price></offer>')
    path = write(tmp_path, "feed.xml", text[: text.index("</offers>")])
    message = problem(path)
    assert message.startswith(f"{path}:") and "read as YML feed: not well-formed XML" in message
