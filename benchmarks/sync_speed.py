"""How long `poster-cli sync` takes on a 10,000-product menu, end to end against the sandbox.

    /work/venv/bin/python benchmarks/sync_speed.py [--products 10000] [--rate-limit 5]

Generates a menu of N products (a quarter with two modifications, a tenth dishes with a modifier
group, two spots), serves it with `poster-cli sandbox serve` on a loopback port, runs
`poster-cli sync --json` as a separate process (the baseline), makes a few cashier edits with
`poster-cli sandbox trigger` and runs sync again (three rounds), runs a sync with nothing to
report, and prints wall and CPU time of each (process start-up included; the sandbox server
shares the machine). The target is <= 3 s per run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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
            "id": pid,
            "cat": cats[i % len(cats)],
            "name": f"Позиція меню {i:05d}",
            "type": 3,
            "hidden": i % 97 == 0,
            "barcode": f"482{i:010d}",
            "code": "",
            "unit": "",
            "weight": False,
            "ingredient": 0,
            "spots": at_spots(price),
            "mods": [],
            "groups": [],
            "extras": {},
        }
        if i % 4 == 1:
            product["spots"] = {}
            product["mods"] = [
                {"id": pid * 10 + k, "name": f"{300 + 100 * k} мл", "barcode": "", "spots": at_spots(price + 1_000 * k)}
                for k in range(2)
            ]
        elif i % 10 == 2:
            product["type"] = 2
            product["groups"] = [
                {
                    "id": pid,
                    "name": "Соус",
                    "min": 0,
                    "max": 2,
                    "deleted": False,
                    "mods": [{"id": pid * 10 + k, "name": f"Соус {k}", "price": 1_500 + 500 * k} for k in range(3)],
                }
            ]
        products.append(product)
    doc["products"] = products
    doc["next"]["product"] = 100_000 + count
    return doc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(cmd: list[str], env: dict) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall time and CPU time (user + system) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done


def edits_for(round_no: int) -> list[list[str]]:
    """Five cashier edits on products no earlier round touched."""
    base = 100_000 + 20 * round_no
    return [
        ["product.price", str(base), f"{99 + round_no}.50"],
        ["product.price", f"{base + 1}/{(base + 1) * 10}", "61"],
        ["product.renamed", str(base + 3), "Нова", "назва", str(round_no)],
        ["product.removed", str(base + 5)],
        ["product.added", f"Матча лате {round_no}", "85"],
    ]


def show(label: str, runs: list[tuple[float, float]]) -> str:
    walls = sorted(w for w, _ in runs)
    cpus = sorted(c for _, c in runs)
    return f"{label:<38} wall min {walls[0]:.2f} s / median {walls[len(walls) // 2]:.2f} s, cpu median {cpus[len(cpus) // 2]:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="edit+sync rounds to time")
    parser.add_argument(
        "--rate-limit", default="5", help="POSTER_RATE_LIMIT for sync (the default config is 5 requests/s)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp) / "sandbox.json"
        state.write_text(json.dumps(big_state(args.products), ensure_ascii=False), encoding="utf-8")
        port = free_port()
        api = f"http://127.0.0.1:{port}/api"
        env = {k: v for k, v in os.environ.items() if not k.startswith("POSTER")}
        env.update(
            POSTER_API_URL=api,
            POSTER_TOKEN=DEMO_TOKEN,
            POSTER_CLI_DATA_DIR=str(Path(tmp) / "data"),
            POSTER_SPOT_ID="1",
            POSTER_RATE_LIMIT=args.rate_limit,
            NO_COLOR="1",
            XDG_CONFIG_HOME=tmp,
        )
        server = subprocess.Popen(
            [*CLI, "sandbox", "serve", "--port", str(port), "--state", str(state)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
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

            wall, cpu, done = timed([*CLI, "sync", "--json"], env)
            if done.returncode not in (0, 3):
                raise SystemExit(f"sync failed ({done.returncode}): {done.stderr}")
            baseline = [(wall, cpu)]
            changed, quiet, reports = [], [], []
            for round_no in range(args.rounds):
                for edit in edits_for(round_no):
                    subprocess.run(
                        [*CLI, "sandbox", "trigger", "--url", api, *edit], env=env, check=True, capture_output=True
                    )
                wall, cpu, done = timed([*CLI, "sync", "--json"], env)
                changed.append((wall, cpu))
                reports.append((done.returncode, json.loads(done.stdout)["meta"]["counts"]))
                wall, cpu, done = timed([*CLI, "sync", "--quiet"], env)
                quiet.append((wall, cpu))
                assert done.stdout == "", done.stdout
            startup = [timed([*CLI, "--version"], env)[:2] for _ in range(3)]
            size = (Path(tmp) / "data" / "menu.json").stat().st_size
        finally:
            server.terminate()
            server.wait(timeout=10)

    code, counts = reports[-1]
    print(
        f"menu: {args.products} products ({size / 1e6:.1f} MB snapshot), POSTER_RATE_LIMIT={args.rate_limit}, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(show("sync, first run (baseline):", baseline))
    print(
        show(f"sync after 5 cashier edits (x{args.rounds}):", changed)
        + f"  -> {counts['added']} added, {counts['removed']} removed, {counts['changed']} changed, exit {code}"
    )
    print(show(f"sync, nothing changed, --quiet (x{args.rounds}):", quiet))
    print(show("python start-up (--version):", startup))
    worst = max(sorted(w for w, _ in runs)[len(runs) // 2] for runs in (baseline, changed, quiet))
    print(f"target <= 3 s per sync run (median wall): {'met' if worst <= 3 else 'NOT met'} ({worst:.2f} s)")


if __name__ == "__main__":
    main()
