"""The interactive confirmation loop, free of any terminal library.

It shows one uncertain site item at a time with its candidates and reads one answer:
a number chooses (``confirmed``), ``s`` skips (stays ``unmatched``), ``n`` says there is no match
(``ignored``), ``/`` searches the menu by text, ``u`` undoes the last decision, ``q`` saves and
stops. Every decision is saved at once through ``save``, so Ctrl-C or a crash loses nothing and
the next run starts where this one stopped. What each answer writes is :mod:`poster_cli.decisions`,
shared with the web review. ``ask`` and ``say`` are injected: the CLI passes the
terminal, tests pass scripted answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from poster_cli.decisions import chosen, no_counterpart
from poster_cli.mapping import Mapping, MappingEntry
from poster_cli.matching.engine import MatchCandidate, MatchResult, MenuIndex

HELP = "number = choose · s = skip · n = no match · /text = search · u = undo · q = save and quit"


@dataclass
class ReviewOutcome:
    confirmed: int = 0
    ignored: int = 0
    skipped: int = 0
    quit: bool = False
    history: list[tuple[str, MappingEntry | None, str]] = field(default_factory=list)  # (local id, entry before, kind)

    def count(self, kind: str, step: int) -> None:
        setattr(self, kind, getattr(self, kind) + step)


def _price(kopecks: int | None) -> str:
    if kopecks is None:
        return "-"
    whole, cents = divmod(kopecks, 100)
    return f"{whole}.{cents:02d}"


def format_candidate(n: int, c: MatchCandidate) -> str:
    marks = "".join(f" [{m}]" for m, on in (("hidden", c.hidden), ("not at spot", not c.visible)) if on)
    size = f" · {c.size}" if c.size else ""
    return f"  {n}. {c.name}{marks} · {c.category or '-'} · {_price(c.price)}{size} · {c.score:.0f} · {c.reason}"


def review(
    queue: Sequence[MatchResult],
    mapping: Mapping,
    index: MenuIndex,
    *,
    ask: Callable[[str], str],
    say: Callable[[str], None],
    save: Callable[[], object],
    review_score: float = 0.0,
) -> ReviewOutcome:
    """Ask about each item of ``queue`` in turn; returns counts. ``ask`` raising EOFError is ``q``."""
    outcome = ReviewOutcome()
    total = len(queue)
    pos = 0
    shown: list[MatchCandidate] = []
    while pos < total:
        result = queue[pos]
        item = result.item
        if not shown:
            shown = [c for c in result.candidates if c.score >= review_score] or result.candidates[:3]
        details = " · ".join(x for x in (item.category, _price(item.price) if item.price is not None else "") if x)
        say(f"[{pos + 1}/{total}] {item.name} ({item.local_id}){' · ' + details if details else ''}")
        if result.note:
            say(f"  not accepted: {result.note}")
        for n, c in enumerate(shown, 1):
            say(format_candidate(n, c))
        if not shown:
            say("  no candidates; search with /text")
        try:
            answer = ask(
                f"choose 1-{len(shown)}, s, n, /search, u, q > " if shown else "s, n, /search, u, q > "
            ).strip()
        except EOFError:
            answer = "q"
        if answer in ("?", "h", "help"):
            say(HELP)
            continue
        if answer.startswith("/"):
            text = answer[1:].strip()
            if not text:
                try:
                    text = ask("search: ").strip()
                except EOFError:
                    text = ""
            found = index.search(text) if text else []
            if found:
                shown = found
            else:
                say(f"  nothing like {text!r} in the menu")
            continue
        if answer == "q":
            outcome.quit = True
            save()
            break
        if answer == "u":
            if not outcome.history:
                say("  nothing to undo")
                continue
            local_id, before, kind = outcome.history.pop()
            outcome.count(kind, -1)
            if before is None:
                mapping.entries.pop(local_id, None)
            else:
                mapping.set(before)
            save()
            pos = next(i for i, r in enumerate(queue) if r.item.local_id == local_id)
            shown = []
            say(f"  undone: {local_id}")
            continue
        entry: MappingEntry | None = None
        if answer.isdigit() and 1 <= int(answer) <= len(shown):
            entry = chosen(item.local_id, item.name, shown[int(answer) - 1])
            kind = "confirmed"
        elif answer == "n":
            entry = no_counterpart(item.local_id, item.name)
            kind = "ignored"
        elif answer == "s" or answer == "":
            kind = "skipped"
        else:
            say(f"  {answer!r}? {HELP}")
            continue
        outcome.count(kind, 1)
        outcome.history.append((item.local_id, mapping.get(item.local_id), kind))
        if entry is not None:
            mapping.set(entry)
            save()
        pos += 1
        shown = []
    return outcome
