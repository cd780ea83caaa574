"""A site word the menu lacks (a typo) on a big menu: read as the menu's two nearest words by
spelling, and, when nothing else finds a product, the names most like the site's among the products
of its rarer nearest word. The menus here are made-up words (each normalises to itself, so the
spelling distances are those written in the comments); a big menu is one of 2,000 products or more,
and the menus here have exactly 2,000, the least a big menu has."""

from __future__ import annotations

from typing import Any

from poster_cli.catalogue import CatalogueItem
from poster_cli.matching import MatchOptions, MenuIndex
from poster_cli.menu import MenuSnapshot
from tests.support.matching import product

SYLLABLES = ["ба", "ве", "ги", "до", "жу", "зо", "ка", "ле", "ми", "но", "пу", "ро", "си", "ту", "фа", "хи"]
NAMES = [a + b + c + "н" for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES]  # made-up, each on one product
FILLER = [product(10_000 + n, f"Ф{name}", 50, category="Інше") for n, name in enumerate(NAMES[:2000])]


def index_of(raw: list[dict[str, Any]]) -> MenuIndex:
    return MenuIndex.from_products(MenuSnapshot(raw={"products": raw}).products.values(), 1)


def two_thousand(head: list[dict[str, Any]], tail: tuple[dict[str, Any], ...] = ()) -> list[dict[str, Any]]:
    """``head``, products of made-up one-word names, ``tail``: 2,000 products in all."""
    return head + FILLER[: 2000 - len(head) - len(tail)] + list(tail)


def each_with(word: str, count: int, first_id: int) -> list[dict[str, Any]]:
    """``count`` products named ``word`` and a made-up word of their own."""
    return [product(first_id + n, f"{word} {NAMES[2000 + first_id + n - 5000]}", 50) for n in range(count)]


def offered(index: MenuIndex, name: str) -> list[int]:
    return [c.product_id for c in index.candidates(CatalogueItem("q", name), MatchOptions())]


# "аболантік" is on no product. By spelling (fuzz.ratio), its menu words nearest are "болантік" 94,
# "борантік" 82, "еболантук" 78 (all at least 75: near); "ланті" (normalised "lant", inside it) is 62.
# Each is on more than 60 products (too common to find products by alone), as is "зумбо".
TYPO_MENU = two_thousand(
    each_with("Зумбо", 70, 5000)
    + each_with("Болантік", 61, 5100)
    + each_with("Борантік", 61, 5200)
    + each_with("Еболантук", 61, 5300)
    + each_with("Ланті", 61, 5400)
    + [
        product(101, "Зумбо болантік", 80),
        product(102, "Зумбо борантік", 80),
        product(103, "Зумбо еболантук", 80),
        product(104, "Зумбо ланті", 80),
    ]
)


def test_a_typo_is_read_as_its_two_nearest_menu_words_by_spelling() -> None:
    """ "Зумбо аболантік": the products having "зумбо" and one of the typo's two nearest words are
    offered; not the third nearest ("еболантук"), nor "ланті", which is only a piece of it."""
    index = index_of(TYPO_MENU)
    assert len(index.targets) == 2000
    assert sorted(offered(index, "Зумбо аболантік")) == [101, 102]


# "аґромвел" is on no product; its nearest menu word is "громвел" (93), on 11 products at the end
# of the menu; "аболантік"'s nearest is "болантік" (94), on 51 products at its beginning. No pair
# of the two is indexed (neither is on more than 60 products), and no menu word begins as either.
RARER_MENU = two_thousand(
    each_with("Болантік", 50, 5000),
    (
        product(100, "Болантік громвел", 90),
        *(product(101 + n, f"Олант громвел {w}", 90) for n, w in enumerate(NAMES[2900:2910])),
    ),
)


def test_two_typos_are_looked_up_among_the_products_of_the_rarer_nearest_word() -> None:
    """Neither word of "Аболантік аґромвел" is on the menu, nor any word beginning like them: the
    products of "громвел" (11 of them) are the ones read for names like the site's, not the 51 of
    "болантік", although those come first on the menu; the product with both words is first."""
    index = index_of(RARER_MENU)
    assert len(index.targets) == 2000
    found = offered(index, "Аболантік аґромвел")
    assert found[0] == 100
    assert len(found) == 5 and set(found) <= set(range(100, 111))


