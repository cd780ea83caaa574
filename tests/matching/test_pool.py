"""Which products are offered for a site name: only a few are scored in full (the pool), found by
the name's words, their beginnings, pairs of common words, the menu's nearest words, names that look
alike. Whatever the pool leaves out must not be better than what it offers: the scores offered are
checked against every product of the menu scored one by one (a full scan), on a menu of 2,914
products (the big-menu paths) and one of 982 (the small-menu ones)."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import pytest

from poster_cli.catalogue import CatalogueItem
from poster_cli.matching import MatchOptions, MenuIndex, normalise
from poster_cli.menu import MenuSnapshot
from tests.support.matching import product

DISHES = ["Піца", "Салат", "Суп", "Паста", "Бургер", "Млинці", "Вареники", "Рол", "Омлет", "Торт"]
EXTRAS = ["курка", "гриби", "сир", "шинка", "бекон", "томат", "шпинат", "цибуля", "часник", "лосось"]
EXTRAS += ["креветки", "картопля", "яйце", "рис", "банан", "вишня", "полуниця", "шоколад", "мед", "кокос"]
EXTRAS += ["мигдаль", "ваніль", "апельсин", "лимон"]
SYLLABLES = ["ба", "ве", "ги", "до", "жу", "зо", "ка", "ле", "ми", "но", "пу", "ро", "си", "ту", "фа", "хи"]
NAMES = [a + b + "н" for a in SYLLABLES for b in SYLLABLES]  # made-up words, each on one product


def menu(dishes: list[str]) -> list[dict[str, Any]]:
    """Each dish with every two of 24 extras (each word then on hundreds of products), and drinks
    whose first word is on 60 (kisil), 61 (kompot) or 30 (mors) products."""
    raw = [
        product(pid, f"{dish} {a} {b}", 100 + pid % 300, category=dish)
        for pid, (dish, (a, b)) in enumerate(((d, pair) for d in dishes for pair in combinations(EXTRAS, 2)), 1)
    ]
    drinks = [f"Кисіль {w}" for w in NAMES[:60]] + [f"Компот {w}" for w in NAMES[60:121]]
    drinks += [f"Морс {w}" for w in NAMES[121:151]]
    raw += [product(5001 + n, name, 100, category="Напої") for n, name in enumerate(drinks)]
    raw += [product(9001, "Омлет", 90, category="Сніданки"), product(9002, "Пельмені", 120, category="Гаряче")]
    raw += [product(9003, "Ром Бакарді", 80, category="Бар")]
    return raw


def index_of(raw: list[dict[str, Any]]) -> MenuIndex:
    return MenuIndex.from_products(MenuSnapshot(raw={"products": raw}).products.values(), 1)


BIG_MENU, SMALL_MENU = menu(DISHES), menu(["Піца", "Суп", "Торт"])


def on(index: MenuIndex, word: str) -> int:
    [token] = normalise(word).tokens
    return sum(token in t.norm.tokens for t in index.targets)


def test_the_menus_words_are_on_as_many_products_as_the_tests_say() -> None:
    big, small = index_of(BIG_MENU), index_of(SMALL_MENU)
    assert (len(big.targets), len(small.targets)) == (2914, 982)
    assert [on(big, w) for w in ("Кисіль", "Компот", "Морс", "Піца", "Омлет", "курка")] == [60, 61, 30, 276, 277, 230]
    assert [on(small, w) for w in ("Піца", "курка")] == [276, 69]


def offered(index: MenuIndex, name: str) -> list[float]:
    return [c.score for c in index.candidates(CatalogueItem("q", name), MatchOptions(top=5))]


def best_scores(index: MenuIndex, name: str, n: int) -> list[float]:
    """The ``n`` best scores over every product of the menu, each scored on its own."""
    item, norm, no_category = CatalogueItem("q", name), normalise(name), normalise("")
    every = [index.score(item, norm, no_category, t)[0] for t in index.targets]
    return sorted((round(min(100.0, max(0.0, s)), 1) for s in every), reverse=True)[:n]


# (site name, how many candidates are offered): the rest score far below the best
BIG = [
    ("Mushroom chicken pizza", 1),  # every word on hundreds of products: the products with all three
    ("Pizza chicken", 5),
    ("Pancakes banana honey chocolate", 5),  # four common words: two pairs of them narrow it
    ("Omlette mushrooms", 5),  # a word the menu lacks read as its nearest word
    ("Pitsa kruka hryby", 5),  # a typo in every word
    ("Amlet", 1),  # misspelt from its first letter: the names most like it among omelettes
    ("Pelmini", 1),  # found by its first four letters
    ("Rom", 1),  # a word of three letters
    ("Soup", 0),  # one word on 276 products says too little to offer any
    ("Сир шинка", 5),
    ("Кисіль бадон", 1),  # a word on 60 products (still searched) and a word on one
    ("Курка", 5),
    ("Омлет Qqzz", 5),  # a common word and a word like no other: the names most like it
    ("Піца курка гриби шинка", 5),
    ("Суп курка рис томат", 5),
    ("Бургер бекон сир", 1),
    ("Торт вишня шоколад", 1),
    ("Торт вишня", 5),
    ("Soup chicken rice", 1),
    ("Pizza Qqzz", 5),
    ("Tort vyshnia", 5),
    ("Pica kurka", 5),
    ("Sup kurka rys tomat", 5),
    ("Kysil badon", 1),
    ("Rom Bakardi", 1),
    ("Tort cherry chocolate strawberry", 5),
    ("Pizza chicken mushrooms ham bacon", 5),
    ("Піца Омлет курка", 5),  # no product has two dishes: the products with two of the three words
    ("Омлет курка", 5),
    ("Pelmeni", 1),
    ("Rom Bacardi 0,5", 1),
    ("Морсик", 5),  # only the first three letters are the menu's (mor): offered, scored 0
]
SMALL = [
    ("Mushroom chicken pizza", 3),
    ("Pizza chicken", 5),
    ("Pancakes banana honey chocolate", 5),
    ("Omlette mushrooms", 1),
    ("Amlet", 2),  # no word found anything: the names most like it over the whole (small) menu
    ("Pelmini", 1),
    ("Rom", 1),
    ("Soup", 0),
    ("Сир шинка", 5),
    ("Курка", 5),  # a word on 69 products: too common to search by alone, not too common to walk
    ("Омлет Qqzz", 1),
    ("Піца курка гриби шинка", 5),
    ("Суп курка рис томат", 5),
    ("Бургер бекон сир", 3),
    ("Торт вишня шоколад", 3),
    ("Торт вишня", 5),
    ("Soup chicken rice", 3),
    ("Pizza Qqzz", 5),
    ("Tort vyshnia", 5),
    ("Pica kurka", 5),
    ("Sup kurka rys tomat", 5),
    ("Rom Bakardi", 1),
    ("Tort cherry chocolate strawberry", 5),
    ("Pizza chicken mushrooms ham bacon", 5),
    ("Піца Омлет", 1),
    ("Піца Омлет курка", 1),
    ("Омлет курка", 1),
    ("Pelmeni", 1),
    ("Морсик", 5),
]


def left_out(index: MenuIndex, cases: list[tuple[str, int]]) -> list[tuple[str, list[float], list[float]]]:
    """The cases where the number offered is not the one expected, or a product left out scores
    above one offered: (name, offered scores, the best scores of the full scan)."""
    wrong = []
    for name, count in cases:
        scores = offered(index, name)
        if len(scores) != count or scores != best_scores(index, name, count):
            wrong.append((name, scores, best_scores(index, name, max(count, len(scores)))))
    return wrong


# Each test builds its index: what an index is built with is part of what it checks.
def test_on_a_big_menu_nothing_left_out_scores_above_what_is_offered() -> None:
    assert left_out(index_of(BIG_MENU), BIG) == []


def test_on_a_small_menu_nothing_left_out_scores_above_what_is_offered() -> None:
    assert left_out(index_of(SMALL_MENU), SMALL) == []


def test_a_code_with_letters_finds_its_product_in_any_case() -> None:
    """Poster keeps a barcode and a product code as written; a site may write them in other case.
    The site's names here are like no product's: only the code finds it."""
    coded = product(7, "Сік апельсиновий", 60, category="Напої", barcode="AB12X")
    coded["product_code"] = "Sku-7q"
    index = index_of([coded, product(8, "Вода", 30, category="Напої")])
    for item in (CatalogueItem("1", "Qwopt", barcode="ab12x"), CatalogueItem("SKU-7Q", "Zzyzx")):
        [best] = index.candidates(item, MatchOptions())
        assert (best.product_id, best.reason) == (7, "same barcode/code")


def test_search_offers_as_many_as_asked_of_the_products_it_finds() -> None:
    pizzas = [product(pid, f"Піца {name}", 150, category="Піца") for pid, name in enumerate(NAMES[:30], start=1)]
    index = index_of(pizzas + [product(99, "Суп", 80, category="Супи")])
    assert sorted(c.product_id for c in index.search("піца", limit=30)) == list(range(1, 31))
    assert len(index.search("піца", limit=12)) == 12


@pytest.mark.parametrize("before", [20, 24, 30])
def test_search_offers_the_product_named_exactly_so_first_however_many_alike_come_before_it(before: int) -> None:
    """Pizzas come before the plain "Піца" on the menu, more than the 24 the search weighs: all
    are found alike by the word, and the plain one, with no other word, is still offered first."""
    pizzas = [product(pid, f"Піца {name}", 150, category="Піца") for pid, name in enumerate(NAMES[:before], start=1)]
    index = index_of(pizzas + [product(50, "Піца", 150, category="Піца")])
    assert [c.product_id for c in index.search("піца")][:1] == [50]


def test_on_a_big_menu_the_product_with_all_four_common_words_of_a_name_is_found_by_them() -> None:
    """Every word of "Піца курка гриби шинка" is on hundreds of products, and one product has all
    four: it is found by the products having pairs of them, and offered alone (the next score 78)."""
    index = index_of(BIG_MENU + [product(9100, "Піца курка гриби шинка", 150, category="Піца")])
    for name in ("Піца курка гриби шинка", "Pizza chicken mushrooms ham"):
        found = index.candidates(CatalogueItem("q", name), MatchOptions(top=5))
        assert [(c.product_id, c.score) for c in found] == [(9100, 90.0)]
        assert best_scores(index, name, 2) == [90.0, 78.0]


def test_a_name_of_two_words_that_thousands_of_products_share_is_not_searched_but_its_rare_word_is() -> None:
    """2,001 products are "Кава лате" and a made-up word: the pair of common words is on more than
    2,000 products, too many to read for an answer, so "Кава лате" alone is offered nothing (the
    work per item stays bounded), while a name with its rare word finds its one product."""
    words = [a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES][:2001]
    index = index_of([product(n, f"Кава лате {w}", 60, category="Кава") for n, w in enumerate(words, start=1)])
    assert index.candidates(CatalogueItem("q", "Кава лате"), MatchOptions()) == []
    name = f"Кава лате {words[1500]}"
    [best, *_] = index.candidates(CatalogueItem("q", name), MatchOptions())
    assert (normalise(best.name), best.score) == (normalise(name), 90.0)  # (two made-up words may read alike)


def test_search_finds_nothing_by_a_code_it_was_not_given() -> None:
    """The ``/`` search looks names up: a product whose barcode is "XXXX" is not offered for a
    name that is not like its own."""
    index = index_of([product(1, "Лате", 60), product(2, "Вода", 20, category="Напої", barcode="XXXX")])
    assert [c.product_id for c in index.search("Лате")] == [1]


def test_a_product_with_all_four_common_words_is_offered_without_those_having_three() -> None:
    """ "Піца", "курка", "гриби" and "шинка" are each on more than 180 products (too common to walk);
    the pairs of them with "шинка" are on 6 products each, the other pairs on 2: products 1 (all four
    words) and 2 (all but "шинка"). The pool holds the products having every word: product 1 alone."""
    raw = [product(1, "Піца курка гриби шинка", 150), product(2, "Піца курка гриби", 150)]
    words = iter(a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES)  # made-up, one product each
    pid = 1000
    for word in ("Піца", "курка", "гриби", "шинка"):
        raw += [product(pid + n, f"{word} {next(words)}", 100) for n in range(181)]
        pid += 181
    for word in ("Піца", "курка", "гриби"):
        raw += [product(pid + n, f"{word} шинка {next(words)}", 100) for n in range(5)]
        pid += 5
    index = index_of(raw)
    assert [on(index, w) for w in ("Піца", "курка", "гриби", "шинка")] == [188, 188, 188, 197]
    for name in ("Піца курка гриби шинка", "Pizza chicken mushrooms ham"):
        assert [c.product_id for c in index.candidates(CatalogueItem("q", name), MatchOptions())] == [1]


def test_a_word_of_four_letters_finds_the_longer_words_it_begins() -> None:
    """ "Сік апел." (a shortened "апельсиновий"): "Сік" is on 15 products and "апел" on none, but it
    begins "апельсиновий", the 15th juice on the menu: that one is offered."""
    juices = ["яблучний", "томатний", "вишневий", "морквяний", "виноградний", "ананасовий", "грейпфрутовий"]
    juices += ["гранатовий", "персиковий", "березовий", "мультифрукт", "лимонний", "банановий", "малиновий"]
    raw = [product(n, f"Сік {juice}", 50, category="Соки") for n, juice in enumerate(juices, 1)]
    index = index_of(raw + [product(20, "Сік апельсиновий", 50, category="Соки"), product(21, "Вода", 20)])
    assert [c.product_id for c in index.candidates(CatalogueItem("q", "Сік апел."), MatchOptions())][:1] == [20]


def test_a_word_on_exactly_60_products_still_finds_products_on_its_own() -> None:
    """ "Кисіль" is on 60 of 1,500 products (more than 60 would be too common to find products by),
    "гармаш" on one, "Кисіль гармаш". Each other kisil weighs ln(1501 / 60.5) + 0.3 = 3.5 against
    3.5 + ln(1501 / 1.5) + 0.3 = 10.7 for "Кисіль гармаш" (33%, over the small menu's 30%): after it,
    other kisils are offered."""
    words = iter(a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES)  # made-up, one product each
    raw = [product(1, "Кисіль гармаш", 40, category="Напої")]
    raw += [product(2 + n, f"Кисіль {next(words)}", 40, category="Напої") for n in range(59)]
    raw += [product(100 + n, f"Ф{next(words)}", 50, category="Інше") for n in range(1440)]
    index = index_of(raw)
    assert (len(index.targets), on(index, "Кисіль")) == (1500, 60)
    found = [c.product_id for c in index.candidates(CatalogueItem("q", "Кисіль гармаш"), MatchOptions())]
    assert found[0] == 1 and len(found) == 5 and set(found[1:]) <= set(range(2, 61))


def pizzas_and_chicken(with_mushrooms: int) -> MenuIndex:
    """3 products "Піца курка ...", ``with_mushrooms`` "Піца гриби ...", 400 "Курка гриби ...":
    each word on hundreds of products (too many to walk), no product with all three."""
    words = iter(a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES)  # made-up, one product each
    raw = [product(1 + n, f"Піца курка {next(words)}", 150, category="Піца") for n in range(3)]
    raw += [product(100 + n, f"Піца гриби {next(words)}", 150, category="Піца") for n in range(with_mushrooms)]
    raw += [product(1000 + n, f"Курка гриби {next(words)}", 150, category="Гаряче") for n in range(400)]
    return index_of(raw)


def test_pairs_of_common_words_are_read_up_to_360_products_rarest_pair_first() -> None:
    """For "Піца курка гриби" the products having two of its words are read, the rarest pair first,
    360 products at most (twice the 180 a word is walked up to): 3 with pizza and chicken, then 357
    with pizza and mushrooms (360 in all), not the 400 with chicken and mushrooms. Chicken is the
    rarer word, so the three with it are offered first, then pizzas with mushrooms."""
    index = pizzas_and_chicken(357)
    found = [c.product_id for c in index.candidates(CatalogueItem("q", "Піца курка гриби"), MatchOptions())]
    assert sorted(found[:3]) == [1, 2, 3] and len(found) == 5 and set(found[3:]) <= set(range(100, 457))


def test_a_pair_of_common_words_past_the_budget_is_not_read_but_what_was_read_is_kept() -> None:
    """With 358 pizzas with mushrooms, the 3 + 358 products are more than 360: that pair is not read,
    and the three pizzas with chicken, read already, are what is offered."""
    index = pizzas_and_chicken(358)
    found = [c.product_id for c in index.candidates(CatalogueItem("q", "Піца курка гриби"), MatchOptions())]
    assert sorted(found) == [1, 2, 3]


def test_words_sharing_only_three_letters_weigh_a_quarter_of_the_word_they_share_them_with() -> None:
    """ "Зум" is on 5 of 50 products, and "Зумбо" (which begins with it) on 3. Searching "Зум": the
    five with the word weigh its weight and a quarter more for its first three letters; the three
    with "Зумбо" only that quarter (20% of the best, under the 30% floor): they are not offered."""
    words = iter(a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES)  # made-up, one product each
    raw = [product(1 + n, f"Зум {next(words)}", 50) for n in range(5)]
    raw += [product(10 + n, f"Зумбо {next(words)}", 50) for n in range(3)]
    raw += [product(100 + n, f"Ф{next(words)}", 50, category="Інше") for n in range(42)]
    index = index_of(raw)
    assert sorted(c.product_id for c in index.search("Зум")) == [1, 2, 3, 4, 5]


def test_pairs_of_common_words_on_exactly_2000_products_are_read_for_the_products_having_all() -> None:
    """Each pair of "Піца", "курка", "гриби" is on exactly 2,000 products (not more than 2,000: still
    read), and 100 of them have all three: those are offered for "Піца курка гриби"."""
    words = iter(a + b + c + d for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES for d in SYLLABLES)
    raw = [product(1 + n, f"Піца курка гриби {next(words)}", 150, category="Піца") for n in range(100)]
    for pid, pair in ((1000, "Піца курка"), (3000, "Піца гриби"), (5000, "Курка гриби")):
        raw += [product(pid + n, f"{pair} {next(words)}", 150, category="Піца") for n in range(1900)]
    index = index_of(raw)
    found = [c.product_id for c in index.candidates(CatalogueItem("q", "Піца курка гриби"), MatchOptions())]
    assert len(found) == 5 and set(found) <= set(range(1, 101))


def test_a_word_on_exactly_180_products_is_walked_for_the_products_it_finds() -> None:
    """ "Піца" is on exactly 180 of 580 products (more than 180 would be too many to walk), "курка" on
    400 (too many), two products have both. Each pizza weighs ln(581 / 180.5) + 0.3 = 1.5, and half
    again for its first four letters: 2.2; the two with both words 2.2 more for having every word of
    the name (1.5 + ln(581 / 400.5) + 0.3 = 0.7): 4.4. Pizzas weigh half of that, over the floor
    (30%): after the two, pizzas are offered."""
    words = iter(a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES)  # made-up, one product each
    raw = [product(1 + n, f"Піца курка {next(words)}", 150, category="Піца") for n in range(2)]
    raw += [product(100 + n, f"Піца {next(words)}", 150, category="Піца") for n in range(178)]
    raw += [product(1000 + n, f"Курка {next(words)}", 150, category="Гаряче") for n in range(398)]
    index = index_of(raw)
    assert [on(index, w) for w in ("Піца", "курка")] == [180, 400]
    found = [c.product_id for c in index.candidates(CatalogueItem("q", "Піца курка"), MatchOptions())]
    assert sorted(found[:2]) == [1, 2] and len(found) == 5 and set(found[2:]) <= set(range(100, 278))


def test_a_word_the_menu_lacks_finds_the_products_whose_words_share_its_first_three_letters() -> None:
    """ "Зумка" is no menu word, nor does any begin "зумк"; exactly 180 products begin "зум" (more
    would be too many to walk): those are offered (a word of theirs is 0.75 like it), although their
    whole names are too unlike it to be found as names that look alike."""
    words = iter(a + b + c + d for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES for d in SYLLABLES)
    raw = [product(1 + n, f"Зумбо {next(words)} {next(words)}", 50) for n in range(180)]
    raw += [product(1000 + n, f"Ф{next(words)}", 50, category="Інше") for n in range(100)]
    index = index_of(raw)
    found = [c.product_id for c in index.candidates(CatalogueItem("q", "Зумка"), MatchOptions())]
    assert len(found) == 5 and set(found) <= set(range(1, 181))


def test_a_word_of_four_letters_finds_the_180_products_whose_words_it_begins() -> None:
    """ "Зумка" (normalised to four letters) is no menu word; exactly 180 products have a word that
    begins with those four letters, "Зумкабо" (more would be too many to walk), and 181 one that
    begins with its first three (one "Зумбо" more: too many): the 180 are offered."""
    words = iter(a + b + c + d for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES for d in SYLLABLES)
    raw = [product(1 + n, f"Зумкабо {next(words)} {next(words)}", 50) for n in range(180)]
    raw += [product(500, "Зумбо", 50)] + [product(1000 + n, f"Ф{next(words)}", 50, category="Інше") for n in range(100)]
    index = index_of(raw)
    found = [c.product_id for c in index.candidates(CatalogueItem("q", "Зумка"), MatchOptions())]
    assert len(found) == 5 and set(found) <= set(range(1, 181))


def test_exactly_180_products_having_all_four_common_words_are_weighed() -> None:
    """ "Піца", "курка", "гриби", "шинка" are each on 900 products, each pair of them on 400 or 430
    (too many to read), and exactly 180 products have all four (more would be too many to weigh):
    those are offered for "Піца курка гриби шинка". Every name has six made-up words besides, so
    none looks enough like the site's to be found as a name that looks alike."""
    words = iter(a + b + c + d for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES for d in SYLLABLES)
    groups = [("Піца курка гриби шинка", 180), ("Піца курка", 220), ("Гриби шинка", 220)]
    groups += [("Піца гриби", 250), ("Піца шинка", 250), ("Курка гриби", 250), ("Курка шинка", 250)]
    raw, pid = [], 1
    for words_of_all, count in groups:
        for _ in range(count):
            raw.append(product(pid, " ".join([words_of_all, *(next(words) for _ in range(6))]), 150, category="Піца"))
            pid += 1
    index = index_of(raw)
    assert [on(index, w) for w in ("Піца", "курка", "гриби", "шинка")] == [900, 900, 900, 900]
    found = [c.product_id for c in index.candidates(CatalogueItem("q", "Піца курка гриби шинка"), MatchOptions())]
    assert len(found) == 5 and set(found) <= set(range(1, 181))


def test_when_the_words_found_as_many_as_are_scored_no_more_are_looked_for_by_three_letters() -> None:
    """ "Піца карпаччо" at 120: "карпаччо" is no menu word; "Піца" found 12 products, as many as are
    scored in full, so the products whose words only begin "кар" ("Карамель") are not looked for:
    they would weigh more than the pizzas (a quarter of a word the menu lacks against a word on 12
    of 13 products) and push the last pizza, the one at the site's price, out of the twelve."""
    words = iter(a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES)  # made-up, one product each
    raw = [product(1 + n, f"Піца {next(words)}", 150, category="Піца") for n in range(11)]
    raw += [product(12, f"Піца {next(words)}", 120, category="Піца"), product(50, "Карамель", 60, category="Десерти")]
    index = index_of(raw)
    found = [c.product_id for c in index.candidates(CatalogueItem("q", "Піца карпаччо", 12000), MatchOptions())]
    assert found[0] == 12


def test_the_products_of_the_rarest_pair_of_common_words_are_weighed_first() -> None:
    """ "Піца курка гриби" at 120, every word on 190 or more products (too many to walk), none with all
    three: the products having two of them are counted, the rarest pair first (20 pizzas with
    chicken, then 30 with mushrooms, then 40 chicken with mushrooms), and the first 24 counted are
    weighed. The pizzas with mushrooms weigh more ("курка" is the commoner word), so the first four
    of them lead the pool, but the rest of it is pizzas with chicken, among them the one at 120."""
    words = iter(a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES)  # made-up, one product each
    raw = [product(1 + n, f"Піца курка {next(words)}", 120 if n == 0 else 150, category="Піца") for n in range(20)]
    raw += [product(100 + n, f"Піца гриби {next(words)}", 150, category="Піца") for n in range(30)]
    raw += [product(200 + n, f"Курка гриби {next(words)}", 150, category="Піца") for n in range(40)]
    raw += [product(1000 + n, f"Піца {next(words)}", 150, category="Піца") for n in range(140)]
    raw += [product(2000 + n, f"Курка {next(words)}", 150, category="Піца") for n in range(200)]
    raw += [product(3000 + n, f"Гриби {next(words)}", 150, category="Піца") for n in range(120)]
    index = index_of(raw)
    assert [on(index, w) for w in ("Піца", "курка", "гриби")] == [190, 260, 190]
    found = [c.product_id for c in index.candidates(CatalogueItem("q", "Піца курка гриби", 12000), MatchOptions())]
    assert 1 in found


def test_search_scores_the_24_products_its_words_found_and_looks_no_further() -> None:
    """Searching "Суп гарбузовий" (eight results, so 24 products scored in full): "суп" finds the 24
    soups, the plain "Суп" the 24th and the most like it; "гарбузовий" is no menu word.
    Since 24 were found, the nine products whose words only begin "гар" (garnishes, hot chocolate)
    are not looked for: they would weigh more than the soups (a quarter of a word the menu lacks
    against a word on 24 of 33 products) and push the plain soup out of the 24."""
    words = iter(a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES)  # made-up, one product each
    raw = [product(1 + n, f"Суп {next(words)}", 80, category="Супи") for n in range(23)] + [
        product(24, "Суп", 80, category="Супи")
    ]
    raw += [product(100 + n, f"Гарнір {side}", 40, category="Гарніри") for n, side in enumerate(NAMES[:8])]
    index = index_of(raw + [product(200, "Гарячий шоколад", 60, category="Напої")])
    assert [c.product_id for c in index.search("Суп гарбузовий")][:1] == [24]


def test_names_that_look_alike_are_weighed_most_alike_first_not_shortest_first() -> None:
    """No word of "Зорбакс" is on the menu, nor its first three letters: the search weighs the 24
    names most like it. Thirty one-word names (корбал, торбан, ...) are like it; "Дорбакс л", of two
    words, is the most like it, and is offered first."""
    decoys = [c + "орба" + d for c in "ктп" for d in "лнмвгпрфцб"]
    index = index_of(
        [product(n, name.capitalize(), 100) for n, name in enumerate(decoys, start=1)] + [product(99, "Дорбакс л", 100)]
    )
    assert [c.product_id for c in index.search("Зорбакс")][:1] == [99]
