"""Claims inside one process: the claims file's name, how a second sender waits for an order another
holds (pauses growing by half from 20 ms up to half a second), and giving up after the wait."""

from __future__ import annotations

import asyncio
import errno
import fcntl
import hashlib
import os
import struct
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


def test_the_claims_file_is_private(tmp_path: Path) -> None:
    import stat

    claims = OrderClaims(tmp_path / "orders.sqlite")
    assert claims.try_claim("A-1")
    try:
        assert stat.S_IMODE((tmp_path / "orders.sqlite.claims").stat().st_mode) == 0o600
    finally:
        claims.release("A-1")


def test_a_claims_file_that_cannot_be_opened_is_named(tmp_path: Path) -> None:
    from poster_cli.errors import PosterCliError

    (tmp_path / "orders.sqlite.claims").mkdir()  # something else sits where the file goes
    with pytest.raises(PosterCliError) as info:
        OrderClaims(tmp_path / "orders.sqlite").try_claim("A-1")
    assert (
        info.value.message == f"cannot open the order claims file {tmp_path / 'orders.sqlite.claims'}: Is a directory"
    )
    assert info.value.hint == "check the data folder"


def _claim_in_child(path: str, order_id: str, answer: Any) -> None:
    answer.put(OrderClaims(path).try_claim(order_id))


def claimed_by_another_process(path: Path, order_id: str) -> bool:
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    answer = ctx.Queue()
    child = ctx.Process(target=_claim_in_child, args=(str(path), order_id, answer))
    child.start()
    try:
        return bool(answer.get(timeout=60))
    finally:
        child.join(60)
        answer.close()
        answer.join_thread()


def test_another_process_cannot_take_a_held_order_until_it_is_released(tmp_path: Path) -> None:
    path = tmp_path / "orders.sqlite"
    mine = OrderClaims(path)
    assert mine.try_claim("A-1") and mine.try_claim("A-2")
    try:
        assert not claimed_by_another_process(path, "A-1")
        assert claimed_by_another_process(path, "A-3")  # another id is free
        mine.release("A-1")
        assert claimed_by_another_process(path, "A-1")  # released: free for another process
        assert not claimed_by_another_process(path, "A-2")  # the other order is still held
    finally:
        mine.release("A-2")


def test_by_default_a_second_sender_waits_two_minutes_then_gives_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import poster_cli.orders.claims as claims_module

    class Clock:  # seconds pass only when the sender pauses
        now = 1000.0

        @classmethod
        def monotonic(cls) -> float:
            return cls.now

    real_sleep = asyncio.sleep

    async def pause(seconds: float, *args: Any) -> None:
        Clock.now += seconds
        await real_sleep(0)

    monkeypatch.setattr(claims_module, "time", Clock)
    monkeypatch.setattr(asyncio, "sleep", pause)
    first = OrderClaims(tmp_path / "orders.sqlite")
    assert first.try_claim("A-1")
    try:

        async def second() -> None:
            async with OrderClaims(tmp_path / "orders.sqlite").hold("A-1"):
                raise AssertionError("must not get the claim")

        with pytest.raises(OrderBusy):
            asyncio.run(second())
    finally:
        first.release("A-1")
    # gave up at the first look at or after 120 s (the pauses reach half a second at most)
    assert 120 <= Clock.now - 1000.0 < 120.5


def _byte_of(order_id: str) -> int:
    return int.from_bytes(hashlib.sha256(order_id.encode("utf-8")).digest()[:6], "big")


def _other_holder(path: Path, order_id: str) -> int | None:
    """Lock the order's byte from an open file of its own, as another sender would; the open file
    (close it to let go) or None when the byte is taken. An open-file-description lock conflicts
    with this process's record locks as another process's lock would. The byte is the order id's
    sha256, its first 6 bytes read big-endian (written here, not taken from poster-cli)."""
    fd = os.open(path, os.O_RDWR)
    try:
        lock = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, _byte_of(order_id), 1, 0)
        fcntl.fcntl(fd, fcntl.F_OFD_SETLK, lock)
    except OSError as exc:
        os.close(fd)
        assert exc.errno in (errno.EAGAIN, errno.EACCES)
        return None
    return fd


def _other_holder_takes(path: Path, order_id: str) -> bool:
    fd = _other_holder(path, order_id)
    if fd is None:
        return False
    os.close(fd)
    return True


@pytest.mark.skipif(not hasattr(fcntl, "F_OFD_SETLK"), reason="open-file-description locks are Linux's")
def test_an_order_another_sender_holds_does_not_drop_the_orders_held_here(tmp_path: Path) -> None:
    mine = OrderClaims(tmp_path / "orders.sqlite")
    assert mine.try_claim("A-1")
    other = _other_holder(mine.path, "B-2")
    assert other is not None
    try:
        assert not mine.try_claim("B-2")  # held by the other sender
        assert not _other_holder_takes(mine.path, "A-1")  # A-1 is still ours
    finally:
        os.close(other)
    assert mine.try_claim("B-2")
    mine.release("A-1")
    mine.release("B-2")
    assert _other_holder_takes(mine.path, "A-1") and _other_holder_takes(mine.path, "B-2")


@pytest.mark.skipif(not hasattr(fcntl, "F_OFD_SETLK"), reason="open-file-description locks are Linux's")
def test_releasing_an_order_keeps_the_order_on_the_next_byte_held(tmp_path: Path) -> None:
    # two ids whose bytes are neighbours: found once by a search over A-0 ... A-33554431, checked here
    first, neighbour = "A-12426223", "A-31350037"
    assert _byte_of(neighbour) == _byte_of(first) + 1
    mine = OrderClaims(tmp_path / "orders.sqlite")
    assert mine.try_claim(first) and mine.try_claim(neighbour)
    mine.release(first)
    try:
        assert not _other_holder_takes(mine.path, neighbour)  # still ours
        assert _other_holder_takes(mine.path, first)
    finally:
        mine.release(neighbour)


def test_releasing_an_order_never_claimed_from_a_fresh_claims_file_does_nothing(tmp_path: Path) -> None:
    claims = OrderClaims(tmp_path / "orders.sqlite")
    claims.release("A-9")
    assert claims.try_claim("A-9")
    claims.release("A-9")
