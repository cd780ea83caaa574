"""Menu drift: what changed between two snapshots, and the ``sync`` run that reports it.

:func:`diff_snapshots` compares two :class:`~poster_cli.menu.MenuSnapshot` objects product by
product. :func:`run_sync` is what ``poster-cli sync`` does in cron: take the lock, pull, compare
with the previous sync's snapshot, check the mapping, auto-map new site items, write, report.

The report (:class:`DriftReport`) has exactly five lists (``added``, ``removed``, ``changed``,
``broken``, ``unmatched``) plus metadata; ``to_dict`` is the ``--json`` contract.

Safe in cron, by construction:

* the data folder's lock (:mod:`poster_cli.locks`, shared with ``match``, ``pull`` and the
  receiver) keeps two runs, or a run and a saved ``match`` decision, from interleaving;
* everything that can fail (reading the mapping and catalogue, the pull) happens before anything is
  written, so a failed run changes nothing;
* every file is replaced atomically, in an order where a kill at any point leaves a consistent
  state: the mapping first (it only gains ``auto`` entries, which a re-run would recompute), then
  the archived snapshot (the commit point: the next run compares against it), then ``menu.json``,
  then the last report, then the rotation of old archives. Killed before the archive is written,
  the next run reports the same drift again rather than losing it.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Iterator, Mapping as TMapping

from poster_cli.config import write_atomic
from poster_cli.errors import UsageError
from poster_cli.locks import OnWait, data_lock_async
from poster_cli.mapping import Mapping, MappingEntry, load_mapping, save_mapping
from poster_cli.menu import MenuSnapshot, load_snapshot
from poster_cli.poster import models

if TYPE_CHECKING:
    from poster_cli.catalogue import ReadOptions

REPORT_KEYS = ("added", "removed", "changed", "broken", "unmatched")
ARCHIVE_PREFIX = "menu-"
DEFAULT_KEEP = 10
DEFAULT_LOCK_TIMEOUT = 60.0

# What counts as "needs attention" (exit 3): every kind of drift, or only the mapping's health.
ATTENTION_ANY = "any"
ATTENTION_MAPPING = "mapping"


# ---------------------------------------------------------------------------------------------
# The diff


@dataclass(frozen=True)
class Change:
    """One changed field of one product (``spot_id`` for per-spot fields, the sub-entity ids for
    modifications, modifier groups and modifiers)."""

    product_id: int
    field: str
    old: Any
    new: Any
    name: str = ""
    spot_id: int | None = None
    modificator_id: int | None = None
    group_id: int | None = None
    dish_modification_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"product_id": self.product_id, "name": self.name, "field": self.field}
        for key in ("spot_id", "modificator_id", "group_id", "dish_modification_id"):
            value = getattr(self, key)
            if value is not None:
                d[key] = value
        d["old"] = self.old
        d["new"] = self.new
        return d


# Field names of ``changed`` entries (the --json contract).
FIELD_NAME = "name"
FIELD_CATEGORY = "category"
FIELD_HIDDEN = "hidden"
FIELD_PRICE = "price"
FIELD_VISIBLE = "visible"
FIELD_OUT_OF_STOCK = "out_of_stock"
FIELD_MOD_ADDED = "modification_added"
FIELD_MOD_REMOVED = "modification_removed"
FIELD_MOD_NAME = "modification_name"
FIELD_MOD_PRICE = "modification_price"
FIELD_MOD_VISIBLE = "modification_visible"
FIELD_GROUP_ADDED = "group_added"
FIELD_GROUP_REMOVED = "group_removed"
FIELD_GROUP_NAME = "group_name"
FIELD_GROUP_MIN = "group_num_min"
FIELD_GROUP_MAX = "group_num_max"
FIELD_MODIFIER_ADDED = "modifier_added"
FIELD_MODIFIER_REMOVED = "modifier_removed"
FIELD_MODIFIER_NAME = "modifier_name"
FIELD_MODIFIER_PRICE = "modifier_price"

MONEY_FIELDS = frozenset({FIELD_PRICE, FIELD_MOD_PRICE, FIELD_MODIFIER_PRICE})


@dataclass
class MenuDiff:
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def _spot_changes(
    old: TMapping[int, models.SpotPrice], new: TMapping[int, models.SpotPrice], spot_id: int | None
) -> Iterator[tuple[str, int, Any, Any]]:
    """(price|visible, spot, old, new) for each spot whose price or visibility moved. A spot entry
    that appears or disappears is a price to/from None and a visibility to/from False."""
    spots = (old.keys() | new.keys()) if spot_id is None else {spot_id}
    for sid in sorted(spots):
        a, b = old.get(sid), new.get(sid)
        pa, pb = (a.price if a else None), (b.price if b else None)
        if pa != pb:
            yield FIELD_PRICE, sid, pa, pb
        va, vb = bool(a and a.visible), bool(b and b.visible)
        if va != vb:
            yield FIELD_VISIBLE, sid, va, vb


def _category_name(snap: MenuSnapshot, product: models.Product) -> str:
    cat = snap.categories.get(product.category_id)
    return cat.name if cat else product.category_name


def _modification_changes(a: models.Product, b: models.Product, spot_id: int | None) -> Iterator[Change]:
    old = {m.modificator_id: m for m in a.modifications}
    new = {m.modificator_id: m for m in b.modifications}
    pid, name = b.product_id, b.name
    for mid in sorted(old.keys() | new.keys()):
        ma, mb = old.get(mid), new.get(mid)
        if ma is None and mb is not None:
            yield Change(pid, FIELD_MOD_ADDED, None, mb.name, name, modificator_id=mid)
        elif mb is None and ma is not None:
            yield Change(pid, FIELD_MOD_REMOVED, ma.name, None, name, modificator_id=mid)
        elif ma is not None and mb is not None and ma != mb:
            if ma.name != mb.name:
                yield Change(pid, FIELD_MOD_NAME, ma.name, mb.name, name, modificator_id=mid)
            for kind, sid, va, vb in _spot_changes(ma.spots, mb.spots, spot_id):
                what = FIELD_MOD_PRICE if kind == FIELD_PRICE else FIELD_MOD_VISIBLE
                yield Change(pid, what, va, vb, name, spot_id=sid, modificator_id=mid)


def _group_changes(a: models.Product, b: models.Product) -> Iterator[Change]:
    # a group marked is_deleted is as good as gone: orders may not use it
    old = {g.group_id: g for g in a.active_groups()}
    new = {g.group_id: g for g in b.active_groups()}
    pid, name = b.product_id, b.name
    for gid in sorted(old.keys() | new.keys()):
        ga, gb = old.get(gid), new.get(gid)
        if ga is None and gb is not None:
            yield Change(pid, FIELD_GROUP_ADDED, None, gb.name, name, group_id=gid)
            continue
        if gb is None and ga is not None:
            yield Change(pid, FIELD_GROUP_REMOVED, ga.name, None, name, group_id=gid)
            continue
        assert ga is not None and gb is not None
        if ga == gb:
            continue
        for what, va, vb in (
            (FIELD_GROUP_NAME, ga.name, gb.name),
            (FIELD_GROUP_MIN, ga.num_min, gb.num_min),
            (FIELD_GROUP_MAX, ga.num_max, gb.num_max),
        ):
            if va != vb:
                yield Change(pid, what, va, vb, name, group_id=gid)
        mods_a = {m.dish_modification_id: m for m in ga.modifiers}
        mods_b = {m.dish_modification_id: m for m in gb.modifiers}
        for did in sorted(mods_a.keys() | mods_b.keys()):
            ma, mb = mods_a.get(did), mods_b.get(did)
            ids = {"group_id": gid, "dish_modification_id": did}
            if ma is None and mb is not None:
                yield Change(pid, FIELD_MODIFIER_ADDED, None, mb.name, name, **ids)
            elif mb is None and ma is not None:
                yield Change(pid, FIELD_MODIFIER_REMOVED, ma.name, None, name, **ids)
            elif ma is not None and mb is not None:
                if ma.name != mb.name:
                    yield Change(pid, FIELD_MODIFIER_NAME, ma.name, mb.name, name, **ids)
                if ma.price != mb.price:
                    yield Change(pid, FIELD_MODIFIER_PRICE, ma.price, mb.price, name, **ids)


def _product_changes(
    old_snap: MenuSnapshot, new_snap: MenuSnapshot, a: models.Product, b: models.Product, spot_id: int | None
) -> Iterator[Change]:
    pid, name = b.product_id, b.name
    if a.name != b.name:
        yield Change(pid, FIELD_NAME, a.name, b.name, name)
    cat_a, cat_b = _category_name(old_snap, a), _category_name(new_snap, b)
    if a.category_id != b.category_id:
        # two categories may share a name: then the ids tell them apart
        shown = (cat_a, cat_b) if cat_a != cat_b else (f"{cat_a} (#{a.category_id})", f"{cat_b} (#{b.category_id})")
        yield Change(pid, FIELD_CATEGORY, shown[0], shown[1], name)
    if a.hidden != b.hidden:
        yield Change(pid, FIELD_HIDDEN, a.hidden, b.hidden, name)
    for kind, sid, va, vb in _spot_changes(a.spots, b.spots, spot_id):
        yield Change(pid, kind, va, vb, name, spot_id=sid)
    if a.modifications != b.modifications:
        yield from _modification_changes(a, b, spot_id)
    if a.group_modifications != b.group_modifications:
        yield from _group_changes(a, b)


def _raw_products(snap: MenuSnapshot) -> dict[int, Any]:
    """product_id -> the product as Poster sent it (a later duplicate wins, as in ``products``)."""
    result: dict[int, Any] = {}
    for raw in snap.raw.get("products") or []:
        if isinstance(raw, dict):
            pid = raw.get("product_id")
            # ids are almost always plain digits ("139"); the general reader is ten times slower
            key = int(pid) if isinstance(pid, str) and pid.isdigit() else models.req_int(pid, "product_id")
            result[key] = raw
    return result


def _stock_of(snap: MenuSnapshot, raw: Any) -> bool:
    """Out of stock, read from the raw entry (parsing 10,000 products to learn this costs seconds)."""
    stock = snap.stock
    ingredient = models.as_int(raw.get("ingredient_id"))
    if not stock or not ingredient:
        return False
    left = stock.get(ingredient)
    return left is not None and left <= 0


def diff_snapshots(old: MenuSnapshot, new: MenuSnapshot, *, spot_id: int | None = None) -> MenuDiff:
    """What changed from ``old`` to ``new``. With ``spot_id``, per-spot prices and visibility are
    compared at that spot only (a site selling from one spot cares about no other).

    Products whose raw answers are equal are not parsed at all: on a big menu, most of them.
    Out of stock is compared only when both snapshots carry stock information."""
    before, after = _raw_products(old), _raw_products(new)

    def name(raw: dict[str, Any]) -> str:
        return models.as_str(raw.get("product_name")).strip()

    result = MenuDiff(
        added=[{"product_id": pid, "name": name(after[pid])} for pid in sorted(after.keys() - before.keys())],
        removed=[{"product_id": pid, "name": name(before[pid])} for pid in sorted(before.keys() - after.keys())],
    )
    stock_known = old.stock is not None and new.stock is not None
    for pid in sorted(before.keys() & after.keys()):
        ra, rb = before[pid], after[pid]
        if ra != rb:
            a, b = models.parse_product(ra), models.parse_product(rb)
            if a != b:
                result.changed.extend(_product_changes(old, new, a, b, spot_id))
        if stock_known:
            was, now = _stock_of(old, ra), _stock_of(new, rb)
            if was != now:
                result.changed.append(Change(pid, FIELD_OUT_OF_STOCK, was, now, name(rb)))
    return result


# ---------------------------------------------------------------------------------------------
# The report


@dataclass
class DriftReport:
    """The five lists a sync (or ``menu diff``) reports, plus where they came from.

    ``changed_since_last_sync`` is False when the menu did not move and the broken/unmatched lists
    are the same as the previous run's: ``--quiet`` then prints nothing."""

    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    broken: list[dict[str, Any]] = field(default_factory=list)
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    pulled_at: str | None = None
    previous: str | None = None
    previous_pulled_at: str | None = None
    snapshot: str | None = None
    spot_id: int | None = None
    currency: str | None = None
    products: int = 0
    auto_mapped: list[dict[str, Any]] = field(default_factory=list)
    changed_since_last_sync: bool = True
    warnings: list[str] = field(default_factory=list)
    exports: list[dict[str, Any]] = field(default_factory=list)

    @property
    def drift(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def needs_attention(self, on: str = ATTENTION_ANY) -> bool:
        """Exit 3? Any drift, broken or unmatched item (``any``), or only broken/unmatched
        (``mapping``)."""
        if self.broken or self.unmatched:
            return True
        return on == ATTENTION_ANY and self.drift

    def counts(self) -> dict[str, int]:
        result = {key: len(getattr(self, key)) for key in REPORT_KEYS}
        result["auto_mapped"] = len(self.auto_mapped)
        result["products"] = self.products
        return result

    def meta(self) -> dict[str, Any]:
        return {
            "pulled_at": self.pulled_at,
            "previous": self.previous,
            "previous_pulled_at": self.previous_pulled_at,
            "snapshot": self.snapshot,
            "spot_id": self.spot_id,
            "currency": self.currency,
            "counts": self.counts(),
            "auto_mapped": self.auto_mapped,
            "changed_since_last_sync": self.changed_since_last_sync,
            "warnings": self.warnings,
            **({"exports": self.exports} if self.exports else {}),
        }

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` document: the five lists, then ``meta``."""
        d: dict[str, Any] = {key: getattr(self, key) for key in REPORT_KEYS}
        d["meta"] = self.meta()
        return d


def report_from_diff(diff: MenuDiff, old: MenuSnapshot | None, new: MenuSnapshot, spot_id: int | None) -> DriftReport:
    return DriftReport(
        added=diff.added,
        removed=diff.removed,
        changed=[c.to_dict() for c in diff.changed],
        pulled_at=new.pulled_at,
        previous=str(old.path) if old is not None and old.path else None,
        previous_pulled_at=old.pulled_at if old is not None else None,
        snapshot=str(new.path) if new.path else None,
        spot_id=spot_id,
        currency=new.currency.code_iso if new.currency else None,
        products=len(new.products),
    )


def compare_files(
    old_path: Path, new_path: Path, *, spot_id: int | None = None, mapping: Mapping | None = None
) -> DriftReport:
    """``menu diff OLD NEW``: the report for two snapshot files (``broken`` when a mapping is given)."""
    old, new = load_snapshot(old_path), load_snapshot(new_path)
    report = report_from_diff(diff_snapshots(old, new, spot_id=spot_id), old, new, spot_id)
    if mapping is not None:
        report.broken = _broken(mapping, new, spot_id)
    return report


def _broken(mapping: Mapping, snapshot: MenuSnapshot, spot_id: int | None) -> list[dict[str, Any]]:
    from poster_cli.mapping_sync import check_mapping

    return [b.to_dict() for b in check_mapping(mapping, snapshot, spot_id)]


# ---------------------------------------------------------------------------------------------
# Archived snapshots


def archive_name(now: datetime | None = None) -> str:
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{ARCHIVE_PREFIX}{stamp}.json"


def list_archives(folder: Path) -> list[Path]:
    """Archived snapshots, oldest first (the names sort by time)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"{ARCHIVE_PREFIX}*.json") if p.is_file())


def rotate_archives(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` archives (and temp files a killed write left behind)."""
    removed = []
    for p in list_archives(folder)[: -keep if keep > 0 else None]:
        p.unlink(missing_ok=True)
        removed.append(p)
    for tmp in folder.glob(f".{ARCHIVE_PREFIX}*.tmp"):
        if time.time() - tmp.stat().st_mtime > 3600:
            tmp.unlink(missing_ok=True)
    return removed


def load_previous(folder: Path, menu_path: Path, warnings: list[str]) -> MenuSnapshot | None:
    """The snapshot the last sync archived; else ``menu.json`` (a first sync after ``pull``); else
    None. An unreadable archive is skipped with a warning: one bad file must not stop cron."""
    for path in [*reversed(list_archives(folder)), menu_path]:
        if not path.exists():
            continue
        try:
            return _read_snapshot(path)
        except UsageError as exc:
            warnings.append(f"skipped unreadable snapshot: {exc}")
    return None


def _read_snapshot(path: Path) -> MenuSnapshot:
    """Read a snapshot this tool wrote, checking only its outline: products are parsed on demand
    (the diff parses just the ones that changed)."""
    try:
        with open(path, "rb") as fh:
            data = json.load(fh)
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: {exc.__class__.__name__}") from None
    if not isinstance(data, dict) or not isinstance(data.get("products"), list):
        raise UsageError(f"{path}: not a menu snapshot")
    try:
        _raw_products(MenuSnapshot(raw=data))
    except models.ParseError as exc:
        raise UsageError(f"{path}: {exc}") from None
    return MenuSnapshot(raw=data, path=path)


def snapshot_bytes(snapshot: MenuSnapshot) -> bytes:
    """Compact JSON: the C encoder, several times faster than an indented dump on big menus."""
    return json.dumps(snapshot.raw, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _link_or_copy(source: Path, target: Path) -> None:
    """Make ``target`` the same file as ``source``: an atomic hard link + rename (no second write
    of a 13 MB menu), or an atomic copy where hard links are not possible."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.link")
    try:
        tmp.unlink(missing_ok=True)
        os.link(source, tmp)
        os.replace(tmp, target)
    except OSError:
        tmp.unlink(missing_ok=True)
        write_atomic(target, source.read_bytes())


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


