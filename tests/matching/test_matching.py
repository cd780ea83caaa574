"""The matching engine: each normalisation rule, sizes, scoring evidence, one-to-one assignment."""

from __future__ import annotations

import os
from typing import Any

import pytest

from poster_cli.catalogue import CatalogueItem
from poster_cli.matching import MatchOptions, MenuIndex, match_items, normalise
from poster_cli.matching.engine import rank_all
from poster_cli.matching.normalize import normalise_pair
from poster_cli.menu import MenuSnapshot
from tests.support.matching import CAFE, product


def key(name: str) -> tuple[str, ...]:
    return tuple(sorted(normalise(name).tokens))


@pytest.mark.parametrize(
    "a, b",
    [
        ("ЛАТЕ", "latte"),  # case, transliteration Cyrillic -> Latin
        ("Капучіно", "Cappuccino"),  # a spelling variant, not a different item
        ("Капучино", "капучіно"),  # Russian and Ukrainian spelling
        ("«Наполеон»", '"Napoleon"'),  # quotes of every kind
        ("Чізкейк 🍰", "Cheesecake"),  # emoji
        ("Лате NEW!", "хіт Лате"),  # marketing noise
        ("Еспресо-тонік", "espresso tonic"),  # punctuation
        ("Чай чорний", "Black tea"),  # general menu vocabulary, any word order
        ("Вареники з картоплею", "Dumplings with potatoes"),  # inflection and plural endings
        ("Гамбургер", "Hamburger"),  # г/h
        ("Морозиво", "ice cream"),  # a phrase
        ("Брауні", "Brownie"),  # English ow / ie spelled the Cyrillic way
        ("Брю", "brew"),  # ew is ю
        ("Салямі", "Salami"),  # a soft vowel after a consonant
        ("Картопля", "Kartoplia"),  # ... in Cyrillic and in a Latin transliteration alike
        ("Ньокі", "Gnocchi"),  # Italian gn and cch
        ("Лазанья", "Lasagna"),  # s and z are one letter
        ("Сметана", "sour cream"),  # a two-word phrase of the vocabulary
        ("Лісовий горіх", "hazelnut"),
        ("Какао", "cocoa"),  # a vocabulary word as written wins over a stem shared with кокос
    ],
)
def test_names_that_mean_the_same_normalise_alike(a: str, b: str) -> None:
    assert key(a) == key(b)


@pytest.mark.parametrize(
    "text, sizes",
    [
        ("Сік 0,5 л", {"ml": 500}),
        ("Juice 500 мл", {"ml": 500}),
        ("Juice 500ml", {"ml": 500}),
        ("Juice 0.5L", {"ml": 500}),
        ("Water 0,5", {"ml": 500}),
        ("Піца 30 см", {"cm": 30}),
        ("Pizza 30cm", {"cm": 30}),
        ("Рол 8 шт.", {"pcs": 8}),
        ("Roll 8 pcs", {"pcs": 8}),
        ("Сир 1 кг", {"g": 1000}),
        ("Cheese 1000 g", {"g": 1000}),
        ("Set 1200 г", {"g": 1200}),
    ],
)
def test_sizes_and_units_become_one_form(text: str, sizes: dict[str, int]) -> None:
    assert normalise(text).sizes == sizes


@pytest.mark.parametrize(
    "text, letter",
    [
        ("Latte L", "L"),
        ("Latte (S)", "S"),
        ("Лате XL", "XL"),
        ("Великий лате", "L"),
        ("Small latte", "S"),
        ("Latte_M", "M"),
    ],
)
def test_size_letters_are_kept_apart_from_the_name(text: str, letter: str) -> None:
    n = normalise(text)
    assert n.letter == letter and n.tokens == normalise("latte").tokens


def test_negation_is_not_a_spelling_variant() -> None:
    assert key("Вода газована") != key("Вода негазована")


@pytest.mark.parametrize("a, b", [("Cocoa", "Coconut"), ("Mocha", "Mochi"), ("Ribs", "Fish"), ("Bun", "Roll")])
def test_vocabulary_words_that_share_a_stem_stay_apart(a: str, b: str) -> None:
    assert key(a) != key(b)


