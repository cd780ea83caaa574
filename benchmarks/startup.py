"""Start-up time of `poster-cli --version` and `--help` against `python -c "import typer"`.

Run: python benchmarks/startup.py [RUNS]. Prints the best and median wall time of each, in ms,
and the ratio to the typer baseline (issue 8 asks for <= 1.5x).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time


def timed(cmd: list[str], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    exe = shutil.which("poster-cli") or f"{sys.prefix}/bin/poster-cli"
    cases = {
        "import typer": [sys.executable, "-c", "import typer"],
        "poster-cli --version": [exe, "--version"],
        "poster-cli --help": [exe, "--help"],
        "poster-cli order send --help": [exe, "order", "send", "--help"],
    }
    results = {name: timed(cmd, runs) for name, cmd in cases.items()}
    base_best = min(results["import typer"])
    base_median = statistics.median(results["import typer"])
    print(f"{'case':32} {'best ms':>8} {'median ms':>10} {'best/base':>10} {'median/base':>12}")
    for name, times in results.items():
        best, median = min(times), statistics.median(times)
        print(f"{name:32} {best:8.0f} {median:10.0f} {best / base_best:10.2f} {median / base_median:12.2f}")


if __name__ == "__main__":
    main()
