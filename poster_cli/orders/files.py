"""Reading order batch files: CSV (one row per line item) or JSON (a list of orders).

CSV: ``,`` or ``;``, UTF-8 (with or without BOM) or cp1251, decoded strictly: a UTF-8 file with one
cp1251 row is refused naming that line, never read with every name garbled. Columns ``order_id, item`` (required),
``count`` (default 1), and per order ``phone, client_id, paid, first_name, last_name, comment,
spot_id, email, address``. Rows with the same ``order_id`` form one order (they need not be
adjacent); an order-level value given on several rows must agree.

JSON: ``[{"order_id": "A-1", "phone": "...", "items": [{"item": "L-001", "count": 2}], "paid": true,
...}]`` or ``{"orders": [...]}``.

Every problem is collected with its place (file line for CSV, ``orders[i]`` for JSON); an order
with any problem is left out of :attr:`ParsedBatch.orders`. A file that cannot be read at all
raises :class:`~poster_cli.errors.InputFileError`.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from poster_cli import safe_json
from poster_cli.catalogue.decoding import decode  # the one strict decoder for the user's files
from poster_cli.errors import InputFileError
from poster_cli.orders.build import ItemRequest, OrderRequest, count_problem

ORDER_FIELDS = ("phone", "client_id", "paid", "first_name", "last_name", "comment", "spot_id", "email", "address")
COLUMNS = ("order_id", "item", "count") + ORDER_FIELDS
ALIASES = {
    "order": "order_id",
    "orderid": "order_id",
    "product": "item",
    "sku": "item",
    "qty": "count",
    "quantity": "count",
}
MAX_FIELD = 10_000  # characters in one value: a comment or an address is far shorter
MAX_DEPTH = 16  # an order file nests 4 levels ({"orders": [{"items": [{...}]}]})
TRUE = {"1", "true", "yes", "y", "paid", "так", "да"}
FALSE = {"", "0", "false", "no", "n", "ні", "нет"}


@dataclass(frozen=True)
class FileProblem:
    """A bad row or order: where it is, which order (when known), what is wrong."""

    where: str  # "orders.csv:7" or "orders.json orders[2]"
    message: str
    order_id: str | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class ParsedBatch:
    orders: list[OrderRequest] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def bad_order_ids(self) -> set[str]:
        return {p.order_id for p in self.problems if p.order_id}


def read_batch(path: Path) -> ParsedBatch:
    """Read a CSV or JSON order file (by extension; by content when the extension says neither)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot read: {exc.strerror}") from None
    return parse_batch(data, path.name, kind=path.suffix.lower().lstrip("."))


def parse_batch(data: bytes, name: str, *, kind: str = "") -> ParsedBatch:
    text = decode(data, name)
    if kind not in ("csv", "json"):
        kind = "json" if text.lstrip().startswith(("[", "{")) else "csv"
    return _parse_json(text, name) if kind == "json" else _parse_csv(text, name)


# -- CSV ---------------------------------------------------------------------------------------


def _parse_csv(text: str, name: str) -> ParsedBatch:
    # a value over csv's own limit (128 KB) would stop the reading; ours (MAX_FIELD) reports the row.
    # The limit is the csv module's, shared by the process: put back as it was.
    before = csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    try:
        return _parse_csv_rows(text, name)
    finally:
        csv.field_size_limit(before)


