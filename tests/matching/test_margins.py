"""The engine's margins, at their edges: a best target is accepted only when it leads the next target
by ``margin`` (5 by default), only at or above ``accept``, and when two site items claim one target
the higher must lead the other by 3 points.

The scores are built from whole points, so the edges are exact: the same name is 90, the same price
+6, a price within 10% +3, the same size +5. Each test first checks that its setup sits on the edge
it is about (the scores it reads), then what a person would see: which item got the link, and why
the others did not."""

from __future__ import annotations

from typing import Any

from poster_cli.catalogue import CatalogueItem
from poster_cli.matching import MatchOptions, MenuIndex, match_items
from poster_cli.matching.engine import MatchResult
from poster_cli.menu import MenuSnapshot
from tests.support.matching import product

CONTEST_NOTE = "another site item claims the same target"
CLOSE_NOTE = "another target scores about the same"


def results(products: list[dict[str, Any]], *items: CatalogueItem, **options: Any) -> dict[str, MatchResult]:
    menu = MenuSnapshot(raw={"products": products})
    index = MenuIndex.from_products(menu.products.values(), 1)
    return {r.item.local_id: r for r in match_items(list(items), index, MatchOptions(**options))}


def scores(result: MatchResult) -> list[float]:
    return [raw for _, raw, _, _ in result.ranked]


def linked(result: MatchResult) -> int | None:
    return result.accepted.product_id if result.accepted else None


TEA = [product(4, "Чай чорний", 45, category="Чай"), product(3, "Лате", 60)]


def test_a_claimant_three_points_ahead_takes_the_target_whatever_the_order() -> None:
    # the weaker claimant comes first: the contest is by score, not by order in the catalogue
    r = results(TEA, CatalogueItem("close", "Black tea", 4200), CatalogueItem("same", "Black tea", 4500))
    assert (scores(r["same"])[0], scores(r["close"])[0]) == (96.0, 93.0)  # same price vs price close
    assert (linked(r["same"]), r["same"].note) == (4, "")
    assert (linked(r["close"]), r["close"].note) == (None, CONTEST_NOTE)


def test_a_claimant_two_points_ahead_does_not_win_and_nobody_gets_the_target() -> None:
    menu = [product(4, "Чай чорний 0,5 л", 45, category="Чай"), product(3, "Лате", 60)]
    r = results(menu, CatalogueItem("sized", "Black tea 500 ml"), CatalogueItem("priced", "Black tea", 4400))
    assert (scores(r["sized"])[0], scores(r["priced"])[0]) == (95.0, 93.0)  # same size vs price close
    assert (linked(r["sized"]), r["sized"].note) == (None, CONTEST_NOTE)
    assert (linked(r["priced"]), r["priced"].note) == (None, CONTEST_NOTE)


def test_a_lone_claimant_needs_no_lead_over_anybody() -> None:
    r = results(TEA, CatalogueItem("one", "Black tea"))
    assert (linked(r["one"]), r["one"].note) == (4, "")


def test_a_best_target_exactly_the_margin_ahead_of_the_next_is_accepted() -> None:
    menu = [product(4, "Чай чорний 0,5 л", 45), product(5, "Чай чорний", 45), product(3, "Лате", 60)]
    r = results(menu, CatalogueItem("t", "Black tea 500 ml"))["t"]
    assert scores(r)[:2] == [95.0, 90.0]  # the same size; the other names no size
    assert (linked(r), r.note) == (4, "")
    strict = results(menu, CatalogueItem("t", "Black tea 500 ml"), margin=5.5)["t"]
    assert (linked(strict), strict.note) == (None, CLOSE_NOTE)


def test_a_best_target_less_than_the_margin_ahead_is_left_for_a_person() -> None:
    menu = [product(4, "Чай чорний", 45), product(5, "Чай чорний", 48), product(3, "Лате", 60)]
    r = results(menu, CatalogueItem("t", "Black tea", 4500))["t"]
    assert scores(r)[:2] == [96.0, 93.0]  # same price vs price close: 3 apart
    assert (linked(r), r.note) == (None, CLOSE_NOTE)
    assert [c.product_id for c in r.candidates[:2]] == [4, 5]  # both offered at review
    loose = results(menu, CatalogueItem("t", "Black tea", 4500), margin=3.0)["t"]
    assert (linked(loose), loose.note) == (4, "")


def test_accept_is_the_lowest_score_accepted() -> None:
    at = results(TEA, CatalogueItem("t", "Black tea", 4500), accept=96.0)["t"]
    assert (linked(at), at.note) == (4, "")
    above = results(TEA, CatalogueItem("t", "Black tea", 4500), accept=96.5)["t"]
    assert (linked(above), above.note) == (None, "score 96 is below the accept score 96.5")


def test_a_best_target_that_cannot_be_ordered_is_offered_but_not_taken_and_the_note_says_why() -> None:
    menu = [
        product(1, "Морс", 50, hidden=True),
        product(2, "Узвар", 50, visible=False),
        product(3, "Компот", 50, hidden=True, visible=False),
    ]
    r = results(
        menu, CatalogueItem("m", "Mors", 5000), CatalogueItem("u", "Uzvar", 5000), CatalogueItem("k", "Kompot", 5000)
    )
    assert [(linked(r[k]), r[k].best.product_id if r[k].best else None) for k in "muk"] == [
        (None, 1),
        (None, 2),
        (None, 3),
    ]
    assert r["m"].note == "best target is hidden"
    assert r["u"].note == "best target is not at the spot"
    assert r["k"].note == "best target is hidden and not at the spot"


def test_a_lone_candidate_has_no_rival_however_low_the_accept_score() -> None:
    """With ``--accept 5``: "Абв 400 мл" meets one product, "Абвгдеж 400 мл", by its first three
    letters: the same size (+5) and nothing of the name (fuzz.ratio 60, under the 72 a similar word
    needs), so it scores exactly 5. No other target scores anything, so the note is that the names
    differ, never that another target scores about the same."""
    r = results([product(1, "Абвгдеж 400 мл", 50)], CatalogueItem("t", "Абв 400 мл"), accept=5.0)["t"]
    assert scores(r) == [5.0]
    assert (linked(r), r.note) == (None, "names differ too much")


def test_a_name_exactly_three_quarters_alike_is_alike_enough_to_accept() -> None:
    """ "Абв" against "Абвгд": fuzz.ratio 2 x 3 / (3 + 5) = 75, so the names are 0.75 alike and the
    score is 90 x 0.75 = 67.5; with ``--accept 60`` it is taken (under 0.75: "names differ too much")."""
    r = results([product(1, "Абвгд", 50), product(2, "Лате", 60)], CatalogueItem("t", "Абв"), accept=60.0)["t"]
    assert scores(r) == [67.5]
    assert (linked(r), r.note) == (1, "")
