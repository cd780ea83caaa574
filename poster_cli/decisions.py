"""A person's decisions about the mapping, as the terminal review and the web review both make them.

* choose a candidate: the item is linked to it with status ``confirmed``;
* no counterpart: status ``ignored`` (never asked again, a re-run leaves it alone);
* skip: nothing is written, the item stays ``unmatched`` for later;
* undo: the entry the decision replaced comes back.

A :class:`Decision` says which entry it replaces (``before``) and what it writes (``after``).
:func:`apply_decisions` reads ``mapping.toml`` afresh under the data folder's lock (the lock
``match`` and ``sync`` take, :mod:`poster_cli.locks`), applies each decision only if the item's
entry is still the one the person saw (compare-and-set per item), and writes the file atomically.
So two browser tabs, or a tab and a terminal, never lose each other's decisions: a decision made
on a stale view is refused as a :class:`Conflict` and the caller shows what is there now. (The
terminal review keeps the whole mapping in memory and saves through
:class:`poster_cli.mapping.MappingSession`, which also writes only what it changed, on top of the
file, under the same lock.)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from poster_cli.mapping import Mapping, MappingEntry, load_mapping, save_mapping
from poster_cli.mapping_sync import entry_for

CHOSEN = "confirmed"
NO_COUNTERPART = "ignored"
SKIPPED = "skipped"


def chosen(local_id: str, local_name: str, candidate: Any) -> MappingEntry:
    """The entry a person's choice of ``candidate`` (a MatchCandidate) writes."""
    return entry_for(local_id, local_name, candidate, CHOSEN)


def no_counterpart(local_id: str, local_name: str) -> MappingEntry:
    """The entry "this site item has no Poster counterpart" writes."""
    return MappingEntry(local_id=local_id, local_name=local_name, status=NO_COUNTERPART)


def offered(candidates: Sequence[Any], review_score: float) -> list[Any]:
    """The candidates shown for a choice: those scoring at least ``review_score``."""
    return [c for c in candidates if c.score >= review_score]


def entry_tag(entry: MappingEntry | None) -> str:
    """A short fingerprint of an item's entry, for compare-and-set from a page: "none" when absent."""
    if entry is None:
        return "none"
    return hashlib.blake2s(repr(entry).encode("utf-8"), digest_size=8).hexdigest()


@dataclass(frozen=True)
class Decision:
    """Replace the item's entry ``before`` (None: no entry) with ``after`` (None: remove it)."""

    local_id: str
    before: MappingEntry | None
    after: MappingEntry | None
    kind: str = ""  # confirmed | ignored | undo | ...: what the person did, for counting

    def undone(self) -> "Decision":
        """The decision that puts ``before`` back (valid while ``after`` is still there)."""
        return Decision(self.local_id, self.after, self.before, "undo")


@dataclass(frozen=True)
class Conflict:
    """A decision refused because the item's entry changed since the person saw it."""

    decision: Decision
    current: MappingEntry | None


@dataclass
class Applied:
    """What :func:`apply_decisions` did: the decisions written, those refused, the file as written."""

    done: list[Decision] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    mapping: Mapping = field(default_factory=Mapping)


def apply_in_memory(mapping: Mapping, decisions: Iterable[Decision]) -> Applied:
    """Apply each decision whose ``before`` is the item's current entry; refuse the others."""
    result = Applied(mapping=mapping)
    for d in decisions:
        current = mapping.get(d.local_id)
        if current != d.before:
            result.conflicts.append(Conflict(d, current))
            continue
        if d.after is None:
            mapping.entries.pop(d.local_id, None)
        else:
            mapping.set(d.after)
        result.done.append(d)
    return result


def apply_locked(path: Path, decisions: Sequence[Decision]) -> Applied:
    """Read the mapping file, apply the decisions on top, write it if anything changed. The caller
    holds the data folder's lock."""
    result = apply_in_memory(load_mapping(path), decisions)
    if result.done:
        save_mapping(result.mapping, path)
    return result


def apply_decisions(
    path: Path,
    data_dir: Path,
    decisions: Sequence[Decision],
    *,
    timeout: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Applied:
    """:func:`apply_locked` under the data folder's lock (waiting at most ``timeout`` seconds)."""
    from poster_cli.locks import data_lock

    with data_lock(data_dir, timeout=_timeout(timeout), on_wait=on_wait, purpose="review"):
        return apply_locked(path, decisions)


def _timeout(timeout: float | None) -> float:
    from poster_cli.locks import DEFAULT_TIMEOUT

    return DEFAULT_TIMEOUT if timeout is None else timeout


__all__ = [
    "Applied",
    "Conflict",
    "Decision",
    "apply_decisions",
    "apply_in_memory",
    "apply_locked",
    "chosen",
    "entry_tag",
    "no_counterpart",
    "offered",
]