def test_every_vocabulary_word_means_its_own_concept() -> None:
    from poster_cli.matching.vocabulary import CONCEPTS

    for line in CONCEPTS.splitlines():
        words = line.split()
        assert {normalise(w).tokens for w in words} == {normalise(words[0]).tokens}, line


def test_words_in_parentheses_are_a_gloss() -> None:
    n = normalise("Medovyk (cake with honey) 0,5 kg")  # ("honey cake" is one word now: медовик)
    assert n.tokens == normalise("medovyk cake with honey").tokens and n.sizes == {"g": 500}
    assert n.glossed == frozenset(normalise("cake with honey").tokens)
    assert normalise("Latte (oat").glossed == frozenset(normalise("oat").tokens)  # left open


def test_spellings_that_cross_alphabets() -> None:
    same = [
        ("Пхалі", "Pkhali"),  # п + х is not ф
        ("Аджарулі", "Adjaruli"),  # Latin dj is дж
        ("мороженое", "мороженым"),  # a Russian neuter adjective and its inflection
        ("Heineken 0.0", "Heineken безалкогольне"),  # 0.0 is the alcohol-free one
        ("Hennessy V.S", "Hennessy VS"),
        ("Macallan 12 y.o.", "Macallan 12 років"),  # letters with dots are one word
        ("Rib-eye", "Рибай"),
    ]  # a hyphenated phrase on its own
    for a, b in same:
        assert normalise(a).tokens == normalise(b).tokens, (a, b)
    assert normalise("Схід").tokens != normalise("Шід").tokens  # с + х is not ш
    assert normalise("Latte 0.5").sizes == {"ml": 500} and normalise("Латте 0.5").tokens == normalise("Latte").tokens


def test_accented_latin_letters_are_their_plain_letters() -> None:
    assert normalise("Piña Colada").tokens == normalise("Пина колада").tokens
    assert normalise("Jägermeister").tokens == normalise("Jagermeister").tokens
    assert normalise("Crème brûlée").tokens == normalise("Creme brulee").tokens


def test_a_long_shared_word_does_not_make_different_dishes_one() -> None:
    menu = MenuSnapshot(raw={"products": [product(1, "Рис з морепродуктами", 269), product(2, "Панакота", 95)]})
    index = MenuIndex.from_products(menu.products.values(), 1)
    soba, panna = match_items(
        [CatalogueItem("s", "Soba with seafood", 26900), CatalogueItem("p", "Panna cotta")], index
    )
    assert accepted(soba) is None  # "soba" is not "рис", however long "seafood" is
    assert accepted(panna) == (2, None, ())  # words cut differently still meet


def test_a_serving_size_the_menu_does_not_name_is_not_taken_on_trust() -> None:
    menu = MenuSnapshot(raw={"products": [product(1, "Апероль шприц", 190)]})
    [pitcher] = match_items(
        [CatalogueItem("p", "Aperol Spritz pitcher")], MenuIndex.from_products(menu.products.values(), 1)
    )
    [glass] = match_items([CatalogueItem("g", "Aperol Spritz")], MenuIndex.from_products(menu.products.values(), 1))
    assert accepted(glass) == (1, None, ())
    assert accepted(pitcher) is None and pitcher.best is not None and "size L not on the menu" in pitcher.best.reason


def test_a_lone_letter_that_is_not_a_size_costs_nothing() -> None:
    menu = MenuSnapshot(
        raw={
            "products": [
                product(1, "Чай з лимоном", 45),
                product(2, "Jack Daniels", 90),
                product(3, "Картопля фрі", 60),
                product(4, "Вареники з вишнею", 110),
            ]
        }
    )
    index = MenuIndex.from_products(menu.products.values(), 1)
    names = {
        "c": "Chai s limonom",
        "j1": "Jack Daniel‘s",
        "j2": "Jack Daniel´s",
        "f": "Картопля фрі regular",
        "v": "Vareniki s vishnei",
    }
    r = {
        x.item.local_id: x
        for x in match_items([CatalogueItem(k, v) for k, v in names.items()], index, MatchOptions(allow_shared=True))
    }
    assert accepted(r["c"]) == (1, None, ())  # Russian "с" written in Latin, not size S
    assert accepted(r["j1"]) == accepted(r["j2"]) == (2, None, ())  # apostrophes of other kinds
    assert accepted(r["f"]) == (3, None, ())  # a "regular" portion of a one-size item is that item
    assert accepted(r["v"]) == (4, None, ())


