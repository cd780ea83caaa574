"""Real `poster-cli order ...` processes against a loopback sandbox server, and an oracle that
counts the orders the sandbox holds per phone (never poster-cli's own marker matching)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from poster_cli.menu import fetch_snapshot, save_snapshot


def sender_env(server: Any, data: Path, home: Path, **extra: str) -> dict[str, str]:
    """The environment of a sender process: the sandbox server, a data folder, short lookups."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTER_")}
    env.update(
        POSTER_TOKEN=server.token,
        POSTER_API_URL=server.api_url,
        POSTER_CLI_DATA_DIR=str(data),
        POSTER_SPOT_ID="1",
        POSTER_RATE_LIMIT="0",
        POSTER_CLI_LOOKUP_DELAYS="0.05,0.1",
        XDG_CONFIG_HOME=str(home),
        NO_COLOR="1",
    )
    env.update(extra)
    return env


def pull_snapshot(server: Any, data: Path) -> None:
    """The sandbox's menu into ``data/menu.json`` (before any fault is switched on)."""

    async def pull() -> None:
        async with server.handle.client() as api:
            save_snapshot(await fetch_snapshot(api, server.api_url), data / "menu.json")

    asyncio.run(pull())


def start(args: Sequence[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "poster_cli", *args],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(procs: Sequence[subprocess.Popen[str]], timeout: float = 120.0) -> list[tuple[int, str, str]]:
    """Wait for every process (bounded); ``(exit code, stdout, stderr)`` of each."""
    deadline = time.monotonic() + timeout
    done = []
    for p in procs:
        try:
            out, err = p.communicate(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
        done.append((p.returncode, out, err))
    return done


def orders_per_phone(server: Any) -> Counter[str]:
    """How many orders the sandbox holds for each phone (each test order has its own phone)."""
    return Counter(str(o.get("phone")) for o in list(server.state.doc["orders"]))
