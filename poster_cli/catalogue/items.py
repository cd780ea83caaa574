"""What a catalogue row becomes, and the readings every format shares: prices (decided per column),
column names, and the checks every item passes (an id, a name, no id twice)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Iterator, NoReturn, overload

from poster_cli.errors import InputFileError

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


_PLAIN_NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)")
MAX_PRICE = Decimal(10) ** 12  # money units: no menu item costs a trillion


class PriceError(ValueError):
    """A price that cannot be read."""


def parse_price(value: Any, decimal: str | None = None) -> int | None:
    """``190``, ``190.00``, ``190,00``, ``1 190,50 грн``, ``1,190.50`` -> kopecks (Decimal, never
    float math). Empty -> None. More than two decimals are rounded half up. ``decimal`` is the
    column's decimal separator (see :func:`price_convention`); without it the cell alone decides."""
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise PriceError(f"not a price: {value!r}")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, float):
        amount = Decimal(repr(value))  # the shortest repr is what the file held (70.5, not 70.4999…)
    else:
        text = _price_text(value)
        if text == "":
            return None
        if decimal is None:  # a lone cell is its own column: "1,190" alone cannot tell, and says so
            decimal = price_convention([("", text)]) or "."
        plain = _with_decimal(text, decimal)
        if plain is None or not _PLAIN_NUMBER.fullmatch(plain):  # no exponents ("1e999999"), no signs but a minus
            raise PriceError(f"not a price: {value!r}")
        amount = Decimal(plain)
    if not amount.is_finite() or amount < 0:
        raise PriceError(f"not a price: {value!r}")
    if amount >= MAX_PRICE:
        raise PriceError(f"not a price: {value!r} (too large)")
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _price_text(value: Any) -> str:
    return _SPACES.sub("", _CURRENCY.sub("", str(value))).strip()


_GROUPED = {sep: re.compile(rf"-?\d{{1,3}}(?:{re.escape(sep)}\d{{3}})+") for sep in (",", ".")}


def _with_decimal(text: str, decimal: str) -> str | None:
    """The cell with a decimal point and no grouping; None when its grouping is not in threes
    before the decimal separator ("1..5", "1.19.000", "12,50,00" are typos, not prices)."""
    grouping = "," if decimal == "." else "."
    whole, _, fraction = text.partition(decimal)
    if grouping in fraction or (grouping in whole and not _GROUPED[grouping].fullmatch(whole)):
        return None
    return text.replace(grouping, "").replace(decimal, ".")


def _separator_evidence(text: str) -> str | None:
    """What one cell says about its column's decimal separator: ``"."``, ``","``, ``"?"`` (a lone
    separator before three digits, "1,190": thousands or decimals, the column decides) or None."""
    comma, dot = text.count(","), text.count(".")
    if comma and dot:
        return "," if text.rfind(",") > text.rfind(".") else "."
    if comma > 1:
        return "."
    if dot > 1:
        return ","
    if comma == 1 or dot == 1:
        sep = "," if comma else "."
        whole, frac = text.split(sep)
        if len(frac) == 3 and whole.lstrip("-") not in ("", "0"):
            return "?"
        return sep
    return None


def price_convention(values: Sequence[tuple[str, Any]]) -> str | None:
    """The decimal separator of a price column, from all its cells (``(where, value)`` pairs): a cell
    such as "1,190" alone could be 1190 or 1.19; "85,50" elsewhere in the column settles it.

    Raises :class:`PriceError` naming an example cell when the column mixes conventions, or when
    only cells that could be read either way say anything."""
    first: dict[str, tuple[str, str]] = {}
    for where, value in values:
        if value is None or isinstance(value, (int, float, Decimal)):
            continue  # numbers from JSON or a spreadsheet carry no separator question
        text = _price_text(value)
        evidence = _separator_evidence(text) if text else None
        if evidence is not None and evidence not in first:
            first[evidence] = (where, str(value))
    if "," in first and "." in first:
        (w1, v1), (w2, v2) = first[","], first["."]
        raise PriceError(f"the price column mixes decimal commas ({w1}: {v1!r}) and decimal points ({w2}: {v2!r})")
    for sep in (",", "."):
        if sep in first:
            return sep
    if "?" in first:
        where, value = first["?"]
        raise PriceError(
            f"price {value!r}{f' ({where})' if where else ''} could be thousands or decimals, "
            "and no other price in the column tells which"
        )
    return None


@dataclass
class Draft:
    """An item as a reader found it, before the checks and the price column's reading.
    ``where`` names it for an error when it has no line ("products[2].variants[1]")."""

    local_id: str
    name: str
    price: Any = None
    category: str = ""
    barcode: str = ""
    line: int | None = None
    where: str = ""

    def at(self) -> str:
        return self.where or (f"line {self.line}" if self.line is not None else "")


