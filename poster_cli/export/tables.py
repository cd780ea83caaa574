"""Plain exports: CSV (UTF-8 with a BOM, so Excel opens it right), JSON, and an XLSX sheet. One row
per variant, with Poster's ids beside the site's id."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any, Iterator

from poster_cli.catalogue.items import variant_name
from poster_cli.export.offers import SiteMenu, money

COLUMNS = [
    "id",
    "name",
    "price",
    "category",
    "poster_product_id",
    "poster_modificator_id",
    "poster_dish_modifications",
    "visible",
    "in_stock",
    "barcode",
    "photo",
]


def rows(menu: SiteMenu) -> Iterator[dict[str, Any]]:
    for offer in menu.offers:
        for v in offer.variants:
            yield {
                "id": v.sku,
                "name": variant_name(offer.title, v.options),
                "price": v.price,
                "category": offer.category,
                "poster_product_id": v.product_id,
                "poster_modificator_id": v.modificator_id,
                "poster_dish_modifications": list(v.dish_modifications),
                "visible": v.visible and offer.visible,
                "in_stock": v.in_stock,
                "barcode": v.barcode,
                "photo": offer.photo,
            }


def _flat(row: dict[str, Any]) -> list[Any]:
    def cell(key: str) -> Any:
        value = row[key]
        if key == "price":
            return money(value)
        if key == "poster_dish_modifications":
            return " ".join(map(str, value))
        if isinstance(value, bool):
            return "1" if value else "0"
        return "" if value is None else value

    return [cell(k) for k in COLUMNS]


def write_csv(menu: SiteMenu) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_flat(r) for r in rows(menu))
    return out.getvalue().encode("utf-8-sig")


def write_json(menu: SiteMenu) -> bytes:
    items = []
    for r in rows(menu):
        items.append({**r, "price": money(r["price"]), "price_kopecks": r["price"]})
    doc = {"currency": menu.currency, "spot_id": menu.spot_id, "items": items}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def write_xlsx(menu: SiteMenu) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Menu")
    sheet.append(COLUMNS)
    for r in rows(menu):
        values = _flat(r)
        values[COLUMNS.index("price")] = Decimal(r["price"]) / 100  # a number Excel can sum, exact
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
