"""Two review sessions on one mapping file (two browser tabs, or a terminal and a tab): each save
merges into the file as it is now, so neither loses the other's decisions."""

from __future__ import annotations

from pathlib import Path

from poster_cli.mapping import Mapping, MappingEntry, MappingSession, load_mapping, save_mapping


def test_two_sessions_keep_each_others_decisions(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    start = Mapping()
    for lid in ("A", "B", "C"):
        start.set(MappingEntry(local_id=lid, local_name=lid, status="unmatched"))
    save_mapping(start, path)
    one = MappingSession(path, data_dir=tmp_path)
    two = MappingSession(path, data_dir=tmp_path)

    one.mapping.set(MappingEntry(local_id="A", local_name="A", status="confirmed", product_id=101))
    one.save()
    two.mapping.set(MappingEntry(local_id="B", local_name="B", status="ignored"))
    two.save()
    assert two.mapping.get("A").status == "confirmed"  # the other tab's choice is seen after a save

    one.mapping.entries.pop("C")  # an undo back to "no entry"
    one.save()
    on_disk = {e.local_id: (e.status, e.product_id) for e in load_mapping(path)}
    assert on_disk == {"A": ("confirmed", 101), "B": ("ignored", None)}


def test_a_machine_result_never_replaces_a_persons_decision_made_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    save_mapping(Mapping(), path)
    matcher = MappingSession(path, data_dir=tmp_path)
    person = MappingSession(path, data_dir=tmp_path)
    person.mapping.set(MappingEntry(local_id="A", local_name="A", status="ignored"))
    person.save()
    matcher.mapping.set(MappingEntry(local_id="A", local_name="A", status="auto", product_id=7, score=90.0))
    matcher.save(machine=True)
    assert load_mapping(path).get("A").status == "ignored"