def test_on_a_small_menu_a_weakly_found_target_is_still_offered() -> None:
    menu = MenuSnapshot(
        raw={
            "products": [
                product(1, "Шардоне Резерв", 120),
                product(2, "Вино біле сухе", 90),
                product(3, "Совіньйон Блан", 110),
            ]
        }
    )
    [r] = match_items(
        [CatalogueItem("w", "Вино біле сухе Sauvignon Blanc")], MenuIndex.from_products(menu.products.values(), 1)
    )
    assert 3 in [c.product_id for c in r.candidates[:3]]


def test_a_product_and_its_modification_read_as_one_name() -> None:
    for product_name, modification in [
        ("Лате", "400 мл"),
        ("Піца Маргарита 30 см", "40 см"),
        ("Чай (зелений)", "L"),
        ("Лимонад", "Маракуя 0,5 л"),
        ("Medovyk (honey cake)", "honey"),
        ("Кава 250", "мл"),
        ("Морозиво ice", "cream"),
        ("Лате", "– з сиропом карамель"),
        ("Вода", ""),
    ]:
        assert normalise_pair(product_name, modification) == normalise(f"{product_name} {modification}"), (
            product_name,
            modification,
        )


def test_a_spaced_dash_before_an_explanation_is_a_gloss() -> None:
    n = normalise("Lobiani – bean-stuffed bread")
    assert n.glossed == frozenset(normalise("bean stuffed bread").tokens)
    assert normalise("Elarji — fried cornmeal balls").glossed == frozenset(normalise("fried cornmeal balls").tokens)
    assert normalise("Піца - Маргарита").glossed == frozenset()  # one word after it: a name written so
    assert normalise("Хачапурі – по-аджарськи").glossed == frozenset()  # one hyphenated word is one word
    assert normalise("Кава з молоком - Раф лавандовий").glossed == frozenset()  # a hyphen joins two names as often
    assert normalise("Хот-дог класичний").glossed == frozenset()  # a hyphen inside a word is not a dash
    menu = MenuSnapshot(raw={"products": [product(1, "Лобіані", 120), product(2, "Хліб шоті", 30)]})
    glossed, plain = match_items(
        [CatalogueItem("g", "Lobiani – bean-stuffed bread"), CatalogueItem("p", "Lobiani bean-stuffed bread")],
        MenuIndex.from_products(menu.products.values(), 1),
    )
    assert glossed.best is not None and plain.best is not None and glossed.best.product_id == plain.best.product_id == 1
    assert glossed.best.score >= plain.best.score + 5  # the explanation counts less than the name


def run(*items: CatalogueItem, **options: Any) -> dict[str, Any]:
    index = MenuIndex.from_products(CAFE.products.values(), 1)
    return {r.item.local_id: r for r in match_items(list(items), index, MatchOptions(**options))}


def accepted(result: Any) -> tuple[int, int | None, tuple[tuple[int, int], ...]] | None:
    return result.accepted.key if result.accepted else None


def test_sizes_pick_the_modification_and_letters_follow_the_menus_own_order() -> None:
    r = run(
        CatalogueItem("a", "Latte 0.4 l"), CatalogueItem("b", "Latte S"), CatalogueItem("c", "Margherita 40cm", 25900)
    )
    assert accepted(r["a"]) == (1, 12, ())
    assert accepted(r["b"]) == (1, 11, ())
    assert accepted(r["c"]) == (5, None, ((52, 1),))


