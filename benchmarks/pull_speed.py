"""`poster-cli pull` of a big menu against the raw fetch and parse of the same answers.

    python benchmarks/pull_speed.py [--products 10000] [--repeat 5]

Serves a generated menu (the one sync_speed.py builds: a quarter of the products with two
modifications, a tenth dishes with a modifier group, two spots) with `poster-cli sandbox serve`
on a loopback port. Then, alternately in the same minutes, runs REPEAT times each:

* raw: a new Python process that GETs the five answers `pull` asks for (spots, categories,
  products, currency, stock leftovers) one after the other with httpx and `json.loads` each;
* raw, lean: the same, with httpx's own command-line client (``httpx._main``: click, rich,
  pygments) kept out as `poster-cli` keeps it out, so that saving is not counted in pull's favour;
* pull: `poster-cli pull --json` in a new process (start-up, the client, parsing, the summary and
  writing menu.json included).

Prints the median and best wall and CPU time (user + system) of each and the ratio of the
medians to each baseline (the target: pull <= 1.5 x raw). The sandbox server shares the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))

from sync_speed import CLI, big_state, free_port  # noqa: E402

from poster_cli.sandbox.state import DEMO_TOKEN  # noqa: E402

RAW = """
import json, sys, httpx
api, token = sys.argv[1], sys.argv[2]
with httpx.Client(timeout=60) as http:
    for method in ("menu.getProducts", "access.getSpots", "menu.getCategories", "settings.getCurrency",
                   "storage.getStorageLeftovers"):
        json.loads(http.get(f"{api}/{method}", params={"token": token}).content)
"""
RAW_LEAN = "import sys; sys.modules['httpx._main'] = None\n" + RAW


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU time (user + system) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{cmd[-2:]} failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
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
            raw_runs, lean_runs, pull_runs = [], [], []
            timed([sys.executable, "-c", RAW, api, DEMO_TOKEN], env)  # warm the server's caches once
            for _ in range(args.repeat):
                raw_runs.append(timed([sys.executable, "-c", RAW, api, DEMO_TOKEN], env))
                pull_runs.append(timed([*CLI, "pull", "--json"], env))
                lean_runs.append(timed([sys.executable, "-c", RAW_LEAN, api, DEMO_TOKEN], env))
            size = (Path(tmp) / "data" / "menu.json").stat().st_size
        finally:
            server.terminate()
            server.wait(timeout=10)

    def show(label: str, runs: list[tuple[float, float]]) -> str:
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        return (
            f"{label:<44} wall median {statistics.median(walls):.2f} s (best {min(walls):.2f}), "
            f"CPU median {statistics.median(cpus):.2f} s (best {min(cpus):.2f})"
        )

    print(f"menu: {args.products} products, snapshot {size / 1e6:.1f} MB; load average {os.getloadavg()[0]:.1f}")
    print(show("raw: fetch the 5 answers + json.loads:", raw_runs))
    print(show("raw, lean (no httpx command-line client):", lean_runs))
    print(show("poster-cli pull --json:", pull_runs))
    for label, base in (("raw", raw_runs), ("raw, lean", lean_runs)):
        ratio_wall = statistics.median(w for w, _ in pull_runs) / statistics.median(w for w, _ in base)
        ratio_cpu = statistics.median(c for _, c in pull_runs) / statistics.median(c for _, c in base)
        print(f"pull / {label}: wall x{ratio_wall:.2f}, CPU x{ratio_cpu:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
