"""Read a site catalogue from CSV (``,`` ``;`` or tab; UTF-8 with or without BOM, UTF-16, or
cp1251) or JSON (a list of objects, or ``{"items": [...]}``)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Mapping

from poster_cli.catalogue.items import (
    COLUMN_NAMES,
    CatalogueItem,
    ColumnOverrides,
    PriceError,
    find_columns,
    parse_price,
)
from poster_cli.errors import InputFileError

DELIMITERS = (",", ";", "\t")


def read_catalogue(path: Path, columns: ColumnOverrides | None = None) -> list[CatalogueItem]:
    """Read the catalogue at ``path``; any problem is an :class:`InputFileError` naming the line."""
    columns = columns or ColumnOverrides()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(path, "no such file") from None
    except OSError as exc:
        raise InputFileError(path, f"cannot read: {exc.strerror}") from None
    text = decode(data)
    if path.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{"):
        rows = _json_rows(path, text)
    else:
        rows = _csv_rows(path, text)
    items = _items(path, rows, columns) if rows[1] else []
    if not items:  # an empty site export is a broken export, not "nothing to map"
        raise InputFileError(path, "has no items", hint="check the export: a header and at least one row")
    return items


def decode(data: bytes) -> str:
    """UTF-8 (BOM or not) or UTF-16 with a BOM; otherwise cp1251, as Excel in Ukraine writes it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the same, largest number of fields."""
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    best, best_key = ",", (-1, -1)
    for delim in DELIMITERS:
        widths = [len(r) for r in csv.reader(lines, delimiter=delim)]
        if not widths or widths[0] < 2:
            continue
        consistent = sum(1 for w in widths if w == widths[0])
        key = (consistent, widths[0])
        if key > best_key:
            best, best_key = delim, key
    return best


Row = tuple[int | None, Mapping[str, Any]]


def _csv_rows(path: Path, text: str) -> tuple[list[str], list[Row]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        header = next(reader, None)
        while header is not None and not any(h.strip() for h in header):
            header = next(reader, None)
        if header is None:
            raise InputFileError(path, "the file is empty")
        header = [h.strip() for h in header]
        rows: list[Row] = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
                raise InputFileError(path, f"{len(values)} fields, the header has {len(header)}", line=reader.line_num)
            rows.append((reader.line_num, dict(zip(header, values))))
    except csv.Error as exc:
        raise InputFileError(path, f"not readable as CSV: {exc}", line=reader.line_num) from None
    return header, rows


def _json_rows(path: Path, text: str) -> tuple[list[str], list[Row]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(path, f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    if isinstance(data, dict):
        data = data.get("items", data.get("products"))
    if not isinstance(data, list):
        raise InputFileError(path, 'expected a list of items or {"items": [...]}')
    headers: dict[str, None] = {}
    rows: list[Row] = []
    for i, obj in enumerate(data):
        if not isinstance(obj, dict):
            raise InputFileError(path, f"items[{i}] is not an object")
        headers.update(dict.fromkeys(str(k) for k in obj))
        rows.append((None, obj))
    return list(headers), rows


def _items(path: Path, parsed: tuple[list[str], list[Row]], columns: ColumnOverrides) -> list[CatalogueItem]:
    headers, rows = parsed
    found = _columns(path, headers, columns)
    per_object: dict[tuple[str, ...], dict[str, str]] = {}
    items: list[CatalogueItem] = []
    seen: dict[str, str] = {}
    for index, (line, row) in enumerate(rows):
        where = f"line {line}" if line is not None else f"items[{index}]"
        if line is None:  # JSON objects may each spell their keys differently
            keys = tuple(row)
            if keys not in per_object:
                per_object[keys] = {**found, **find_columns(list(keys), columns)[0]}
            found = per_object[keys]

        def cell(field: str) -> str:
            header = found.get(field)
            value = row.get(header) if header is not None else None
            return "" if value is None else str(value).strip()

        local_id, name = cell("id"), cell("name")
        if not local_id:
            raise InputFileError(path, _at(line, index, "the id is empty"), line=line)
        if not name:
            raise InputFileError(path, _at(line, index, f"item {local_id!r} has no name"), line=line)
        if local_id in seen:
            raise InputFileError(
                path, _at(line, index, f"id {local_id!r} appears again (first at {seen[local_id]})"), line=line
            )
        seen[local_id] = where
        raw_price = row.get(found["price"]) if "price" in found else None
        try:
            price = parse_price(raw_price if not isinstance(raw_price, float) else repr(raw_price))
        except PriceError as exc:
            raise InputFileError(path, _at(line, index, f"item {local_id!r}: {exc}"), line=line) from None
        items.append(
            CatalogueItem(
                local_id=local_id, name=name, price=price, category=cell("category"), barcode=cell("barcode"), line=line
            )
        )
    return items


def _columns(path: Path, headers: list[str], columns: ColumnOverrides) -> dict[str, str]:
    found, missing = find_columns(headers, columns)
    if missing:
        raise InputFileError(
            path, f"no column named {', '.join(map(repr, missing))}", hint=f"columns are: {', '.join(headers)}"
        )
    for field, flag in (("id", "--id-col"), ("name", "--name-col")):
        if field not in found:
            looked = ", ".join(COLUMN_NAMES[field][:6])
            raise InputFileError(
                path, f"no {field} column (looked for {looked}; columns are: {', '.join(headers)})", hint=f"pass {flag}"
            )
    return found


def _at(line: int | None, index: int, problem: str) -> str:
    return problem if line is not None else f"items[{index}]: {problem}"
