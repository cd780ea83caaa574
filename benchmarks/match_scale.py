"""How `poster-cli match` scales on shared-vocabulary menus (see gen_shared_vocab.py).

For each size N: writes an N-product menu and its site catalogue, then runs the whole command as a
user does (`python -m poster_cli --no-input match site.csv --menu menu.json --mapping m.toml
--spot 1`, a new process each time) REPEAT times, and prints the median and best wall time, the
CPU time (user + system, the command and its matching workers), the peak RSS of the command and
of its largest worker, and precision / recall of the automatic links against the labels. On a
shared machine CPU time says more than wall time; the ratio of each size to the one before is
printed from the CPU medians.

Run: python benchmarks/match_scale.py [N ...] [--repeat R] [--keep DIR]
(default sizes 5000 10000 20000, R = 3; with --keep the generated files stay in DIR/<N>/ and are
reused by the next run.)
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from gen_shared_vocab import generate  # noqa: E402


def run_command(folder: Path, mapping: Path) -> tuple[float, float, float, float]:
    """(wall s, CPU s, RSS MB of the command, RSS MB of its largest finished child)."""
    argv = [sys.executable, "-m", "poster_cli", "--no-input", "match", str(folder / "site.csv")]
    argv += ["--menu", str(folder / "menu.json"), "--mapping", str(mapping), "--spot", "1"]
    code = (
        "import resource, runpy, sys; sys.argv = sys.argv[1:]\n"
        "try:\n    runpy.run_module('poster_cli', run_name='__main__')\n"
        "finally:\n    r = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "    sys.stderr.write(f'\\nCHILD_RSS_KB {r}\\n')\n"
    )
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *argv[2:]], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 3):
        sys.exit(f"poster-cli match failed ({proc.returncode}): {err.strip()[-500:]}")
    child_kb = next((int(line.split()[1]) for line in err.splitlines() if line.startswith("CHILD_RSS_KB")), 0)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, child_kb / 1024


def quality(folder: Path, mapping: Path) -> tuple[int, int, int]:
    """(automatic links, correct ones, matchable site items)"""
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    entries = tomllib.loads(mapping.read_text(encoding="utf-8")).get("items", [])
    auto = correct = 0
    for e in entries:
        if e.get("status") != "auto":
            continue
        auto += 1
        want = labels[e["local_id"]]
        got = [e["product_id"], e["modificator_id"]] if "modificator_id" in e else e["product_id"]
        correct += got == want
    return auto, correct, sum(1 for v in labels.values() if v is not None)


def main() -> None:
    args = sys.argv[1:]
    repeat, keep = 3, None
    if "--repeat" in args:
        k = args.index("--repeat")
        repeat = int(args[k + 1])
        del args[k : k + 2]
    if "--keep" in args:
        k = args.index("--keep")
        keep = Path(args[k + 1])
        del args[k : k + 2]
    sizes = [int(a) for a in args] or [5000, 10000, 20000]
    previous: float | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            folder = (keep or Path(tmp)) / str(n)
            if not (folder / "labels.json").exists():
                generate(n, folder)
            runs = [run_command(folder, Path(tmp) / f"m{n}-{k}.toml") for k in range(repeat)]
            walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
            auto, correct, matchable = quality(folder, Path(tmp) / f"m{n}-0.toml")
            cpu = statistics.median(cpus)
            ratio = f", CPU x{cpu / previous:.2f} the size before" if previous else ""
            print(
                f"{n:>6} x {n}: wall median {statistics.median(walls):.2f} s (best {min(walls):.2f}), "
                f"CPU median {cpu:.2f} s (best {min(cpus):.2f}){ratio}; RSS {max(r[2] for r in runs):.0f} MB, "
                f"worker {max(r[3] for r in runs):.0f} MB; auto {auto}, precision "
                f"{correct / auto if auto else 1:.3f}, recall {correct / matchable:.3f}",
                flush=True,
            )
            previous = cpu


if __name__ == "__main__":
    main()
