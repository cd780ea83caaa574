"""Matching speed at scale: 10,000 site items against 10,000 Poster products.

Generates a shop-sized menu (Ukrainian names built from invented brand words, flavours and sizes,
a fifth of the products with size modifications) and a site catalogue naming the same things the
way sites do (transliterated, English flavours, sizes written differently, some items missing),
writes both to a temporary folder, then times what ``poster-cli match`` does end to end: read
the CSV, load the snapshot, build the index, match, assign, write the mapping. The baseline is a
rapidfuzz ``extractOne``/``WRatio`` loop over the same targets, timed on a sample and scaled.
Peak memory is measured in a second run under tracemalloc (which slows code down).

The match is timed REPEAT times (default 5; other processes on the machine make single runs
noisy): best and median wall time, and CPU time including the forked matching workers. Then the
whole command, as a user runs it (`poster-cli --no-input match site.csv --menu menu.json
--mapping m.toml --spot 1`, a new Python process each time: start-up and imports included), is
timed REPEAT times too, and again over the mapping it wrote (a re-run, as after a menu change).

Run: /work/venv/bin/python benchmarks/match_speed.py [N] [REPEAT]
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from rapidfuzz import fuzz, process

from poster_cli.mapping import Mapping, save_mapping
from poster_cli.mapping_sync import load_for_match, run_match
from poster_cli.matching import MatchOptions
from poster_cli.matching.engine import gc_paused
from poster_cli.matching.normalize import clear_caches

CONSONANTS = "бвгдзклмнпрстфхцчш"
VOWELS = "аеиоуія"
KINDS = [
    ("Сік", "juice"),
    ("Чай", "tea"),
    ("Кава", "coffee"),
    ("Морозиво", "ice cream"),
    ("Шоколад", "chocolate"),
    ("Вода", "water"),
    ("Пиво", "beer"),
    ("Сир", "cheese"),
    ("Ковбаса", "sausage"),
    ("Хліб", "bread"),
    ("Печиво", "cookies"),
    ("Соус", "sauce"),
    ("Йогурт", "yogurt"),
    ("Молоко", "milk"),
    ("Торт", "cake"),
]
FLAVOURS = [
    ("яблучний", "apple"),
    ("вишневий", "cherry"),
    ("полуничний", "strawberry"),
    ("ванільний", "vanilla"),
    ("шоколадний", "chocolate"),
    ("кокосовий", "coconut"),
    ("лимонний", "lemon"),
    ("мигдальний", "almond"),
    ("класичний", "classic"),
    ("гострий", "spicy"),
    ("копчений", "smoked"),
    ("зелений", "green"),
    ("", ""),
]
SIZES = [("0,5 л", "500ml"), ("1 л", "1L"), ("250 мл", "0.25 l"), ("200 г", "200g"), ("1 кг", "1000 g"), ("", "")]
TRANSLIT = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "д": "d",
    "е": "e",
    "з": "z",
    "и": "y",
    "і": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "я": "ia",
}


def word(rng: random.Random) -> str:
    return "".join(rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(rng.randint(2, 4))).capitalize()


def latin(text: str) -> str:
    return "".join(TRANSLIT.get(ch.lower(), ch) for ch in text).capitalize()


def generate(n: int, folder: Path, seed: int = 7) -> tuple[Path, Path, list[str], list[str]]:
    rng = random.Random(seed)
    brands = sorted({word(rng) for _ in range(n)})  # sorted: the same data whatever the hash seed
    products, site_rows, poster_names, site_names = [], [], [], []
    for pid in range(1, n + 1):
        kind, kind_en = rng.choice(KINDS)
        flavour, flavour_en = rng.choice(FLAVOURS)
        brand = rng.choice(brands)
        size, size_en = rng.choice(SIZES)
        name = " ".join(x for x in (kind, brand, flavour, size) if x)
        raw = {
            "product_id": str(pid),
            "product_name": name,
            "category_name": kind,
            "type": "3",
            "hidden": "0",
            "barcode": "",
            "product_code": "",
            "spots": [{"spot_id": "1", "price": str(rng.randint(20, 900) * 100), "visible": "1"}],
        }
        if pid % 5 == 0:  # sizes as modifications
            raw["modifications"] = [
                {
                    "modificator_id": str(pid * 10 + i),
                    "modificator_name": s,
                    "spots": [{"spot_id": "1", "price": str((i + 2) * 2500), "visible": "1"}],
                }
                for i, s in enumerate(("250 мл", "400 мл"))
            ]
            del raw["spots"]
        products.append(raw)
        poster_names.append(name)
        site = " ".join(x for x in (latin(brand), flavour_en, kind_en, size_en) if x)
        if rng.random() < 0.1:
            site = site.upper()
        site_rows.append((f"S{pid:05d}", site, kind_en, ""))
        site_names.append(site)
    rng.shuffle(site_rows)
    menu = folder / "menu.json"
    menu.write_text(json.dumps({"response": products}, ensure_ascii=False), encoding="utf-8")
    cat = folder / "site.csv"
    with open(cat, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["id", "name", "category", "price"])
        w.writerows(site_rows[:n])
    return menu, cat, poster_names, site_names


def run(menu: Path, cat: Path, out: Path) -> tuple[int, int, int, dict[str, float]]:
    """What ``poster-cli match`` does, stage by stage (wall seconds per stage)."""
    stages: dict[str, float] = {}
    clear_caches()  # each run starts as cold as a new `poster-cli match` process
    t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        stages[name], t = now - t, now

    with gc_paused(freeze=True):  # as `poster-cli match` does
        items, _, _, index = load_for_match(cat, None, menu, 1)  # the catalogue is read meanwhile, by a worker
        lap("load snapshot, build index")
        mapping = Mapping()
        results = run_match(items, index, mapping, MatchOptions())
        lap("match")
    save_mapping(mapping, out)
    lap("write mapping")
    accepted = [r.accepted for r in results if r.accepted is not None]
    wrong = sum(1 for r in results if r.accepted is not None and r.accepted.product_id != int(r.item.local_id[1:]))
    return len(results), len(accepted), wrong, stages  # site item S00042 is product 42


def command(cat: Path, menu: Path, mapping_file: Path) -> float:
    """Wall time of `poster-cli --no-input match` in a new process."""
    argv = [
        sys.executable,
        "-m",
        "poster_cli",
        "--no-input",
        "match",
        str(cat),
        "--menu",
        str(menu),
        "--mapping",
        str(mapping_file),
        "--spot",
        "1",
    ]
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode not in (0, 3):  # 3: some items are left to review
        sys.exit(f"poster-cli match failed ({done.returncode}): {done.stderr.strip()}")
    return time.perf_counter() - started


def cpu_seconds() -> float:
    """User + system time of this process and of its finished children (the matching workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        menu, cat, poster_names, site_names = generate(n, folder)
        walls, cpus, splits = [], [], []
        for k in range(repeat):
            started, cpu = time.perf_counter(), cpu_seconds()
            matched, auto, wrong, stages = run(menu, cat, folder / f"mapping{k}.toml")
            walls.append(time.perf_counter() - started)
            cpus.append(cpu_seconds() - cpu)
            splits.append(stages)

        sample = site_names[:: max(1, n // 200)][:200]
        t0 = time.process_time()
        for name in sample:
            process.extractOne(name, poster_names, scorer=fuzz.WRatio, score_cutoff=85)
        baseline = (time.process_time() - t0) / len(sample) * n

        commands = [command(cat, menu, folder / f"cli-mapping{k}.toml") for k in range(repeat)]
        reruns = [command(cat, menu, folder / "cli-mapping0.toml") for _ in range(repeat)]

        tracemalloc.start()
        run(menu, cat, folder / "mapping-traced.toml")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        child_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    best = min(range(repeat), key=walls.__getitem__)
    print(f"{n} site items x {n} products ({matched} matched, {auto} accepted automatically, {wrong} of them wrong)")
    print(
        f"match end to end, {repeat} runs: best {walls[best]:.2f} s wall, median {statistics.median(walls):.2f} s wall; "
        f"CPU best {min(cpus):.2f} s, median {statistics.median(cpus):.2f} s (incl. workers; load average now {os.getloadavg()[0]:.1f})"
    )
    print("best run by stage: " + ", ".join(f"{k} {v:.2f} s" for k, v in splits[best].items()))
    print(
        f"the whole command (new process each time), {repeat} runs: best {min(commands):.2f} s, "
        f"median {statistics.median(commands):.2f} s, worst {max(commands):.2f} s wall"
    )
    print(
        f"the same, run again over its own mapping (every auto link re-evaluated), {repeat} runs: best "
        f"{min(reruns):.2f} s, median {statistics.median(reruns):.2f} s, worst {max(reruns):.2f} s wall"
    )
    print(f"baseline extractOne/WRatio loop: {baseline:.1f} s CPU (timed on {len(sample)} items, scaled to {n})")
    print(f"speed-up: {baseline / min(cpus):.0f}x (CPU time, best run)")
    print(
        f"peak memory: {peak / 2**20:.0f} MB traced (tracemalloc), max RSS {maxrss_mb:.0f} MB (a matching worker: {child_rss_mb:.0f} MB)"
    )


if __name__ == "__main__":
    main()
