"""What the web review shows and does, free of HTTP: the site items with their status and
candidates, pages of them under filters, the menu search, and decisions written through
:mod:`poster_cli.decisions` (the terminal review's semantics, the data folder's lock,
compare-and-set per item).

The mapping is read from the file whenever it changed (its inode, size and mtime: every write is a
rename), so a terminal review, a ``sync`` or another tab is seen at the next request. Candidates
are ranked when an item is first shown and kept: a 5,000-item catalogue costs nothing until its
pages are looked at. A link a person makes teaches words (:mod:`poster_cli.matching.aliases`), as at
the terminal: when it teaches new ones, the open items are ranked again when next shown. Each decision made here gets an id; undo names it, and is itself a
compare-and-set (refused if the item changed since).
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from poster_cli.catalogue.items import CatalogueItem
from poster_cli.decisions import (
    Applied,
    Decision,
    apply_in_memory,
    chosen,
    entry_tag,
    no_counterpart,
    offered,
)
from poster_cli.mapping import STATUSES, Mapping, MappingEntry, load_mapping, save_mapping
from poster_cli.mapping_sync import teach
from poster_cli.matching.engine import MatchCandidate, MatchOptions, MatchResult, MenuIndex
from poster_cli.matching.normalize import normalise

OPEN = "unmatched"  # the status that needs a person's decision
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
SEARCH_LIMIT = 9  # keys 1-9


class BadRequest(ValueError):
    """The page asked for something that does not exist or cannot be done (HTTP 400/404)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def target_key(c: MatchCandidate) -> list[Any]:
    """A candidate's target as the page sends it back: [product_id, modificator_id, [[m, a], ...]]."""
    return [c.product_id, c.modificator_id, [list(p) for p in c.dish_modifications]]


def _parse_key(raw: Any) -> tuple[int, int | None, tuple[tuple[int, int], ...]]:
    def whole(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool)

    if not (isinstance(raw, list) and len(raw) == 3 and whole(raw[0]) and (raw[1] is None or whole(raw[1]))):
        raise BadRequest("candidate must be [product_id, modificator_id, dish_modifications]")
    mods = raw[2]
    if not isinstance(mods, list) or not all(
        isinstance(p, list) and len(p) == 2 and whole(p[0]) and whole(p[1]) for p in mods
    ):
        raise BadRequest("dish_modifications must be [[m, a], ...]")
    return raw[0], raw[1], tuple((p[0], p[1]) for p in mods)


class Stale(Exception):
    """The item changed (another tab, the terminal, a sync) since the page showed it (HTTP 409)."""

    def __init__(self, local_id: str) -> None:
        super().__init__(local_id)
        self.local_id = local_id


@dataclass
class Filters:
    """Which items a page lists: a status (or "all"), a site category ("" any), text in the name or id."""

    status: str = "all"
    category: str = ""
    text: str = ""

    def check(self) -> None:
        if self.status not in ("all", *STATUSES):
            raise BadRequest(f"status must be all or one of {', '.join(STATUSES)}")


