"""A brand written as its initials on the site is read as the brand words of the menu."""

from __future__ import annotations

from typing import Any

from poster_cli.catalogue import CatalogueItem
from poster_cli.matching import MatchOptions, MenuIndex, match_items
from poster_cli.menu import MenuSnapshot


def product(pid: int, name: str, price: int, category: str) -> dict[str, Any]:
    return {
        "product_id": str(pid),
        "product_name": name,
        "category_name": category,
        "hidden": "0",
        "type": "3",
        "spots": [{"spot_id": "1", "price": str(price * 100), "visible": "1"}],
    }


def results(menu: list[dict[str, Any]], *names: str, **options: Any) -> dict[str, Any]:
    index = MenuIndex.from_products(MenuSnapshot(raw={"products": menu}).products.values(), 1)
    items = [CatalogueItem(str(n), name, 12000) for n, name in enumerate(names)]
    return {r.item.name: r for r in match_items(items, index, MatchOptions(**options))}


BAR = [
    product(1, "Johnnie Walker Black Label", 150, "Віскі"),
    product(2, "Johnnie Walker Red Label", 160, "Віскі"),
    product(3, "Jameson", 130, "Віскі"),
]


def test_a_brand_written_as_its_initials_is_read_as_the_menus_brand() -> None:
    found = results(BAR, "JW Black Label", "JW Label")
    r = found["JW Black Label"]
    assert r.accepted is not None and r.accepted.name == "Johnnie Walker Black Label"
    assert found["JW Label"].accepted is None  # black or red: a person says


SHOP = [
    product(1, "Вода мінеральна", 30, "Вода"),  # no Latin capital: no brand in it
    product(2, "Johnnie Walker Black Label, 0,7 л", 1500, "Віскі"),
    product(3, "Johnnie Walker Red Label, 0,7 л", 1100, "Віскі"),
    product(4, "Jack Daniel's honey, 0,7 л", 1300, "Віскі"),  # a brand of exactly two words
    product(5, "Mount Gay Eclipse ром, 0,7 л", 1200, "Ром"),  # three words, three initials
    product(6, "Zubrowka Zlota горілка, 0,5 л", 400, "Горілка"),  # the only capital letters are Z
]


def test_brands_are_found_in_names_with_cyrillic_words_in_them() -> None:
    found = results(SHOP, "JW Black Label 0,7", "JD honey 0,7", "MGE rum 0,7", "ZZ vodka 0,5")
    assert {name: r.accepted.product_id if r.accepted else None for name, r in found.items()} == {
        "JW Black Label 0,7": 2,
        "JD honey 0,7": 4,
        "MGE rum 0,7": 5,
        "ZZ vodka 0,5": 6,
    }


def test_initials_after_the_brands_other_words_are_read_too() -> None:
    [r] = results(SHOP, "Black Label JW 0,7").values()
    assert r.accepted is not None and r.accepted.product_id == 2


def linked(menu: list[dict[str, Any]], *names: str) -> dict[str, int | None]:
    return {name: r.accepted.product_id if r.accepted else None for name, r in results(menu, *names).items()}


def test_a_brand_whose_only_latin_capitals_are_a_is_found_in_a_cyrillic_name() -> None:
    menu = [
        product(1, "Коньяк Ararat Akhtamar, 0,5 л", 1500, "Коньяк"),
        product(2, "Коньяк Ararat 5*, 0,5 л", 900, "Коньяк"),
        product(3, "Коньяк Шустов, 0,5 л", 700, "Коньяк"),
    ]
    assert linked(menu, "AA коньяк 0,5") == {"AA коньяк 0,5": 1}


def test_a_capitalised_phrase_that_reads_as_one_word_is_no_brand_of_two() -> None:
    """ "Wild Boar" reads as one word (кабан): it is no two-word brand "WB", so the one two-word
    brand with those initials, "Wolf Blass", is the one "WB" stands for."""
    menu = [
        product(1, "Wolf Blass Cabernet, 0,75 л", 900, "Вино"),
        product(2, "Wild Boar Burger", 200, "Бургери"),
        product(3, "Shiraz Jacob's Creek, 0,75 л", 800, "Вино"),
    ]
    assert linked(menu, "WB Cabernet 0,75") == {"WB Cabernet 0,75": 1}


def test_initials_of_words_the_menu_has_only_inside_a_phrase_are_read_as_written() -> None:
    """In "Wild Boar Burger" the capitalised "Boar Burger" has the initials of "BB", but "boar" is
    no word of the menu's names ("Wild Boar" reads as кабан): "BB burger" is read as written, both
    burgers offered, neither taken (and no crash)."""
    menu = [product(1, "Wild Boar Burger", 200, "Бургери"), product(2, "Бургер класичний", 150, "Бургери")]
    [r] = results(menu, "BB burger").values()
    assert (sorted(c.product_id for c in r.candidates), r.accepted) == ([1, 2], None)


def test_initials_are_a_brand_only_when_a_product_of_the_brand_shares_another_word() -> None:
    """No Jack Daniel's product has "honey" in its name (the cocktail "Honey Daniel's Sour" does, but
    it is no Jack Daniel's): "JD Honey" is not read as "Jack Daniel's honey", and only the cocktail,
    which has the word, is offered."""
    menu = [product(1, "Jack Daniel's, 0,7 л", 1500, "Віскі"), product(2, "Honey Daniel's Sour", 250, "Коктейлі")]
    [r] = results(menu, "JD Honey").values()
    assert [c.product_id for c in r.candidates] == [2]


def offered(menu: list[dict[str, Any]], name: str) -> tuple[list[int], int | None]:
    [r] = results(menu, name).values()
    return [c.product_id for c in r.candidates], r.accepted.product_id if r.accepted else None


BREAKFAST = [
    product(1, "Чай Earl Grey", 45, "Чай"),  # "EG" normalises as "яйце" does
    product(2, "Англійський сніданок", 180, "Сніданки"),
    product(3, "Чай зелений", 45, "Чай"),
    product(4, "Бекон", 60, "Сніданки"),
]


def test_a_word_of_the_site_is_not_read_as_a_brands_initials() -> None:
    """A word of four letters or more is a word: "Яйце і чай" (egg and tea) is not "Earl Grey tea",
    although "EG" normalises as "яйце" does; nor is "Торт і кава" a "Caramel Almond Cream" coffee
    ("CAC" normalises as "торт")."""
    assert offered(BREAKFAST, "Яйце і чай") == ([3, 1], None)
    coffee = [
        product(1, "Кава Caramel Almond Cream", 75, "Кава"),
        product(2, "Кава американо", 120, "Кава"),  # the site price
        product(3, "Чізкейк", 90, "Десерти"),
    ]
    assert offered(coffee, "Торт і кава") == ([2, 1], None)


def test_a_word_the_menu_has_is_not_read_as_a_brands_initials() -> None:
    """ "сік" is no menu word, so initials are looked for in "Яйце, чай, сік"; but "яйце" is a word of
    the menu ("Яйце пашот"): it stays the egg, not Earl Grey."""
    menu = [*BREAKFAST, product(5, "Яйце пашот", 50, "Сніданки")]
    assert offered(menu, "Яйце, чай, сік") == ([5, 3, 1], None)
