"""``menu export``: Poster's menu as a file a site platform imports (the guide's "way 1": the
site's menu replaced by Poster's). :mod:`~poster_cli.export.offers` turns the snapshot into
products with variants; one small writer per format lays them out as that platform's import
documentation asks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from poster_cli.config import write_atomic
from poster_cli.errors import UsageError
from poster_cli.export import shopify, tables, tilda, woocommerce, yml
from poster_cli.export.offers import SiteMenu, build
from poster_cli.menu import MenuSnapshot

WRITERS: dict[str, tuple[str, Callable[[SiteMenu], bytes]]] = {
    "csv": ("CSV", tables.write_csv),
    "json": ("JSON", tables.write_json),
    "shopify": ("Shopify product CSV", shopify.write),
    "woocommerce": ("WooCommerce product CSV", woocommerce.write),
    "tilda": ("Tilda CSV", tilda.write),
    "yml": ("YML feed", yml.write),
    "xlsx": ("XLSX", tables.write_xlsx),
}
FORMATS = tuple(WRITERS)


@dataclass
class ExportResult:
    """What an export wrote: for the one line the command prints."""

    format: str
    products: int
    variants: int
    skipped: dict[str, int]
    data: bytes
    path: Path | None = None

    def describe(self) -> str:
        where = f" to {self.path}" if self.path else ""
        line = f"exported {self.variants} items ({self.products} products) as {WRITERS[self.format][0]}{where}"
        if self.skipped:
            line += "; left out: " + ", ".join(f"{n} {why}" for why, n in self.skipped.items())
        return line


def export_menu(
    snapshot: MenuSnapshot,
    format: str,
    *,
    spot_id: int | None,
    include_hidden: bool = False,
    mapping: Any = None,
    photo_base: str | None = None,
) -> ExportResult:
    """The export's bytes. ``spot_id`` may be None when the menu has one spot."""
    if format not in WRITERS:
        raise UsageError(f"unknown export format {format!r}", hint=f"one of: {', '.join(FORMATS)}")
    spot = snapshot.default_spot(spot_id)
    if spot is None:
        raise UsageError("the menu has several spots: which one's prices?", hint="pass --spot ID")
    menu = build(snapshot, spot, include_hidden=include_hidden, mapping=mapping, photo_base=photo_base)
    data = WRITERS[format][1](menu)
    return ExportResult(format, len(menu.offers), menu.variants, dict(menu.skipped), data)


def write_export(path: Path, result: ExportResult) -> ExportResult:
    """Write the export atomically: a site fetching the file never sees half of it."""
    write_atomic(path, result.data)
    result.path = path
    return result


def parse_target(value: str) -> tuple[str, Path]:
    """``shopify:site/products.csv`` -> ("shopify", Path("site/products.csv"))."""
    format, sep, file = value.partition(":")
    if not sep or not file or format not in WRITERS:
        raise UsageError(f"--export wants FORMAT:FILE, not {value!r}", hint=f"FORMAT is one of: {', '.join(FORMATS)}")
    return format, Path(file)
