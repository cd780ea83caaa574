"""WooCommerce's product CSV export and its REST API's products: one item per sellable product or
variation; variable parents and grouped products are not items.

The CSV follows WooCommerce's "Product CSV Import Schema" (the importer/exporter built in since
WooCommerce 3.1; github.com/woocommerce/woocommerce/wiki/Product-CSV-Import-Schema): ``Type``
(``simple``, ``variable``, ``variation``, ``grouped``, ``external``, possibly with ``virtual`` or
``downloadable`` after a comma), ``SKU``, ``Name``, ``Published`` (1, 0 private, -1 draft),
``Regular price``, ``Sale price``, ``Categories`` (``Clothing > Hoodies, Music``), ``Parent``
(``id:100`` or the parent's SKU), ``Attribute N name`` / ``Attribute N value(s)`` (a variation's
own value).

The JSON is the REST API v3 ``GET /wp-json/wc/v3/products`` list, whose variable products list
their variations by id; the variations (``GET …/products/<id>/variations``: ``id``, ``sku``,
``price``, ``regular_price``, ``sale_price``, ``attributes[] = {name, option}``) are read from
the same file, either embedded in ``variations`` or as entries with ``parent_id``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from poster_cli.catalogue.items import Catalogue, Cells, Draft, Skipped, finish, variant_name
from poster_cli.errors import InputFileError

NOT_ITEMS = {"variable": "variable parents", "grouped": "grouped products", "external": "external products"}


def _types(value: str) -> set[str]:
    return {t.strip().lower() for t in value.split(",") if t.strip()}


def _category(value: str) -> str:
    """``Clothing > Hoodies, Music`` -> ``Hoodies``: the first category's own name (``\\,`` is a comma)."""
    first = re.split(r"(?<!\\),", value, maxsplit=1)[0].replace("\\,", ",")
    return first.rpartition(">")[2].strip()


def read_csv(path: Path, table: tuple[list[str], list[Any]]) -> Catalogue:
    header, rows = table
    cells = Cells(header)
    attr_values = [h for h in header if re.fullmatch(r"attribute \d+ value\(s\)", h.strip().lower())]
    parents: dict[str, dict[str, str]] = {}  # "id:NN" and the SKU -> the parent's name and category
    for _line, row in rows:
        if "variable" in _types(cells.get(row, "Type")):
            info = {"name": cells.get(row, "Name"), "category": _category(cells.get(row, "Categories"))}
            if cells.get(row, "ID"):
                parents[f"id:{cells.get(row, 'ID')}"] = info
            if cells.get(row, "SKU"):
                parents[cells.get(row, "SKU")] = info
    drafts: list[Draft] = []
    skipped = Skipped()
    for line, row in rows:
        types = _types(cells.get(row, "Type"))
        reason = next((NOT_ITEMS[t] for t in types if t in NOT_ITEMS), None)
        if reason:
            skipped.add(reason)
            continue
        if cells.get(row, "Published") in ("0", "-1"):
            skipped.add("unpublished")
            continue
        name, category = cells.get(row, "Name"), _category(cells.get(row, "Categories"))
        if "variation" in types:
            ref = cells.get(row, "Parent")
            parent = parents.get(ref) or parents.get(f"id:{ref}")
            if parent is None:
                raise InputFileError(path, f"variation's Parent {ref!r} is no variable product in the file", line=line)
            values = [str(row.get(h) or "").strip().replace("\\,", ",") for h in attr_values]  # "0\\,4 л" is "0,4 л"
            # WooCommerce names a variation "Parent - Value"; the parent's name and the values say it plainly
            name = variant_name(parent["name"], values) if any(values) else name or parent["name"]
            category = category or parent["category"]
        drafts.append(
            Draft(
                local_id=cells.get(row, "SKU") or cells.get(row, "ID"),
                name=name,
                price=cells.get(row, "Sale price") or cells.get(row, "Regular price"),
                category=category,
                line=line,
            )
        )
    fields = {
        "id": "SKU (else ID)",
        "name": "Name (variations: the parent's + Attribute values)",
        "price": "Sale price, else Regular price",
        "category": "Categories (variations: the parent's)",
    }
    return finish(path, drafts, "WooCommerce product CSV", fields, skipped)


def read_json(path: Path, doc: Any) -> Catalogue:
    if not isinstance(doc, list):
        raise InputFileError(path, "expected a list of products")
    by_parent: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    products: list[tuple[str, dict[str, Any]]] = []
    for i, p in enumerate(doc):
        if not isinstance(p, dict):
            raise InputFileError(path, f"[{i}] is not an object")
        parent = _str(p.get("parent_id"))
        if p.get("type") == "variation" or parent not in ("", "0"):
            by_parent.setdefault(parent, []).append((f"[{i}]", p))
        else:
            products.append((f"[{i}]", p))
    variable = {_str(p.get("id")) for _where, p in products if p.get("type") == "variable"}
    for parent, variations in by_parent.items():
        if parent not in variable:
            where = variations[0][0]
            if parent in ("", "0"):
                raise InputFileError(path, f"{where}: a variation without a parent_id")
            raise InputFileError(path, f"{where}: variation's parent_id {parent!r} is no variable product in the file")
    drafts: list[Draft] = []
    skipped = Skipped()
    for where, p in products:
        kind = p.get("type")  # none is a simple product
        if p.get("status") not in (None, "publish"):
            skipped.add("unpublished")
            continue
        name, category = _str(p.get("name")), _first_category(p)
        if kind != "variable":
            if kind in NOT_ITEMS:
                skipped.add(NOT_ITEMS[kind])
                continue
            drafts.append(_draft(p, name, category, where))
            continue
        skipped.add(NOT_ITEMS["variable"])
        embedded = [
            (f"{where}.variations[{j}]", v) for j, v in enumerate(p.get("variations") or []) if isinstance(v, dict)
        ]
        variations = embedded + by_parent.get(_str(p.get("id")), [])
        if not variations:
            skipped.add("variable products whose variations are not in the file")
            continue
        for vwhere, v in variations:
            if v.get("status") not in (None, "publish"):
                skipped.add("unpublished")
                continue
            values = [_str(a.get("option")) for a in v.get("attributes") or [] if isinstance(a, dict)]
            drafts.append(_draft(v, variant_name(name, values), category, vwhere))
    fields = {
        "id": "sku (else id)",
        "name": "name (variations: the parent's + attributes[].option)",
        "price": "price (else sale_price, regular_price)",
        "category": "categories[0].name",
    }
    return finish(path, drafts, "WooCommerce REST JSON", fields, skipped)


def _draft(p: dict[str, Any], name: str, category: str, where: str) -> Draft:
    price = p.get("price")
    if price in (None, ""):
        price = p.get("sale_price") or p.get("regular_price")
    return Draft(
        local_id=_str(p.get("sku")) or _str(p.get("id")),
        name=name,
        price=price,
        category=category,
        where=where,
    )


def _first_category(p: dict[str, Any]) -> str:
    cats = p.get("categories") or []
    return _str(cats[0].get("name")) if cats and isinstance(cats[0], dict) else ""


def _str(value: Any) -> str:
    return "" if value is None else str(value).strip()
