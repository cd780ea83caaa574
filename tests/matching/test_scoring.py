"""The score a person sees, worked out by hand from the documented rules: each word of a name weighs
ln(N / (targets with it + 0.5)) + 0.3 (N: the menu's targets plus one; a word the menu lacks counts
as on none), a word in parentheses half of that and all of them together at most half the name's;
name similarity is 0.7 x (share of the site name's weight found in the target) + 0.3 x (the other
way), times 90; then the evidence (same category +3, not at the spot -5, price far off -8)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from poster_cli.catalogue import CatalogueItem
from poster_cli.matching import MatchOptions, MenuIndex, match_items, normalise
from poster_cli.matching.normalize import NormalName
from poster_cli.menu import MenuSnapshot
from tests.support.matching import product

MENU = [
    product(1, "Лате", category="Кава"),  # lat
    product(2, "Лате карамель", category="Кава"),  # lat, karamel
    product(3, "Капучино", category="Кава"),  # kapuchin
    product(4, "Чай чорний", category="Чай"),  # cha, chorn
    product(5, "Сироп ваніль", category="Добавки"),  # sirop, vanil
    product(6, "Наполеон", category="Десерти"),  # napoleon
]
N = len(MENU) + 1


def weight(on: int) -> float:
    """A word's weight when ``on`` targets of MENU have it."""
    return math.log(N / (on + 0.5)) + 0.3


def index_of(products: list[dict[str, Any]]) -> MenuIndex:
    return MenuIndex.from_products(MenuSnapshot(raw={"products": products}).products.values(), 1)


@pytest.fixture
def index() -> MenuIndex:
    return index_of(MENU)


def best(index: MenuIndex, name: str, category: str = "") -> tuple[str, float, str]:
    [r] = match_items([CatalogueItem("q", name, category=category)], index, MatchOptions(accept=101))
    assert r.best is not None
    return r.best.name, r.best.score, r.best.reason


def offered(index: MenuIndex, name: str, product: str) -> float:
    """The score ``product`` is offered with for a site item called ``name``."""
    [r] = match_items([CatalogueItem("q", name)], index, MatchOptions(accept=101))
    [score] = [c.score for c in r.candidates if c.name == product]
    return score


def shown(similarity: float, evidence: float = 0.0) -> float:
    return round(90 * similarity + evidence, 1)


def test_the_menus_tokens_are_the_ones_the_hand_computation_assumes() -> None:
    assert [normalise(p["product_name"]).tokens for p in MENU] == [
        ("lat",),
        ("lat", "karamel"),
        ("kapuchin",),
        ("cha", "chorn"),
        ("sirop", "vanil"),
        ("napoleon",),
    ]


def test_a_word_the_menu_lacks_weighs_as_a_word_on_no_target(index: MenuIndex) -> None:
    # "Лате Qzx": lat (on 2 targets) is found in "Лате", qzx (on none) is not; "Лате" is all found
    site = weight(2) / (weight(2) + weight(0))
    assert best(index, "Лате Qzx") == ("Лате", shown(0.7 * site + 0.3), f"name {round(100 * (0.7 * site + 0.3))}")


def test_a_word_in_parentheses_weighs_half(index: MenuIndex) -> None:
    # "Лате карамель (ваніль)" against "Лате карамель": vanil (on 1 target) weighs half, and that half
    # is under half the name's weight, so it stays
    name = weight(2) + weight(1)
    site = name / (name + 0.5 * weight(1))
    assert best(index, "Лате карамель (ваніль)")[:2] == ("Лате карамель", shown(0.7 * site + 0.3))


def test_words_in_parentheses_weigh_at_most_half_the_name(index: MenuIndex) -> None:
    # "Лате (карамель, ваніль)" against "Лате": karamel and vanil would weigh weight(1) together,
    # more than half of lat's weight(2): they are cut to that half
    site = weight(2) / (weight(2) + 0.5 * weight(2))
    assert offered(index, "Лате (карамель, ваніль)", "Лате") == shown(0.7 * site + 0.3)


