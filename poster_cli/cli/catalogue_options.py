"""How to read a site catalogue, as flags: declared once, taken by `match`, `sync --catalogue` and
`review --catalogue` alike, so a file one command was told how to read, the others read too."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import typer

if TYPE_CHECKING:
    from poster_cli.catalogue import ReadOptions

ID_COL = typer.Option(None, "--id-col", help="Column holding the site's item id.")
NAME_COL = typer.Option(None, "--name-col", help="Column holding the item name.")
PRICE_COL = typer.Option(None, "--price-col", help="Column holding the price.")
CATEGORY_COL = typer.Option(None, "--category-col", help="Column holding the category.")
BARCODE_COL = typer.Option(None, "--barcode-col", help="Column holding the barcode.")
SHEET = typer.Option(None, "--sheet", help="XLSX: the sheet to read (default: the first).")
FORMAT = typer.Option(
    "auto",
    "--format",
    help="Read the catalogue as this format instead of detecting it: csv, json, xlsx, shopify-csv, "
    "shopify-json, woocommerce-csv, woocommerce-json, tilda, yml.",
)


def reading(
    id_col: Optional[str],
    name_col: Optional[str],
    price_col: Optional[str],
    category_col: Optional[str],
    barcode_col: Optional[str],
    sheet: Optional[str],
    catalogue_format: str,
) -> ReadOptions:
    """The flags above as one :class:`poster_cli.catalogue.ReadOptions`."""
    from poster_cli.catalogue import ColumnOverrides, ReadOptions

    columns = ColumnOverrides(id=id_col, name=name_col, price=price_col, category=category_col, barcode=barcode_col)
    return ReadOptions(columns, sheet=sheet, format=catalogue_format)