def _parse_csv_rows(text: str, name: str) -> ParsedBatch:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    # Not strict, and no field over the limit _parse_csv set: the reader takes any text (csv.Error
    # cannot happen; since Python 3.11 not even for a NUL byte).
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputFileError(
            name, "the file is empty", hint="expected a header row: order_id,phone,item,count"
        ) from None
    columns = [_column(h) for h in header]
    missing = [c for c in ("order_id", "item") if c not in columns]
    if missing:
        names = [" ".join(h.split()) for h in header]  # a quoted cell may hold a line break: one line
        raise InputFileError(
            name,
            f"no {' or '.join(missing)} column (found: {', '.join(n for n in names if n) or 'nothing'})",
            line=1,
            hint="columns: order_id, phone, item, count, and optionally paid, first_name, comment, ...",
        )
    batch = ParsedBatch(ignored_columns=[h for h, c in zip(header, columns) if c not in COLUMNS and h.strip()])
    rows: dict[str, list[tuple[int, dict[str, str]]]] = {}
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        if not any(v.strip() for v in values):
            continue
        row = {c: v.strip() for c, v in zip(columns, values) if c in COLUMNS}
        longest = max(len(v) for v in values)  # not empty: a blank row is skipped above
        if longest > MAX_FIELD:
            batch.problems.append(
                FileProblem(
                    f"{name}:{line}",
                    f"a value of {longest} characters (at most {MAX_FIELD})",
                    row.get("order_id") or None,
                )
            )
            if not row.get("order_id") or len(row["order_id"]) > MAX_FIELD:
                continue
        if len(values) > len(columns):
            batch.problems.append(
                FileProblem(
                    f"{name}:{line}", f"{len(values)} values but {len(columns)} columns", row.get("order_id") or None
                )
            )
        oid = row.get("order_id", "")
        if not oid:
            batch.problems.append(FileProblem(f"{name}:{line}", "no order_id"))
            continue
        rows.setdefault(oid, []).append((line, row))
    spoiled = batch.bad_order_ids  # a row of theirs is reported above (too long, too many values)
    for oid, order_rows in rows.items():
        _csv_order(oid, order_rows, name, batch, spoiled)
    return batch


def _column(header: str) -> str:
    key = header.strip().lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(key, key)


def _csv_order(
    oid: str, rows: list[tuple[int, dict[str, str]]], name: str, batch: ParsedBatch, spoiled: set[str]
) -> None:
    before = len(batch.problems)
    fields: dict[str, tuple[int, str]] = {}
    items: list[ItemRequest] = []
    for line, row in rows:
        where = f"{name}:{line}"
        for key in ORDER_FIELDS:
            value = row.get(key, "")
            if not value:
                continue
            if key in fields and fields[key][1] != value:
                batch.problems.append(
                    FileProblem(where, f"{key} {value!r} differs from {fields[key][1]!r} on line {fields[key][0]}", oid)
                )
            fields.setdefault(key, (line, value))
        if not row.get("item"):
            batch.problems.append(FileProblem(where, "no item", oid))
            continue
        count = _count(row.get("count", ""), where, oid, batch)
        if count is not None:
            items.append(ItemRequest(row["item"], count, line))
    values = {k: v for k, (_, v) in fields.items()}
    where_of = {k: f"{name}:{line}" for k, (line, _) in fields.items()}
    req = _order(oid, items, values, where_of, f"{name}:{rows[0][0]}", batch)
    if len(batch.problems) == before and oid not in spoiled:
        req.line, req.source = rows[0][0], name
        batch.orders.append(req)


def _count(raw: Any, where: str, oid: str | None, batch: ParsedBatch) -> Decimal | None:
    if raw is None or raw == "":
        return Decimal(1)
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        batch.problems.append(FileProblem(where, f"count {raw!r} is not a number", oid))
        return None
    shown = _clip(str(raw))
    try:
        count = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        batch.problems.append(FileProblem(where, f"count {shown!r} is not a number", oid))
        return None
    # zero and negatives are the builder's to report (it names the item too)
    problem = count_problem(count) if not count.is_finite() or count > 0 else None
    if problem is not None:
        batch.problems.append(FileProblem(where, f"count {shown!r} {problem}", oid))
        return None
    return count


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _order(
    oid: str, items: list[ItemRequest], values: dict[str, Any], where_of: dict[str, str], where: str, batch: ParsedBatch
) -> OrderRequest:
    """The order-level fields, each checked for type (the builder checks the meaning). A problem is
    added to ``batch.problems``: the caller leaves the order out when it finds any."""

    def problem(key: str, message: str) -> None:
        batch.problems.append(FileProblem(where_of.get(key, where), message, oid))

    paid = False
    raw_paid = values.get("paid")
    if isinstance(raw_paid, bool):
        paid = raw_paid
    elif raw_paid is not None:
        text = str(raw_paid).strip().lower()
        if text in TRUE:
            paid = True
        elif text not in FALSE:
            problem("paid", f"paid {raw_paid!r} is not yes/no")
    ints: dict[str, int | None] = {}
    for key in ("spot_id", "client_id"):
        raw = values.get(key)
        ints[key] = None
        if raw is None or raw == "":
            continue
        try:  # a bool ("True") or a float ("1.0") is no whole number as text either
            ints[key] = int(str(raw).strip())
        except ValueError:
            problem(key, f"{key} {raw!r} is not a whole number")
    strings: dict[str, str | None] = {}
    for key in ("phone", "first_name", "last_name", "comment", "email", "address"):
        raw = values.get(key)
        if raw is not None and not isinstance(raw, (str, int)):
            problem(key, f"{key} must be text")
            continue
        if raw is not None and len(str(raw)) > MAX_FIELD:
            problem(key, f"{key} has {len(str(raw))} characters (at most {MAX_FIELD})")
            continue
        strings[key] = str(raw) if raw is not None and raw != "" else None
    return OrderRequest(
        order_id=oid,
        items=items,
        paid=paid,
        spot_id=ints["spot_id"],
        client_id=ints["client_id"],
        phone=strings.get("phone"),
        first_name=strings.get("first_name"),
        last_name=strings.get("last_name"),
        comment=strings.get("comment"),
        email=strings.get("email"),
        address=strings.get("address"),
    )


