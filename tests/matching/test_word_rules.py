"""The engine's rules for two different words, each on a pair of words a menu and a site really
write differently, and what a person sees of a candidate (``match --json``, the ``/`` search)."""

from __future__ import annotations

import pytest

from poster_cli.catalogue import CatalogueItem
from poster_cli.matching import MatchOptions, MenuIndex, match_items
from poster_cli.menu import MenuSnapshot
from tests.support.matching import CAFE, product


def similarity(a: str, b: str) -> float:
    """How alike two words are, asked of a fresh index (an index remembers pairs both ways)."""
    return MenuIndex([]).word_similarity(a, b)


@pytest.mark.parametrize(
    "a,b",
    [
        ("negazovana", "gazovana"),  # "still" is not "sparkling": ne- turns a word into its opposite
        ("gazovana", "negazovana"),
        ("bezalkogolne", "alkogolne"),  # "alcohol-free" is not "alcoholic"
        ("alkogolne", "bezalkogolne"),
        ("330", "330ml"),  # a number is never like a word, however they are spelt
        ("330ml", "330"),
    ],
)
def test_opposites_and_numbers_are_not_alike(a: str, b: str) -> None:
    assert similarity(a, b) == 0.0


@pytest.mark.parametrize("a,b", [("chai", "chailatte"), ("chailatte", "chai"), ("chai", "chaiespresso")])
def test_a_word_of_four_letters_or_more_that_begins_another_is_close(a: str, b: str) -> None:
    assert similarity(a, b) == 0.85


def test_a_shared_root_with_other_endings_is_alike_but_not_the_same() -> None:
    assert similarity("bavarian", "bavarsk") == 0.8
    assert similarity("shokoladnyi", "shokoladka") == 0.8
    # five letters in common are a root of a seven-letter word, not of an eight-letter one
    assert similarity("bavarian", "bavarsky") == 0.0


def test_the_lowest_similarity_that_counts_is_072() -> None:
    assert similarity("xyzabcdefghi", "qrstabcdefghi") == 0.72  # 9 letters in line of 12 and 13


def test_a_spelling_variant_keeps_its_own_high_similarity() -> None:
    """A shared root only ever raises a low similarity: a near-identical spelling keeps its own."""
    assert similarity("margarita", "margaritta") > 0.9
    assert similarity("cappuccino", "cappucino") > 0.9


def test_words_too_unlike_count_nothing() -> None:
    assert similarity("latte", "lager") == 0.0


def test_a_still_water_is_not_linked_to_the_sparkling_one() -> None:
    menu = MenuSnapshot(raw={"products": [product(1, "Вода газована", 30), product(2, "Лимонад", 50)]})
    [r] = match_items([CatalogueItem("w", "Вода негазована")], MenuIndex.from_products(menu.products.values(), 1))
    assert r.accepted is None


def test_candidates_in_json_carry_ids_name_and_a_one_decimal_score() -> None:
    index = MenuIndex.from_products(CAFE.products.values(), 1)
    [r] = match_items([CatalogueItem("t", "Black tea", 4300)], index)
    shown = r.candidates[0].to_json()
    assert shown == {"product_id": 4, "modificator_id": None, "name": "Чай чорний", "score": 93.0}
    target = next(i for i, t in enumerate(index.targets) if t.product_id == 4)
    assert index.candidate(target, 87.34, 0.9, []).to_json()["score"] == 87.3


def test_a_candidates_score_is_shown_between_0_and_100_to_one_decimal() -> None:
    index = MenuIndex.from_products(CAFE.products.values(), 1)
    tea = next(i for i, t in enumerate(index.targets) if t.product_id == 4)
    shown = index.candidate(tea, 87.34, 0.9, ["same price"])
    assert (shown.score, shown.raw, shown.name_score, shown.evidence) == (87.3, 87.34, 0.9, ["same price"])
    assert (shown.product_id, shown.name, shown.reason) == (4, "Чай чорний", "name 90, same price")
    assert index.candidate(tea, 190.0, 1.0, []).score == 100.0
    assert index.candidate(tea, -12.5, 0.2, []).score == 0.0
    [water] = match_items([CatalogueItem("w", "Mineral water", barcode="4820098749621")], index)
    assert water.best is not None and (water.best.score, water.best.reason) == (100.0, "same barcode/code")


def test_search_offers_up_to_the_limit_asked_best_first() -> None:
    menu = MenuSnapshot(
        raw={"products": [product(i, f"Піца {name}", 150) for i, name in enumerate("abcdefghijkl", start=1)]}
    )
    index = MenuIndex.from_products(menu.products.values(), 1)
    assert len(index.search("піца")) == 8  # the default
    assert len(index.search("піца", limit=10)) == 10
    found = MenuIndex.from_products(CAFE.products.values(), 1).search("чай", limit=1)
    assert [c.product_id for c in found] == [4]


