"""Writing a catalogue file for a test, and reading what came of it: the items as plain tuples, or
the one-line error a bad file gives (always exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from poster_cli.catalogue import read_catalogue
from poster_cli.errors import InputFileError


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def items(catalogue: object) -> list[tuple[str, str, int | None, str, str]]:
    return [(i.local_id, i.name, i.price, i.category, i.barcode) for i in catalogue]  # type: ignore[attr-defined]


def error(path: Path, **kwargs: object) -> InputFileError:
    with pytest.raises(InputFileError) as info:
        read_catalogue(path, **kwargs)  # type: ignore[arg-type]
    assert info.value.exit_code == 2
    return info.value
