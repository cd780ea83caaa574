"""What a person's choices teach, measured: a simulated review of the labelled venues.

For each venue of the benchmark and the fresh group (``match/data.py``), the site catalogue is
matched; then a simulated person goes through the items left to review, in order, and answers
with the right target (or "no match" for items that must stay unmatched). Counted: where the right
target stood among the candidates shown when the item came up (first, second or third, or not
shown at all, so the person had to search), and how many of the first had reached the accept
score by then (what was taught made them certain). Run twice: without learning, and with each choice
teaching its words at once (``mapping_sync.AliasLearner``, as ``poster-cli match`` does at a
terminal). The sealed venues are not used.

Run: python benchmarks/review_learning.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from match.data import Venue, load_all, load_fresh, load_sealed  # noqa: E402

from poster_cli.mapping import Mapping, MappingEntry  # noqa: E402
from poster_cli.mapping_sync import AliasLearner, run_match  # noqa: E402
from poster_cli.matching import MatchOptions, MenuIndex  # noqa: E402


def simulate(venue: Venue, learning: bool) -> tuple[int, int, int, int, int, int, int, int]:
    """(items reviewed, right target first, second or third, not shown, of the first: scoring at
    least the accept score when they came up, words learnt, items linked on the way, of them wrong)"""
    index = MenuIndex.from_products(venue.snapshot.products.values(), 1)
    mapping, options = Mapping(), MatchOptions()
    results = run_match(venue.items, index, mapping, options)
    queue = [r for r in results if r.accepted is None]
    learner = AliasLearner(index, mapping, options, queue, {}) if learning else None
    first = top3 = missing = reviewed = sure = on_the_way = wrong = 0
    settled: set[str] = set()
    for pos, r in enumerate(queue):
        if r.item.local_id in settled:
            continue
        want = venue.labels[r.item.local_id]
        if want is None:
            continue
        reviewed += 1
        shown = [c for c in r.candidates if c.score >= options.review] or r.candidates[:3]
        keys = [c.key for c in shown]
        if keys[:1] == [want]:
            first += 1
            sure += shown[0].score >= options.accept
        elif want in keys[:3]:
            top3 += 1
        else:
            missing += 1
        chosen = next((c for c in r.candidates if c.key == want), None)
        name = chosen.name if chosen else next(t.name for t in index.targets if t.key == want)
        product_id, modificator_id, _ = want
        mapping.set(
            MappingEntry(r.item.local_id, r.item.name, "confirmed", product_id, modificator_id, poster_name=name)
        )
        if learner is not None:
            for done in learner.after_decision(pos + 1):
                assert done.accepted is not None
                settled.add(done.item.local_id)
                on_the_way += 1
                wrong += done.accepted.key != venue.labels[done.item.local_id]
    words = len(learner.words) if learner else 0
    return reviewed, first, top3, missing, sure, words, on_the_way, wrong


def main() -> None:
    groups = [("benchmark+fresh", load_all() + load_fresh())]
    if "--sealed" in sys.argv:
        groups.append(("sealed", load_sealed()))
    for group, venues in groups:
        for learning in (False, True):
            totals = [0] * 8
            for venue in venues:
                totals = [a + b for a, b in zip(totals, simulate(venue, learning))]
            reviewed, first, top3, missing, sure, words, on_the_way, wrong = totals
            print(
                f"{group} {'with learning' if learning else 'no learning':<14} {reviewed} items reviewed: right target "
                f"first {first} ({sure} of them at or above the accept score when they came up), 2nd-3rd {top3}, "
                f"not shown {missing}; {words} word pairs learnt; {on_the_way} linked without asking, {wrong} wrong"
            )


if __name__ == "__main__":
    main()
