"""The interactive confirmation loop, free of any terminal library.

It shows one uncertain site item at a time with its candidates (only those at or above the review
score; an item with none says so) and reads one key: a number chooses (``confirmed``), ``s`` skips
(stays as it is), ``n`` says there is no match (``ignored``), ``/`` searches the menu by text,
``u`` undoes the last decision, ``q`` saves and stops, ``?`` shows the legend. Enter alone does
nothing (it never skips silently). Every decision is saved at once through ``save``, so Ctrl-C or
a crash loses nothing and the next run starts where this one stopped. Choosing a hidden product,
or one not sold at the spot, warns that orders for it will be refused.

``ask`` (a line: the search text), ``ask_key`` (one key: the choice; default ``ask``) and ``say``
are injected: the CLI passes the terminal (one key without Enter), tests pass scripted answers.
Every line fits 80 columns: long names are shortened, the reasons wrap between phrases. What each
answer writes is :mod:`poster_cli.decisions`, shared with the web review.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

from poster_cli.decisions import chosen, no_counterpart
from poster_cli.mapping import Mapping, MappingEntry
from poster_cli.matching.engine import MatchCandidate, MatchResult, MenuIndex

HELP = "1-9 choose · s skip · n no match · / search · u undo · q save and quit · ? this legend"
WIDTH = 80
NAME_WIDTH = 44
MAX_SHOWN = 9  # one key each
HEADER = f"  {'#':>2}  {'Poster item':<{NAME_WIDTH}} {'price':>8} {'score':>5}"


@dataclass
class ReviewOutcome:
    confirmed: int = 0
    ignored: int = 0
    skipped: int = 0
    linked: int = 0  # linked automatically on the way, made certain by what the person taught
    quit: bool = False
    history: list[tuple[str, MappingEntry | None, str]] = field(default_factory=list)  # (local id, entry before, kind)

    def count(self, kind: str, step: int) -> None:
        setattr(self, kind, getattr(self, kind) + step)


def _price(kopecks: int | None) -> str:
    if kopecks is None:
        return "-"
    whole, cents = divmod(kopecks, 100)
    return f"{whole}.{cents:02d}"


def shown_score(score: float) -> int:
    """The score as shown: rounded down, so a shown score at the accept score was accepted."""
    return math.floor(score)


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _wrap_phrases(text: str, width: int) -> list[str]:
    """``text``'s comma-separated phrases on lines of at most ``width``, never split inside one
    (a phrase longer than a line is shortened)."""
    lines: list[str] = []
    for phrase in (p.strip() for p in text.split(",")):
        if not phrase:
            continue
        if lines and len(lines[-1]) + 2 + len(phrase) <= width:
            lines[-1] += ", " + phrase
        else:
            lines.append(_fit(phrase, width))
    return lines


def as_choice(name: str, chosen: bool) -> str:
    """A dish with one option of a required choice picked ("Тост … / Житній") shown as that
    choice: "Тост … — choice: Житній"."""
    if chosen and " / " in name:
        dish, option = name.rsplit(" / ", 1)
        return f"{dish} — choice: {option}"
    return name


def format_candidate(n: int, c: MatchCandidate) -> str:
    """One candidate: its number, name (category, size, marks), price and score on a line, and the
    reasons under it; every line within :data:`WIDTH` columns."""
    marks = "".join(f" [{m}]" for m, on in (("hidden", c.hidden), ("not at spot", not c.visible)) if on)
    size = f" {c.size}" if c.size and not any(ch.isdigit() for ch in c.name) else ""  # "Лате / 400 мл" says it
    room = NAME_WIDTH - len(marks)
    label = f"{c.name}{size} ({c.category or '-'})"
    if c.dish_modifications and " / " in c.name:  # the choice stays readable: the dish is shortened
        dish, option = c.name.rsplit(" / ", 1)
        tail = f" — choice: {option}"
        label = _fit(dish, max(8, room - len(tail))) + tail
    name = _fit(label, room) + marks
    head = f"  {n:>2}. {name:<{NAME_WIDTH}} {_price(c.price):>8} {shown_score(c.score):>5}"
    indent = " " * 6
    why = _wrap_phrases(c.reason, WIDTH - len(indent))
    return "\n".join([head, *(indent + line for line in why)])


def refused_warning(c: MatchCandidate) -> str | None:
    """Why orders for this target would be refused, if they would."""
    why = [m for m, on in (("hidden in Poster", c.hidden), ("not sold at the spot", not c.visible)) if on]
    if not why:
        return None
    return f"  warning: {c.name} is {' and '.join(why)}: orders for it will be refused until that changes"


def review(
    queue: Sequence[MatchResult],
    mapping: Mapping,
    index: MenuIndex,
    *,
    ask: Callable[[str], str],
    say: Callable[[str], None],
    save: Callable[[], object],
    review_score: float = 0.0,
    ask_key: Callable[[str], str] | None = None,
    current: Callable[[MatchResult], MappingEntry | None] | None = None,
    learn: Callable[[int], Sequence[MatchResult]] | None = None,
) -> ReviewOutcome:
    """Ask about each item of ``queue`` in turn; returns counts. ``ask`` raising EOFError is ``q``.

    ``current`` names the link an item has now (reviewing automatic links): it is shown, and
    ``s`` keeps it. ``learn(position)`` is called after each decision saved, with the position the
    review goes on from: the items from there it returns were linked automatically (what the person
    taught made them certain); they are said, and not asked about."""
    key = ask_key or ask
    outcome = ReviewOutcome()
    total = len(queue)
    pos = 0
    shown: list[MatchCandidate] = []
    settled: set[str] = set()  # linked on the way
    while pos < total:
        result = queue[pos]
        item = result.item
        if item.local_id in settled:
            pos += 1
            continue
        if not shown:
            shown = [c for c in result.candidates if c.score >= review_score][:MAX_SHOWN]
        details = " · ".join(x for x in (item.category, _price(item.price) if item.price is not None else "") if x)
        say(_fit(f"[{pos + 1}/{total}] {item.name} ({item.local_id}){' · ' + details if details else ''}", WIDTH))
        now = current(result) if current is not None else None
        if now is not None and now.product_id is not None:
            shown_now = as_choice(now.poster_name or str(now.product_id), bool(now.dish_modifications))
            say(_fit(f"  linked now: {shown_now} (s keeps it)", WIDTH))
        if result.note:
            say(_fit(f"  not accepted: {result.note}", WIDTH))
        if shown:
            say(HEADER)
        for n, c in enumerate(shown, 1):
            say(format_candidate(n, c))
        if not shown:
            say(f"  no candidate scores {shown_score(review_score)} or more: / to search the menu, n for no match")
        try:
            answer = key(
                f"1-{len(shown)}, s, n, /, u, q, ? > " if shown else "/ search, n no match, s skip, u, q, ? > "
            ).strip()
        except EOFError:
            answer = "q"
        if answer in ("?", "h", "help"):
            say(HELP)
            continue
        if answer == "":
            say("  (Enter does nothing: s skips, ? shows every key)")
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
            picked = shown[int(answer) - 1]
            entry = chosen(item.local_id, item.name, picked)
            kind = "confirmed"
            warning = refused_warning(picked)
            if warning:
                say(warning)
        elif answer == "n":
            entry = no_counterpart(item.local_id, item.name)
            kind = "ignored"
        elif answer == "s":
            kind = "skipped"
        else:
            say(f"  {answer!r}? {HELP}")
            continue
        outcome.count(kind, 1)
        outcome.history.append((item.local_id, mapping.get(item.local_id), kind))
        if entry is not None:
            mapping.set(entry)
            save()
            for r in learn(pos + 1) if learn is not None else ():
                assert r.accepted is not None
                settled.add(r.item.local_id)
                outcome.linked += 1
                say(_fit(f"  ✓ {r.item.name} → {r.accepted.name} ({shown_score(r.accepted.score)})", WIDTH))
        pos += 1
        shown = []
    return outcome