def test_a_size_conflict_is_never_accepted() -> None:
    r = run(CatalogueItem("x", "Latte 500 ml"), CatalogueItem("y", "Margherita 50 cm"))
    assert accepted(r["x"]) is None and accepted(r["y"]) is None
    assert "vs" in r["x"].candidates[0].reason  # the reason names the conflict


def test_no_size_with_two_sizes_on_the_menu_is_left_for_review_unless_the_price_says() -> None:
    r = run(CatalogueItem("p", "Latte"), CatalogueItem("q", "Latte", 5500))
    assert accepted(r["p"]) is None and r["p"].note
    assert {c.modificator_id for c in r["p"].candidates[:2]} == {11, 12}
    assert accepted(r["q"]) == (1, 11, ())


def test_confusable_neighbours() -> None:
    r = run(
        CatalogueItem("c1", "Cappuccino"),
        CatalogueItem("c2", "Coconut cappuccino"),
        CatalogueItem("c3", "Cappuccino oat milk"),
    )
    assert accepted(r["c1"]) == (2, None, ())
    assert accepted(r["c2"]) == (3, None, ())
    assert accepted(r["c3"]) is None  # not on the menu: neither cappuccino is right


def test_barcode_first_and_category_price_in_the_reason() -> None:
    r = run(
        CatalogueItem("w", "Mineral water", barcode="4820098749621"),
        CatalogueItem("t", "Black tea", 4500, category="Tea"),
    )
    assert accepted(r["w"]) == (6, None, ()) and r["w"].accepted.reason == "same barcode/code"
    assert "same price" in r["t"].accepted.reason and "same category" in r["t"].accepted.reason


def test_hidden_and_invisible_targets_are_offered_marked_but_not_accepted() -> None:
    r = run(CatalogueItem("h", "Cheesecake"), CatalogueItem("v", "Tiramisu"))
    assert accepted(r["h"]) is None and r["h"].candidates[0].hidden and "hidden" in r["h"].note
    assert accepted(r["v"]) is None and not r["v"].candidates[0].visible


def test_one_site_item_per_target_unless_shared() -> None:
    items = (CatalogueItem("1", "Black tea"), CatalogueItem("2", "Чай чорний"))
    r = run(*items)
    assert [accepted(r["1"]), accepted(r["2"])].count((4, None, ())) == 0  # a tie: nobody wins blindly
    assert all("claims the same target" in r[k].note for k in ("1", "2"))
    shared = run(*items, allow_shared=True)
    assert accepted(shared["1"]) == accepted(shared["2"]) == (4, None, ())


def test_a_clear_winner_takes_a_contested_target() -> None:
    r = run(CatalogueItem("1", "Чай чорний", 4500), CatalogueItem("2", "Black tea"))
    assert accepted(r["1"]) == (4, None, ()) and accepted(r["2"]) is None


def test_targets_taken_by_a_person_are_not_given_away() -> None:
    index = MenuIndex.from_products(CAFE.products.values(), 1)
    [r] = match_items([CatalogueItem("n", "Capuccino")], index, taken={(2, None, ()): "OLD"})
    assert r.accepted is None and "OLD" in r.note


def test_thresholds() -> None:
    strict = run(CatalogueItem("a", "Капучіно"), accept=100.0)
    assert accepted(strict["a"]) is None
    assert run(CatalogueItem("a", "Tiramisu"), review=99.0)["a"].candidates  # review only filters what is shown


def test_a_generic_word_is_said_by_the_section_but_a_dish_is_not() -> None:
    menu = MenuSnapshot(
        raw={
            "products": [
                product(1, "Наполеон", 110, category="Десерти"),
                product(2, "Тірамісу", 130, category="Десерти"),
                product(3, "Лате", 60),
            ]
        }
    )
    index = MenuIndex.from_products(menu.products.values(), 1)
    r = {
        x.item.local_id: x
        for x in match_items(
            [
                CatalogueItem("n", "Napoleon cake"),
                CatalogueItem("c", "Cheesecake", category="Desserts"),
                CatalogueItem("o", "Latte (oat milk)", 6000),
            ],
            index,
        )
    }
    assert accepted(r["n"]) == (1, None, ())  # "cake" is what "Десерти" holds
    assert accepted(r["c"]) is None  # a cheesecake is not any dessert
    assert accepted(r["o"]) is None  # a gloss counts less, but still counts: no plain latte for an oat one


