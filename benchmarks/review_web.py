"""The review page (`poster-cli review --web`): first paint and each decision saved, on a 500-item
and a 5,000-item catalogue.

Generates a menu and a site catalogue (the generator of ``match_speed.py``), matches them as
``match --no-input`` does and writes mapping.toml, then serves the review page on a loopback port
in this process, as the command does, and drives Debian's chromium (by path, headless) with
Playwright:

* first paint: the page's own ``performance`` mark when it has rendered the items, from the start
  of the navigation to the link with the one-time key (so: the key exchange and redirect, HTML,
  CSS, JS, the first page of items with candidates, and rendering); also the wall time the driver
  sees from ``page.goto`` to the focused item on screen, and the browser's first contentful paint.
  Each run is a new browser context (nothing cached); the very first load of the browser process
  is reported apart;
* a decision saved: ``POST /api/decide`` round trips over loopback (lock, compare-and-set, atomic
  write with fsync of mapping.toml); and in the browser, the key ``n`` until the page has the
  server's answer and focuses the next item (the file is checked afterwards);
* on 5,000 items also: the next page, a menu search, and a bulk-accept preview.

Figures are medians (and the worst) over REPEAT runs; the machine is shared, so the CPU time of
this process is printed too. Targets (issue 18): first paint <= 300 ms and a decision saved
<= 50 ms on 500 items; 5,000 items stay usable.

Run: .venv/bin/python benchmarks/review_web.py [REPEAT]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from match_speed import generate  # noqa: E402

from poster_cli.cli.review import build_state  # noqa: E402
from poster_cli.mapping import Mapping, save_mapping  # noqa: E402
from poster_cli.mapping_sync import load_for_match, run_match  # noqa: E402
from poster_cli.matching import MatchOptions  # noqa: E402
from poster_cli.review_web.app import Access, create_app  # noqa: E402
from poster_cli.serving import bind, serving_in_thread  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FIRST_N = 500
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def summary(name: str, values: list[float]) -> str:
    return f"{name}: median {ms(statistics.median(values))}, best {ms(min(values))}, worst {ms(max(values))} ({len(values)} runs)"


def cpu() -> float:
    t = os.times()
    return t.user + t.system


def prepare(n: int, folder: Path) -> tuple[Path, Path, Path, int]:
    menu, cat, _, _ = generate(n, folder)
    items, _, _, index = load_for_match(cat, None, menu, 1)
    mapping = Mapping()
    results = run_match(items, index, mapping, MatchOptions())
    # a catalogue as a person meets it: a fifth of the items left for a decision
    for k, r in enumerate(results):
        if k % 5 == 0:
            from poster_cli.mapping import MappingEntry

            mapping.set(MappingEntry(local_id=r.item.local_id, local_name=r.item.name, status="unmatched"))
    path = folder / "mapping.toml"
    save_mapping(mapping, path)
    waiting = sum(1 for e in mapping if e.status == "unmatched")
    return menu, cat, path, waiting


def status_of(path: Path, local_id: str) -> str:
    with open(path, "rb") as fh:
        return next(str(i["status"]) for i in tomllib.load(fh)["items"] if i["local_id"] == local_id)


def measure(n: int, repeat: int, browser: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        menu, cat, path, waiting = prepare(n, folder)
        started = time.perf_counter()
        state = build_state(cat, menu, path, 1, 40.0, False)
        built = time.perf_counter() - started
        print(f"\n{n} site items ({waiting} waiting for a decision); review state built in {ms(built)}")
        paints, marks, fcps, keys = [], [], [], []
        cold = None
        for run in range(repeat + 1):  # the first load also warms up the browser: reported apart
            sock = bind("127.0.0.1", 0)
            access = Access()
            app = create_app(state, folder, access=access, port=sock.getsockname()[1])
            with serving_in_thread(app, sock=sock) as base:
                ctx = browser.new_context(viewport={"width": 1100, "height": 800})
                page = ctx.new_page()
                t0 = time.perf_counter()
                page.goto(f"{base}/?key={access.key}", wait_until="commit")
                page.wait_for_selector(".item.focused .detail")
                wall = time.perf_counter() - t0
                mark = page.evaluate("performance.getEntriesByName('review-first-items')[0].startTime") / 1000
                fcp = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || 0")
                if run == 0 and cold is None and n == FIRST_N:
                    cold = (wall, mark)
                else:
                    paints.append(wall)
                    marks.append(mark)
                    fcps.append(fcp / 1000)
                first = page.get_attribute(".item.focused", "data-id")
                t0 = time.perf_counter()
                page.keyboard.press("n")
                # the page moves on only after the server answered, i.e. after the file was written
                page.wait_for_selector(f'.item.focused:not([data-id="{first}"])')
                if run > 0 or n != FIRST_N:
                    keys.append(time.perf_counter() - t0)
                assert status_of(path, first) == "ignored"
                ctx.close()
        if cold is not None:
            print(f"first load in a just-started browser: {ms(cold[0])} wall, {ms(cold[1])} by the page's mark")
        print(summary("first paint, the page's own mark (link opened -> items with candidates rendered)", marks))
        print(summary("  wall time seen by the test (goto with the key -> focused item on screen)", paints))
        print(summary("  first contentful paint (browser's paint timing)", fcps))
        print(summary("key 'n' in the browser -> file holds it and the next item is focused", keys))

        sock = bind("127.0.0.1", 0)
        access = Access()
        app = create_app(state, folder, access=access, port=sock.getsockname()[1])
        with serving_in_thread(app, sock=sock) as base, httpx.Client(base_url=base, timeout=30) as client:
            client.get("/", params={"key": access.key})
            saves, pages, searches = [], [], []
            open_items = client.get("/api/items", params={"status": "unmatched", "size": 500}).json()["items"]
            c0 = cpu()
            for item in open_items[: 20 * repeat]:
                t0 = time.perf_counter()
                answer = client.post(
                    "/api/decide", json={"local_id": item["local_id"], "action": "none", "tag": item["tag"]}
                )
                saves.append(time.perf_counter() - t0)
                assert answer.status_code == 200, answer.text
            per_save_cpu = (cpu() - c0) / len(saves)
            assert status_of(path, open_items[0]["local_id"]) == "ignored"
            print(summary("a decision saved (POST /api/decide round trip, lock + read + write + fsync)", saves))
            print(f"  CPU per decision (client and server, this process): {ms(per_save_cpu)}")
            total = client.get("/api/items").json()["pages"]
            for k in range(min(total, 10 * repeat)):
                t0 = time.perf_counter()
                client.get("/api/items", params={"page": k})
                pages.append(time.perf_counter() - t0)
            print(summary("a page of 50 items with candidates (GET /api/items)", pages))
            for word in ["sik", "kava", "chai", "moloko", "syr"] * repeat:
                t0 = time.perf_counter()
                client.get("/api/search", params={"id": open_items[-1]["local_id"], "q": word})
                searches.append(time.perf_counter() - t0)
            print(summary("a menu search (GET /api/search)", searches))
            t0 = time.perf_counter()
            plan = client.post("/api/bulk", json={"min_score": 90, "dry_run": True}).json()
            print(
                f"bulk accept preview at score >= 90 over every waiting item: {plan['count']} items in {ms(time.perf_counter() - t0)}"
            )


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for n in (FIRST_N, 5000):
                measure(n, repeat, browser)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
