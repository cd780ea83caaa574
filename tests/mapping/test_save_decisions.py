"""save_decisions and MappingSession.save: what a person's save does to the file (as given, over
a machine's result; dropping an entry another writer already dropped), and how a save that finds
the data folder locked behaves (bounded wait, said once, the lock file naming who holds it)."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from poster_cli.locks import DataLocked, data_lock
from poster_cli.mapping import Mapping, MappingEntry, MappingSession, save_decisions, save_mapping

LATTE = MappingEntry(local_id="A", local_name="Latte", status="confirmed", product_id=10, poster_name="Лате")
GUESS = MappingEntry(local_id="A", local_name="Latte", status="auto", product_id=99, score=71.0)


def on_disk(path: Path) -> dict[str, tuple[str, int | None]]:
    with open(path, "rb") as fh:
        return {str(i["local_id"]): (i["status"], i.get("product_id")) for i in tomllib.load(fh).get("items", [])}


def mapping_of(*entries: MappingEntry) -> Mapping:
    m = Mapping()
    for e in entries:
        m.set(e)
    return m


def test_a_persons_save_replaces_even_a_confirmed_entry(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    save_mapping(mapping_of(LATTE), path)
    save_decisions(path, {"A": GUESS}, data_dir=tmp_path)
    assert on_disk(path) == {"A": ("auto", 99)}


def test_a_machine_save_keeps_a_confirmed_entry(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    save_mapping(mapping_of(LATTE), path)
    save_decisions(path, {"A": GUESS}, data_dir=tmp_path, machine=True)
    assert on_disk(path) == {"A": ("confirmed", 10)}


def test_a_session_saves_as_a_person_unless_told_it_is_the_machine(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    save_mapping(mapping_of(LATTE), path)
    session = MappingSession(path, data_dir=tmp_path)
    session.mapping.set(GUESS)
    session.save()
    assert on_disk(path) == {"A": ("auto", 99)}


def test_dropping_an_entry_someone_else_already_dropped_is_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    save_mapping(mapping_of(LATTE), path)
    merged = save_decisions(path, {"GONE": None}, data_dir=tmp_path)
    assert [e.local_id for e in merged] == ["A"]
    assert on_disk(path) == {"A": ("confirmed", 10)}


def test_saving_nothing_creates_a_missing_file_and_leaves_an_existing_one_alone(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    save_decisions(path, {}, data_dir=tmp_path)
    assert path.read_text(encoding="utf-8") == "version = 1\n"
    path.write_text('version = 1\n# a comment a person wrote\n', encoding="utf-8")
    save_decisions(path, {}, data_dir=tmp_path)
    assert path.read_text(encoding="utf-8") == "version = 1\n# a comment a person wrote\n"


def test_the_lock_file_names_what_saved(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    save_decisions(path, {"A": LATTE}, data_dir=tmp_path, purpose="review")
    assert (tmp_path / ".sync.lock").read_text() == f"{os.getpid()} review\n"
    session = MappingSession(path, data_dir=tmp_path, purpose="match")
    session.mapping.set(GUESS)
    session.save()
    assert (tmp_path / ".sync.lock").read_text() == f"{os.getpid()} match\n"


def test_a_save_waits_for_the_lock_only_as_long_as_asked_and_says_so_once(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    said: list[str] = []

    def on_wait(message: str) -> None:  # fails at once, rather than after a longer wait, if the bound is lost
        said.append(message)
        assert "up to 0.05s" in message, message

    with data_lock(tmp_path, purpose="sync"):  # held by another open file: flock makes the save wait
        with pytest.raises(DataLocked, match=r"gave up after 0\.05s"):
            save_decisions(path, {"A": LATTE}, data_dir=tmp_path, timeout=0.05, on_wait=on_wait)
        assert len(said) == 1 and "`poster-cli sync`" in said[0] and "up to 0.05s" in said[0]

        session = MappingSession(path, data_dir=tmp_path, timeout=0.05, on_wait=on_wait)
        session.mapping.set(LATTE)
        with pytest.raises(DataLocked, match=r"gave up after 0\.05s"):
            session.save()
        assert len(said) == 2 and "up to 0.05s" in said[1]
    assert not path.exists()  # nothing was written while the lock was held
