"""How long `poster-cli sync` takes on a 10,000-product menu, end to end against the sandbox.

    /work/venv/bin/python benchmarks/sync_speed.py [--products 10000] [--rate-limit 5]

Generates a menu of N products (a quarter with two modifications, a tenth dishes with a modifier
group, two spots), serves it with `poster-cli sandbox serve` on a loopback port, runs
`poster-cli sync --json` as a separate process (the baseline), makes a few cashier edits with
`poster-cli sandbox trigger`, runs sync again, and prints each run's wall time (process start-up
included) and what the second run reported. The target is <= 3 s per run.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from poster_cli.sandbox.state import DEMO_TOKEN, demo_document

CLI = [sys.executable, "-m", "poster_cli"]


def big_state(count: int) -> dict:
    """The demo account with ``count`` generated products in the sandbox's own state form."""
    doc = demo_document()
    cats = [c["id"] for c in doc["categories"]]
    spots = [str(s["id"]) for s in doc["spots"]]
    products = []
    for i in range(count):
        pid = 100_000 + i
        price = 2_000 + (i * 37) % 50_000

        def at_spots(kopecks: int) -> dict:
            return {s: {"price": kopecks, "visible": True} for s in spots}

        product = {
            "id": pid, "cat": cats[i % len(cats)], "name": f"Позиція меню {i:05d}", "type": 3,
            "hidden": i % 97 == 0, "barcode": f"482{i:010d}", "code": "", "unit": "", "weight": False,
            "ingredient": 0, "spots": at_spots(price), "mods": [], "groups": [], "extras": {},
        }
        if i % 4 == 1:
            product["spots"] = {}
            product["mods"] = [
                {"id": pid * 10 + k, "name": f"{300 + 100 * k} мл", "barcode": "", "spots": at_spots(price + 1_000 * k)}
                for k in range(2)
            ]
        elif i % 10 == 2:
            product["type"] = 2
            product["groups"] = [{
                "id": pid, "name": "Соус", "min": 0, "max": 2, "deleted": False,
                "mods": [{"id": pid * 10 + k, "name": f"Соус {k}", "price": 1_500 + 500 * k} for k in range(3)],
            }]
        products.append(product)
    doc["products"] = products
    doc["next"]["product"] = 100_000 + count
    return doc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(cmd: list[str], env: dict) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--rate-limit", default="5", help="POSTER_RATE_LIMIT for sync (the default config is 5 requests/s)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp) / "sandbox.json"
        state.write_text(json.dumps(big_state(args.products), ensure_ascii=False), encoding="utf-8")
        port = free_port()
        api = f"http://127.0.0.1:{port}/api"
        env = {k: v for k, v in os.environ.items() if not k.startswith("POSTER")}
        env.update(POSTER_API_URL=api, POSTER_TOKEN=DEMO_TOKEN, POSTER_CLI_DATA_DIR=str(Path(tmp) / "data"),
                   POSTER_SPOT_ID="1", POSTER_RATE_LIMIT=args.rate_limit, NO_COLOR="1", XDG_CONFIG_HOME=tmp)
        server = subprocess.Popen([*CLI, "sandbox", "serve", "--port", str(port), "--state", str(state)],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/_sandbox/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the sandbox did not start")
                time.sleep(0.1)

            first, done = timed([*CLI, "sync", "--json"], env)
            if done.returncode not in (0, 3):
                raise SystemExit(f"sync failed ({done.returncode}): {done.stderr}")
            base = 100_000
            edits = [
                ["product.price", str(base), "99.50"],
                ["product.price", f"{base + 1}/{(base + 1) * 10}", "61"],
                ["product.renamed", str(base + 3), "Нова", "назва"],
                ["product.removed", str(base + 5)],
                ["product.added", "Матча лате", "85"],
            ]
            for edit in edits:
                subprocess.run([*CLI, "sandbox", "trigger", "--url", api, *edit], env=env, check=True, capture_output=True)
            second, done = timed([*CLI, "sync", "--json"], env)
            report = json.loads(done.stdout)
            quiet, done3 = timed([*CLI, "sync", "--quiet"], env)
            startup, _ = timed([*CLI, "--version"], env)
            size = (Path(tmp) / "data" / "menu.json").stat().st_size
        finally:
            server.terminate()
            server.wait(timeout=10)

    counts = report["meta"]["counts"]
    print(f"menu: {args.products} products ({size / 1e6:.1f} MB snapshot), POSTER_RATE_LIMIT={args.rate_limit}")
    print(f"sync #1 (baseline, no previous snapshot): {first:.2f} s")
    print(f"sync #2 (after {len(edits)} cashier edits):        {second:.2f} s  "
          f"-> {counts['added']} added, {counts['removed']} removed, {counts['changed']} changed, exit {done.returncode}")
    print(f"sync #3 (nothing changed, --quiet):        {quiet:.2f} s  -> exit {done3.returncode}, {len(done3.stdout)} bytes printed")
    print(f"python start-up + CLI import (--version):  {startup:.2f} s")
    print(f"target: <= 3 s per sync run: {'met' if max(first, second, quiet) <= 3 else 'NOT met'}")


if __name__ == "__main__":
    main()