MENU_PARTS = ("spots", "categories", "products", "currency", "leftovers")


def _same_menu(a: MenuSnapshot, b: MenuSnapshot) -> bool:
    """Poster's answers are equal (``pulled_at`` aside)."""
    return all(a.raw.get(part) == b.raw.get(part) for part in MENU_PARTS)


def _is_archive(snapshot: MenuSnapshot, options: "SyncOptions") -> bool:
    return snapshot.path is not None and snapshot.path.parent == options.snapshots_dir


# ---------------------------------------------------------------------------------------------
# The sync run


@dataclass
class SyncOptions:
    data_dir: Path
    api_url: str
    mapping_path: Path | None = None
    catalogue_path: Path | None = None
    catalogue_reading: ReadOptions | None = None  # the column, sheet and format flags `match` takes
    spot_id: int | None = None
    keep: int = DEFAULT_KEEP
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    on_lock_wait: OnWait | None = None  # told once when another command holds the lock
    exports: tuple[tuple[str, Path], ...] = ()  # (format, file): `menu export`s rewritten after each run
    photo_base: str | None = None

    @property
    def snapshots_dir(self) -> Path:
        return self.data_dir / "snapshots"

    @property
    def menu_path(self) -> Path:
        return self.data_dir / "menu.json"

    @property
    def mapping_file(self) -> Path:
        return self.mapping_path or self.data_dir / "mapping.toml"

    @property
    def report_path(self) -> Path:
        return self.data_dir / "sync-report.json"


