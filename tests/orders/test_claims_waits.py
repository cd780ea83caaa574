"""Claims inside one process: the claims file's name, how a second sender waits for an order another
holds (pauses growing by half from 20 ms up to half a second), and giving up after the wait."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from poster_cli.orders.claims import OrderBusy, OrderClaims, claims_path


def test_the_claims_file_sits_next_to_the_journal(tmp_path: Path) -> None:
    assert claims_path(tmp_path / "orders.sqlite") == tmp_path / "orders.sqlite.claims"
    assert claims_path(str(tmp_path / "j.db")) == tmp_path / "j.db.claims"
    assert OrderClaims(tmp_path / "orders.sqlite").path == tmp_path / "orders.sqlite.claims"


def test_a_second_sender_waits_with_growing_pauses_until_the_first_lets_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = OrderClaims(tmp_path / "orders.sqlite")
    assert first.try_claim("A-1")
    real_sleep = asyncio.sleep
    pauses: list[float] = []

    async def pause(seconds: float, *args: Any) -> None:
        pauses.append(seconds)
        if len(pauses) == 12:
            first.release("A-1")
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", pause)

    async def second() -> float:
        async with OrderClaims(tmp_path / "orders.sqlite").hold("A-1") as waited:
            assert not first.try_claim("A-1")  # held now by the second
            return waited

    waited = asyncio.run(second())
    assert waited >= 0
    expected = [0.02]
    while len(expected) < 12:
        expected.append(min(expected[-1] * 1.5, 0.5))
    assert pauses == pytest.approx(expected)
    assert expected[-1] == 0.5
    assert first.try_claim("A-1")  # let go after the block
    first.release("A-1")


def test_a_sender_gives_up_after_its_wait(tmp_path: Path) -> None:
    first = OrderClaims(tmp_path / "orders.sqlite")
    assert first.try_claim("A-1")
    try:

        async def second() -> None:
            async with OrderClaims(tmp_path / "orders.sqlite", wait=0.1).hold("A-1"):
                raise AssertionError("must not get the claim")

        with pytest.raises(OrderBusy):
            asyncio.run(second())
    finally:
        first.release("A-1")


def test_releasing_one_order_keeps_the_others_held(tmp_path: Path) -> None:
    a, b = OrderClaims(tmp_path / "orders.sqlite"), OrderClaims(tmp_path / "orders.sqlite")
    assert a.try_claim("A-1") and a.try_claim("A-2")
    a.release("A-1")
    a.release("A-9")  # never held: nothing happens
    assert not b.try_claim("A-2") and b.try_claim("A-1")
    a.release("A-2")
    b.release("A-1")


def test_the_claim_is_released_when_the_block_fails(tmp_path: Path) -> None:
    claims = OrderClaims(tmp_path / "orders.sqlite")

    async def boom() -> None:
        async with claims.hold("A-1"):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        asyncio.run(boom())
    assert claims.try_claim("A-1")
    claims.release("A-1")
