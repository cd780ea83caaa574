"""kill -9 in the middle of `poster-cli order batch` (a real process against a real loopback
sandbox), again and again, then a final run: the sandbox holds each order exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from poster_cli.menu import fetch_snapshot, save_snapshot
from tests.support.orders import marked
from tests.support.senders import sender_env

pytestmark = pytest.mark.e2e
N = 40


def _held(server: Any) -> Counter[str]:
    counts: Counter[str] = Counter()
    for rec in list(server.state.doc["orders"]):
        for i in range(N):
            if marked(rec["comment"], f"K-{i}"):
                counts[f"K-{i}"] += 1
    return counts


def test_kill_9_mid_batch_then_rerun_sends_each_order_exactly_once(sandbox_server: Any, tmp_path: Path) -> None:
    import asyncio

    data, home = tmp_path / "data", tmp_path / "home"
    handle = sandbox_server.handle

    async def pull() -> None:
        async with handle.client() as api:
            save_snapshot(await fetch_snapshot(api, sandbox_server.api_url), data / "menu.json")

    asyncio.run(pull())
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_id,phone,item,count,paid\n"
        + "".join(
            f"K-{i},+38050123{i:04d},poster:{(101, 102, 106)[i % 3]},{1 + i % 2},{'yes' if i % 2 else 'no'}\n"
            for i in range(N)
        )
    )
    handle.faults(latency_ms=20, drop_after_commit_rate=0.15, seed=5)
    cmd = [sys.executable, "-m", "poster_cli", "order", "batch", str(orders), "--json", "--concurrency", "4"]
    env = sender_env(sandbox_server, data, home)

    kills = 0
    for target in (6, 15, 24, 33):
        proc = subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while len(handle.state.doc["orders"]) < target and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.communicate(timeout=30)
    assert kills >= 3  # the runs really were cut short

    final = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert final.returncode == 0, final.stderr
    report = json.loads(final.stdout)
    assert report["failed"] == []
    assert len(report["sent"]) + len(report["skipped"]) == N

    held = _held(sandbox_server)
    lost = [f"K-{i}" for i in range(N) if held[f"K-{i}"] == 0]
    dups = {k: v for k, v in held.items() if v > 1}
    assert not lost and not dups, f"lost {lost}, duplicated {dups}"
    assert len(handle.state.doc["orders"]) == N