# A matcher gets the catalogue items nobody has placed yet (no entry, or status unmatched), the
# snapshot, the mapping and the spot, and returns entries (status auto) for the ones it is
# confident about; the rest are reported as unmatched.
Matcher = Callable[[list[Any], MenuSnapshot, Mapping, int | None], list[MappingEntry]]


def _map_new_items(
    catalogue: list[Any],
    mapping: Mapping,
    snapshot: MenuSnapshot,
    spot_id: int | None,
    matcher: Matcher,
    report: DriftReport,
) -> bool:
    """Auto-map confident new site items, record the others as ``unmatched``; ``confirmed``,
    ``manual`` and ``ignored`` entries are never looked at. True when the mapping changed."""
    before = dict(mapping.entries)
    pending = []
    for item in catalogue:
        entry = mapping.get(item.local_id)
        if entry is None or entry.status == "unmatched":
            pending.append(item)
    placed = set()
    for entry in matcher(pending, snapshot, mapping, spot_id) if pending else []:
        if entry.status == "auto" and entry.product_id is not None and mapping.merge_auto(entry):
            placed.add(entry.local_id)
            report.auto_mapped.append(
                {
                    "local_id": entry.local_id,
                    "product_id": entry.product_id,
                    "modificator_id": entry.modificator_id,
                    "score": entry.score,
                }
            )
    for item in pending:
        if item.local_id in placed:
            continue
        report.unmatched.append({"local_id": item.local_id, "local_name": item.name})
        # new, or unmatched before: recorded under the name the site gives it today
        mapping.set(MappingEntry(local_id=item.local_id, local_name=item.name, status="unmatched"))
    return mapping.entries != before


