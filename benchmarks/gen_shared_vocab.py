"""Shared-vocabulary menus: names that are random combinations of common menu words.

Harder for retrieval than a real café: every word is shared by hundreds of products, so no single
word finds the right one (what a chain's or a shop's menu of similar items looks like). The Poster
side is Ukrainian: a dish word, one to three ingredient or flavour words, sometimes a style word
and a size; a fifth of the products have two size modifications. The site side names the same
thing noisily: each word translated to English, transliterated, or left as it is; the extra words
shuffled; the size written otherwise; now and then upper-case or with a typo. A tenth of the site
items name a combination the menu does not have (they must stay unmatched).

Writes ``menu.json`` (a ``menu.getProducts`` answer), ``site.csv`` and ``labels.json`` (site id ->
product id, ``[product id, modificator id]`` for a size modification, or null) to FOLDER.

Run: python benchmarks/gen_shared_vocab.py N FOLDER [SEED]
"""

from __future__ import annotations

import csv
import json
import random
import sys
from pathlib import Path

DISHES = [
    ("Піца", "pizza"),
    ("Салат", "salad"),
    ("Суп", "soup"),
    ("Паста", "pasta"),
    ("Бургер", "burger"),
    ("Сендвіч", "sandwich"),
    ("Млинці", "pancakes"),
    ("Вареники", "dumplings"),
    ("Ролл", "roll"),
    ("Боул", "bowl"),
    ("Омлет", "omelette"),
    ("Різотто", "risotto"),
    ("Лимонад", "lemonade"),
    ("Чай", "tea"),
    ("Смузі", "smoothie"),
    ("Морозиво", "ice cream"),
    ("Торт", "cake"),
    ("Пиріг", "pie"),
    ("Сік", "juice"),
    ("Коктейль", "cocktail"),
]
INGREDIENTS = [
    ("курка", "chicken"),
    ("яловичина", "beef"),
    ("свинина", "pork"),
    ("качка", "duck"),
    ("індичка", "turkey"),
    ("лосось", "salmon"),
    ("тунець", "tuna"),
    ("креветки", "shrimp"),
    ("гриби", "mushrooms"),
    ("сир", "cheese"),
    ("картопля", "potato"),
    ("бекон", "bacon"),
    ("шинка", "ham"),
    ("томат", "tomato"),
    ("огірок", "cucumber"),
    ("цибуля", "onion"),
    ("часник", "garlic"),
    ("шпинат", "spinach"),
    ("рукола", "arugula"),
    ("песто", "pesto"),
    ("рис", "rice"),
    ("яйце", "egg"),
    ("лимон", "lemon"),
    ("апельсин", "orange"),
    ("яблуко", "apple"),
    ("вишня", "cherry"),
    ("полуниця", "strawberry"),
    ("малина", "raspberry"),
    ("банан", "banana"),
    ("шоколад", "chocolate"),
    ("ваніль", "vanilla"),
    ("карамель", "caramel"),
    ("кокос", "coconut"),
    ("мигдаль", "almond"),
    ("м'ята", "mint"),
    ("імбир", "ginger"),
    ("мед", "honey"),
    ("гарбуз", "pumpkin"),
    ("баклажан", "eggplant"),
    ("авокадо", "avocado"),
]
STYLES = [
    ("гострий", "spicy"),
    ("копчений", "smoked"),
    ("домашній", "homemade"),
    ("класичний", "classic"),
    ("вегетаріанський", "vegetarian"),
    ("гарячий", "hot"),
    ("холодний", "cold"),
    ("дитячий", "kids"),
]
SIZES = [("0,5 л", "500ml"), ("250 мл", "0.25 l"), ("300 г", "300g"), ("30 см", "30cm"), ("1 кг", "1000 g")]
TRANSLIT = dict(
    zip(
        "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя'",
        "a b v h g d e ie zh z y i i i k l m n o p r s t u f kh ts ch sh shch _ iu ia _".split(),
    )
)


def latin(text: str) -> str:
    return "".join(TRANSLIT.get(ch, ch) for ch in text.lower()).replace("_", "")


def typo(rng: random.Random, text: str) -> str:
    if len(text) < 6:
        return text
    k = rng.randrange(1, len(text) - 1)
    return text[:k] + text[k + 1] + text[k] + text[k + 2 :]  # two letters swapped


