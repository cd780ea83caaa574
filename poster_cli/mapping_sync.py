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
earlier push stored whether Poster merges or replaces extras (Inferred [extras-merge]: the docs do
not say). Inferred [extras-echo]: ``menu.getProducts`` shows a product's extras; no doc shows
it, so ``mapping pull`` refuses when the menu carries no extras at all rather than write an empty
mapping (``doctor --probe --write`` checks it on the account).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ContextManager, Iterable, Sequence

from poster_cli.mapping import DishModifierChoice, Mapping, MappingEntry
from poster_cli.menu import MenuSnapshot

if TYPE_CHECKING:
    from poster_cli.catalogue import ReadOptions

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


# -- matching a catalogue into the mapping ---------------------------------------------------

BIG_CATALOGUE = 100_000  # bytes: a catalogue this big is read by a worker process while the menu loads


def load_for_match(
    catalogue: Path, reading: ReadOptions | None, menu: Path, spot_id: int | None
) -> tuple[Any, MenuSnapshot, int | None, Any]:
    """What ``match`` works on: the catalogue's items, the menu snapshot, the spot (the given one,
    or the menu's only one) and the menu's index. A big catalogue is read, and its names
    normalised, by a worker process while this one loads and indexes the menu. Errors are the
    same either way, the catalogue's first."""
    from poster_cli.catalogue import ReadOptions
    from poster_cli.matching import MenuIndex
    from poster_cli.matching.normalize import normalise, remember
    from poster_cli.matching.parallel import Background, can_fork
    from poster_cli.menu import load_snapshot

    def read() -> Any:
        return (reading or ReadOptions()).read(catalogue)

    def read_and_normalise() -> tuple[Any, list[str], list[Any]]:
        items = read()
        names = list(dict.fromkeys(n for i in items for n in (i.name, i.category) if n))
        return items, names, [normalise(n) for n in names]

    pending = Background(read_and_normalise) if can_fork() and _size(catalogue) >= BIG_CATALOGUE else None
    try:
        try:
            snapshot = load_snapshot(menu)
        except Exception:
            if pending is None or pending.result() is None:
                read()  # the catalogue's own error, if it has one, comes first
            raise
        spot = snapshot.default_spot(spot_id)
        # with the catalogue worker busy, a second one for the menu's names costs more than it saves
        index = MenuIndex.from_products(snapshot.products.values(), spot, share=pending is None)
        done = pending.result() if pending is not None else None
    finally:
        if pending is not None:
            pending.cancel()
    if done is None:
        return read(), snapshot, spot, index
    items, names, norms = done
    remember(names, norms)
    return items, snapshot, spot, index


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def protected_targets(mapping: Mapping) -> dict[Any, str]:
    """Targets a person already linked (confirmed / manual), to the local id holding each."""
    taken: dict[Any, str] = {}
    for e in mapping:
        if e.is_protected and e.is_linked:
            taken[(e.product_id, e.modificator_id, tuple((c.m, c.a) for c in e.dish_modifications))] = e.local_id
    return taken


def entry_for(item_id: str, item_name: str, candidate: Any, status: str) -> MappingEntry:
    """A mapping entry linking a site item to a candidate (None: unmatched)."""
    if candidate is None:
        return MappingEntry(
            local_id=item_id, local_name=item_name, status="unmatched" if status != "ignored" else status
        )
    return MappingEntry(
        local_id=item_id,
        local_name=item_name,
        status=status,
        product_id=candidate.product_id,
        modificator_id=candidate.modificator_id,
        dish_modifications=tuple(DishModifierChoice(m=m, a=a) for m, a in candidate.dish_modifications),
        score=candidate.score,
        poster_name=candidate.name,
    )


def run_match(items: Sequence[Any], index: Any, mapping: Mapping, options: Any, *, only_new: bool = False) -> list[Any]:
    """Match every catalogue item a person has not decided (or, ``only_new``, only items with no
    entry or an unmatched one), put the results in ``mapping`` (``auto`` when accepted, else
    ``unmatched``) and return the match results. Protected entries are never touched."""
    from poster_cli.matching.engine import match_items

    def open_item(item: Any) -> bool:
        e = mapping.get(item.local_id)
        if e is None:
            return True
        if e.is_protected:
            return False
        return not only_new or e.status == "unmatched"

    todo = [i for i in items if open_item(i)]
    results = match_items(todo, index, options, taken=protected_targets(mapping))
    for r in results:
        status = "auto" if r.accepted is not None else "unmatched"
        mapping.merge_auto(entry_for(r.item.local_id, r.item.name, r.accepted, status))
    return results