def _attention_keys(report: dict[str, Any]) -> tuple[set[str], set[str]]:
    broken = {
        f"{b.get('local_id')}|{b.get('product_id')}|{b.get('modificator_id')}|{b.get('reason')}"
        for b in report.get("broken", [])
    }
    unmatched = {str(u.get("local_id")) for u in report.get("unmatched", [])}
    return broken, unmatched


# The changes a site shows or sells differently: each names the site items it touches.
SITE_FIELDS = frozenset(
    {
        FIELD_PRICE,
        FIELD_MOD_PRICE,
        FIELD_MODIFIER_PRICE,
        FIELD_HIDDEN,
        FIELD_VISIBLE,
        FIELD_MOD_VISIBLE,
        FIELD_MOD_REMOVED,
        FIELD_MODIFIER_REMOVED,
    }
)


def site_items_touched(entry: dict[str, Any], mapping: Mapping) -> list[MappingEntry]:
    """The linked site items a ``changed`` entry (a price, visibility or removal; see
    :data:`SITE_FIELDS`) or a ``removed`` product concerns: links to the product; to that
    modification when the change names one; holding that modifier when it names one."""
    if "field" in entry and entry["field"] not in SITE_FIELDS:
        return []
    pid = entry.get("product_id")
    mod = entry.get("modificator_id")
    modifier = entry.get("dish_modification_id")
    found = []
    for e in mapping:
        if not e.is_linked or e.product_id != pid:
            continue
        if mod is not None and e.modificator_id != mod:
            continue
        if modifier is not None and all(c.m != modifier for c in e.dish_modifications):
            continue
        found.append(e)
    return found


