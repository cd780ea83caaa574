"""The data folder is private: it holds customers' phones and names (the order journal, webhook
events), the menu and the mapping. Every file in it is 0600 and the folder 0700, whatever the
umask; files an older version left readable by others are tightened when they are opened.

Only the files this tool writes are touched (by name), never anything else a user keeps there.
A file owned by someone else that we may write but not chmod is left as it is.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
DATA_FILES = (
    "menu.json",
    "mapping.toml",
    "sync-report.json",
    "orders.sqlite",
    "orders.sqlite.claims",
    "webhooks.sqlite",
    ".sync.lock",
)
SNAPSHOTS = "snapshots"


def _tighten(path: Path, mode: int) -> None:
    try:
        st = os.lstat(path)
    except OSError:
        return
    if stat.S_ISLNK(st.st_mode) or stat.S_IMODE(st.st_mode) & 0o077 == 0:
        return
    try:
        os.chmod(path, mode)
    except PermissionError:
        pass  # not ours to change


def private_dir(path: Path) -> Path:
    """Create ``path`` (0700) if missing; take group and other access away if it has any."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    _tighten(path, DIR_MODE)
    return path


def private_file(path: Path) -> None:
    """Make an existing file 0600 if others could read it."""
    _tighten(path, FILE_MODE)


def private_sqlite(path: Path) -> None:
    """After sqlite opened ``path``: the database file 0600 (sqlite gives the -wal and -shm files
    it creates later the database file's mode) and any side files there now tightened."""
    for p in (path, *(path.with_name(path.name + side) for side in SQLITE_SIDE_FILES)):
        private_file(p)


def tighten_data_dir(data_dir: Path) -> None:
    """The data folder and the files this tool keeps in it, private (an existing folder tightened)."""
    private_dir(data_dir)
    for name in DATA_FILES:
        for side in ("", *SQLITE_SIDE_FILES) if name.endswith(".sqlite") else ("",):
            private_file(data_dir / (name + side))
    snapshots = data_dir / SNAPSHOTS
    if snapshots.is_dir():
        _tighten(snapshots, DIR_MODE)
        for p in snapshots.glob("menu-*.json"):
            private_file(p)


__all__ = ["private_sqlite", "private_dir", "private_file", "tighten_data_dir"]