class Catalogue(Sequence[CatalogueItem]):
    """A site catalogue: its items (one per sellable variant) and how it was read, for the one line
    ``match`` prints: the format, which columns or fields gave id/name/price/category, and how many
    rows were skipped and why."""

    def __init__(
        self,
        items: list[CatalogueItem],
        format: str,
        fields: dict[str, str],
        skipped: dict[str, int] | None = None,
    ) -> None:
        self.items = items
        self.format = format
        self.fields = fields
        self.skipped = dict(skipped or {})

    @overload
    def __getitem__(self, index: int) -> CatalogueItem: ...
    @overload
    def __getitem__(self, index: slice) -> list[CatalogueItem]: ...
    def __getitem__(self, index: int | slice) -> CatalogueItem | list[CatalogueItem]:
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[CatalogueItem]:
        return iter(self.items)

    def describe(self) -> str:
        """``read as Shopify product CSV: id ← Variant SKU, name ← Title + Option1 Value, …; 2 rows skipped (image rows)``."""
        used = ", ".join(f"{f} ← {self.fields[f]}" for f in ("id", "name", "price", "category") if f in self.fields)
        line = f"read as {self.format}: {len(self.items)} items; {used}"
        total = sum(self.skipped.values())
        if total:
            why = ", ".join(f"{n} {reason}" for reason, n in self.skipped.items())
            line += f"; {total} row{'s' if total != 1 else ''} skipped ({why})"
        return line

    def meta(self) -> dict[str, Any]:
        return {"format": self.format, "items": len(self.items), "fields": dict(self.fields), "skipped": self.skipped}


class Skipped:
    """Rows a reader left out, counted by reason."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def add(self, reason: str, n: int = 1) -> None:
        self.counts[reason] += n

    def as_dict(self) -> dict[str, int]:
        return dict(self.counts)


def finish(
    path: Path, drafts: list[Draft], format: str, fields: dict[str, str], skipped: Skipped | None = None
) -> Catalogue:
    """Check the drafts (an id and a name each, no id twice), read the prices by the column's
    convention, and make the catalogue. Any problem is an :class:`InputFileError` naming the row."""
    seen: dict[str, str] = {}
    for d in drafts:
        if not d.local_id:
            _bad(path, d, "the id is empty")
        if not d.name:
            _bad(path, d, f"item {d.local_id!r} has no name")
        if d.local_id in seen:
            _bad(path, d, f"id {d.local_id!r} appears again (first at {seen[d.local_id]})")
        seen[d.local_id] = d.at()
    try:
        decimal = price_convention([(d.at(), d.price) for d in drafts])
    except PriceError as exc:
        raise InputFileError(path, str(exc)) from None
    items = []
    for d in drafts:
        try:
            price = parse_price(d.price, decimal)
        except PriceError as exc:
            _bad(path, d, f"item {d.local_id!r}: {exc}")
        items.append(
            CatalogueItem(
                local_id=d.local_id, name=d.name, price=price, category=d.category, barcode=d.barcode, line=d.line
            )
        )
    if not items:  # an empty site export is a broken export, not "nothing to map"
        raise InputFileError(path, "has no items", hint="check the export: a header and at least one row")
    return Catalogue(items, format, fields, skipped.as_dict() if skipped else {})


def _bad(path: Path, draft: Draft, problem: str) -> NoReturn:
    if draft.line is not None:
        raise InputFileError(path, problem, line=draft.line)
    raise InputFileError(path, f"{draft.where}: {problem}" if draft.where else problem)


NO_OPTION = {"default title", ""}


def variant_name(title: str, values: Sequence[str]) -> str:
    """The product's title and its option values: "Cappuccino" + ["Large"] -> "Cappuccino Large".
    Shopify's "Default Title" (a product without options) adds nothing, nor does a value the title
    already holds ("Hoodie - Blue" + ["Blue"])."""
    name = title.strip()
    low = name.lower()
    for value in values:
        v = value.strip()
        if v.lower() in NO_OPTION or v.lower() in low:
            continue
        name = f"{name} {v}" if name else v
        low = name.lower()
    return name


class Cells:
    """A platform's columns by any of their names (case-insensitive): ``cells.get(row, "Variant SKU", "SKU")``."""

    def __init__(self, header: Sequence[str]) -> None:
        self.keys = {h.strip().lower(): h for h in header}

    def column(self, *names: str) -> str | None:
        """The header as the file spells it, for the first of ``names`` the file has."""
        return next((self.keys[n.lower()] for n in names if n.lower() in self.keys), None)

    def get(self, row: Any, *names: str) -> str:
        header = self.column(*names)
        value = row.get(header) if header is not None else None
        return "" if value is None else str(value).strip()