def next_step(report: DriftReport, attention: str = ATTENTION_ANY) -> str | None:
    """What a person reading the cron mail does next, when the run needs attention (exit 3)."""
    if not report.needs_attention(attention):
        return None
    steps = []
    if report.broken or report.unmatched:
        n = len(report.broken) + len(report.unmatched)
        steps.append(f"link the {n} broken or unmatched site item(s): `poster-cli match CATALOGUE`")
    prices = [c for c in report.changed if c["field"] in MONEY_FIELDS]
    if prices and attention == ATTENTION_ANY:
        steps.append("update those prices on the site (or `poster-cli menu export`)")
    if (report.added or report.removed or len(prices) < len(report.changed)) and attention == ATTENTION_ANY:
        steps.append("check the added, removed or changed items on the site")
    if attention == ATTENTION_ANY and not (report.broken or report.unmatched):
        steps.append("`--attention mapping` if the site takes prices from Poster by itself")
    return "next: " + "; ".join(steps)


def _last_report(path: Path) -> dict[str, Any] | None:
    try:
        with open(path, "rb") as fh:
            data = json.load(fh)
        return data if isinstance(data, dict) else None
    except (OSError, ValueError):
        return None


async def run_sync(
    options: SyncOptions,
    pull: Callable[[], Awaitable[MenuSnapshot]],
    *,
    matcher: Matcher | None = None,
    before_write: Callable[[str], None] | None = None,
) -> DriftReport:
    """One cron run, under the lock: read the mapping (and catalogue), pull, diff against the
    previous sync, check and extend the mapping, then write everything (see the module docstring
    for the order). ``before_write(step)`` is called before each write step (tests kill there)."""
    step = before_write or (lambda _step: None)
    async with data_lock_async(
        options.data_dir, timeout=options.lock_timeout, on_wait=options.on_lock_wait, purpose="sync"
    ):
        mapping_file = options.mapping_file
        mapping = load_mapping(mapping_file)
        catalogue = (
            _load_catalogue(options.catalogue_path, options.catalogue_reading) if options.catalogue_path else None
        )
        # the words a person's links taught `match`, as the person left them (a broken file stops here)
        words = _load_words(options.data_dir) if catalogue is not None else {}
        warnings: list[str] = []
        # read the previous snapshot while the network is busy: on a big menu both take a while
        reading = asyncio.ensure_future(
            asyncio.to_thread(load_previous, options.snapshots_dir, options.menu_path, warnings)
        )
        try:
            new = await pull()  # a failed pull raises here: nothing written yet
        finally:
            previous = await reading

        spot = new.default_spot(options.spot_id)
        diff = MenuDiff()
        if previous is not None:
            try:
                diff = diff_snapshots(previous, new, spot_id=spot)
            except models.ParseError as exc:
                warnings.append(f"cannot compare with {previous.path}: {exc}; it is replaced by this pull")
                previous = None
        report = report_from_diff(diff, previous, new, spot)
        report.warnings = warnings
        mapping_changed = False
        if catalogue is not None:
            matching = matcher or functools.partial(_default_matcher, words=words)
            mapping_changed = _map_new_items(catalogue, mapping, new, spot, matching, report)
        else:  # no catalogue this run: the items the mapping holds as unmatched are still unmatched
            report.unmatched = [
                {"local_id": e.local_id, "local_name": e.local_name} for e in mapping if e.status == "unmatched"
            ]
        report.broken = _broken(mapping, new, spot)

        last = _last_report(options.report_path)
        report.changed_since_last_sync = (
            report.drift
            or bool(report.auto_mapped)
            or last is None
            or _attention_keys(last) != _attention_keys(report.to_dict())
        )

        # An unchanged menu is not archived again: the kept snapshots stay a history of changes
        # (ten identical copies would push the last real change out), and cron runs stay cheap.
        unchanged = previous is not None and _is_archive(previous, options) and _same_menu(previous, new)
        archive = (
            previous.path
            if unchanged and previous is not None and previous.path
            else options.snapshots_dir / archive_name()
        )
        report.snapshot = str(archive)
        if mapping_changed:
            step("mapping")
            save_mapping(mapping, mapping_file)
        if not unchanged:
            step("archive")
            write_atomic(archive, snapshot_bytes(new))
        step("menu")
        if not _same_file(archive, options.menu_path):
            _link_or_copy(archive, options.menu_path)
        for format, path in options.exports:
            step("export")
            report.exports.append(_export(new, format, path, spot, mapping, options.photo_base))
        step("report")
        write_atomic(options.report_path, json.dumps(report.to_dict(), ensure_ascii=False, indent=1).encode("utf-8"))
        step("rotate")
        rotate_archives(options.snapshots_dir, max(options.keep, 1))
        return report