def test_a_negation_prefix_is_not_any_ne() -> None:
    menu = MenuSnapshot(raw={"products": [product(1, "Неаполітана", 209, category="Піца")]})
    [r] = match_items([CatalogueItem("n", "Napoletana", 20900)], MenuIndex.from_products(menu.products.values(), 1))
    assert accepted(r) == (1, None, ())


def test_search_finds_menu_items_by_text() -> None:
    index = MenuIndex.from_products(CAFE.products.values(), 1)
    assert index.search("кокос")[0].product_id == 3


def test_big_jobs_split_between_processes_give_the_same_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    index = MenuIndex.from_products(CAFE.products.values(), 1)
    names = ["Latte 0.4 l", "Latte S", "Cappuccino", "Black tea", "Margherita 40cm", "Tiramisu", "Чізкейк", "Borjomi"]
    items = [CatalogueItem(str(i), n, 5500 if i % 2 else None) for i, n in enumerate(names)]
    alone = rank_all(items, index, MatchOptions(), workers=1)
    assert rank_all(items, index, MatchOptions(), workers=3) == alone

    parent, ranked = os.getpid(), MenuIndex.ranked

    def dies_in_a_worker(self: MenuIndex, item: CatalogueItem, options: MatchOptions) -> Any:
        if os.getpid() != parent:
            raise RuntimeError("worker lost")
        return ranked(self, item, options)

    monkeypatch.setattr(MenuIndex, "ranked", dies_in_a_worker)
    assert rank_all(items, index, MatchOptions(), workers=3) == alone  # this process makes up for lost workers


def test_a_common_word_still_tells_apart_the_targets_a_rare_one_found() -> None:
    kinds = [
        "Кава",
        "Чай",
        "Сік",
        "Вода",
        "Пиво",
        "Хліб",
        "Соус",
        "Торт",
        "Суп",
        "Салат",
        "Піца",
        "Рол",
        "Морозиво",
        "Йогурт",
    ]
    cheeses = [
        product(100 + i, f"Сир {brand}", 100, category="Сири") for i, brand in enumerate(f"Марка{i}" for i in range(70))
    ]
    menu = MenuSnapshot(
        raw={
            "products": [
                *(product(i, f"{k} Наху", 50) for i, k in enumerate(kinds, 1)),
                product(99, "Сир Наху", 120, category="Сири"),
                *cheeses,
            ]
        }
    )
    [r] = match_items([CatalogueItem("x", "Nakhu cheese")], MenuIndex.from_products(menu.products.values(), 1))
    assert r.best is not None and r.best.product_id == 99


