"""WooCommerce's product CSV, as its built-in importer takes it ("Product CSV Import Schema",
github.com/woocommerce/woocommerce/wiki/Product-CSV-Import-Schema; WooCommerce 3.1 and later).

A product without variants is a ``simple`` row; one with variants is a ``variable`` row (its
attribute values listed, ``\\,`` escaping commas) followed by a ``variation`` row per variant with
``Parent`` = the parent's SKU and its own attribute value. Poster's ids ride in the meta column
``Meta: poster_id``, which the importer stores as product meta.
"""

from __future__ import annotations

import csv
import io

from poster_cli.export.offers import Offer, SiteMenu, Variant, money, poster_code


def _escape(value: str) -> str:
    return value.replace(",", "\\,")


def header(max_options: int) -> list[str]:
    cols = [
        "Type",
        "SKU",
        "Name",
        "Published",
        "Visibility in catalog",
        "In stock?",
        "Regular price",
        "Categories",
        "Images",
        "Parent",
    ]
    for i in range(1, max_options + 1):
        cols += [f"Attribute {i} name", f"Attribute {i} value(s)", f"Attribute {i} visible", f"Attribute {i} global"]
    return cols + ["Meta: poster_id"]


def write(menu: SiteMenu) -> bytes:
    width = max([len(o.option_names) for o in menu.offers] + [1])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header(width), lineterminator="\n")
    writer.writeheader()
    for offer in menu.offers:
        base = {
            "Published": "1",
            "Visibility in catalog": "visible" if offer.visible else "hidden",
            "Categories": " > ".join(_escape(c) for c in offer.category_path),
            "Images": offer.photo,
        }
        if not offer.option_names:
            v = offer.variants[0]
            writer.writerow({**base, **_sold(v), "Type": "simple", "Name": offer.title})
            continue
        parent_sku = poster_code(offer.product_id)
        parent = {**base, "Type": "variable", "SKU": parent_sku, "Name": offer.title, "Meta: poster_id": parent_sku}
        for i, name in enumerate(offer.option_names, start=1):
            values = dict.fromkeys(v.options[i - 1] for v in offer.variants)
            parent.update(_attribute(i, name, ", ".join(_escape(x) for x in values)))
        writer.writerow(parent)
        for v in offer.variants:
            row = {**_sold(v), "Type": "variation", "Name": _name(offer, v), "Parent": parent_sku, "Published": "1"}
            for i, name in enumerate(offer.option_names, start=1):
                row.update(_attribute(i, name, _escape(v.options[i - 1])))
            writer.writerow(row)
    return out.getvalue().encode("utf-8")


def _sold(v: Variant) -> dict[str, str]:
    return {
        "SKU": v.sku,
        "In stock?": "1" if v.in_stock else "0",
        "Regular price": money(v.price),
        "Meta: poster_id": v.poster_code,
    }


def _attribute(i: int, name: str, values: str) -> dict[str, str]:
    return {
        f"Attribute {i} name": name,
        f"Attribute {i} value(s)": values,
        f"Attribute {i} visible": "1",
        f"Attribute {i} global": "0",
    }


def _name(offer: Offer, v: Variant) -> str:
    return f"{offer.title} - {', '.join(v.options)}"  # as WooCommerce names variations
