"""Read a site catalogue, whatever the platform exported it as.

The format is found from the content, not the file name: an XLSX workbook (a zip), a YML/XML feed
(``yml_catalog``), JSON (Shopify's ``products.json``, WooCommerce's REST products, or a plain list of
objects), CSV (``,`` ``;`` or tab) whose header is Shopify's, WooCommerce's or Tilda's, or any other
CSV. Each format has its own small reader in this package; every one of them gives the same
:class:`~poster_cli.catalogue.items.Catalogue`: one item per sellable variant, checked and priced
in one place (:func:`~poster_cli.catalogue.items.finish`).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from poster_cli.catalogue.decoding import decode
from poster_cli.catalogue.items import (
    COLUMN_NAMES,
    Catalogue,
    ColumnOverrides,
    Draft,
    Skipped,
    find_columns,
    finish,
)
from poster_cli.errors import InputFileError, UsageError

DELIMITERS = (",", ";", "\t")
MAX_BYTES = 256 * 1024 * 1024  # a catalogue bigger than this is not a catalogue
MAX_JSON_DEPTH = 64

FORMAT_NAMES = {
    "csv": "CSV",
    "json": "JSON",
    "xlsx": "XLSX",
    "shopify-csv": "Shopify product CSV",
    "shopify-json": "Shopify products.json",
    "woocommerce-csv": "WooCommerce product CSV",
    "woocommerce-json": "WooCommerce REST JSON",
    "tilda": "Tilda CSV",
    "yml": "YML feed",
}

Row = tuple[int | None, Mapping[str, Any]]
Table = tuple[list[str], list[Row]]


@dataclass(frozen=True)
class ReadOptions:
    """How the user said to read a catalogue: column names (``--id-col`` and friends), the XLSX
    sheet, a forced format. ``match``, ``sync --catalogue`` and ``review --catalogue`` take the same."""

    columns: ColumnOverrides = ColumnOverrides()
    sheet: str | None = None
    format: str = "auto"

    def read(self, path: Path) -> Catalogue:
        return read_catalogue(path, self.columns, sheet=self.sheet, format=self.format)


def read_catalogue(
    path: Path, columns: ColumnOverrides | None = None, *, sheet: str | None = None, format: str = "auto"
) -> Catalogue:
    """Read the catalogue at ``path``; any problem is an :class:`InputFileError` naming the line or
    element and, for a platform's format, which format the file was taken for. ``format`` forces a
    reader (a key of :data:`FORMAT_NAMES`); the column flags apply to plain CSV, JSON and XLSX."""
    columns = columns or ColumnOverrides()
    if format != "auto" and format not in FORMAT_NAMES:
        raise UsageError(f"unknown catalogue format {format!r}", hint=f"one of: auto, {', '.join(FORMAT_NAMES)}")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputFileError(path, f"larger than {MAX_BYTES // 2**20} MB: not a catalogue")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(path, "no such file") from None
    except OSError as exc:
        raise InputFileError(path, f"cannot read: {exc.strerror}") from None
    kind, reader = _detect(path, data, format)
    if sheet is not None and kind != "xlsx":
        raise UsageError(f"{path}: --sheet is for XLSX workbooks; this file was read as {FORMAT_NAMES[kind]}")
    overridden = [f"--{f}-col" for f in ("id", "name", "price", "category", "barcode") if columns.get(f)]
    if overridden and kind not in ("csv", "json", "xlsx"):
        raise UsageError(
            f"{path}: read as {FORMAT_NAMES[kind]}, whose fields are known; {', '.join(overridden)} "
            "apply to plain CSV, JSON or XLSX",
            hint="add --format csv to read it as a plain table",
        )
    if kind in ("csv", "json", "xlsx"):
        return reader(path, data, columns, sheet)
    try:
        return reader(path, data, columns, sheet)
    except InputFileError as exc:
        raise InputFileError(
            path, f"read as {FORMAT_NAMES[kind]}: {exc.problem}", line=exc.line, hint=exc.hint
        ) from None


Reader = Callable[[Path, bytes, ColumnOverrides, "str | None"], Catalogue]


def _detect(path: Path, data: bytes, forced: str) -> tuple[str, Reader]:
    from poster_cli.catalogue import shopify, tilda, woocommerce, xlsx, yml

    if forced == "xlsx" or (forced == "auto" and data.startswith(b"PK\x03\x04")):
        return "xlsx", xlsx.read
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputFileError(path, "an old Excel workbook (XLS)", hint="save it as XLSX or CSV")
    if forced == "yml":
        return "yml", yml.read
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if forced == "auto" and head.startswith(b"<"):
        if b"<yml_catalog" in data[:65536]:
            return "yml", yml.read
        raise InputFileError(path, "XML, but not a yml_catalog feed (Prom, Rozetka, Horoshop)")

    if forced in ("json", "shopify-json", "woocommerce-json") or (
        forced == "auto" and (path.suffix.lower() == ".json" or head[:1] in (b"[", b"{"))
    ):
        text = decode(data, path)
        doc = load_json(path, text)
        kind = forced if forced != "auto" else _json_kind(doc)
        if kind == "shopify-json":
            return kind, lambda p, d, c, s: shopify.read_json(p, doc)
        if kind == "woocommerce-json":
            return kind, lambda p, d, c, s: woocommerce.read_json(p, doc)
        return "json", lambda p, d, c, s: generic_json(p, doc, c)
    text = decode(data, path)
    table = csv_table(path, text)
    kind = forced if forced != "auto" else _csv_kind(table[0])
    readers: dict[str, Callable[[Path, Table], Catalogue]] = {
        "shopify-csv": shopify.read_csv,
        "woocommerce-csv": woocommerce.read_csv,
        "tilda": tilda.read_csv,
    }
    if kind in readers:
        parse = readers[kind]
        return kind, lambda p, d, c, s: parse(p, table)
    return "csv", lambda p, d, c, s: generic_table(p, table, c, "CSV")


def _json_kind(doc: Any) -> str:
    products = doc.get("products") if isinstance(doc, dict) else None
    if (
        isinstance(products, list)
        and products
        and all(isinstance(p, dict) and isinstance(p.get("variants"), list) for p in products)
    ):
        return "shopify-json"
    if isinstance(doc, dict) and isinstance(doc.get("product"), dict) and "variants" in doc["product"]:
        return "shopify-json"
    rows = doc if isinstance(doc, list) else None
    if rows and all(isinstance(r, dict) for r in rows):
        woo_types = {"simple", "variable", "variation", "grouped", "external"}
        if all(r.get("type") in woo_types for r in rows) and any(
            "regular_price" in r or "variations" in r or "parent_id" in r for r in rows
        ):
            return "woocommerce-json"
    return "json"


def _csv_kind(header: list[str]) -> str:
    keys = {h.strip().lower() for h in header}
    if "tilda uid" in keys:
        return "tilda"
    if (
        ("handle" in keys or "url handle" in keys)
        and "title" in keys
        and (keys & {"variant price", "price", "variant sku", "sku", "option1 value", "option1 name"})
    ):
        return "shopify-csv"
    if {"type", "name"} <= keys and (keys & {"regular price", "parent", "attribute 1 name"}):
        return "woocommerce-csv"
    return "csv"


def load_json(path: Path, text: str) -> Any:
    """Parse JSON; too deep a nesting is a bad file, not a crash."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(path, f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    except RecursionError:
        raise InputFileError(path, "JSON nested too deep") from None
    if _depth(doc) > MAX_JSON_DEPTH:
        raise InputFileError(path, f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return doc


def _depth(doc: Any) -> int:
    depth, level = 0, [doc]
    while level and depth <= MAX_JSON_DEPTH:
        depth += 1
        nxt: list[Any] = []
        for v in level:
            if isinstance(v, dict):
                nxt.extend(x for x in v.values() if isinstance(x, (dict, list)))
            elif isinstance(v, list):
                nxt.extend(x for x in v if isinstance(x, (dict, list)))
        level = nxt
    return depth


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the same, largest number of fields."""
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    best, best_key = ",", (-1, -1)
    for delim in DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=delim)]
        except csv.Error:  # a field over csv's limit: csv_table reports it with its line
            continue
        if not widths or widths[0] < 2:
            continue
        consistent = sum(1 for w in widths if w == widths[0])
        key = (consistent, widths[0])
        if key > best_key:
            best, best_key = delim, key
    return best


def csv_table(path: Path, text: str) -> Table:
    """The header and the non-empty rows (with their line numbers) of a CSV text."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        header = next(reader, None)
        while header is not None and not any(h.strip() for h in header):
            header = next(reader, None)
        if header is None:
            raise InputFileError(path, "the file is empty")
        header = [h.replace("\ufeff", "").strip() for h in header]
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


def generic_json(path: Path, doc: Any, columns: ColumnOverrides) -> Catalogue:
    """A list of objects, or ``{"items": [...]}`` / ``{"products": [...]}``."""
    if isinstance(doc, dict):
        doc = doc.get("items", doc.get("products"))
    if not isinstance(doc, list):
        raise InputFileError(path, 'expected a list of items or {"items": [...]}')
    headers: dict[str, None] = {}
    rows: list[Row] = []
    for i, obj in enumerate(doc):
        if not isinstance(obj, dict):
            raise InputFileError(path, f"items[{i}] is not an object")
        headers.update(dict.fromkeys(str(k) for k in obj))
        rows.append((None, obj))
    return generic_table(path, (list(headers), rows), columns, "JSON")


def generic_table(path: Path, table: Table, columns: ColumnOverrides, format: str) -> Catalogue:
    """Rows whose columns are found by common names (or the column flags): plain CSV, JSON, XLSX."""
    headers, rows = table
    found = _columns(path, headers, columns) if rows else {}
    per_object: dict[tuple[str, ...], dict[str, str]] = {}
    drafts: list[Draft] = []
    for index, (line, row) in enumerate(rows):
        cols = found
        if line is None:  # JSON objects may each spell their keys differently
            keys = tuple(row)
            if keys not in per_object:
                per_object[keys] = {**found, **find_columns(list(keys), columns)[0]}
            cols = per_object[keys]

        def cell(field: str) -> str:
            header = cols.get(field)
            value = row.get(header) if header is not None else None
            return "" if value is None else _text(value)

        drafts.append(
            Draft(
                local_id=cell("id"),
                name=cell("name"),
                price=row.get(cols["price"]) if "price" in cols else None,
                category=cell("category"),
                barcode=cell("barcode"),
                line=line,
                where="" if line is not None else f"items[{index}]",
            )
        )
    return finish(path, drafts, format, {f: h for f, h in found.items() if f != "barcode"})


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a spreadsheet's 101.0 is the id 101
    return str(value).strip()


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


__all__ = ["read_catalogue", "decode", "sniff_delimiter", "csv_table", "generic_table", "Skipped"]