@pytest.mark.parametrize(
    "a, b",
    [
        ("Lamb shashlik", "Шашлик з баранини"),  # meat: lamb / баранина, and the dish itself
        ("Chicken skewer", "Шашлик з курки"),  # skewer / шашлик
        ("Шашлик из ягненка", "Шашлык из баранины"),  # ягня and баранина, Ukrainian and Russian
        ("Trout steak", "Стейк з форелі"),  # fish: trout / форель, steak / стейк
        ("Grilled sea bass", "Морський окунь на мангалі"),  # phrases both sides, на мангалі is grilled
        ("Pike perch", "Судак"),
        ("Aubergine", "Баклажан"),
        ("Eggplant", "Баклажан"),
        ("Pork in a clay pot", "Свинина в горщику"),
        ("Steamed fish", "Риба на пару"),
        ("Вареники с творогом", "Вареники з сиром"),  # Ukrainian сир is also cottage cheese
        ("Pine nuts", "Кедрові горіхи"),
        ("Honey cake", "Медовик"),  # a well-known dish whose name is translated
        ("Whiskey sour", "Віскі сауер"),  # English spelling of a transliterated word
        ("Bloody Mary", "Кровавая Мэри"),
        ("Turkish coffee", "Кава по-східному"),
        ("Coffee in cezve", "Кава в турці"),
        ("Rosé wine", "Рожеве вино"),
        ("Sparkling wine", "Ігристе вино"),
        ("Cherry compote jug", "Компот вишневий (глечик)"),  # a jug is a serving size, not a word of the name
    ],
)
def test_translated_food_and_drink_words_meet(a: str, b: str) -> None:
    assert key(a) == key(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Sprite", "Spritz"),
        ("Lambrusco", "Lamb"),
        ("Striploin", "Chicken strips"),
        ("Carp", "Carpathian"),
        ("Butter", "Бутерброд"),
        ("Варенуха", "Варення"),
        ("Cornichons", "Corn"),
        ("Кукурудза", "Корнішони"),
        ("Rack of lamb", "Crayfish"),
    ],
)
def test_a_short_food_word_does_not_swallow_a_longer_one(a: str, b: str) -> None:
    assert key(a) != key(b)


def test_a_translated_name_finds_its_dish_among_neighbours() -> None:
    names = [
        "Шашлик зі свинини",
        "Шашлик з баранини",
        "Шашлик з курки",
        "Стейк з форелі",
        "Стейк з лосося",
        "Сібас на грилі",
        "Судак смажений",
        "Печінка куряча",
        "Язик яловичий",
        "Баклажани на мангалі",
    ]
    menu = MenuSnapshot(raw={"products": [product(i, n, 200, category="Гриль") for i, n in enumerate(names, 1)]})
    index = MenuIndex.from_products(menu.products.values(), 1)
    site = {
        "Lamb skewers": 2,
        "Trout steak": 4,
        "Grilled sea bass": 6,
        "Fried pike perch": 7,
        "Chicken liver": 8,
        "Beef tongue": 9,
        "Grilled eggplant": 10,
    }
    results = match_items([CatalogueItem(n, n) for n in site], index)
    assert {r.item.name: accepted(r) for r in results} == {n: (pid, None, ()) for n, pid in site.items()}


def test_a_standard_size_is_a_size_and_the_price_picks_it() -> None:
    menu = MenuSnapshot(
        raw={
            "products": [
                product(
                    1,
                    "Шаурма куриная",
                    None,
                    ((11, "Стандарт", 120), (12, "Большая", 150), (13, "XXL", 190)),
                    category="Шаурма",
                )
            ]
        }
    )
    index = MenuIndex.from_products(menu.products.values(), 1)
    plain, big = match_items(
        [CatalogueItem("p", "Шаурма з куркою", 12000), CatalogueItem("b", "Шаурма з куркою велика", 15000)], index
    )
    assert accepted(plain) == (1, 11, ())  # "Стандарт" no longer reads as a word the site left out
    assert accepted(big) == (1, 12, ())


def test_a_long_list_of_ingredients_counts_no_more_than_a_short_explanation() -> None:
    menu = MenuSnapshot(
        raw={
            "products": [
                product(1, "Поке з лососем", 290, category="Поке"),
                product(2, "Поке з тунцем", 310, category="Поке"),
            ]
        }
    )
    index = MenuIndex.from_products(menu.products.values(), 1)
    short, long = match_items(
        [
            CatalogueItem("s", "Salmon poke — rice, avocado"),
            CatalogueItem("l", "Salmon poke — rice, avocado, edamame, cucumber, sesame, nori"),
        ],
        index,
    )
    assert short.best is not None and long.best is not None and short.best.product_id == long.best.product_id == 1
    assert long.best.score >= short.best.score - 3


def test_water_with_and_without_gas_in_words() -> None:
    assert normalise("Вода Бон Буассон без газу").tokens == normalise("Вода Бон Буассон негазована").tokens
    assert normalise("Вода з газом").tokens == normalise("Вода газована").tokens
    assert normalise("Донер у булці").tokens == normalise("Донер в булке").tokens
