"""Matching quality on the labelled benchmark (benchmarks/match/), beside a plain baseline.

Prints, per venue and overall: precision and recall of the links accepted automatically, and
top-3 recall (the right target among the first three candidates shown at review). The baseline
is rapidfuzz ``process.extractOne`` with ``WRatio`` at 85 over the target names. Then the venues
written without looking at the engine (see ``match/data.py``): the fresh ones, and the sealed
ones, whose details are never printed (looking at their misses would be tuning on them). Each group
ends with why its items that have a counterpart were not linked, counted.

Run: /work/venv/bin/python benchmarks/match_quality.py [-v | -vv] [--no-sealed]
(``--no-sealed``: leave the sealed group out, for runs during development.)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from match.data import Venue, load_all, load_fresh, load_sealed  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402

from poster_cli.matching import MatchOptions, MenuIndex, match_items  # noqa: E402


def evaluate(
    accepted: dict[str, object], top3: dict[str, list[object]], venue: Venue
) -> tuple[int, int, int, int, int]:
    """(auto links, correct auto links, matchable items, top-3 hits, items)"""
    auto = sum(1 for k in accepted.values() if k is not None)
    correct = sum(1 for lid, k in accepted.items() if k is not None and k == venue.labels[lid])
    matchable = [lid for lid, k in venue.labels.items() if k is not None]
    hits = sum(1 for lid in matchable if venue.labels[lid] in top3.get(lid, []))
    return auto, correct, len(matchable), hits, len(venue.labels)


MISSES: dict[str, int] = {}  # why items with a counterpart were not linked, counted (totals only)


def count_misses(results: list, venue: Venue) -> None:
    for r in results:
        want = venue.labels[r.item.local_id]
        if want is None or r.accepted is not None:
            continue
        first = r.best is not None and r.best.key == want
        if not first:
            why = "right target not first"
        elif r.note.startswith("score"):
            why = "right first, below the accept score"
        else:
            why = f"right first, held back: {r.note.split(' to ')[0]}"
        MISSES[why] = MISSES.get(why, 0) + 1


def engine(venue: Venue, verbose: bool) -> tuple[int, int, int, int, int]:
    index = MenuIndex.from_products(venue.snapshot.products.values(), 1)
    results = match_items(venue.items, index, MatchOptions())
    count_misses(results, venue)
    accepted = {r.item.local_id: (r.accepted.key if r.accepted else None) for r in results}
    top3 = {r.item.local_id: [c.key for c in r.candidates[:3]] for r in results}
    if verbose:
        names = {t.key: t.name for t in index.targets}
        for r in results:
            want = venue.labels[r.item.local_id]
            got = r.accepted.key if r.accepted else None
            if got is not None and got != want:
                print(
                    f"  WRONG  {r.item.name!r} -> {r.accepted.name!r} (want {names.get(want) if want else 'none'}) {r.accepted.reason}"
                )
            elif want is not None and want not in top3[r.item.local_id]:
                print(
                    f"  NOTOP3 {r.item.name!r} want {names.get(want)!r}; got {[(c.name, c.score) for c in r.candidates[:3]]}"
                )
            elif want is not None and got is None and "-vv" in sys.argv:
                print(f"  REVIEW {r.item.name!r} ({r.note}) {[(c.name, c.score) for c in r.candidates[:2]]}")
    return evaluate(accepted, top3, venue)


def baseline(venue: Venue) -> tuple[int, int, int, int, int]:
    index = MenuIndex.from_products(venue.snapshot.products.values(), 1)
    names = [t.name for t in index.targets]
    accepted: dict[str, object] = {}
    top3: dict[str, list[object]] = {}
    for item in venue.items:
        best = process.extractOne(item.name, names, scorer=fuzz.WRatio, score_cutoff=85)
        accepted[item.local_id] = index.targets[best[2]].key if best else None
        top3[item.local_id] = [
            index.targets[i].key for _, _, i in process.extract(item.name, names, scorer=fuzz.WRatio, limit=3)
        ]
    return evaluate(accepted, top3, venue)


def line(label: str, f: tuple[int, int, int, int, int]) -> str:
    auto, correct, matchable, hits, n = f
    precision = correct / auto if auto else 1.0
    return (
        f"{label:<22} precision {precision:6.3f}  recall {correct / matchable:6.3f}  top-3 recall {hits / matchable:6.3f}"
        f"   ({correct}/{auto} auto correct, {matchable} matchable of {n})"
    )


def report(title: str, venues: list[Venue], verbose: bool) -> None:
    """Each venue's engine and baseline lines, then the group's totals."""
    totals = {"engine": [0] * 5, "baseline": [0] * 5}
    MISSES.clear()
    products = sum(len(v.snapshot.products) for v in venues)
    print(
        f"{title}: {sum(len(v.items) for v in venues)} site items, {products} Poster products, "
        f"{sum(1 for v in venues for k in v.labels.values() if k is None)} must stay unmatched"
    )
    for v in venues:
        if verbose:
            print(f"[{v.name}]")
        e, b = engine(v, verbose), baseline(v)
        print(line(f"{v.name} engine", e))
        print(line(f"{v.name} baseline", b))
        for name, f in (("engine", e), ("baseline", b)):
            totals[name] = [a + x for a, x in zip(totals[name], f)]
    print(line("ALL engine", tuple(totals["engine"])))  # type: ignore[arg-type]
    print(line("ALL baseline", tuple(totals["baseline"])))  # type: ignore[arg-type]
    print("not linked: " + ", ".join(f"{n} {why}" for why, n in sorted(MISSES.items(), key=lambda kv: -kv[1])))


def main() -> None:
    verbose = "-v" in sys.argv or "-vv" in sys.argv
    report("benchmark", load_all(), verbose)
    print()
    report("fresh (written without seeing the engine; misses looked at)", load_fresh(), verbose)
    if "--no-sealed" not in sys.argv:
        print()
        report("sealed (written without seeing the engine; never looked at)", load_sealed(), False)


if __name__ == "__main__":
    main()