def _export(
    snapshot: MenuSnapshot, format: str, path: Path, spot: int | None, mapping: Mapping, photo_base: str | None
) -> dict[str, Any]:
    """Rewrite one ``--export`` file atomically from the new snapshot and the (updated) mapping."""
    from poster_cli.export import export_menu, write_export

    result = write_export(path, export_menu(snapshot, format, spot_id=spot, mapping=mapping, photo_base=photo_base))
    return {"format": format, "file": str(path), "items": result.variants, "products": result.products}


def _load_words(data_dir: Path) -> dict[str, str]:
    from poster_cli.matching.aliases import ALIASES_FILE, load_aliases

    return load_aliases(data_dir / ALIASES_FILE)


def _load_catalogue(path: Path, reading: ReadOptions | None) -> Any:
    from poster_cli.catalogue import ReadOptions

    return (reading or ReadOptions()).read(path)


def _default_matcher(
    items: list[Any], snapshot: MenuSnapshot, mapping: Mapping, spot_id: int | None, *, words: dict[str, str]
) -> list[MappingEntry]:
    """The matching engine's confident links (it also records the rest as ``unmatched``), reading
    site names with ``words`` (the aliases file) as ``match`` does."""
    from poster_cli.mapping_sync import auto_match

    return auto_match(items, snapshot, mapping, spot_id, words=words)