def site_word(rng: random.Random, uk: str, en: str) -> str:
    roll = rng.random()
    word = en if roll < 0.55 else latin(uk) if roll < 0.85 else uk
    return typo(rng, word) if rng.random() < 0.03 else word


def combination(rng: random.Random) -> tuple[int, tuple[int, ...], int | None, int | None]:
    dish = rng.randrange(len(DISHES))
    extras = tuple(sorted(rng.sample(range(len(INGREDIENTS)), rng.choice((1, 2, 2, 3)))))
    style = rng.randrange(len(STYLES)) if rng.random() < 0.3 else None
    size = rng.randrange(len(SIZES)) if rng.random() < 0.5 else None
    return dish, extras, style, size


def poster_name(combo: tuple[int, tuple[int, ...], int | None, int | None]) -> str:
    dish, extras, style, size = combo
    words = ([STYLES[style][0]] if style is not None else []) + [DISHES[dish][0]]
    words += [INGREDIENTS[i][0] for i in extras]
    if size is not None:
        words.append(SIZES[size][0])
    return " ".join(words)


def site_name(rng: random.Random, combo: tuple[int, tuple[int, ...], int | None, int | None], mod: str = "") -> str:
    dish, extras, style, size = combo
    parts = [site_word(rng, *INGREDIENTS[i]) for i in extras]
    rng.shuffle(parts)
    head = site_word(rng, *DISHES[dish])
    words = parts + [head] if rng.random() < 0.5 else [head] + parts
    if style is not None:
        words.insert(0, site_word(rng, *STYLES[style]))
    if size is not None:
        words.append(SIZES[size][1])
    if mod:
        words.append(mod)
    name = " ".join(words)
    return name.upper() if rng.random() < 0.08 else name.capitalize()


def generate(n: int, folder: Path, seed: int = 16) -> None:
    rng = random.Random(seed)
    combos: dict[tuple[int, tuple[int, ...], int | None, int | None], int] = {}
    while len(combos) < n:
        combos.setdefault(combination(rng), len(combos) + 1)
    products, rows, labels = [], [], {}
    for combo, pid in combos.items():
        dish = combo[0]
        raw: dict[str, object] = {
            "product_id": str(pid),
            "product_name": poster_name(combo),
            "category_id": str(dish + 1),
            "category_name": DISHES[dish][0],
            "type": "3",
            "hidden": "0",
            "barcode": "",
            "product_code": "",
            "spots": [{"spot_id": "1", "price": str(rng.randint(40, 600) * 100), "visible": "1"}],
        }
        sid = f"S{pid:06d}"
        if pid % 5 == 0 and combo[3] is None:  # two sizes as modifications; the site sells one of them
            which = rng.randrange(2)
            raw["modifications"] = [
                {
                    "modificator_id": str(pid * 10 + k),
                    "modificator_name": size,
                    "spots": [{"spot_id": "1", "price": str((k + 2) * 5000), "visible": "1"}],
                }
                for k, size in enumerate(("350 мл", "450 мл"))  # sizes no product name has
            ]
            del raw["spots"]
            rows.append([sid, site_name(rng, combo, ("350ml", "0.45 l")[which]), DISHES[dish][1], ""])
            labels[sid] = [pid, pid * 10 + which]
        else:
            spots = raw["spots"]
            assert isinstance(spots, list)
            price = int(spots[0]["price"]) // 100 if rng.random() < 0.7 else ""
            rows.append([sid, site_name(rng, combo), DISHES[dish][1], str(price)])
            labels[sid] = pid
        products.append(raw)
    kinds = {combo[:2] for combo in combos}
    for k in range(n // 10):  # names of a dish with ingredients the menu never puts together
        combo = combination(rng)
        if combo[:2] in kinds:
            continue
        sid = f"X{k:06d}"
        rows.append([sid, site_name(rng, combo), DISHES[combo[0]][1], ""])
        labels[sid] = None
    rng.shuffle(rows)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "menu.json").write_text(json.dumps({"response": products}, ensure_ascii=False), encoding="utf-8")
    with open(folder / "site.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["id", "name", "category", "price"])
        writer.writerows(rows)
    (folder / "labels.json").write_text(json.dumps(labels), encoding="utf-8")


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    generate(int(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 16)


if __name__ == "__main__":
    main()
