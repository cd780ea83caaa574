"""Sync in cron: a kill at any write leaves snapshot and mapping intact; two runs never interleave."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from poster_cli.drift import SyncOptions, list_archives, run_sync
from poster_cli.mapping import Mapping, MappingEntry, dump_mapping, load_mapping, save_mapping
from poster_cli.menu import MenuSnapshot, load_snapshot
from tests.support.menus import base_menu
from tests.support.paths import ROOT

# Runs one sync in a child process: the new menu comes from a file, a fake matcher maps L-NEW to
# product 10, and the child SIGKILLs itself just before the write step named in argv[3].
CHILD = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from pathlib import Path
    from poster_cli.drift import SyncOptions, run_sync
    from poster_cli.mapping import MappingEntry
    from poster_cli.menu import load_snapshot

    data, new_menu, kill_at, catalogue = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
    hold = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0

    async def pull():
        if hold:
            (data / "child-started").write_text("")
            await asyncio.sleep(hold)
        return load_snapshot(new_menu)

    def matcher(items, snapshot, mapping, spot):
        return [MappingEntry(local_id=i.local_id, local_name=i.name, status="auto", product_id=10, score=99.0) for i in items]

    def step(name):
        if name == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    opts = SyncOptions(data_dir=data, api_url="http://x/api", catalogue_path=catalogue, lock_timeout=float(os.environ.get("LOCK_TIMEOUT", "30")))
    report = asyncio.run(run_sync(opts, pull, matcher=matcher, before_write=step))
    (data / "child-done").write_text(str(len(report.changed)))
    """
)


def write_menu(path: Path, price: str) -> Path:
    raw = base_menu()
    raw["products"][0]["spots"][0]["price"] = price
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def state(tmp_path):
    """A data folder after one sync (price 4500), a newer menu (price 4800), a catalogue, a mapping."""
    data = tmp_path / "data"
    mapping = Mapping()
    mapping.set(MappingEntry(local_id="L-1", local_name="Espresso", status="confirmed", product_id=10))
    save_mapping(mapping, data / "mapping.toml")
    first = write_menu(tmp_path / "first.json", "4500")

    async def pull() -> MenuSnapshot:
        return load_snapshot(first)

    asyncio.run(run_sync(SyncOptions(data_dir=data, api_url="http://x/api"), pull))
    catalogue = tmp_path / "site.csv"
    catalogue.write_text("id,name\nL-1,Espresso\nL-NEW,Double espresso\n", encoding="utf-8")
    return tmp_path, data, write_menu(tmp_path / "second.json", "4800"), catalogue


def run_child(data: Path, new_menu: Path, kill_at: str, catalogue: Path, *extra: str, env: dict | None = None):
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data), str(new_menu), kill_at, str(catalogue), *extra],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def finish(child: subprocess.Popen, timeout: float = 60) -> int:
    """Wait for the child, reading (and closing) its pipes; its exit code."""
    child.communicate(timeout=timeout)
    return child.returncode


def files(data: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(data)): p.read_bytes()
        for p in data.rglob("*")
        if p.is_file() and not p.name.startswith(".sync")
    }


@pytest.mark.parametrize("kill_at", ["mapping", "archive", "menu", "report", "rotate"])
def test_a_kill_at_any_write_leaves_snapshot_and_mapping_usable(state, kill_at):
    tmp, data, second, catalogue = state
    before = files(data)
    child = run_child(data, second, kill_at, catalogue)
    assert finish(child) == -9
    # every file there parses, and is either the old version or the complete new one
    snap = load_snapshot(data / "menu.json")
    assert snap.product(10).price_at(1) in (4500, 4800)
    mapping = load_mapping(data / "mapping.toml")
    assert mapping.get("L-1").status == "confirmed"
    for archive in list_archives(data / "snapshots"):
        load_snapshot(archive)
    if kill_at == "mapping":
        assert files(data) == before  # killed before the first write: nothing moved

    # the next run finishes the job; drift is reported unless the kill came after the commit point
    async def pull() -> MenuSnapshot:
        return load_snapshot(second)

    report = asyncio.run(run_sync(SyncOptions(data_dir=data, api_url="http://x/api"), pull))
    reported_again = kill_at in ("mapping", "archive")
    assert bool(report.changed) is reported_again
    assert load_snapshot(data / "menu.json").product(10).price_at(1) == 4800


