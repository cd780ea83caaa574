"""Local catalogue readers: the site's own list of items, in the platforms' export formats or as
plain CSV/JSON/XLSX (see :mod:`poster_cli.catalogue.readers`)."""

from poster_cli.catalogue.decoding import decode
from poster_cli.catalogue.items import Catalogue, CatalogueItem, ColumnOverrides, PriceError, parse_price
from poster_cli.catalogue.readers import FORMAT_NAMES, ReadOptions, read_catalogue, sniff_delimiter

__all__ = [
    "Catalogue",
    "CatalogueItem",
    "ColumnOverrides",
    "FORMAT_NAMES",
    "PriceError",
    "ReadOptions",
    "parse_price",
    "read_catalogue",
    "decode",
    "sniff_delimiter",
]