def auto_review_queue(mapping: Mapping, index: Any, options: Any) -> list[Any]:
    """The automatic links, as match results a person can review with the same keys as ``match``
    (candidates ranked afresh from the site item's name; the current link is the mapping's)."""
    from poster_cli.catalogue import CatalogueItem
    from poster_cli.matching.engine import match_items

    items = [CatalogueItem(e.local_id, e.local_name) for e in mapping if e.status == "auto"]
    return match_items(items, index, options, taken=protected_targets(mapping)) if items else []


def teach(index: Any, mapping: Mapping, words: dict[str, str] | None = None) -> dict[str, str]:
    """The word pairs ``index`` reads site names with from now on: ``words`` (the aliases file,
    which wins) and those the person-made links in ``mapping`` teach (:mod:`.matching.aliases`)."""
    from poster_cli.matching.aliases import compile_aliases, learn

    taught = dict(words or {})
    for e in mapping:
        if e.is_protected and e.is_linked and e.local_name and e.poster_name:
            pair = learn(e.local_name, e.poster_name, index.word_similarity)
            if pair is not None and pair[0] not in taught:
                taught[pair[0]] = pair[1]
    index.use_aliases(compile_aliases(taught))
    return taught


class AliasLearner:
    """Learns from each decision of a review as it is made: when a person's link teaches new words,
    the items still to review are ranked again with them, so the next ones are shown with what the
    person just taught (the right candidate first, most often); and the items ahead that are now
    certain by the same rules as ``match`` are linked (``auto``) instead of being asked about."""

    def __init__(self, index: Any, mapping: Mapping, options: Any, queue: Sequence[Any], words: dict[str, str]) -> None:
        self.index, self.mapping, self.options, self.queue = index, mapping, options, queue
        self.words = teach(index, mapping, words)

    def _open(self, r: Any) -> bool:
        e = self.mapping.get(r.item.local_id)
        return e is None or not (e.is_protected or e.is_linked)

    def after_decision(self, ahead: int | None = None) -> list[Any]:
        """Rank the open items again when the mapping teaches new words; with ``ahead`` (the queue
        position the review goes on from), link the open items from there on that are now certain
        and return their results (their ``accepted`` set). The items before ``ahead`` (a person
        skipped them) are never linked, but still compete for their targets."""
        words = teach(self.index, self.mapping, self.words)
        if words != self.words:
            self.words = words
            for r in self.queue:
                e = self.mapping.get(r.item.local_id)
                if e is None or not e.is_protected:
                    r.rerank(self.options)
        if ahead is None:
            return []
        from poster_cli.matching.engine import accept_confident

        open_items = [(n, r) for n, r in enumerate(self.queue) if self._open(r)]
        results = [r for _, r in open_items]
        accept_confident(results, self.index, self.options, taken=linked_targets(self.mapping))
        linked = []
        for n, r in open_items:
            if r.accepted is not None and n < ahead:
                r.accepted = None  # a person chose to leave it; the next run decides it
            elif r.accepted is not None:
                self.mapping.merge_auto(entry_for(r.item.local_id, r.item.name, r.accepted, "auto"))
                linked.append(r)
        return linked


def linked_targets(mapping: Mapping) -> dict[Any, str]:
    """Every target the mapping links (whoever linked it), to the local id holding it."""
    return {
        (e.product_id, e.modificator_id, tuple((c.m, c.a) for c in e.dish_modifications)): e.local_id
        for e in mapping.linked()
    }


def auto_match(
    catalogue_items: Sequence[Any],
    snapshot: MenuSnapshot,
    mapping: Mapping,
    spot_id: int | None,
    *,
    accept: float = 80.0,
    words: dict[str, str] | None = None,
) -> list[MappingEntry]:
    """Map new catalogue items (no entry yet, or unmatched) the engine is confident about, in
    ``mapping`` (status ``auto``); leave the rest ``unmatched``. Returns the entries now linked.
    Site names are read with ``words`` (the aliases file, which wins) and what the person's own
    links teach, as ``match`` reads them."""
    from poster_cli.matching.engine import MatchOptions, MenuIndex

    index = MenuIndex.from_products(snapshot.products.values(), spot_id)
    teach(index, mapping, words)
    results = run_match(catalogue_items, index, mapping, MatchOptions(accept=accept), only_new=True)
    return [e for r in results if r.accepted is not None and (e := mapping.get(r.item.local_id)) is not None]


