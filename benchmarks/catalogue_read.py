"""Catalogue reading speed: 10,000 products in each format the readers know.

Builds a 10,000-product Poster menu (a third of the products with two size modifications, so
about 13,300 sellable variants), writes it with ``menu export``'s writers in every format
(CSV, JSON, Shopify CSV, WooCommerce CSV, Tilda CSV, YML, XLSX), and adds the two JSON formats
the exporter does not write (Shopify ``products.json``, WooCommerce REST JSON) built from the
same products. Then times ``read_catalogue`` on each file REPEAT times (default 5): median wall
time and median CPU time (``time.process_time``), and the item count read.

Targets (issue 12): ≤ 1 s per format, ≤ 3 s for XLSX.

Run: .venv/bin/python benchmarks/catalogue_read.py [PRODUCTS] [REPEAT]
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from poster_cli.catalogue import read_catalogue
from poster_cli.export import export_menu
from poster_cli.menu import MenuSnapshot

WORDS = ["Лате", "Капучино", "Чай", "Лимонад", "Сирник", "Круасан", "Боул", "Салат", "Суп", "Паста", "Піца", "Торт"]
FLAVOURS = ["ванільний", "карамельний", "з медом", "з ягодами", "класичний", "пряний", "з м'ятою", "шоколадний"]


def snapshot(n: int) -> MenuSnapshot:
    products = []
    for pid in range(1, n + 1):
        name = f"{WORDS[pid % len(WORDS)]} {FLAVOURS[pid % len(FLAVOURS)]} №{pid}"
        raw: dict[str, object] = {
            "product_id": str(pid),
            "product_name": name,
            "menu_category_id": str(pid % 20 + 1),
            "type": "3",
            "hidden": "0",
        }
        if pid % 3 == 0:
            raw["modifications"] = [
                {
                    "modificator_id": str(pid * 10 + k),
                    "modificator_name": size,
                    "spots": [{"spot_id": "1", "price": str(5000 + pid % 700 * 10 + k * 1500), "visible": "1"}],
                }
                for k, size in enumerate(("250 мл", "400 мл"))
            ]
        else:
            raw["spots"] = [{"spot_id": "1", "price": str(4000 + pid % 900 * 10), "visible": "1"}]
        products.append(raw)
    categories = [{"category_id": str(c), "category_name": f"Розділ {c}", "parent_category": "0"} for c in range(1, 21)]
    return MenuSnapshot(
        raw={
            "products": products,
            "categories": categories,
            "spots": [{"spot_id": "1", "spot_name": "Кав'ярня"}],
            "currency": {"currency_code_iso": "UAH"},
        }
    )


def platform_json(items: list[dict[str, object]], folder: Path) -> dict[str, Path]:
    """Shopify products.json and WooCommerce REST JSON with the exported items as variants."""
    by_product: dict[object, list[dict[str, object]]] = {}
    for item in items:
        by_product.setdefault(item["poster_product_id"], []).append(item)
    shopify = {"products": []}
    woo: list[dict[str, object]] = []
    for pid, variants in by_product.items():
        title = str(variants[0]["name"]).rsplit(" ", 2)[0] if len(variants) > 1 else variants[0]["name"]
        options = [str(v["name"])[len(str(title)) :].strip() or "Default Title" for v in variants]
        shopify["products"].append(
            {
                "id": pid,
                "title": title,
                "product_type": variants[0]["category"],
                "variants": [
                    {"id": int(str(pid)) * 100 + k, "sku": v["id"], "price": v["price"], "option1": o}
                    for k, (v, o) in enumerate(zip(variants, options))
                ],
            }
        )
        cats = [{"id": 1, "name": variants[0]["category"]}]
        if len(variants) == 1:
            woo.append(
                {
                    "id": pid,
                    "type": "simple",
                    "name": title,
                    "sku": variants[0]["id"],
                    "price": variants[0]["price"],
                    "categories": cats,
                }
            )
        else:
            woo.append(
                {
                    "id": pid,
                    "type": "variable",
                    "name": title,
                    "sku": f"V{pid}",
                    "categories": cats,
                    "variations": [
                        {
                            "id": int(str(pid)) * 100 + k,
                            "sku": v["id"],
                            "price": v["price"],
                            "attributes": [{"name": "Size", "option": o}],
                        }
                        for k, (v, o) in enumerate(zip(variants, options))
                    ],
                }
            )
    paths = {"shopify products.json": folder / "products.json", "woocommerce REST json": folder / "woo.json"}
    paths["shopify products.json"].write_text(json.dumps(shopify, ensure_ascii=False), encoding="utf-8")
    paths["woocommerce REST json"].write_text(json.dumps(woo, ensure_ascii=False), encoding="utf-8")
    return paths


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    snap = snapshot(n)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files: dict[str, Path] = {}
        for fmt in ("csv", "json", "shopify", "woocommerce", "tilda", "yml", "xlsx"):
            path = folder / f"menu-{fmt}"
            path.write_bytes(export_menu(snap, fmt, spot_id=1).data)
            files[fmt] = path
        items = json.loads(files["json"].read_text(encoding="utf-8"))["items"]
        files.update(platform_json(items, folder))
        print(f"{n} products, {len(items)} sellable variants; median of {repeat} runs")
        print(f"{'format':24} {'items':>7} {'wall s':>8} {'cpu s':>8} {'MB':>6}")
        for name, path in files.items():
            walls, cpus = [], []
            count = 0
            for _ in range(repeat):
                w, c = time.perf_counter(), time.process_time()
                count = len(read_catalogue(path))
                walls.append(time.perf_counter() - w)
                cpus.append(time.process_time() - c)
            size = path.stat().st_size / 2**20
            print(f"{name:24} {count:>7} {statistics.median(walls):>8.3f} {statistics.median(cpus):>8.3f} {size:>6.1f}")


if __name__ == "__main__":
    main()
