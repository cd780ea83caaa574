"""The data folder holds customers' phones and names: every file in it 0600, the folder 0700,
whatever the umask, and files an older version left readable are tightened when opened."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from typing import Iterator

import pytest

from poster_cli.webhooks.store import EventStore
from tests.support.sandbox import CliEnv


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)  # the common default: new files 0644, folders 0755
    try:
        yield
    finally:
        os.umask(old)


def modes(data: Path) -> dict[str, str]:
    found = {str(p.relative_to(data)): oct(stat.S_IMODE(p.stat().st_mode)) for p in data.rglob("*")}
    found["."] = oct(stat.S_IMODE(data.stat().st_mode))
    return found


def test_every_file_a_run_writes_is_private(cli_env: CliEnv, loose_umask: None, tmp_path: Path) -> None:
    env = cli_env
    site = tmp_path / "site.csv"
    site.write_text("id,name\nESP,Еспресо\nLAT,Latte\n", encoding="utf-8")
    assert env.run("pull").exit_code == 0
    assert env.run("match", str(site), "--no-input").exit_code == 3
    assert env.run("sync", "--catalogue", str(site)).exit_code == 3
    assert env.run("sync").exit_code == 3  # a second run archives nothing new but rewrites the report
    r = env.run("order", "send", "-i", "ESP", "--phone", "+380501234567", "--order-id", "W-1", "--yes")
    assert r.exit_code == 0, r.stderr
    with EventStore(env.data_dir / "webhooks.sqlite"):
        pass
    found = modes(env.data_dir)
    for name in ("menu.json", "mapping.toml", "sync-report.json", "orders.sqlite", "webhooks.sqlite"):
        assert name in found
    assert any(n.startswith("snapshots/menu-") for n in found)
    folders = {n for n in found if n == "." or (env.data_dir / n).is_dir()}
    assert {n: m for n, m in found.items() if n in folders} == dict.fromkeys(folders, "0o700")
    assert {n: m for n, m in found.items() if n not in folders} == {n: "0o600" for n in found if n not in folders}


def test_files_an_older_version_left_readable_are_tightened_when_opened(
    cli_env: CliEnv, loose_umask: None, tmp_path: Path
) -> None:
    data = cli_env.data_dir
    data.mkdir(mode=0o755)
    for name in ("orders.sqlite", "webhooks.sqlite"):
        db = sqlite3.connect(data / name)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE t (x)")
        db.close()
        os.chmod(data / name, 0o644)
    for name in ("menu.json", "orders.sqlite.claims"):
        (data / name).write_text("{}", encoding="utf-8")
        os.chmod(data / name, 0o644)
    keep = data / "notes.txt"  # not ours: left alone
    keep.write_text("mine", encoding="utf-8")
    os.chmod(keep, 0o644)

    assert cli_env.run("order", "list").exit_code == 0
    assert cli_env.run("webhooks", "list").exit_code == 0
    found = modes(data)
    assert found["."] == "0o700"
    names = ("orders.sqlite", "webhooks.sqlite", "menu.json", "orders.sqlite.claims")
    assert {n: found[n] for n in names} == dict.fromkeys(names, "0o600")
    assert all(m == "0o600" for n, m in found.items() if n.endswith(("-wal", "-shm")))
    assert found["notes.txt"] == "0o644"
