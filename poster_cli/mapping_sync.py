"""The mapping against the menu: health checks, automatic mapping of new items, and the link
kept in Poster itself (product ``extras``).

``check_mapping`` is what ``mapping check`` and ``sync`` report as broken links. ``auto_match`` maps
new catalogue items the engine is confident about (``sync --catalogue``). ``plan_push`` /
``push_mapping`` / ``mapping_from_extras`` write and read the link with
``application.setEntityExtras``.

Extras are per product, but one product can be the target of several site items (one per
modification, or shared with ``--allow-shared``). So each product gets two string values:
``site_id`` (the first site id, for other integrations that read only that key) and ``site_links``,
a JSON list of every link on that product (``[{"id": "L-1", "mod": 147}]``), which
``mapping pull`` reads back exactly. Both keys are always sent, so a write fully replaces what an
earlier push stored whether Poster merges or replaces extras (the docs do not say).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Iterable, Sequence

from poster_cli.mapping import DishModifierChoice, Mapping, MappingEntry
from poster_cli.menu import MenuSnapshot

REASON_REMOVED = "removed"
REASON_HIDDEN = "hidden"
REASON_INVISIBLE = "invisible_at_spot"
REASON_MODIFICATION_REMOVED = "modification_removed"
REASON_MODIFICATION_INVISIBLE = "modification_invisible_at_spot"
REASON_DISH_MODIFIER_REMOVED = "dish_modifier_removed"

_REASON_TEXT = {
    REASON_REMOVED: "product no longer in the menu",
    REASON_HIDDEN: "product is hidden",
    REASON_INVISIBLE: "product is not visible at spot {spot}",
    REASON_MODIFICATION_REMOVED: "modification no longer exists",
    REASON_MODIFICATION_INVISIBLE: "modification is not visible at spot {spot}",
    REASON_DISH_MODIFIER_REMOVED: "a fixed dish modifier no longer exists",
}


@dataclass(frozen=True)
class BrokenLink:
    """A mapped site item whose Poster target is gone or cannot be ordered at the spot."""

    local_id: str
    product_id: int
    modificator_id: int | None
    reason: str  # one of the REASON_* codes
    local_name: str = ""
    poster_name: str = ""
    spot_id: int | None = None

    @property
    def message(self) -> str:
        return _REASON_TEXT.get(self.reason, self.reason).format(spot=self.spot_id)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"local_id": self.local_id, "product_id": self.product_id}
        if self.modificator_id is not None:
            d["modificator_id"] = self.modificator_id
        d.update(reason=self.reason, message=self.message, local_name=self.local_name)
        return d


def _entry_problem(entry: MappingEntry, snapshot: MenuSnapshot, spot_id: int | None) -> str | None:
    assert entry.product_id is not None
    product = snapshot.product(entry.product_id)
    if product is None:
        return REASON_REMOVED
    if product.hidden:
        return REASON_HIDDEN
    if entry.modificator_id is not None:
        mod = product.modification(entry.modificator_id)
        if mod is None:
            return REASON_MODIFICATION_REMOVED
        # a modification without its own spot entries follows the product's visibility
        if spot_id is not None and mod.spots and not mod.visible_at(spot_id):
            return REASON_MODIFICATION_INVISIBLE
    if spot_id is not None and not product.visible_at(spot_id):
        return REASON_INVISIBLE
    for choice in entry.dish_modifications:
        if product.dish_modifier(choice.m) is None:
            return REASON_DISH_MODIFIER_REMOVED
    return None


def check_mapping(mapping: Mapping, snapshot: MenuSnapshot, spot_id: int | None) -> list[BrokenLink]:
    """Every linked entry (auto, confirmed, manual) whose target is removed, hidden, invisible at
    ``spot_id`` (skipped when None), or lost its modification / fixed dish modifier."""
    broken: list[BrokenLink] = []
    for entry in mapping.linked():
        reason = _entry_problem(entry, snapshot, spot_id)
        if reason is not None:
            assert entry.product_id is not None
            broken.append(
                BrokenLink(
                    local_id=entry.local_id,
                    product_id=entry.product_id,
                    modificator_id=entry.modificator_id,
                    reason=reason,
                    local_name=entry.local_name,
                    poster_name=entry.poster_name or "",
                    spot_id=spot_id,
                )
            )
    return broken
