"""What a catalogue row becomes, and the two readings every format shares: prices and column names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Sequence

FIELDS = ("id", "name", "price", "category", "barcode")

# Common column names, most specific first. A header also matches when it starts with one of these
# followed by a non-letter ("price_uah", "ціна, грн", "Price (UAH)").
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "id": (
        "id",
        "local_id",
        "site_id",
        "sku",
        "код",
        "code",
        "артикул",
        "article",
        "item_id",
        "ід",
        "ид",
        "vendor_code",
    ),
    "name": (
        "name",
        "title",
        "назва",
        "название",
        "найменування",
        "наименование",
        "item_name",
        "product_name",
        "product",
        "item",
        "товар",
        "страва",
        "блюдо",
    ),
    "price": ("price", "ціна", "цена", "вартість", "стоимость", "cost"),
    "category": (
        "category",
        "section",
        "категорія",
        "категория",
        "category_name",
        "group",
        "група",
        "группа",
        "розділ",
        "раздел",
    ),
    "barcode": ("barcode", "штрихкод", "штрих_код", "ean", "gtin", "upc"),
}


@dataclass(frozen=True)
class CatalogueItem:
    """One item of the site's catalogue. ``price`` is in kopecks; ``line`` is where it was read."""

    local_id: str
    name: str
    price: int | None = None
    category: str = ""
    barcode: str = ""
    line: int | None = None


@dataclass(frozen=True)
class ColumnOverrides:
    """Column names given with ``--id-col`` and friends (None: find by common names)."""

    id: str | None = None
    name: str | None = None
    price: str | None = None
    category: str | None = None
    barcode: str | None = None

    def get(self, field: str) -> str | None:
        value: str | None = getattr(self, field)
        return value


def header_key(header: str) -> str:
    return re.sub(r"[\s\-/]+", "_", header.replace("\ufeff", "").strip().lower())


def _matches(key: str, alias: str) -> bool:
    return key == alias or (key.startswith(alias) and not key[len(alias)].isalpha())


def find_columns(headers: Sequence[str], overrides: ColumnOverrides) -> tuple[dict[str, str], list[str]]:
    """Map each field to a header. Returns the mapping and the override names that are missing."""
    keys = {header_key(h): h for h in headers}
    found: dict[str, str] = {}
    missing: list[str] = []
    taken: set[str] = set()
    for field in FIELDS:
        wanted = overrides.get(field)
        if wanted is not None:
            header = keys.get(header_key(wanted))
            if header is None:
                missing.append(wanted)
            else:
                found[field] = header
                taken.add(header)
    for field in FIELDS:
        if field in found or overrides.get(field) is not None:
            continue
        for alias in COLUMN_NAMES[field]:
            header = next((h for k, h in keys.items() if h not in taken and _matches(k, alias)), None)
            if header is not None:
                found[field] = header
                taken.add(header)
                break
    return found, missing


_CURRENCY = re.compile(r"(грн\.?|uah|₴|руб\.?|р\.|rub|₽|usd|\$|eur|€|zł|pln)", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f']+")


class PriceError(ValueError):
    """A price that cannot be read."""


def parse_price(value: Any) -> int | None:
    """``190``, ``190.00``, ``190,00``, ``1 190,50 грн``, ``1,190.50`` -> kopecks (Decimal, never
    float math). Empty -> None. More than two decimals are rounded half up."""
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise PriceError(f"not a price: {value!r}")
    if isinstance(value, int):
        amount = Decimal(value)
    else:
        text = _SPACES.sub("", _CURRENCY.sub("", str(value))).strip()
        if text == "":
            return None
        text = _normalise_separators(text)
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise PriceError(f"not a price: {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise PriceError(f"not a price: {value!r}")
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _normalise_separators(text: str) -> str:
    if "," in text and "." in text:
        # the last one is the decimal separator, the other groups thousands
        if text.rfind(",") > text.rfind("."):
            return text.replace(".", "").replace(",", ".")
        return text.replace(",", "")
    if text.count(",") == 1:
        whole, frac = text.split(",")
        if len(frac) == 3 and whole not in ("", "0"):
            return whole + frac  # 1,190 reads as thousands
        return f"{whole}.{frac}"
    if text.count(",") > 1:
        return text.replace(",", "")
    if text.count(".") > 1:
        return text.replace(".", "")
    return text