def test_auto_mapping_touches_only_new_items(state):
    tmp, data, second, catalogue = state
    assert finish(run_child(data, second, "never", catalogue)) == 0
    mapping = load_mapping(data / "mapping.toml")
    assert mapping.get("L-1").status == "confirmed"  # a person's decision, untouched
    assert (mapping.get("L-NEW").status, mapping.get("L-NEW").product_id) == ("auto", 10)
    report = json.loads((data / "sync-report.json").read_text(encoding="utf-8"))
    assert report["meta"]["auto_mapped"][0]["local_id"] == "L-NEW" and report["unmatched"] == []


def test_two_runs_never_interleave(state):
    tmp, data, second, catalogue = state
    first = run_child(data, second, "never", catalogue, "1.5")
    deadline = time.monotonic() + 30
    while not (data / "child-started").exists():
        assert first.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    # the first run holds the lock while it pulls: a second run with a short timeout gives up
    quick = run_child(data, second, "never", catalogue, env={"LOCK_TIMEOUT": "0.2"})
    out, err = quick.communicate(timeout=60)
    assert quick.returncode == 1 and b"`poster-cli sync` (pid " in err and b"still holds the lock" in err
    # a patient second run waits for the first to finish, then does its own (no drift left)
    (data / "child-done").unlink(missing_ok=True)
    patient = run_child(data, second, "never", catalogue)
    assert finish(first) == 0
    assert finish(patient) == 0
    assert (data / "child-done").read_text() == "0"  # it saw the first run's snapshot


def test_mapping_bytes_are_untouched_without_catalogue(state):
    tmp, data, second, catalogue = state
    before = (data / "mapping.toml").read_bytes()

    async def pull() -> MenuSnapshot:
        return load_snapshot(second)

    asyncio.run(run_sync(SyncOptions(data_dir=data, api_url="http://x/api"), pull))
    assert (data / "mapping.toml").read_bytes() == before
    assert dump_mapping(load_mapping(data / "mapping.toml")).encode() == before


@pytest.mark.e2e
def test_two_cli_processes_against_a_real_sandbox(sandbox_server, tmp_path):
    """Two `poster-cli sync` processes at once: the second gives up after --lock-timeout with exit 1
    and one clear line; the first finishes normally."""
    sandbox_server.handle.faults(latency_ms=700)  # keep the first run inside its pull for a while
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTER")}
    env.update(
        POSTER_API_URL=sandbox_server.api_url,
        POSTER_TOKEN=sandbox_server.token,
        POSTER_SPOT_ID="1",
        POSTER_CLI_DATA_DIR=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg"),
        NO_COLOR="1",
    )
    cli = [sys.executable, "-m", "poster_cli", "sync"]
    first = subprocess.Popen([*cli, "--json"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lock = tmp_path / "data" / ".sync.lock"
    deadline = time.monotonic() + 30
    while not (lock.exists() and lock.read_text().strip()):
        assert first.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    second = subprocess.run([*cli, "--lock-timeout", "0.2"], env=env, capture_output=True, text=True, timeout=60)
    assert second.returncode == 1
    assert second.stderr.strip().splitlines() == [
        f"waiting for `poster-cli sync` (pid {first.pid}) to finish writing in {lock.parent} (up to 0.2s)",
        (
            f"error: `poster-cli sync` (pid {first.pid}) still holds the lock {lock}; gave up after 0.2s "
            "(run again when it has finished)"
        ),
    ]
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert json.loads(out)["meta"]["counts"]["products"] > 0