# -- the link kept in Poster: product extras -------------------------------------------------

EXTRAS_ID = "site_id"
EXTRAS_LINKS = "site_links"


@dataclass(frozen=True)
class ExtrasWrite:
    """One ``application.setEntityExtras`` call: the extras one product should carry."""

    product_id: int
    product_name: str
    extras: dict[str, str]
    local_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_type": "product",
            "entity_id": self.product_id,
            "extras": self.extras,
            "product_name": self.product_name,
            "local_ids": list(self.local_ids),
        }


def _link_record(e: MappingEntry) -> dict[str, Any]:
    rec: dict[str, Any] = {"id": e.local_id}
    if e.modificator_id is not None:
        rec["mod"] = e.modificator_id
    if e.dish_modifications:
        rec["dm"] = [[c.m, c.a] for c in e.dish_modifications]
    rec["s"] = e.status
    if e.local_name:
        rec["n"] = e.local_name
    return rec


def desired_extras(mapping: Mapping) -> dict[int, dict[str, str]]:
    """product_id -> the extras that hold every link to it (strings only, see module doc)."""
    per_product: dict[int, list[MappingEntry]] = {}
    for e in mapping.linked():
        assert e.product_id is not None
        per_product.setdefault(e.product_id, []).append(e)
    result = {}
    for pid, entries in per_product.items():
        entries.sort(key=lambda e: e.local_id)
        links = json.dumps([_link_record(e) for e in entries], ensure_ascii=False, separators=(",", ":"))
        result[pid] = {EXTRAS_ID: entries[0].local_id, EXTRAS_LINKS: links}
    return result


def _current(extras: Any) -> dict[str, str]:
    extras = extras or {}
    return {k: "" if extras.get(k) is None else str(extras.get(k)) for k in (EXTRAS_ID, EXTRAS_LINKS)}


def plan_push(mapping: Mapping, snapshot: MenuSnapshot) -> tuple[list[ExtrasWrite], int]:
    """The writes a push needs, and how many products already hold the right extras (skipped, so
    an interrupted push resumes). Products that carry a link no longer in the mapping are cleared;
    links to products missing from the menu cannot be written and are left out."""
    wanted = desired_extras(mapping)
    writes: list[ExtrasWrite] = []
    unchanged = 0
    for pid, product in sorted(snapshot.products.items()):
        have = _current(product.extras)
        want = wanted.get(pid)
        if want is None:
            if any(have.values()):
                writes.append(ExtrasWrite(pid, product.name, {EXTRAS_ID: "", EXTRAS_LINKS: ""}, ()))
            continue
        if have == want:
            unchanged += 1
            continue
        ids = tuple(r["id"] for r in json.loads(want[EXTRAS_LINKS]))
        writes.append(ExtrasWrite(pid, product.name, want, ids))
    return writes, unchanged


@dataclass
class PushReport:
    written: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    unchanged: int = 0


async def push_mapping(
    api: Any,
    writes: Sequence[ExtrasWrite],
    *,
    on_written: Callable[[ExtrasWrite], None] | None = None,
    report: PushReport | None = None,
) -> PushReport:
    """Send the writes one at a time (the client paces them under its rate limit); a failure of
    one product is recorded and the rest go on. ``on_written`` lets the caller record progress."""
    from poster_cli.poster.errors import PosterAuthError, PosterError

    report = report or PushReport()
    for w in writes:
        try:
            await api.set_entity_extras("product", w.product_id, w.extras)
        except PosterAuthError:
            raise
        except PosterError as exc:
            report.failed.append((w.product_id, str(exc)))
            continue
        report.written.append(w.product_id)
        if on_written is not None:
            on_written(w)
    return report


# A push records what it wrote in the snapshot this often (and once more when it ends or stops).
KEEP_EVERY = 25


