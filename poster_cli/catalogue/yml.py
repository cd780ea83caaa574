"""YML (Yandex Market Language) feeds as Prom, Rozetka and Horoshop export and import them:
``yml_catalog/shop/categories/category[@id, @parentId]`` and ``yml_catalog/shop/offers/offer``
with ``@id``, ``@available``, ``@group_id`` (variants of one product share it), ``name`` (or
``typePrefix`` + ``vendor`` + ``model``), ``price``, ``categoryId``, ``vendorCode`` (the article
the shop sells it by) and ``param[@name]`` (an option such as size). Follows Prom's "Вимоги до
YML-файлу" and Rozetka's YML requirements for sellers (read 2026-12).

One item per offer. Its id is the ``vendorCode`` (else the offer id; the offer ids for every
offer when the vendor codes repeat); the name gains the values of the params that differ
between the offers of its group, unless the name already says them.

The feed is parsed with expat, refusing any entity declaration (no billion laughs, no external
entities); the size limit is the reader's (``readers.MAX_BYTES``).
"""

from __future__ import annotations

import xml.parsers.expat
from pathlib import Path
from typing import Any

from poster_cli.catalogue.items import Catalogue, Draft, finish, variant_name
from poster_cli.errors import InputFileError

OFFER_TEXT = {"name", "price", "categoryId", "vendorCode", "model", "vendor", "typePrefix", "barcode"}


class _Feed:
    """What the parser collects: the categories and one dict per offer (with its line)."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.categories: dict[str | None, str] = {}  # looked up by an offer's categoryId, None when it has none
        self.offers: list[dict[str, Any]] = []
        self.stack: list[str] = []
        self.text: list[str] = []
        self.offer: dict[str, Any] | None = None
        self.attrs: dict[str, str] = {}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.stack.append(name)
        self.text = []
        self.attrs = attrs
        if name == "offer" and self.stack[-2:-1] == ["offers"]:
            self.offer = {"@": attrs, "params": [], "line": self.line()}

    def end(self, name: str) -> None:
        text = "".join(self.text).strip()
        self.stack.pop()
        if name == "category" and self.stack[-1:] == ["categories"] and "id" in self.attrs:
            self.categories[self.attrs["id"]] = text
        elif self.offer is not None:
            if name == "offer":
                self.offers.append(self.offer)
                self.offer = None
            elif name == "param" and self.stack[-1:] == ["offer"]:
                self.offer["params"].append((self.attrs.get("name"), text))
            elif name in OFFER_TEXT and self.stack[-1:] == ["offer"]:
                self.offer.setdefault(name, text)
        self.text = []

    def data(self, text: str) -> None:
        self.text.append(text)

    def line(self) -> int:
        return int(self.parser.CurrentLineNumber)


def parse(path: Path, data: bytes) -> _Feed:
    parser = xml.parsers.expat.ParserCreate()
    feed = _Feed(parser)

    def no_entities(*_args: Any) -> None:
        raise InputFileError(path, "entity declarations are not allowed in a feed", line=parser.CurrentLineNumber)

    parser.EntityDeclHandler = no_entities
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = feed.start
    parser.EndElementHandler = feed.end
    parser.CharacterDataHandler = feed.data
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        problem = xml.parsers.expat.errors.messages[exc.code]
        raise InputFileError(path, f"not well-formed XML: {problem}", line=exc.lineno) from None
    return feed


def read(path: Path, data: bytes, _columns: Any = None, _sheet: Any = None) -> Catalogue:
    feed = parse(path, data)
    offers = feed.offers
    codes = [o.get("vendorCode") for o in offers]
    by_code = all(codes) and len(set(codes)) == len(codes)
    groups: dict[str, list[dict[str, Any]]] = {}
    for o in offers:
        if o["@"].get("group_id"):
            groups.setdefault(o["@"]["group_id"], []).append(o)
    drafts: list[Draft] = []
    for o in offers:
        attrs = o["@"]
        name = o.get("name") or " ".join(x for x in (o.get("typePrefix"), o.get("vendor"), o.get("model")) if x)
        name = variant_name(name, _differing(o, groups.get(attrs.get("group_id"), [])))
        drafts.append(
            Draft(
                local_id=(o.get("vendorCode") if by_code else attrs.get("id")) or "",
                name=name,
                price=o.get("price"),
                category=feed.categories.get(o.get("categoryId"), ""),
                barcode=o.get("barcode", ""),
                line=o["line"],
            )
        )
    fields = {
        "id": "vendorCode" if by_code else "offer/@id",
        "name": "name + the group's differing params" if groups else "name",
        "price": "price",
        "category": "categoryId → categories",
    }
    return finish(path, drafts, "YML feed", fields)


def _differing(offer: dict[str, Any], group: list[dict[str, Any]]) -> list[str]:
    """The offer's values of the params whose values differ within its group (its options)."""
    seen: dict[str | None, set[str]] = {}
    for o in group:
        for name, value in o["params"]:
            seen.setdefault(name, set()).add(value)
    options = {n for n, values in seen.items() if len(values) > 1}
    return [value for name, value in offer["params"] if name in options]
