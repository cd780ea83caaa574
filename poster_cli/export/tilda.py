"""Tilda Store's product CSV (Tilda's help, "Import and export of products via CSV"): ``;``-separated,
the columns of Tilda's own export. A product with variants is a main row (Title, Category, Photo)
and one row per variant with ``Parent UID`` = the main row's UID and ``Editions`` = ``Size:400 мл``.
The UIDs are made from Poster's ids, so a re-import updates the same products; ``External ID``
holds Poster's code and ``SKU`` what the site orders by.
"""

from __future__ import annotations

import csv
import io

from poster_cli.export.offers import Offer, SiteMenu, Variant, money

HEADER = [
    "Tilda UID",
    "Brand",
    "SKU",
    "Mark",
    "Category",
    "Title",
    "Description",
    "Text",
    "Photo",
    "Price",
    "Quantity",
    "Price Old",
    "Editions",
    "Modifications",
    "External ID",
    "Parent UID",
]


def _uid(offer: Offer, n: int | None = None) -> str:
    # 12+ digits like Tilda's own; products and variants never collide (different first digits)
    return str(100_000_000_000 + offer.product_id) if n is None else str(200_000_000_000 + offer.product_id * 1000 + n)


def write(menu: SiteMenu) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, delimiter=";", lineterminator="\n")
    writer.writeheader()
    for offer in menu.offers:
        main = {"Tilda UID": _uid(offer), "Category": offer.category, "Title": offer.title, "Photo": offer.photo}
        if not offer.option_names:
            writer.writerow({**main, **_sold(offer.variants[0])})
            continue
        writer.writerow({**main, "Price": money(min(v.price for v in offer.variants))})
        for n, v in enumerate(offer.variants):
            editions = ";".join(f"{name}:{value}" for name, value in zip(offer.option_names, v.options))
            writer.writerow({"Tilda UID": _uid(offer, n), **_sold(v), "Editions": editions, "Parent UID": _uid(offer)})
    return out.getvalue().encode("utf-8")


def _sold(v: Variant) -> dict[str, str]:
    return {
        "SKU": v.sku,
        "Price": money(v.price),
        "Quantity": "" if v.in_stock else "0",
        "External ID": v.poster_code,
    }
