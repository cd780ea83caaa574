"""Shopify's product CSV, as its import takes it ("Using CSV files to import and export products",
help.shopify.com/en/manual/products/import-export/using-csv; the long-standing column names the
importer accepts, as in Shopify's product_template.csv).

Each product's first row carries Title, Type, Tags, Published, Status and the option names;
each variant is a row with the Handle and its option values, SKU and price. A product without
options has the option "Title" = "Default Title". A variant's SKU is what the site orders it by
(the mapping's site id, else Poster's code); Poster's ids for every variant are also in a product
metafield column, ``poster.ids``, which Shopify's import keeps.
"""

from __future__ import annotations

import csv
import io

from poster_cli.export.offers import SiteMenu, money

HEADER = [
    "Handle",
    "Title",
    "Body (HTML)",
    "Vendor",
    "Product Category",
    "Type",
    "Tags",
    "Published",
    "Option1 Name",
    "Option1 Value",
    "Option2 Name",
    "Option2 Value",
    "Option3 Name",
    "Option3 Value",
    "Variant SKU",
    "Variant Grams",
    "Variant Inventory Tracker",
    "Variant Inventory Qty",
    "Variant Inventory Policy",
    "Variant Fulfillment Service",
    "Variant Price",
    "Variant Compare At Price",
    "Variant Requires Shipping",
    "Variant Taxable",
    "Variant Barcode",
    "Image Src",
    "Image Position",
    "Image Alt Text",
    "Gift Card",
    "Status",
    "Poster IDs (product.metafields.poster.ids)",
]


def write(menu: SiteMenu) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    for offer in menu.offers:
        handle = f"poster-{offer.product_id}"
        for n, v in enumerate(offer.variants):
            row = {
                "Handle": handle,
                "Variant SKU": v.sku,
                "Variant Grams": "0",
                "Variant Inventory Tracker": "" if v.in_stock else "shopify",
                "Variant Inventory Qty": "" if v.in_stock else "0",
                "Variant Inventory Policy": "deny",
                "Variant Fulfillment Service": "manual",
                "Variant Price": money(v.price),
                "Variant Requires Shipping": "TRUE",
                "Variant Taxable": "TRUE",
                "Variant Barcode": v.barcode,
            }
            names = offer.option_names or ("Title",)
            values = v.options or ("Default Title",)
            for i, value in enumerate(values[:3], start=1):
                row[f"Option{i} Value"] = value
                if n == 0:
                    row[f"Option{i} Name"] = names[i - 1]
            if n == 0:
                row.update(
                    {
                        "Title": offer.title,
                        "Vendor": menu.spot_name,
                        "Type": offer.category,
                        "Tags": ", ".join(offer.category_path),
                        "Published": "TRUE" if offer.visible else "FALSE",
                        "Gift Card": "FALSE",
                        "Status": "active" if offer.visible else "draft",
                        "Poster IDs (product.metafields.poster.ids)": "; ".join(
                            f"{x.sku}={x.poster_code}" for x in offer.variants
                        ),
                    }
                )
                if offer.photo:
                    row.update({"Image Src": offer.photo, "Image Position": "1", "Image Alt Text": offer.title})
            writer.writerow(row)
    return out.getvalue().encode("utf-8")