class ReviewState:
    """The site items under review against one menu index and one mapping file."""

    def __init__(
        self,
        items: Sequence[CatalogueItem],
        index: MenuIndex,
        mapping_path: Path,
        *,
        review_score: float = 40.0,
        allow_shared: bool = False,
        results: Iterable[MatchResult] = (),
        words: dict[str, str] | None = None,
    ) -> None:
        self.items = list({i.local_id: i for i in items}.values())
        self.by_id = {i.local_id: i for i in self.items}
        self.position = {i.local_id: n for n, i in enumerate(self.items)}
        self.index = index
        self.mapping_path = mapping_path
        self.review_score = review_score
        self.allow_shared = allow_shared
        self.options = MatchOptions(review=review_score)
        self._candidates: dict[str, list[MatchCandidate]] = {
            r.item.local_id: r.candidates for r in results if r.item.local_id in self.by_id
        }
        self._targets: dict[Any, int] | None = None
        self._mapping = Mapping()
        self._stamp: tuple[int, int, int] | None = None
        self._decisions: dict[int, list[Decision]] = {}
        self._texts: dict[MappingEntry, str] = {}  # each entry's text in the file, kept between writes
        self._ids = itertools.count(1)
        self.categories = sorted({i.category for i in self.items if i.category}, key=str.casefold)
        self.words = teach(index, self.mapping, words)  # the aliases file's words and the links' own

    # -- the mapping as the file holds it now ----------------------------------------------

    def _file_stamp(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.mapping_path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    @property
    def mapping(self) -> Mapping:
        stamp = self._file_stamp()
        if stamp != self._stamp or stamp is None:
            self._mapping = load_mapping(self.mapping_path)
            self._stamp = stamp
        return self._mapping

    def revision(self) -> str:
        """Changes whenever the mapping file does: the page reloads its items when it sees a new one."""
        stamp = self._file_stamp()
        return "none" if stamp is None else "-".join(str(x) for x in stamp)

    def status(self, entry: MappingEntry | None) -> str:
        return OPEN if entry is None else entry.status

    # -- candidates ------------------------------------------------------------------------

    def candidates(self, local_id: str) -> list[MatchCandidate]:
        """The item's ranked candidates (all of them, best first); ranked once, when first asked for."""
        found = self._candidates.get(local_id)
        if found is None:
            found = self._candidates[local_id] = self.index.candidates(self.by_id[local_id], self.options)
        return found

    def target_candidate(self, item: CatalogueItem, key: Any) -> MatchCandidate:
        """The candidate for ``key`` as scored for this site item (a search result is scored
        against the searched text; what is written is its score for the item itself)."""
        if self._targets is None:
            self._targets = {t.key: t.index for t in self.index.targets}
        at = self._targets.get(_parse_key(key))
        if at is None:
            raise BadRequest("no such product in the menu (pull again?)", 404)
        target = self.index.targets[at]
        cat = normalise(item.category) if item.category else normalise("")
        score, name, reasons = self.index.score(item, normalise(item.name), cat, target)
        return self.index.candidate(at, score, name, reasons)

    def search(self, local_id: str, text: str) -> list[dict[str, Any]]:
        """The whole menu searched by text (the terminal's ``/``), as candidates to choose from."""
        entry = self.mapping.get(self._item(local_id).local_id)
        return [self.candidate_json(c, entry) for c in self.index.search(text.strip(), limit=SEARCH_LIMIT)]

    # -- what the page shows ---------------------------------------------------------------

    def candidate_json(self, c: MatchCandidate, entry: MappingEntry | None) -> dict[str, Any]:
        linked = entry is not None and entry.is_linked and entry.target == (c.product_id, c.modificator_id)
        return {
            "key": target_key(c),
            "name": c.name,
            "category": c.category,
            "price": c.price,  # kopecks at the spot
            "size": c.size,
            "score": round(c.score, 1),
            "reason": c.reason,
            "hidden": c.hidden,
            "visible": c.visible,
            "linked": linked,
        }

    def item_json(self, item: CatalogueItem, entry: MappingEntry | None) -> dict[str, Any]:
        shown = offered(self.candidates(item.local_id), self.review_score)[:SEARCH_LIMIT]
        link = None
        if entry is not None and entry.is_linked:
            link = {
                "name": entry.poster_name or f"#{entry.product_id}",
                "score": entry.score,
                "product_id": entry.product_id,
                "modificator_id": entry.modificator_id,
            }
        return {
            "local_id": item.local_id,
            "name": item.name,
            "category": item.category,
            "price": item.price,
            "status": self.status(entry),
            "tag": entry_tag(entry),
            "link": link,
            "candidates": [self.candidate_json(c, entry) for c in shown],
        }

    def _item(self, local_id: str) -> CatalogueItem:
        item = self.by_id.get(local_id)
        if item is None:
            raise BadRequest(f"no site item {local_id!r}", 404)
        return item

    def counts(self, mapping: Mapping) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for i in self.items:
            counts[self.status(mapping.get(i.local_id))] += 1
        counts["all"] = len(self.items)
        return counts

    def _filtered(self, mapping: Mapping, f: Filters) -> list[CatalogueItem]:
        text = f.text.strip().casefold()
        out = []
        for i in self.items:
            if f.status != "all" and self.status(mapping.get(i.local_id)) != f.status:
                continue
            if f.category and i.category != f.category:
                continue
            if text and text not in i.name.casefold() and text not in i.local_id.casefold():
                continue
            out.append(i)
        return out

    def _focus(self, mapping: Mapping, listed: list[CatalogueItem], focus: str) -> int | None:
        """Where ``focus`` points in ``listed``: "open" the first item needing a decision,
        "next:ID" the next one after ID (wrapping), "ID" that item."""
        if not listed:
            return None

        def is_open(i: CatalogueItem) -> bool:
            return self.status(mapping.get(i.local_id)) == OPEN

        if focus == "open":
            return next((n for n, i in enumerate(listed) if is_open(i)), 0)
        if focus.startswith("next:"):
            after = self.position.get(focus[5:], -1)
            later = [n for n, i in enumerate(listed) if self.position[i.local_id] > after]
            pick = next((n for n in later if is_open(listed[n])), None)
            if pick is None:
                pick = next((n for n, i in enumerate(listed) if is_open(i)), None)
            if pick is None:
                pick = later[0] if later else len(listed) - 1
            return pick
        return next((n for n, i in enumerate(listed) if i.local_id == focus), None)

    def page(self, f: Filters, *, page: int = 0, focus: str = "", size: int = PAGE_SIZE) -> dict[str, Any]:
        """One page of the filtered items (with their candidates), the counts, the categories.
        With ``focus`` the page is the one holding the focused item."""
        f.check()
        size = max(1, min(size, MAX_PAGE_SIZE))
        mapping = self.mapping
        listed = self._filtered(mapping, f)
        at = self._focus(mapping, listed, focus) if focus else None
        pages = max(1, -(-len(listed) // size))
        if at is not None:
            page = at // size
        page = max(0, min(page, pages - 1))
        chunk = listed[page * size : (page + 1) * size]
        return {
            "revision": self.revision(),
            "total": len(listed),
            "page": page,
            "pages": pages,
            "page_size": size,
            "focus": listed[at].local_id if at is not None else None,
            "counts": self.counts(mapping),
            "categories": self.categories,
            "review_score": self.review_score,
            "items": [self.item_json(i, mapping.get(i.local_id)) for i in chunk],
        }

    def one(self, local_id: str) -> dict[str, Any]:
        item = self._item(local_id)
        return self.item_json(item, self.mapping.get(local_id))

    # -- decisions -------------------------------------------------------------------------

    def decision(self, local_id: str, action: str, seen: str, key: Any = None) -> Decision:
        """The decision a click or key makes, on the entry the page saw (its ``tag``); :class:`Stale`
        when the file holds something else now. Call it under the data folder's lock."""
        item = self._item(local_id)
        current = self.mapping.get(local_id)
        if action == "choose":
            after = chosen(item.local_id, item.name, self.target_candidate(item, key))
            kind = "confirmed"
        elif action == "none":
            after, kind = no_counterpart(item.local_id, item.name), "ignored"
        else:
            raise BadRequest("action must be choose or none")
        if entry_tag(current) != seen:
            raise Stale(local_id)
        return Decision(local_id, current, after, kind)

    def bulk(self, minimum: float, f: Filters) -> list[Decision]:
        """Choose the best candidate of every listed item needing a decision whose best scores at
        least ``minimum``, one site item per target unless sharing is allowed (a target already
        linked, the best of two items, or one hidden or not sold at the spot is left for a person)."""
        f.check()
        mapping = self.mapping
        taken = {e.target for e in mapping if e.is_linked}
        picked: dict[Any, list[tuple[CatalogueItem, MatchCandidate]]] = {}
        for item in self._filtered(mapping, f):
            if self.status(mapping.get(item.local_id)) != OPEN:
                continue
            ranked = self.candidates(item.local_id)
            if not ranked or ranked[0].score < minimum:
                continue
            best = ranked[0]
            if best.hidden or not best.visible:  # orders for it would be refused: a person decides
                continue
            picked.setdefault(best.key, []).append((item, best))
        decisions = []
        for key, claims in picked.items():
            if not self.allow_shared and ((key[0], key[1]) in taken or len(claims) > 1):
                continue
            for item, best in claims:
                after = chosen(item.local_id, item.name, best)
                decisions.append(Decision(item.local_id, mapping.get(item.local_id), after, "confirmed"))
        decisions.sort(key=lambda d: self.position[d.local_id])
        return decisions

    def write(self, decisions: Sequence[Decision]) -> tuple[int, Applied]:
        """Apply ``decisions`` to the file (the caller holds the data folder's lock); returns the id
        to undo those written with, and what was done."""
        # the file as last read is the file now when its inode, size and mtime are unchanged (every
        # write renames a new file in): no need to read 5,000 entries again for each decision
        mapping = Mapping(entries=dict(self.mapping.entries))
        result = apply_in_memory(mapping, decisions)
        if result.done:
            save_mapping(mapping, self.mapping_path, self._texts)
            self._mapping, self._stamp = mapping, self._file_stamp()
            self._learn(mapping)
        number = next(self._ids)
        if result.done:
            self._decisions[number] = result.done
        return number, result

    def _learn(self, mapping: Mapping) -> None:
        """What the person's links teach now; when that is new, the items still open are ranked
        again (lazily, when next shown), so the next ones come with what was just taught."""
        words = teach(self.index, mapping, self.words)
        if words == self.words:
            return
        self.words = words
        for local_id in list(self._candidates):
            entry = mapping.get(local_id)
            if entry is None or not entry.is_protected:
                del self._candidates[local_id]

    def undo_decisions(self, number: int) -> list[Decision]:
        """The decisions that undo decision ``number`` (each refused if its item changed since)."""
        done = self._decisions.pop(number, None)
        if done is None:
            raise BadRequest("nothing to undo for that decision (undone already, or made before a restart)", 404)
        return [d.undone() for d in reversed(done)]
