"""A clean process environment for in-process CLI runs (no POSTER_* from outside, no user config)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **variables: str) -> Path:
    """No POSTER_* from the outside world, no user config, no terminal; returns the data folder."""
    for var in [v for v in os.environ if v.startswith("POSTER")]:
        monkeypatch.delenv(var)
    data = tmp_path / "data"
    settings = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "POSTER_CLI_DATA_DIR": str(data), "POSTER_CLI_TTY": "0"}
    for key, value in {**settings, **variables}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    return data
