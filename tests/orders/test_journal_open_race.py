"""Several sender processes opening a journal that does not exist yet, at the same moment (the
first `order batch` of two cron jobs): each opens it. Before, one of them could fail at once with
"database is locked", because switching a new file to WAL does not wait for sqlite's busy handler
(seen in about 1 round in 30 of this test)."""

from __future__ import annotations

import multiprocessing as mp
import time
from pathlib import Path

import pytest

from poster_cli.orders.journal import OrderJournal

pytestmark = pytest.mark.e2e

PROCESSES = 6
ROUNDS = 40


def _open_at(path: Path, start: float) -> str:
    while time.time() < start:  # all processes leave this loop together
        pass
    try:
        OrderJournal(path).close()
    except Exception as exc:  # reported to the parent, which asserts on it
        return f"{type(exc).__name__}: {exc}"
    return "ok"


def test_processes_opening_a_new_journal_at_once_all_open_it(tmp_path: Path) -> None:
    failures = []
    with mp.get_context("fork").Pool(PROCESSES) as pool:
        for n in range(ROUNDS):
            path = tmp_path / f"round{n}" / "orders.sqlite"
            path.parent.mkdir()
            start = time.time() + 0.05
            results = pool.starmap(_open_at, [(path, start)] * PROCESSES)
            failures += [r for r in results if r != "ok"]
    assert failures == []
