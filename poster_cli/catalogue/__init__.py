"""Local catalogue readers: the site's own list of items (CSV or JSON)."""

from poster_cli.catalogue.items import CatalogueItem, ColumnOverrides, PriceError, parse_price
from poster_cli.catalogue.readers import decode, read_catalogue, sniff_delimiter

__all__ = [
    "CatalogueItem",
    "ColumnOverrides",
    "PriceError",
    "parse_price",
    "read_catalogue",
    "decode",
    "sniff_delimiter",
]