def test_search_offers_as_many_as_asked_of_the_rarer_nearest_words_products() -> None:
    """The ``/`` search asks for eight: the eight names most like the typed text among the 11
    products of "громвел", not fewer."""
    index = index_of(RARER_MENU)
    found = [c.product_id for c in index.search("Аболантік аґромвел")]
    assert found[0] == 100
    assert len(found) == 8 and set(found) <= set(range(100, 111))


def test_on_a_small_menu_search_offers_as_many_as_asked_of_the_names_that_look_alike() -> None:
    """Ten products are "Болантік" and a word of their own; "Аболантік" is no menu word, nor does any
    menu word begin like it: the names that look most like it over the whole (small) menu are
    offered, eight when eight are asked for."""
    index = index_of(each_with("Болантік", 10, 5000) + FILLER[:300])
    assert len(index.targets) < 2000
    found = [c.product_id for c in index.search("Аболантік")]
    assert len(found) == 8 and set(found) <= set(range(5000, 5010))


def test_a_typos_nearest_word_on_exactly_60_products_finds_its_products_on_its_own() -> None:
    """ "болантік" is on 60 products (not too common to find products by alone: that is more than
    60), one of them "Зумбо болантік"; "зумбо" is on 71. For "Зумбо аболантік" the names most like it
    among the products of "болантік" are offered, "Зумбо болантік" first."""
    index = index_of(
        two_thousand(
            each_with("Зумбо", 70, 5000) + each_with("Болантік", 59, 5100), [product(101, "Зумбо болантік", 80)]
        )
    )
    assert len(index.targets) == 2000
    found = offered(index, "Зумбо аболантік")
    assert found[0] == 101
    assert len(found) == 5 and set(found[1:]) <= set(range(5100, 5159))


def test_a_typos_nearest_word_on_all_2000_products_is_read_for_names_like_it() -> None:
    """Every product of the menu is "Болантік" and a word of its own: 2,000 products, not too many to
    read for the names most like "Аболантік" (more than 2,000 would be)."""
    index = index_of(each_with("Болантік", 2000, 5000))
    found = offered(index, "Аболантік")
    assert len(found) == 5 and set(found) <= set(range(5000, 7000))


def test_on_a_big_menu_a_product_found_by_a_common_word_alone_is_not_offered_beside_the_right_one() -> None:
    """ "зумбо" is on 40 products, "гармаш" on one, "Зумбо гармаш". Each product the common word alone
    finds weighs ln(2001 / 40.5) + 0.3 = 4.2 against 4.2 + ln(2001 / 1.5) + 0.3 = 11.7 for the one with
    both (36%): on a big menu, under 40% of the best, it is not scored, so one product is offered."""
    index = index_of(two_thousand(each_with("Зумбо", 39, 5000) + [product(100, "Зумбо гармаш", 80)]))
    assert len(index.targets) == 2000
    assert offered(index, "Зумбо гармаш") == [100]


def test_on_a_big_menu_a_product_weighing_exactly_the_floor_is_offered() -> None:
    """Neither word of "Зумка гарбата" is on the menu of 2,001 products: each weighs
    u = ln(2002 / 0.5) + 0.3. "Зумкабо гарбіч" begins like both (half of u for each) and shares
    "зум" (a quarter more): 1.25u. "Гарбуз" begins like "гарбата" only (half of u; "гар" begins 183
    names, too many to walk): 0.5u, exactly 40% of 1.25u, the big menu's floor, so it is offered."""
    head = [product(1, "Зумкабо гарбіч", 80), product(2, "Гарбуз", 80)]
    head += [product(100 + n, f"Гарнір {name}", 40) for n, name in enumerate(NAMES[2000:2181])]
    index = index_of(two_thousand(head) + [product(9999, "Чай", 40)])
    assert len(index.targets) == 2001
    assert sorted(offered(index, "Зумка гарбата")) == [1, 2]
