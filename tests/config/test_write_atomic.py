"""``write_atomic``, which every file this tool writes goes through (config, mapping, snapshots,
reports): never half-written, private by default, and a failed write leaves the old file and no
temp file behind. The temp file's name matters: ``sync`` sweeps ``.menu-*.tmp`` a killed run left."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from poster_cli import config
from poster_cli.config import write_atomic


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_is_private_and_its_new_folder_too(tmp_path: Path) -> None:
    target = tmp_path / "data" / "mapping.toml"
    write_atomic(target, "версія = 1\n".encode("utf-8"))
    assert target.read_bytes() == "версія = 1\n".encode("utf-8")
    assert mode(target) == 0o600
    assert mode(target.parent) == 0o700
    assert sorted(p.name for p in target.parent.iterdir()) == ["mapping.toml"]


def test_a_mode_asked_for_is_the_files_mode(tmp_path: Path) -> None:
    target = tmp_path / "menu.csv"
    write_atomic(target, b"id,name\n", mode=0o644)
    assert mode(target) == 0o644


def test_an_existing_file_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_bytes(b'{"a long old report": "' + b"x" * 1000 + b'"}')
    write_atomic(target, b"{}")
    assert target.read_bytes() == b"{}"


def test_the_temp_file_sits_beside_the_target_and_a_failed_write_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "snapshots" / "menu-20250301T060000000000Z.json"
    target.parent.mkdir()
    target.write_bytes(b"old")
    seen: list[tuple[Path, bytes]] = []

    def fail(source: Any, destination: Any) -> None:
        seen.append((Path(source), Path(source).read_bytes()))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(config.os, "replace", fail)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, b"new")
    [(temp, written)] = seen
    assert written == b"new"  # written in full before the rename
    assert temp.parent == target.parent
    assert temp.name.startswith(".menu-20250301T060000000000Z.json.") and temp.name.endswith(".tmp")
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]  # the temp file is gone
    assert target.read_bytes() == b"old"


def test_an_interrupted_write_removes_its_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "mapping.toml"

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(config.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"x = 1\n")
    assert list(tmp_path.iterdir()) == []


def test_a_temp_file_already_gone_does_not_hide_the_first_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "mapping.toml"

    def vanish_then_fail(source: Any, destination: Any) -> None:
        os.unlink(source)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(config.os, "replace", vanish_then_fail)
    with pytest.raises(OSError, match="Input/output"):
        write_atomic(target, b"x = 1\n")
    assert list(tmp_path.iterdir()) == []


def test_folders_missing_on_the_way_are_made(tmp_path: Path) -> None:
    target = tmp_path / "data" / "snapshots" / "menu-20250301T060000000000Z.json"
    write_atomic(target, b"{}")
    assert target.read_bytes() == b"{}"
