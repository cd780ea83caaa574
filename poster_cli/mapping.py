"""The mapping file: which site item is which Poster product (``<data>/mapping.toml``).

```toml
version = 1
[[items]]
local_id = "L-001"
local_name = "Latte L"
status = "auto"        # auto | confirmed | manual | unmatched | ignored
product_id = 140       # absent when unmatched or ignored
modificator_id = 147   # only for a product modification
dish_modifications = [{ m = 142, a = 1 }]   # only for a dish with fixed modifiers
score = 96.5
poster_name = "Латте 400 мл"
```

Written atomically. ``confirmed``, ``manual`` and ``ignored`` entries are a person's decisions:
:meth:`Mapping.merge_auto` never overwrites them.

Several commands write this file: ``sync`` from cron, ``match`` and the web review while a person
decides. :func:`save_decisions` (and :class:`MappingSession` on top of it) re-reads the file under
the data folder's lock (:mod:`poster_cli.locks`), applies only what this writer decided, and
writes: nobody's choice is lost, and nobody holds the lock while a person thinks.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

from poster_cli.config import read_toml, write_atomic
from poster_cli.errors import InputFileError
from poster_cli.locks import DEFAULT_TIMEOUT, OnWait, data_lock

MAPPING_VERSION = 1
STATUSES = ("auto", "confirmed", "manual", "unmatched", "ignored")
PROTECTED = frozenset({"confirmed", "manual", "ignored"})
LINKED = frozenset({"auto", "confirmed", "manual"})


@dataclass(frozen=True)
class DishModifierChoice:
    m: int  # dish_modification_id
    a: int = 1  # amount


@dataclass(frozen=True)
class MappingEntry:
    local_id: str
    local_name: str
    status: str
    product_id: int | None = None
    modificator_id: int | None = None
    dish_modifications: tuple[DishModifierChoice, ...] = ()
    score: float | None = None
    poster_name: str | None = None

    @property
    def is_linked(self) -> bool:
        return self.status in LINKED and self.product_id is not None

    @property
    def is_protected(self) -> bool:
        return self.status in PROTECTED

    @property
    def target(self) -> tuple[int, int | None] | None:
        return (self.product_id, self.modificator_id) if self.is_linked and self.product_id is not None else None

    def to_toml(self) -> dict[str, Any]:
        d: dict[str, Any] = {"local_id": self.local_id, "local_name": self.local_name, "status": self.status}
        if self.product_id is not None and self.status not in ("unmatched", "ignored"):
            d["product_id"] = self.product_id
            if self.modificator_id is not None:
                d["modificator_id"] = self.modificator_id
            if self.dish_modifications:
                d["dish_modifications"] = [{"m": c.m, "a": c.a} for c in self.dish_modifications]
        if self.score is not None:
            d["score"] = round(float(self.score), 1)
        if self.poster_name:
            d["poster_name"] = self.poster_name
        return d


@dataclass
class Mapping:
    """The entries, in file order, indexed by local id."""

    entries: dict[str, MappingEntry] = field(default_factory=dict)

    def __iter__(self) -> Iterator[MappingEntry]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, local_id: str) -> MappingEntry | None:
        return self.entries.get(local_id)

    def set(self, entry: MappingEntry) -> None:
        self.entries[entry.local_id] = entry

    def linked(self) -> list[MappingEntry]:
        return [e for e in self if e.is_linked]

    def merge_auto(self, entry: MappingEntry) -> bool:
        """Put a machine-made entry in, unless a person already decided that item. True if set."""
        current = self.entries.get(entry.local_id)
        if current is not None and current.is_protected:
            return False
        self.entries[entry.local_id] = entry
        return True

    def counts(self) -> dict[str, int]:
        result = dict.fromkeys(STATUSES, 0)
        for e in self:
            result[e.status] += 1
        return result


def _int_or_none(value: Any, path: Path, index: int, key: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputFileError(path, f"items[{index}].{key} must be a whole number, got {value!r}")
    return value


def parse_mapping(data: dict[str, Any], path: Path) -> Mapping:
    version = data.get("version", MAPPING_VERSION)
    if version != MAPPING_VERSION:
        raise InputFileError(path, f"mapping version {version!r} is not supported (expected {MAPPING_VERSION})")
    items = data.get("items", [])
    if not isinstance(items, list):
        raise InputFileError(path, "items must be an array of tables ([[items]])")
    mapping = Mapping()
    for i, raw in enumerate(items):
        if not isinstance(raw, dict):
            raise InputFileError(path, f"items[{i}] is not a table")
        local_id = raw.get("local_id")
        if local_id is None or str(local_id) == "":
            raise InputFileError(path, f"items[{i}] has no local_id")
        local_id = str(local_id)
        status = raw.get("status", "manual")
        if status not in STATUSES:
            raise InputFileError(
                path, f"items[{i}] ({local_id}): status {status!r} is not one of {', '.join(STATUSES)}"
            )
        product_id = _int_or_none(raw.get("product_id"), path, i, "product_id")
        if status in LINKED and product_id is None:
            raise InputFileError(path, f"items[{i}] ({local_id}): status {status} needs a product_id")
        mods = []
        for j, c in enumerate(raw.get("dish_modifications") or []):
            if not isinstance(c, dict) or not isinstance(c.get("m"), int):
                raise InputFileError(path, f"items[{i}].dish_modifications[{j}] must be {{ m = ID, a = AMOUNT }}")
            amount = c.get("a", 1)
            if not isinstance(amount, int) or amount < 1:
                raise InputFileError(path, f"items[{i}].dish_modifications[{j}].a must be a whole number >= 1")
            mods.append(DishModifierChoice(m=c["m"], a=amount))
        if local_id in mapping.entries:
            raise InputFileError(path, f"local_id {local_id!r} appears twice")
        score = raw.get("score")
        mapping.set(
            MappingEntry(
                local_id=local_id,
                local_name=str(raw.get("local_name", "")),
                status=status,
                product_id=product_id if status not in ("unmatched", "ignored") else None,
                modificator_id=_int_or_none(raw.get("modificator_id"), path, i, "modificator_id"),
                dish_modifications=tuple(mods),
                score=float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else None,
                poster_name=str(raw["poster_name"]) if raw.get("poster_name") is not None else None,
            )
        )
    return mapping


def load_mapping(path: Path, *, missing_ok: bool = True) -> Mapping:
    """Read the mapping file; a missing file is an empty mapping unless ``missing_ok`` is False."""
    if not path.exists():
        if missing_ok:
            return Mapping()
        raise InputFileError(path, "no mapping file", hint="run `poster-cli match CATALOGUE` first")
    try:
        data = read_own_toml(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError):
        data = None
    if data is None:  # edited by hand, or not ours: the TOML library reads it (and says what is wrong)
        data = read_toml(path, fix="fix the file, or pass --mapping FILE")
    return parse_mapping(data, path)


# The mapping file as dump_mapping writes it, read line by line: several times quicker than a TOML
# library on a 10,000-item file. Anything else a TOML file may hold (comments, other quoting,
# numbers written otherwise, a key twice) makes read_own_toml give up, and tomllib reads the file.
_OWN_KEYS = frozenset(
    (
        "version",
        "local_id",
        "local_name",
        "status",
        "product_id",
        "modificator_id",
        "dish_modifications",
        "score",
        "poster_name",
    )
)
_OWN_STRING = re.compile(r'"(?:[^"\\\x00-\x1f\x7f]|\\[btnfr"\\]|\\u00[01][0-9a-f]|\\u007f)*"')
_OWN_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_OWN_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+")
_OWN_CHOICE = r"\{ m = (?:0|[1-9][0-9]*), a = (?:0|[1-9][0-9]*) \}"
_OWN_CHOICES = re.compile(rf"\[(?:{_OWN_CHOICE}(?:, {_OWN_CHOICE})*)?\]")
_OWN_PAIR = re.compile(r"\{ m = ([0-9]+), a = ([0-9]+) \}")


def read_own_toml(text: str) -> dict[str, Any] | None:
    """The data of a mapping file in the form :func:`dump_mapping` writes, as tomllib would read
    it; None when the text is in any other form."""
    top: dict[str, Any] = {}
    items: list[dict[str, Any]] = []
    table = top
    for line in text.split("\n"):
        if not line:
            continue
        if line == "[[items]]":  # ("items" is no key of _OWN_KEYS: "items = ..." already gave up)
            top["items"] = items
            table = {}
            items.append(table)
            continue
        key, equals, text_value = line.partition(" = ")
        if not equals or key not in _OWN_KEYS or key in table or not text_value:
            return None
        value = _own_value(text_value)
        if value is None:
            return None
        table[key] = value
    return top


def _own_value(text: str) -> Any:
    first = text[0]
    if first == '"':
        if not _OWN_STRING.fullmatch(text):
            return None
        return json.loads(text) if "\\" in text else text[1:-1]  # these escapes mean the same in JSON
    if first == "[":
        if not _OWN_CHOICES.fullmatch(text):
            return None
        return [{"m": int(m), "a": int(a)} for m, a in _OWN_PAIR.findall(text)]
    if _OWN_INT.fullmatch(text):
        return int(text)
    if _OWN_FLOAT.fullmatch(text):
        return float(text)
    return {"true": True, "false": False}.get(text)


# What a TOML basic string cannot hold as it is: the quote, the backslash and control characters.
_TOML_ESCAPE = re.compile(r'[\x00-\x1f"\\\x7f]')
_TOML_SHORT = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def _toml_escape(m: re.Match[str]) -> str:
    ch = m.group(0)
    return _TOML_SHORT.get(ch) or f"\\u{ord(ch):04x}"


def toml_value(value: Any) -> str:
    """One value of the mapping file as TOML: a string, a whole number, a number with a fraction,
    or a list of tables of whole numbers (``dish_modifications``)."""
    if isinstance(value, str):
        return '"' + _TOML_ESCAPE.sub(_toml_escape, value) + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to the mapping file")


def entry_text(e: MappingEntry) -> str:
    """One entry as the mapping file holds it (its ``[[items]]`` table)."""
    return "\n[[items]]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in e.to_toml().items())


def dump_mapping(mapping: Mapping, texts: dict[MappingEntry, str] | None = None) -> str:
    """The mapping file's text. Written directly rather than with a TOML library: the format is
    small and fixed, and a 10,000-item mapping is written after every interactive decision.

    ``texts`` keeps each entry's text from one call to the next (entries never change, they are
    replaced): a writer that saves a big mapping again and again (the web review, after each
    decision) then renders only the entries that are new. Entries no longer in the mapping are
    dropped from it."""
    parts = [f"version = {MAPPING_VERSION}\n"]
    if texts is None:
        parts.extend(entry_text(e) for e in mapping)
        return "".join(parts)
    kept: dict[MappingEntry, str] = {}
    for e in mapping:
        text = texts.get(e)
        if text is None:
            text = entry_text(e)
        kept[e] = text
        parts.append(text)
    texts.clear()
    texts.update(kept)
    return "".join(parts)


def save_mapping(mapping: Mapping, path: Path, texts: dict[MappingEntry, str] | None = None) -> None:
    """Write the mapping atomically (temp file + rename); ``texts``: see :func:`dump_mapping`."""
    write_atomic(path, dump_mapping(mapping, texts).encode("utf-8"))


def save_decisions(
    path: Path,
    decisions: dict[str, MappingEntry | None],
    *,
    data_dir: Path,
    machine: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    on_wait: OnWait | None = None,
    purpose: str | None = None,
) -> Mapping:
    """Apply ``decisions`` (local id -> the entry, or None to drop the entry) to the mapping file as
    it is now, and write it: under the data folder's lock, re-read, apply, write atomically.
    Returns the mapping as written. A person's decisions are applied as given; with ``machine``
    (auto / unmatched results) an entry a person decided meanwhile is kept instead.

    This is the one way for an interactive writer (``match``, the web review) to save: a ``sync``
    running meanwhile neither loses this decision nor has its own work overwritten."""
    with data_lock(data_dir, timeout=timeout, on_wait=on_wait, purpose=purpose):
        current = load_mapping(path)
        for local_id, entry in decisions.items():
            if entry is None:
                current.entries.pop(local_id, None)
            elif machine:
                current.merge_auto(entry)
            else:
                current.set(entry)
        if decisions or not path.exists():
            save_mapping(current, path)
        return current


class MappingSession:
    """A mapping a person edits for a while (the terminal or web review) while others may write the
    same file. Edit :attr:`mapping` freely; :meth:`save` writes what changed since the last save
    (or the load) on top of the file's current content, and refreshes :attr:`mapping` with what
    the others wrote meanwhile."""

    def __init__(
        self,
        path: Path,
        *,
        data_dir: Path,
        timeout: float = DEFAULT_TIMEOUT,
        on_wait: OnWait | None = None,
        purpose: str | None = None,
    ) -> None:
        self.path = path
        self.data_dir = data_dir
        self.timeout = timeout
        self.on_wait = on_wait
        self.purpose = purpose
        self.mapping = load_mapping(path)
        self._base = dict(self.mapping.entries)

    def changes(self) -> dict[str, MappingEntry | None]:
        """What this session changed since the last save: local id -> entry (None: dropped)."""
        now = self.mapping.entries
        return {k: now.get(k) for k in {**self._base, **now} if now.get(k) != self._base.get(k)}

    def save(self, *, machine: bool = False) -> Mapping:
        """Merge this session's changes into the file (see :func:`save_decisions`)."""
        merged = save_decisions(
            self.path,
            self.changes(),
            data_dir=self.data_dir,
            machine=machine,
            timeout=self.timeout,
            on_wait=self.on_wait,
            purpose=self.purpose,
        )
        self.mapping.entries = dict(merged.entries)
        self._base = dict(merged.entries)
        return self.mapping


__all__ = [
    "Mapping",
    "MappingEntry",
    "DishModifierChoice",
    "load_mapping",
    "save_mapping",
    "save_decisions",
    "MappingSession",
    "dump_mapping",
    "parse_mapping",
    "replace",
]
