"""Candidate retrieval: the same answer in every process, and names of common words still found
on a big menu whose words are all shared by hundreds of products."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from itertools import combinations
from typing import Any

from poster_cli.catalogue import CatalogueItem
from poster_cli.matching import MatchOptions, MenuIndex, match_items
from poster_cli.menu import MenuSnapshot


def product(pid: int, name: str, price: int, category: str = "Меню") -> dict[str, Any]:
    return {
        "product_id": str(pid),
        "product_name": name,
        "category_name": category,
        "hidden": "0",
        "type": "3",
        "spots": [{"spot_id": "1", "price": str(price * 100), "visible": "1"}],
    }


# Two words, each on as many targets as the other: which neighbours are offered after the right
# one depended on the order Python happened to keep a set of the two words in.
RANK_IN_A_NEW_PROCESS = """
import json, sys
from poster_cli.catalogue import CatalogueItem
from poster_cli.matching import MatchOptions, MenuIndex
from poster_cli.menu import MenuSnapshot
snapshot = MenuSnapshot(raw={"products": json.loads(sys.argv[1])})
index = MenuIndex.from_products(snapshot.products.values(), 1)
print(json.dumps([c.name for c in index.candidates(CatalogueItem("1", "Tuna sushi"), MatchOptions(top=12))]))
"""


def test_the_same_catalogue_gets_the_same_candidates_in_every_run() -> None:
    fish = ["Тунець", "Лосось", "Вугор", "Креветка", "Окунь", "Кальмар", "Восьминіг", "Гребінець", "Ікра", "Скумбрія"]
    dishes = ["Рол", "Сашимі", "Салат", "Поке", "Суп", "Тартар", "Гункан", "Темпура", "Онігірі"]
    products = [product(1, "Суші тунець", 90)]
    products += [product(10 + i, f"Суші {f.lower()}", 80) for i, f in enumerate(fish[1:])]
    products += [product(30 + i, f"{d} тунець", 120) for i, d in enumerate(dishes)]
    seen = set()
    for seed in ("1", "2", "3", "4", "5", "6"):
        done = subprocess.run(
            [sys.executable, "-c", RANK_IN_A_NEW_PROCESS, json.dumps(products, ensure_ascii=False)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=60,
            check=True,
        )
        seen.add(done.stdout)
    assert len(seen) == 1, seen
    assert json.loads(seen.pop())[0] == "Суші тунець"


DISHES = ["Піца", "Салат", "Суп", "Паста", "Бургер", "Млинці", "Вареники", "Рол", "Омлет", "Торт"]
EXTRAS = ["курка", "гриби", "сир", "шинка", "бекон", "томат", "шпинат", "цибуля", "часник", "лосось"]
EXTRAS += ["креветки", "картопля", "яйце", "рис", "банан", "вишня", "полуниця", "шоколад", "мед", "кокос"]
EXTRAS += ["мигдаль", "ваніль", "апельсин", "лимон"]


def shared_vocabulary_menu(*more: dict[str, Any]) -> MenuIndex:
    """2,760 products, every one a dish and two of 24 extras: each word is on 230-280 of them."""
    raw = [
        product(pid, f"{dish} {a} {b}", 100 + pid % 300, category=dish)
        for pid, (dish, (a, b)) in enumerate(((d, pair) for d in DISHES for pair in combinations(EXTRAS, 2)), 1)
    ]
    raw += more
    snapshot = MenuSnapshot(raw={"products": raw})
    return MenuIndex.from_products(snapshot.products.values(), 1)


def test_a_name_made_only_of_common_words_finds_its_product_on_a_big_menu() -> None:
    index = shared_vocabulary_menu()
    assert len(index.targets) > 2000
    items = [
        CatalogueItem("1", "Mushroom chicken pizza"),  # every word on hundreds of products
        CatalogueItem("2", "Pancakes banana honey"),
        CatalogueItem("3", "Dumplings cherry"),  # one extra word missing: offered, not taken
    ]
    results = {r.item.local_id: r for r in match_items(items, index, MatchOptions())}
    assert results["1"].accepted is not None and results["1"].accepted.name == "Піца курка гриби"
    assert results["2"].accepted is not None and results["2"].accepted.name == "Млинці банан мед"
    assert results["3"].accepted is None
    assert all("Вареники" in c.name and "вишня" in c.name for c in results["3"].candidates[:3])


def test_a_misspelt_or_unknown_word_is_read_as_the_menus_nearest_word_on_a_big_menu() -> None:
    index = shared_vocabulary_menu()
    items = [
        CatalogueItem("1", "Omlette mushrooms"),  # neither a menu word nor a vocabulary word
        CatalogueItem("2", "Pitsa kruka hryby"),  # a typo
    ]
    results = {r.item.local_id: r for r in match_items(items, index, MatchOptions())}
    assert [c.name for c in results["1"].candidates[:3]] and all(
        c.name.startswith("Омлет") and "гриби" in c.name for c in results["1"].candidates[:3]
    )
    assert results["2"].candidates[0].name == "Піца курка гриби"


def test_a_lone_misspelt_word_finds_the_names_most_like_it_among_its_nearest_words_products() -> None:
    """One word, misspelt from its first letter ("Amlet"): no word or beginning of a word finds
    anything, so its nearest menu word ("омлет") narrows the big menu, and among those products the
    names most like it are offered, the plain omelette first."""
    index = shared_vocabulary_menu(product(9001, "Омлет", 90, category="Сніданки"))
    [r] = match_items([CatalogueItem("1", "Amlet")], index, MatchOptions())
    assert r.candidates and r.candidates[0].product_id == 9001
    assert all("Омлет" in c.name for c in r.candidates)
    [none] = match_items([CatalogueItem("2", "Qqzzx")], index, MatchOptions())
    assert none.candidates == [] and none.note == "no candidate"
