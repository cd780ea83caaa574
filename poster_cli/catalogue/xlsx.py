"""XLSX price lists (the first sheet, or the one named with ``--sheet``), read with openpyxl in
read-only mode. Managers keep prices in Excel with a title or a logo above the table, so the
header is the first of the top rows that has an id and a name column (the column flags count);
the rows below it are read like a plain CSV's."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from poster_cli.catalogue.items import Catalogue, ColumnOverrides, find_columns
from poster_cli.errors import InputFileError

HEADER_SEARCH_ROWS = 30


def read(path: Path, data: bytes, columns: ColumnOverrides, sheet: str | None) -> Catalogue:
    from openpyxl import load_workbook

    from poster_cli.catalogue.readers import Row, generic_table

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputFileError(path, f"not a readable XLSX workbook ({exc.__class__.__name__})") from None
    try:
        if sheet is None:
            ws = book.worksheets[0]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise InputFileError(path, f"no sheet named {sheet!r}", hint=f"sheets are: {', '.join(book.sheetnames)}")
        header: list[str] | None = None
        header_row = 0
        rows: list[Row] = []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if header is None:
                texts = ["" if v is None else str(v).strip() for v in values]
                found, _ = find_columns(texts, columns)
                if "id" in found and "name" in found:
                    header, header_row = texts, number
                elif number >= HEADER_SEARCH_ROWS:
                    break
                continue
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            rows.append((number, {h: v for h, v in zip(header, values) if h}))
    finally:
        book.close()
    if header is None:
        raise InputFileError(
            path,
            f"sheet {ws.title!r}: no header row with an id and a name column in its first {HEADER_SEARCH_ROWS} rows",
            hint="pass --id-col and --name-col, or --sheet NAME",
        )
    return generic_table(
        path, ([h for h in header if h], rows), columns, f"XLSX (sheet {ws.title!r}, header on row {header_row})"
    )