async def push_resumable(
    api: Any,
    writes: Sequence[ExtrasWrite],
    *,
    menu_path: Path,
    snapshot: MenuSnapshot,
    lock: Callable[[], ContextManager[None]],
    report: PushReport | None = None,
    every: int = KEEP_EVERY,
) -> PushReport:
    """``push_mapping``, resumable: the products written are recorded in the snapshot file every
    ``every`` writes and once more at the end, also when the push is interrupted (Ctrl-C) or fails,
    so a re-run plans only what is left. The file is re-read under ``lock`` each time, since a
    ``sync`` may have replaced it meanwhile (``snapshot`` stands in when it is gone)."""
    from poster_cli.menu import load_snapshot, save_snapshot

    done: list[ExtrasWrite] = []

    def keep() -> None:
        with lock():
            current = load_snapshot(menu_path) if menu_path.exists() else snapshot
            save_snapshot(snapshot_with_extras(current, done), menu_path)

    def record(w: ExtrasWrite) -> None:
        done.append(w)
        if len(done) % every == 0:
            keep()

    try:
        return await push_mapping(api, writes, on_written=record, report=report)
    finally:
        if done:
            keep()


def snapshot_with_extras(snapshot: MenuSnapshot, written: Iterable[ExtrasWrite]) -> MenuSnapshot:
    """The snapshot as Poster now holds it after these writes (so a re-run skips them)."""
    by_id = {w.product_id: w for w in written}
    if not by_id:
        return snapshot
    products = []
    for raw in snapshot.raw.get("products") or []:
        w = by_id.get(int(raw.get("product_id")))
        if w is not None:
            raw = dict(raw)
            old = raw.get("extras")
            raw["extras"] = {**(old if isinstance(old, dict) else {}), **w.extras}
        products.append(raw)
    return MenuSnapshot(raw={**snapshot.raw, "products": products}, path=snapshot.path)


def products_show_extras(snapshot: MenuSnapshot) -> bool:
    """Whether any product in the menu answer carries an ``extras`` field at all."""
    return any(isinstance(raw, dict) and "extras" in raw for raw in snapshot.raw.get("products") or [])


def extras_refusal(snapshot: MenuSnapshot, rebuilt: Mapping, probe_note: str = "") -> str | None:
    """Why ``mapping pull`` must not write ``rebuilt`` (None when it may): the menu shows no
    extras at all (the account may not return them), or they hold no link of ours. Either way a
    mapping file is never replaced by an empty one."""
    if not products_show_extras(snapshot):
        return (
            "the menu snapshot shows no product extras: this account's menu.getProducts may not return them"
            + (f" ({probe_note})" if probe_note else "")
            + ", so the links cannot be read back; nothing was written"
        )
    if not len(rebuilt):
        return "the product extras in the menu snapshot hold no link of this tool; nothing was written"
    return None


def mapping_from_extras(snapshot: MenuSnapshot) -> Mapping:
    """Rebuild a mapping from the extras on the menu's products (``site_links``, else ``site_id``)."""
    from poster_cli.mapping import STATUSES

    mapping = Mapping()
    for pid, product in sorted(snapshot.products.items()):
        have = _current(product.extras)
        records: list[dict[str, Any]] = []
        if have[EXTRAS_LINKS]:
            try:
                loaded = json.loads(have[EXTRAS_LINKS])
                records = [r for r in loaded if isinstance(r, dict) and r.get("id") not in (None, "")]
            except (ValueError, TypeError):
                records = []
        if not records and have[EXTRAS_ID]:
            records = [{"id": have[EXTRAS_ID]}]
        for rec in records:
            mod = rec.get("mod")
            target_name = product.name
            if isinstance(mod, int) and (m := product.modification(mod)) is not None:
                target_name = f"{product.name} / {m.name}"
            kept = str(rec.get("s"))
            status = kept if kept in STATUSES and kept not in ("unmatched", "ignored") else "manual"
            mapping.set(
                MappingEntry(
                    local_id=str(rec["id"]),
                    local_name=str(rec.get("n") or ""),
                    status=status,
                    product_id=pid,
                    modificator_id=mod if isinstance(mod, int) else None,
                    dish_modifications=tuple(
                        DishModifierChoice(m=int(x[0]), a=int(x[1]))
                        for x in rec.get("dm") or []
                        if isinstance(x, list) and len(x) == 2
                    ),
                    poster_name=target_name,
                )
            )
    return mapping
