"""Shopify's product CSV and ``products.json``: one item per variant.

Follows Shopify's help page "Using CSV files to import and export products"
(help.shopify.com/en/manual/products/import-export/using-csv, read 2026-12): rows of one product
share the Handle; the first row carries Title, Type and the option names, later rows only the
variant's columns (Option1..3 Value, Variant SKU, Variant Price) or only an image. A product
without options has one variant whose Option1 Value is "Default Title". Both header spellings are
read: the long-standing ``Handle``/``Option1 Value``/``Variant SKU``/``Variant Price`` and the
2024 export's ``URL handle``/``Option1 value``/``SKU``/``Price``.

The JSON is the Admin REST ``Product`` resource as ``/products.json`` returns it (also the
storefront's ``/products.json``): ``products[].variants[]`` with ``id``, ``sku``, ``price`` (a
decimal string), ``option1..3``, and ``products[].options[]``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from poster_cli.catalogue.items import Catalogue, Cells, Draft, Skipped, finish, variant_name
from poster_cli.errors import InputFileError

HANDLE = ("Handle", "URL handle")
OPTION_VALUES = (("Option1 Value",), ("Option2 Value",), ("Option3 Value",))
SKU = ("Variant SKU", "SKU")
PRICE = ("Variant Price", "Price")
BARCODE = ("Variant Barcode", "Barcode")
TYPE = ("Type",)
TAXONOMY = ("Product Category", "Product category")
STATUS = ("Status",)
NOT_SOLD = {"draft", "archived"}


def read_csv(path: Path, table: tuple[list[str], list[Any]]) -> Catalogue:
    header, rows = table
    cells = Cells(header)
    if cells.column(*HANDLE) is None:
        raise InputFileError(path, "no Handle column")
    drafts: list[Draft] = []
    skipped = Skipped()
    handle, title, category, status = "", "", "", ""
    for line, row in rows:
        row_handle = cells.get(row, *HANDLE)
        if not row_handle:
            raise InputFileError(path, "the Handle is empty", line=line)
        if row_handle != handle:
            handle, title = row_handle, cells.get(row, "Title")
            if not title:
                raise InputFileError(path, f"product {handle!r} starts without a Title", line=line)
            category = cells.get(row, *TYPE) or cells.get(row, *TAXONOMY).rpartition(">")[2].strip()
            status = cells.get(row, *STATUS).lower()
        values = [cells.get(row, *names) for names in OPTION_VALUES]
        sku, price = cells.get(row, *SKU), cells.get(row, *PRICE)
        if not (any(values) or sku or price):
            skipped.add("image rows")
            continue
        if status in NOT_SOLD:
            skipped.add(f"{status} products")
            continue
        drafts.append(
            Draft(
                local_id=sku or _handle_id(handle, values),
                name=variant_name(title, values),
                price=price,
                category=category,
                barcode=cells.get(row, *BARCODE),
                line=line,
            )
        )
    fields = {
        "id": f"{cells.column(*SKU) or 'SKU'} (else Handle + options)",
        "name": "Title + Option1..3 Value",
        "price": cells.column(*PRICE) or "Variant Price",
        "category": cells.column(*TYPE) or cells.column(*TAXONOMY) or "Type",
    }
    return finish(path, drafts, "Shopify product CSV", fields, skipped)


def _handle_id(handle: str, values: list[str]) -> str:
    options = [v for v in values if v and v.lower() != "default title"]
    return "/".join([handle, *options])


def read_json(path: Path, doc: Any) -> Catalogue:
    products = doc.get("products") if isinstance(doc, dict) else None
    if products is None and isinstance(doc, dict) and isinstance(doc.get("product"), dict):
        products = [doc["product"]]
    if not isinstance(products, list):
        raise InputFileError(path, 'expected {"products": [...]}')
    drafts: list[Draft] = []
    skipped = Skipped()
    for i, product in enumerate(products):
        if not isinstance(product, dict):
            raise InputFileError(path, f"products[{i}] is not an object")
        if str(product.get("status") or "").lower() in NOT_SOLD:
            skipped.add(f"{product['status']} products", len(product.get("variants") or []) or 1)
            continue
        title = _str(product.get("title"))
        if not title:
            raise InputFileError(path, f"products[{i}] has no title")
        category = _str(product.get("product_type"))
        variants = product.get("variants")
        if not isinstance(variants, list):
            raise InputFileError(path, f"products[{i}].variants is not a list")
        for j, variant in enumerate(variants):
            where = f"products[{i}].variants[{j}]"
            if not isinstance(variant, dict):
                raise InputFileError(path, f"{where} is not an object")
            values = [_str(variant.get(k)) for k in ("option1", "option2", "option3")]
            drafts.append(
                Draft(
                    local_id=_str(variant.get("sku")) or _str(variant.get("id")),
                    name=variant_name(title, values),
                    price=variant.get("price"),
                    category=category,
                    barcode=_str(variant.get("barcode")),
                    where=where,
                )
            )
    fields = {
        "id": "variants[].sku (else variants[].id)",
        "name": "title + variants[].option1..3",
        "price": "variants[].price",
        "category": "product_type",
    }
    return finish(path, drafts, "Shopify products.json", fields, skipped)


def _str(value: Any) -> str:
    return "" if value is None else str(value).strip()