# -- JSON --------------------------------------------------------------------------------------


def _parse_json(text: str, name: str) -> ParsedBatch:
    try:
        data = safe_json.loads(text, max_depth=MAX_DEPTH)
    except safe_json.JsonTooDeep as exc:
        raise InputFileError(name, f"not an order file: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InputFileError(name, f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    except ValueError as exc:  # a number of more than 4,300 digits
        raise InputFileError(name, f"not an order file: {exc}") from None
    if isinstance(data, dict) and "orders" in data:
        data = data["orders"]
    if not isinstance(data, list):
        raise InputFileError(name, 'expected a list of orders, or {"orders": [...]}')
    batch = ParsedBatch()
    seen: dict[str, int] = {}
    for i, raw in enumerate(data):
        where = f"{name} orders[{i}]"
        if not isinstance(raw, dict):
            batch.problems.append(FileProblem(where, "an order must be an object"))
            continue
        oid_raw = raw.get("order_id")
        if isinstance(oid_raw, bool) or not isinstance(oid_raw, (str, int)) or str(oid_raw).strip() == "":
            batch.problems.append(FileProblem(where, "no order_id"))
            continue
        if len(str(oid_raw)) > MAX_FIELD:
            batch.problems.append(FileProblem(where, f"an order_id of {len(str(oid_raw))} characters"))
            continue
        oid = str(oid_raw).strip()
        if oid in seen:
            batch.problems.append(FileProblem(where, f"order_id {oid!r} is also orders[{seen[oid]}]", oid))
            continue
        seen[oid] = i
        before = len(batch.problems)
        unknown = sorted(k for k in raw if k not in COLUMNS and k != "items")
        if unknown:
            batch.ignored_columns.extend(k for k in unknown if k not in batch.ignored_columns)
        items = _json_items(raw.get("items"), where, oid, batch)
        values = {k: raw[k] for k in ORDER_FIELDS if raw.get(k) is not None}
        req = _order(oid, items, values, {}, where, batch)
        if len(batch.problems) == before:
            req.source = name
            req.where = f"orders[{i}]"
            batch.orders.append(req)
    return batch


def _json_items(raw: Any, where: str, oid: str, batch: ParsedBatch) -> list[ItemRequest]:
    if not isinstance(raw, list) or not raw:
        batch.problems.append(FileProblem(where, "items must be a non-empty list of {item, count}", oid))
        return []
    items = []
    for j, entry in enumerate(raw):
        here = f"{where}.items[{j}]"
        if isinstance(entry, (str, int)) and not isinstance(entry, bool):
            entry = {"item": entry}
        if not isinstance(entry, dict):
            batch.problems.append(FileProblem(here, "an item must be {item, count} or an item id", oid))
            continue
        item = entry.get("item")
        if isinstance(item, bool) or not isinstance(item, (str, int)) or str(item).strip() == "":
            batch.problems.append(FileProblem(here, "no item", oid))
            continue
        if len(str(item)) > MAX_FIELD:
            batch.problems.append(FileProblem(here, f"an item of {len(str(item))} characters", oid))
            continue
        count = _count(entry.get("count"), here, oid, batch)
        if count is not None:
            items.append(ItemRequest(str(item).strip(), count))
    return items