def test_an_item_without_any_candidate_says_so_and_the_next_item_is_still_matched() -> None:
    index = MenuIndex.from_products(CAFE.products.values(), 1)
    r, tea = match_items([CatalogueItem("x", "Qwzx"), CatalogueItem("t", "Black tea")], index, MatchOptions())
    assert (r.best, r.candidates, r.accepted, r.note) == (None, [], None, "no candidate")
    assert tea.accepted is not None and tea.accepted.product_id == 4
    r.rerank(MatchOptions())
    assert (r.best, r.candidates, r.accepted) == (None, [], None)


CODES = MenuSnapshot(
    raw={
        "products": [
            product(2, "Панакота", 95),
            product(3, "Вода мінеральна", 40, barcode="AB-12x"),
            product(4, "Чай чорний", 45),
        ]
    }
)


def test_a_barcode_or_site_id_equal_to_the_menus_code_links_whatever_their_case() -> None:
    index = MenuIndex.from_products(CODES.products.values(), 1)
    by_barcode, by_id, other = match_items(
        [
            CatalogueItem("w", "Water", barcode=" ab-12X "),
            CatalogueItem("AB-12X", "Water"),
            CatalogueItem("z", "Mineral water", barcode="0000"),  # a barcode the menu does not have
        ],
        index,
        MatchOptions(allow_shared=True),
    )
    for r in (by_barcode, by_id):
        assert r.accepted is not None and (r.accepted.product_id, r.accepted.score) == (3, 100.0)
        assert r.accepted.reason == "same barcode/code"
    assert other.best is not None and other.best.reason == "name 96"


def test_names_run_together_differently_are_compared_written_without_spaces() -> None:
    [r] = match_items([CatalogueItem("p", "Panna cotta")], MenuIndex.from_products(CODES.products.values(), 1))
    assert r.best is not None and (r.best.product_id, r.best.reason, r.best.score) == (2, "name 92", 83.1)


def test_a_score_high_enough_on_a_name_too_unlike_is_not_taken() -> None:
    index = MenuIndex.from_products(CODES.products.values(), 1)
    [r] = match_items([CatalogueItem("t", "Black tea with lemon")], index, MatchOptions(accept=50))
    assert r.best is not None and r.best.product_id == 4
    assert r.best.score >= 50 and r.best.name_score < 0.75  # over the accept score asked, but barely alike
    assert (r.accepted, r.note) == (None, "names differ too much")


def test_a_target_a_person_holds_leaves_the_other_items_free_to_link() -> None:
    index = MenuIndex.from_products(CAFE.products.values(), 1)
    held, free = match_items(
        [CatalogueItem("n", "Capuccino"), CatalogueItem("t", "Black tea")], index, taken={(2, None, ()): "OLD"}
    )
    assert (held.accepted, held.note) == (None, "target already mapped to OLD")
    assert free.accepted is not None and free.accepted.product_id == 4


def test_a_shown_score_is_clamped_only_outside_0_to_100() -> None:
    index = MenuIndex.from_products(CAFE.products.values(), 1)
    tea = next(i for i, t in enumerate(index.targets) if t.product_id == 4)
    assert [index.candidate(tea, raw, 0.5, []).score for raw in (100.5, 100.0, 0.5, 0.0, -0.5)] == [
        100.0,
        100.0,
        0.5,
        0.0,
        0.0,
    ]


def test_a_word_that_begins_one_more_than_three_times_its_length_is_another_word() -> None:
    """Two words under 50 alike count nothing, even when one begins the other."""
    assert similarity("chai", "chaiespresso") == 0.85  # 2 x 4 of 16 letters in line: 50 alike
    assert similarity("chai", "chaiespressos") == 0.0  # 2 x 4 of 17: 47
    assert similarity("chaiespressos", "chai") == 0.0


def test_a_negation_prefix_counts_when_the_rest_is_exactly_80_alike() -> None:
    """ "neamerikansk" without "ne" is 80 like "meksikansk" (16 of 20 letters in line), so it is that
    word's opposite, not a spelling of it; with "ne" it would pass as 73 alike."""
    assert similarity("neamerikansk", "meksikansk") == 0.0
    assert similarity("meksikansk", "neamerikansk") == 0.0


def test_a_shared_root_counts_at_exactly_seven_tenths_of_the_shorter_word() -> None:
    # "kartopl" is 7 of 10 letters: the same root, other endings (without it the pair is 70 alike)
    assert similarity("kartoplyan", "kartoplsku") == 0.8
    assert similarity("kartoplsku", "kartoplyan") == 0.8
