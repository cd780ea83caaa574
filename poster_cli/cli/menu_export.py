"""`poster-cli menu export`: Poster's menu as a file the site's platform imports."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from poster_cli.cli import common


def export(
    ctx: typer.Context,
    format: str = typer.Option(
        ..., "--format", help="csv, json, shopify, woocommerce, tilda, yml (Prom, Rozetka, Horoshop) or xlsx."
    ),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here (atomically) instead of stdout."),
    menu: Optional[Path] = typer.Option(None, "--menu", help="Snapshot file (default <data>/menu.json)."),
    spot: Optional[int] = typer.Option(
        None, "--spot", help="Whose prices and visibility (default: the configured spot)."
    ),
    include_hidden: bool = typer.Option(
        False, "--include-hidden", help="Also hidden products and those not sold at the spot (marked hidden/draft)."
    ),
    mapping: Optional[Path] = typer.Option(
        None, "--mapping", help="Mapping whose site ids become the SKUs (default <data>/mapping.toml, if there is one)."
    ),
    photo_base: Optional[str] = typer.Option(
        None,
        "--photo-base",
        help="URL that Poster's photo paths hang under (default https://ACCOUNT.joinposter.com when the account is known).",
    ),
) -> None:
    """Export the menu snapshot for a site platform to import: products with their modifications as
    variants, dishes with their required choices, the spot's prices, categories, visibility, stock
    and photos; each variant's SKU is the site's id from the mapping, else Poster's code
    (P<product>[-M<modification>][-D<dish modification>]), and Poster's ids ride in a field the
    platform keeps.

    Example: poster-cli menu export --format shopify --output shopify-products.csv
    """
    from poster_cli.errors import UsageError
    from poster_cli.export import export_menu, write_export
    from poster_cli.mapping import load_mapping
    from poster_cli.menu import load_snapshot
    from poster_cli.output import say

    s = common.settings(ctx)
    snapshot = load_snapshot(menu or s.menu_path)
    links = load_mapping(mapping, missing_ok=False) if mapping else load_mapping(s.mapping_path)
    base = photo_base or (f"https://{s.account}.joinposter.com" if s.account else None)
    result = export_menu(
        snapshot,
        format,
        spot_id=spot if spot is not None else s.spot_id,
        include_hidden=include_hidden,
        mapping=links,
        photo_base=base,
    )
    if output is not None:
        write_export(output, result)
    else:
        import sys

        if format == "xlsx" and sys.stdout.isatty():
            raise UsageError("an XLSX workbook is not for a terminal", hint="pass --output FILE")
        sys.stdout.buffer.write(result.data)
        sys.stdout.flush()
    say(result.describe())
