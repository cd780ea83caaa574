"""One small café catalogue written in each platform's own export format, from each platform's
documentation (named above each sample), plus the same catalogue as a plain CSV.

Every sample holds the same six sellable items: a product without options, two products with a
size option (two variants each) and a tea; platform rows that are not sellable (variable parents,
image rows, a main product of variants) are there as the platforms write them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

# (id, name, price in kopecks, category): what every sample must read as
EXPECTED = [
    ("ESP", "Еспресо", 4500, "Кава"),
    ("LAT-S", "Лате 250 мл", 7000, "Кава"),
    ("LAT-L", "Лате 400 мл", 8550, "Кава"),
    ("TEA", "Чай чорний Ассам", 5500, "Чай"),
    ("LEM-S", "Лимонад класичний 0,4 л", 7500, "Лимонади"),
    ("LEM-L", "Лимонад класичний 1 л", 16000, "Лимонади"),
]

PLAIN_CSV = "id,name,price,category\n" + "".join(f'{i},"{n}",{p // 100}.{p % 100:02d},{c}\n' for i, n, p, c in EXPECTED)


def _csv(header: list[str], rows: list[dict[str, str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=header, delimiter=delimiter, lineterminator="\n")
    w.writeheader()
    for row in rows:
        w.writerow(row)
    return out.getvalue()


# Shopify, "Using CSV files to import and export products" (help.shopify.com/en/manual/products/
# import-export/using-csv) and its product_template.csv: the long-standing header. Variant rows
# repeat the Handle with an empty Title; an image row has only Handle, Image Src and Image Position;
# a product without options has Option1 Name "Title" and Option1 Value "Default Title".
SHOPIFY_HEADER = (
    "Handle,Title,Body (HTML),Vendor,Product Category,Type,Tags,Published,Option1 Name,Option1 Value,"
    "Option2 Name,Option2 Value,Option3 Name,Option3 Value,Variant SKU,Variant Grams,Variant Inventory Tracker,"
    "Variant Inventory Qty,Variant Inventory Policy,Variant Fulfillment Service,Variant Price,"
    "Variant Compare At Price,Variant Requires Shipping,Variant Taxable,Variant Barcode,Image Src,"
    "Image Position,Image Alt Text,Gift Card,SEO Title,SEO Description,Variant Image,Variant Weight Unit,"
    "Variant Tax Code,Cost per item,Status"
).split(",")
SHOPIFY_CSV = _csv(
    SHOPIFY_HEADER,
    [
        {
            "Handle": "espresso",
            "Title": "Еспресо",
            "Vendor": "Кав'ярня",
            "Type": "Кава",
            "Published": "TRUE",
            "Option1 Name": "Title",
            "Option1 Value": "Default Title",
            "Variant SKU": "ESP",
            "Variant Grams": "0",
            "Variant Inventory Policy": "deny",
            "Variant Fulfillment Service": "manual",
            "Variant Price": "45.00",
            "Variant Requires Shipping": "FALSE",
            "Variant Taxable": "TRUE",
            "Image Src": "https://cdn.example.com/espresso.jpg",
            "Image Position": "1",
            "Gift Card": "FALSE",
            "Status": "active",
        },
        {
            "Handle": "latte",
            "Title": "Лате",
            "Vendor": "Кав'ярня",
            "Type": "Кава",
            "Published": "TRUE",
            "Option1 Name": "Розмір",
            "Option1 Value": "250 мл",
            "Variant SKU": "LAT-S",
            "Variant Inventory Policy": "deny",
            "Variant Fulfillment Service": "manual",
            "Variant Price": "70.00",
            "Image Src": "https://cdn.example.com/latte.jpg",
            "Image Position": "1",
            "Gift Card": "FALSE",
            "Status": "active",
        },
        {
            "Handle": "latte",
            "Option1 Value": "400 мл",
            "Variant SKU": "LAT-L",
            "Variant Inventory Policy": "deny",
            "Variant Fulfillment Service": "manual",
            "Variant Price": "85.50",
        },
        {"Handle": "latte", "Image Src": "https://cdn.example.com/latte-2.jpg", "Image Position": "2"},
        {
            "Handle": "black-tea",
            "Title": "Чай чорний Ассам",
            "Type": "Чай",
            "Published": "TRUE",
            "Option1 Name": "Title",
            "Option1 Value": "Default Title",
            "Variant SKU": "TEA",
            "Variant Price": "55.00",
            "Status": "active",
        },
        {
            "Handle": "lemonade",
            "Title": "Лимонад класичний",
            "Type": "Лимонади",
            "Published": "TRUE",
            "Option1 Name": "Об'єм",
            "Option1 Value": "0,4 л",
            "Variant SKU": "LEM-S",
            "Variant Price": "75.00",
            "Status": "active",
        },
        {"Handle": "lemonade", "Option1 Value": "1 л", "Variant SKU": "LEM-L", "Variant Price": "160.00"},
    ],
)

# Shopify's 2024 export header ("URL handle", "Option1 value", "SKU", "Price"), same help page.
SHOPIFY_2024_CSV = _csv(
    [
        "Title",
        "URL handle",
        "Description",
        "Vendor",
        "Product category",
        "Type",
        "Tags",
        "Published on online store",
        "Status",
        "SKU",
        "Barcode",
        "Option1 name",
        "Option1 value",
        "Option2 name",
        "Option2 value",
        "Option3 name",
        "Option3 value",
        "Price",
        "Compare-at price",
    ],
    [
        {
            "Title": "Еспресо",
            "URL handle": "espresso",
            "Type": "Кава",
            "Status": "Active",
            "SKU": "ESP",
            "Option1 name": "Title",
            "Option1 value": "Default Title",
            "Price": "45.00",
        },
        {
            "Title": "Лате",
            "URL handle": "latte",
            "Type": "Кава",
            "Status": "Active",
            "SKU": "LAT-S",
            "Option1 name": "Розмір",
            "Option1 value": "250 мл",
            "Price": "70.00",
        },
        {"URL handle": "latte", "SKU": "LAT-L", "Option1 value": "400 мл", "Price": "85.50"},
        {
            "Title": "Чай чорний Ассам",
            "URL handle": "black-tea",
            "Type": "Чай",
            "Status": "Active",
            "SKU": "TEA",
            "Option1 name": "Title",
            "Option1 value": "Default Title",
            "Price": "55.00",
        },
        {
            "Title": "Лимонад класичний",
            "URL handle": "lemonade",
            "Type": "Лимонади",
            "Status": "Active",
            "SKU": "LEM-S",
            "Option1 name": "Об'єм",
            "Option1 value": "0,4 л",
            "Price": "75.00",
        },
        {"URL handle": "lemonade", "SKU": "LEM-L", "Option1 value": "1 л", "Price": "160.00"},
        {
            "Title": "Сезонний раф",
            "URL handle": "seasonal",
            "Type": "Кава",
            "Status": "Draft",
            "SKU": "RAF",
            "Option1 name": "Title",
            "Option1 value": "Default Title",
            "Price": "95.00",
        },
    ],
)


def _variant(vid: int, sku: str, price: str, option: str) -> dict[str, object]:
    return {
        "id": vid,
        "product_id": vid // 10,
        "title": option,
        "price": price,
        "sku": sku,
        "position": 1,
        "option1": option,
        "option2": None,
        "option3": None,
        "available": True,
        "barcode": None,
    }


# Shopify Admin REST API "Product" resource (shopify.dev/docs/api/admin-rest/latest/resources/product),
# GET /products.json: products[].variants[] (price a decimal string), options[].
SHOPIFY_JSON = json.dumps(
    {
        "products": [
            {
                "id": 1001,
                "title": "Еспресо",
                "handle": "espresso",
                "product_type": "Кава",
                "status": "active",
                "variants": [_variant(10011, "ESP", "45.00", "Default Title")],
                "options": [{"name": "Title", "position": 1, "values": ["Default Title"]}],
            },
            {
                "id": 1002,
                "title": "Лате",
                "handle": "latte",
                "product_type": "Кава",
                "status": "active",
                "variants": [_variant(10021, "LAT-S", "70.00", "250 мл"), _variant(10022, "LAT-L", "85.50", "400 мл")],
                "options": [{"name": "Розмір", "position": 1, "values": ["250 мл", "400 мл"]}],
            },
            {
                "id": 1003,
                "title": "Чай чорний Ассам",
                "handle": "black-tea",
                "product_type": "Чай",
                "status": "active",
                "variants": [_variant(10031, "TEA", "55.00", "Default Title")],
                "options": [{"name": "Title", "position": 1, "values": ["Default Title"]}],
            },
            {
                "id": 1004,
                "title": "Лимонад класичний",
                "handle": "lemonade",
                "product_type": "Лимонади",
                "status": "active",
                "variants": [_variant(10041, "LEM-S", "75.00", "0,4 л"), _variant(10042, "LEM-L", "160.00", "1 л")],
                "options": [{"name": "Об'єм", "position": 1, "values": ["0,4 л", "1 л"]}],
            },
        ]
    },
    ensure_ascii=False,
)

# WooCommerce "Product CSV Import Schema" (github.com/woocommerce/woocommerce/wiki/
# Product-CSV-Import-Schema; the exporter's header, WooCommerce 3.1+; commas inside a value escaped "\\,"
# as the exporter writes them): a variable parent, its
# variations with Parent "id:NN" or the parent's SKU, Categories as "A > B" paths.
WOO_HEADER = (
    "ID,Type,SKU,Name,Published,Is featured?,Visibility in catalog,Short description,Description,"
    "Date sale price starts,Date sale price ends,Tax status,Tax class,In stock?,Stock,Backorders allowed?,"
    "Sold individually?,Weight (kg),Length (cm),Width (cm),Height (cm),Allow customer reviews?,Purchase note,"
    "Sale price,Regular price,Categories,Tags,Shipping class,Images,Download limit,Download expiry days,Parent,"
    "Grouped products,Upsells,Cross-sells,External URL,Button text,Position,Attribute 1 name,"
    "Attribute 1 value(s),Attribute 1 visible,Attribute 1 global"
).split(",")
WOO_CSV = _csv(
    WOO_HEADER,
    [
        {
            "ID": "10",
            "Type": "simple",
            "SKU": "ESP",
            "Name": "Еспресо",
            "Published": "1",
            "Visibility in catalog": "visible",
            "In stock?": "1",
            "Regular price": "45",
            "Categories": "Напої > Кава",
            "Images": "https://cdn.example.com/espresso.jpg",
        },
        {
            "ID": "11",
            "Type": "variable",
            "SKU": "LAT",
            "Name": "Лате",
            "Published": "1",
            "Visibility in catalog": "visible",
            "In stock?": "1",
            "Categories": "Напої > Кава",
            "Attribute 1 name": "Розмір",
            "Attribute 1 value(s)": "250 мл, 400 мл",
            "Attribute 1 visible": "1",
            "Attribute 1 global": "1",
        },
        {
            "ID": "12",
            "Type": "variation",
            "SKU": "LAT-S",
            "Name": "Лате - 250 мл",
            "Published": "1",
            "In stock?": "1",
            "Regular price": "70",
            "Parent": "id:11",
            "Attribute 1 name": "Розмір",
            "Attribute 1 value(s)": "250 мл",
            "Attribute 1 global": "1",
        },
        {
            "ID": "13",
            "Type": "variation",
            "SKU": "LAT-L",
            "Name": "Лате - 400 мл",
            "Published": "1",
            "In stock?": "1",
            "Sale price": "85.50",
            "Regular price": "90",
            "Parent": "LAT",
            "Attribute 1 name": "Розмір",
            "Attribute 1 value(s)": "400 мл",
            "Attribute 1 global": "1",
        },
        {
            "ID": "14",
            "Type": "simple, virtual",
            "SKU": "TEA",
            "Name": "Чай чорний Ассам",
            "Published": "1",
            "In stock?": "1",
            "Regular price": "55",
            "Categories": "Напої > Чай",
        },
        {
            "ID": "15",
            "Type": "variable",
            "SKU": "LEM",
            "Name": "Лимонад класичний",
            "Published": "1",
            "Categories": "Напої > Лимонади",
            "Attribute 1 name": "Об'єм",
            "Attribute 1 value(s)": "0\\,4 л, 1 л",
        },
        {
            "ID": "16",
            "Type": "variation",
            "SKU": "LEM-S",
            "Name": "",
            "Published": "1",
            "Regular price": "75",
            "Parent": "id:15",
            "Attribute 1 name": "Об'єм",
            "Attribute 1 value(s)": "0\\,4 л",
        },
        {
            "ID": "17",
            "Type": "variation",
            "SKU": "LEM-L",
            "Name": "",
            "Published": "1",
            "Regular price": "160",
            "Parent": "id:15",
            "Attribute 1 name": "Об'єм",
            "Attribute 1 value(s)": "1 л",
        },
    ],
)


def _woo(pid: int, name: str, kind: str, sku: str, price: str, category: str, **extra: object) -> dict[str, object]:
    return {
        "id": pid,
        "name": name,
        "slug": sku.lower(),
        "type": kind,
        "status": "publish",
        "sku": sku,
        "price": price,
        "regular_price": price,
        "sale_price": "",
        "stock_status": "instock",
        "categories": [{"id": 1, "name": category, "slug": "c"}],
        **extra,
    }


def _woo_variation(vid: int, parent: int, sku: str, price: str, attr: str, option: str) -> dict[str, object]:
    return {
        "id": vid,
        "parent_id": parent,
        "type": "variation",
        "status": "publish",
        "sku": sku,
        "price": price,
        "regular_price": price,
        "sale_price": "",
        "attributes": [{"id": 1, "name": attr, "option": option}],
    }


# WooCommerce REST API v3 (woocommerce.github.io/woocommerce-rest-api-docs/#list-all-products and
# #list-all-product-variations): variable products list their variations' ids; the variations
# follow in the same file (an export script joins the two calls), or embedded.
WOO_JSON = json.dumps(
    [
        _woo(10, "Еспресо", "simple", "ESP", "45.00", "Кава", variations=[]),
        _woo(
            11,
            "Лате",
            "variable",
            "LAT",
            "70.00",
            "Кава",
            variations=[12, 13],
            attributes=[{"id": 1, "name": "Розмір", "variation": True, "options": ["250 мл", "400 мл"]}],
        ),
        _woo(14, "Чай чорний Ассам", "simple", "TEA", "55.00", "Чай", variations=[]),
        _woo(
            15,
            "Лимонад класичний",
            "variable",
            "LEM",
            "75.00",
            "Лимонади",
            variations=[
                _woo_variation(16, 15, "LEM-S", "75.00", "Об'єм", "0,4 л"),
                _woo_variation(17, 15, "LEM-L", "160.00", "Об'єм", "1 л"),
            ],
        ),
        _woo_variation(12, 11, "LAT-S", "70.00", "Розмір", "250 мл"),
        _woo_variation(13, 11, "LAT-L", "85.50", "Розмір", "400 мл"),
    ],
    ensure_ascii=False,
)

# Tilda Store, "Import and export of products via CSV" (help.tilda.cc): ";"-separated; variants
# are rows with the main product's UID in "Parent UID" and their options in "Editions".
TILDA_HEADER = (
    "Tilda UID;Brand;SKU;Mark;Category;Title;Description;Text;Photo;Price;Quantity;Price Old;Editions;"
    "Modifications;External ID;Parent UID;Weight;Length;Width;Height"
).split(";")
TILDA_CSV = _csv(
    TILDA_HEADER,
    [
        {
            "Tilda UID": "381234560001",
            "SKU": "ESP",
            "Category": "Кава",
            "Title": "Еспресо",
            "Price": "45",
            "Photo": "https://static.tildacdn.com/espresso.jpg",
        },
        {"Tilda UID": "381234560002", "Category": "Кава;Хіти", "Title": "Лате", "Price": "70"},
        {
            "Tilda UID": "381234560003",
            "SKU": "LAT-S",
            "Price": "70",
            "Editions": "Розмір:250 мл",
            "Parent UID": "381234560002",
        },
        {
            "Tilda UID": "381234560004",
            "SKU": "LAT-L",
            "Price": "85,50",
            "Editions": "Розмір:400 мл",
            "Parent UID": "381234560002",
        },
        {"Tilda UID": "381234560005", "SKU": "TEA", "Category": "Чай", "Title": "Чай чорний Ассам", "Price": "55"},
        {"Tilda UID": "381234560006", "Category": "Лимонади", "Title": "Лимонад класичний", "Price": "75"},
        {
            "Tilda UID": "381234560007",
            "SKU": "LEM-S",
            "Price": "75",
            "Editions": "Об'єм:0,4 л",
            "Parent UID": "381234560006",
        },
        {
            "Tilda UID": "381234560008",
            "SKU": "LEM-L",
            "Price": "160",
            "Editions": "Об'єм:1 л",
            "Parent UID": "381234560006",
        },
    ],
    delimiter=";",
)

# Prom.ua "Вимоги до YML-файлу" / Rozetka's YML requirements: yml_catalog > shop > categories,
# offers; variants share group_id and differ by a param; vendorCode is the article.
YML = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE yml_catalog SYSTEM "shops.dtd">
<yml_catalog date="2026-12-01 10:00">
  <shop>
    <name>Кав'ярня</name>
    <company>ТОВ Кав'ярня</company>
    <url>https://cafe.example.com</url>
    <currencies><currency id="UAH" rate="1"/></currencies>
    <categories>
      <category id="1">Кава</category>
      <category id="2">Чай</category>
      <category id="3">Лимонади</category>
    </categories>
    <offers>
      <offer id="101" available="true">
        <name>Еспресо</name><price>45</price><currencyId>UAH</currencyId><categoryId>1</categoryId>
        <picture>https://cafe.example.com/espresso.jpg</picture><vendorCode>ESP</vendorCode>
      </offer>
      <offer id="10201" available="true" group_id="102">
        <name>Лате</name><price>70</price><currencyId>UAH</currencyId><categoryId>1</categoryId>
        <vendorCode>LAT-S</vendorCode><param name="Розмір">250 мл</param><param name="Молоко">коров'яче</param>
      </offer>
      <offer id="10202" available="false" group_id="102">
        <name>Лате</name><price>85.50</price><currencyId>UAH</currencyId><categoryId>1</categoryId>
        <vendorCode>LAT-L</vendorCode><param name="Розмір">400 мл</param><param name="Молоко">коров'яче</param>
      </offer>
      <offer id="103" available="true">
        <name>Чай чорний Ассам</name><price>55</price><currencyId>UAH</currencyId><categoryId>2</categoryId>
        <vendorCode>TEA</vendorCode>
      </offer>
      <offer id="10401" available="true" group_id="104">
        <name>Лимонад класичний 0,4 л</name><price>75</price><currencyId>UAH</currencyId>
        <categoryId>3</categoryId><vendorCode>LEM-S</vendorCode><param name="Об'єм">0,4 л</param>
      </offer>
      <offer id="10402" available="true" group_id="104">
        <name>Лимонад класичний</name><price>160</price><currencyId>UAH</currencyId>
        <categoryId>3</categoryId><vendorCode>LEM-L</vendorCode><param name="Об'єм">1 л</param>
      </offer>
    </offers>
  </shop>
</yml_catalog>
"""


def write_xlsx(path: Path) -> Path:
    """A manager's price list: a title and a blank row above the table, prices as numbers."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Інфо"
    book.active.append(["Цей аркуш не прайс"])
    ws = book.create_sheet("Прайс")
    ws.append(["Прайс-лист кав'ярні на грудень"])
    ws.append([])
    ws.append(["Артикул", "Назва", "Ціна, грн", "Категорія"])
    for i, n, p, c in EXPECTED:
        ws.append([i, n, p / 100 if p % 100 else p // 100, c])
    book.save(path)
    return path


SAMPLES = {
    "shopify.csv": SHOPIFY_CSV,
    "shopify-2024.csv": SHOPIFY_2024_CSV,
    "products.json": SHOPIFY_JSON,
    "woocommerce.csv": WOO_CSV,
    "woocommerce.json": WOO_JSON,
    "tilda.csv": TILDA_CSV,
    "feed.xml": YML,
}
