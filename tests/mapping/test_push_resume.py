"""`mapping push` resumes: what it wrote before a Ctrl-C or a failure is recorded in the snapshot,
so the next run plans only the products left (the core's policy, not the command's)."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any, Iterator

import pytest

from poster_cli.mapping import Mapping, MappingEntry
from poster_cli.mapping_sync import plan_push, push_resumable
from poster_cli.menu import load_snapshot, save_snapshot
from tests.support.paths import FIXTURES


class StoppingPoster:
    """Accepts ``setEntityExtras`` calls, then raises ``stop`` at call number ``stop_at``."""

    def __init__(self, stop_at: int, stop: BaseException) -> None:
        self.stop_at, self.stop = stop_at, stop
        self.written: list[int] = []

    async def set_entity_extras(self, entity: str, entity_id: int, extras: dict[str, str]) -> None:
        if len(self.written) + 1 == self.stop_at:
            raise self.stop
        self.written.append(entity_id)


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Any, Any]:
    menu_path = tmp_path / "menu.json"
    save_snapshot(load_snapshot(FIXTURES / "poster" / "getProducts.json"), menu_path)
    snapshot = load_snapshot(menu_path)
    mapping = Mapping()
    for local_id, pid in (("A", 139), ("B", 138), ("C", 30)):
        mapping.set(MappingEntry(local_id=local_id, local_name=local_id, status="confirmed", product_id=pid))
    return menu_path, snapshot, mapping


locks: list[str] = []


@contextlib.contextmanager
def lock() -> Iterator[None]:
    locks.append("held")
    yield


@pytest.mark.parametrize("stop", [KeyboardInterrupt(), RuntimeError("connection lost")], ids=["ctrl-c", "failure"])
def test_an_interrupted_push_records_what_it_wrote_and_the_rerun_skips_it(setup: Any, stop: BaseException) -> None:
    menu_path, snapshot, mapping = setup
    writes, unchanged = plan_push(mapping, snapshot)
    assert ([w.product_id for w in writes], unchanged) == ([30, 138, 139], 0)
    poster = StoppingPoster(stop_at=3, stop=stop)
    locks.clear()
    with pytest.raises(type(stop)):
        asyncio.run(push_resumable(poster, writes, menu_path=menu_path, snapshot=snapshot, lock=lock, every=25))
    assert poster.written == [30, 138]
    assert locks == ["held"]  # recorded once, at the stop, under the lock
    left, unchanged = plan_push(mapping, load_snapshot(menu_path))
    assert ([w.product_id for w in left], unchanged) == ([139], 2)


def test_progress_is_recorded_every_n_writes(setup: Any) -> None:
    menu_path, snapshot, mapping = setup
    writes, _ = plan_push(mapping, snapshot)
    poster = StoppingPoster(stop_at=99, stop=RuntimeError())
    locks.clear()
    asyncio.run(push_resumable(poster, writes, menu_path=menu_path, snapshot=snapshot, lock=lock, every=2))
    assert poster.written == [30, 138, 139]
    assert locks == ["held", "held"]  # after the second write, and at the end
    left, unchanged = plan_push(mapping, load_snapshot(menu_path))
    assert (left, unchanged) == ([], 3)