def test_the_same_category_is_told_for_each_site_item_on_its_own() -> None:
    """A site that files "Наполеон" under coffee gets no "same category" for it, though the item
    before it, in coffee too, got one for "Лате" (and the other way round)."""
    for names in (("Лате", "Наполеон"), ("Наполеон", "Лате")):
        index = index_of(MENU)
        items = [CatalogueItem(name, name, category="Кава") for name in names]
        reasons = {r.item.name: r.best.reason for r in match_items(items, index) if r.best is not None}
        assert reasons == {"Лате": "name 100, same category", "Наполеон": "name 100"}


def test_the_review_page_scores_a_chosen_product_as_match_does(index: MenuIndex) -> None:
    """The review page scores the product a person picks for an item on its own (``score`` without
    a prepared name): the same score and reasons as ``match`` gives it."""
    item = CatalogueItem("q", "Лате", 6000, category="Кава")
    late = next(t for t in index.targets if t.product_id == 1)
    score, name, reasons = index.score(item, normalise("Лате"), normalise("Кава"), late)
    assert (score, name, reasons) == (90 + 3, 1.0, ["same category"])
    karamel = next(t for t in index.targets if t.product_id == 2)
    # lat found both ways; karamel (on 1 target) is the target's only other word
    similarity = 0.7 + 0.3 * weight(2) / (weight(2) + weight(1))
    score, name, reasons = index.score(item, normalise("Лате"), normalise("Кава"), karamel)
    assert (score, name, reasons) == (pytest.approx(90 * similarity + 3), pytest.approx(similarity), ["same category"])


def test_a_site_name_of_no_words_is_like_no_product(index: MenuIndex) -> None:
    item = CatalogueItem("q", "NEW!")
    assert normalise("NEW!").tokens == ()
    late = next(t for t in index.targets if t.product_id == 1)
    assert index.score(item, normalise("NEW!"), normalise(""), late) == (0.0, 0.0, [])
    [r] = match_items([item], index)
    assert (r.candidates, r.note) == ([], "no candidate")


def test_at_the_same_score_a_product_sold_at_the_spot_comes_before_one_that_is_not() -> None:
    # both 85: the first is in the item's category (+3) but its price is far off (-8); the second
    # is not sold at the spot (-5), its price 30% off says nothing
    menu = [
        product(2, "Лате", 130, category="Сезонне", visible=False),
        product(1, "Лате", 300, category="Кава"),
    ]
    [r] = match_items([CatalogueItem("q", "Лате", 10000, category="Кава")], index_of(menu), MatchOptions())
    assert [(c.product_id, c.score, c.reason) for c in r.candidates] == [
        (1, 85.0, "name 100, price far off, same category"),
        (2, 85.0, "name 100, not at spot"),
    ]


def words(index: MenuIndex, *tokens: str) -> Any:
    return index.words(NormalName(tokens=tokens))


def test_names_cut_into_words_otherwise_are_compared_whole_from_85_alike() -> None:
    """Two names whose words do not line up are also compared written without spaces; that counts
    from 85 alike: "abcdefgh ijklmnopq" (17 letters) is all in line with the 23 of
    "abcdefghijklm nopq rstuvw", 2 x 17 of 40 letters, 85."""
    index = MenuIndex([])
    site = words(index, "abcdefgh", "ijklmnopq")
    menu = words(index, "abcdefghijklm", "nopq", "rstuvw")
    assert index.name_similarity(site, menu) == 0.85
    below = words(index, "abcdefgh", "ijklmnopz")  # 16 of 17 in line: 80 alike, not counted
    assert index.name_similarity(below, menu) < 0.8


def test_a_category_agrees_from_three_fifths_of_the_sites_category_words() -> None:
    """The site's category "Сезонне меню осінь зима весна" has three of its five words (none of them
    in a product name, so all of one weight) in the menu's "Сезонне меню осінь": 3/5, enough."""
    index = index_of([product(1, "Лате", category="Сезонне меню осінь"), product(2, "Капучино", category="Кава")])
    agree, six = match_items(
        [
            CatalogueItem("5", "Лате", category="Сезонне меню осінь зима весна"),
            CatalogueItem("6", "Лате", category="Сезонне меню осінь зима весна літо"),  # 3/6: not enough
        ],
        index,
    )
    assert (agree.best and agree.best.reason, six.best and six.best.reason) == ("name 100, same category", "name 100")
