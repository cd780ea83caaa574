"""Tilda's store CSV (Tilda Store, "Import and export products in CSV"; help.tilda.cc, read
2026-12): ``;``-separated, one row per product or variant, columns ``Tilda UID``, ``SKU``,
``Category`` (several joined by ``;``), ``Title``, ``Price``, ``Editions`` (a variant's options,
``Size:400 ml;Milk:oat``) and ``Parent UID`` (the main product's UID on each variant row).

A main product whose variants are rows of their own is not an item unless it carries editions
itself; a variant row without a Title, Price or Category takes the main product's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from poster_cli.catalogue.items import Catalogue, Cells, Draft, Skipped, finish, variant_name

# The export's columns, as Tilda names them (Cells finds them in any letter case).
UID, PARENT_UID, SKU, TITLE, PRICE, CATEGORY, EDITIONS = (
    "Tilda UID",
    "Parent UID",
    "SKU",
    "Title",
    "Price",
    "Category",
    "Editions",
)


def editions(value: str) -> list[str]:
    """``Size:400 ml;Milk:oat`` -> ``["400 ml", "oat"]``."""
    return [part.partition(":")[2].strip() or part.strip() for part in value.split(";") if part.strip()]


def read_csv(path: Path, table: tuple[list[str], list[Any]]) -> Catalogue:
    header, rows = table
    cells = Cells(header)
    by_uid = {cells.get(row, UID): row for _line, row in rows if cells.get(row, UID)}
    parents = {cells.get(row, PARENT_UID) for _line, row in rows} - {""}
    drafts: list[Draft] = []
    skipped = Skipped()
    for line, row in rows:
        uid, own = cells.get(row, UID), editions(cells.get(row, EDITIONS))
        if uid in parents and not own:
            skipped.add("main products of variants")
            continue
        parent = by_uid.get(cells.get(row, PARENT_UID), {})
        title, price, category = (cells.get(row, c) or cells.get(parent, c) for c in (TITLE, PRICE, CATEGORY))
        drafts.append(
            Draft(
                local_id=cells.get(row, SKU) or uid,
                name=variant_name(title, own),
                price=price,
                category=category.split(";")[0].strip(),
                line=line,
            )
        )
    fields = {
        "id": "SKU (else Tilda UID)",
        "name": "Title + Editions",
        "price": "Price",
        "category": "Category (the first)",
    }
    return finish(path, drafts, "Tilda CSV", fields, skipped)
