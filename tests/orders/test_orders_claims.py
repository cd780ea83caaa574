"""The per-order claim: one holder per site order id, in one process and across processes; a
holder killed with kill -9 leaves nothing behind; no descriptor is kept once nothing is held."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from poster_cli.orders.claims import OrderClaims

HOLDER = """
import sys, time
from poster_cli.orders.claims import OrderClaims
claims = OrderClaims(sys.argv[1])
assert claims.try_claim(sys.argv[2])
print("held", flush=True)
time.sleep(60)
"""


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_one_holder_per_order_id_in_one_process(tmp_path: Path) -> None:
    before = open_fds()
    a, b = OrderClaims(tmp_path / "orders.sqlite"), OrderClaims(tmp_path / "orders.sqlite")
    assert a.try_claim("A-1")
    assert not b.try_claim("A-1") and b.try_claim("A-2")
    a.release("A-1")
    assert b.try_claim("A-1")
    b.release("A-1")
    b.release("A-2")
    assert open_fds() == before


@pytest.mark.e2e
def test_a_claim_held_by_another_process_blocks_until_it_is_killed(tmp_path: Path) -> None:
    journal = tmp_path / "orders.sqlite"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(journal), "A-1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        claims = OrderClaims(journal)
        assert not claims.try_claim("A-1")
        assert claims.try_claim("A-2")  # other orders are free
        claims.release("A-2")
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
        deadline = time.monotonic() + 5
        while not claims.try_claim("A-1"):
            assert time.monotonic() < deadline, "the dead holder's claim was not dropped"
            time.sleep(0.01)
        claims.release("A-1")
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.communicate(timeout=10)
