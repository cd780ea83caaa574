"""A person's decisions written on top of mapping.toml under the data folder's lock: nobody's
decision is lost, whether it comes from a browser tab, the terminal review or another process."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from poster_cli.decisions import Decision, apply_decisions, no_counterpart
from poster_cli.mapping import Mapping, MappingEntry, MappingSession, save_mapping

ROOT = Path(__file__).resolve().parents[2]


def unmatched(n: int) -> Mapping:
    m = Mapping()
    for i in range(n):
        m.set(MappingEntry(local_id=f"S{i}", local_name=f"Item {i}", status="unmatched"))
    return m


def statuses(path: Path) -> dict[str, str]:
    with open(path, "rb") as fh:
        return {str(i["local_id"]): str(i["status"]) for i in tomllib.load(fh)["items"]}


def test_a_terminal_save_keeps_what_a_tab_wrote_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    save_mapping(unmatched(3), path)
    terminal = MappingSession(path, data_dir=tmp_path)
    s0 = terminal.mapping.get("S0")
    # a browser tab says S1 has no counterpart while the terminal is asking about S0
    tab = apply_decisions(path, tmp_path, [Decision("S1", terminal.mapping.get("S1"), no_counterpart("S1", "Item 1"))])
    assert tab.done and not tab.conflicts
    assert s0 is not None
    terminal.mapping.set(no_counterpart("S0", "Item 0"))
    terminal.save()
    assert statuses(path) == {"S0": "ignored", "S1": "ignored", "S2": "unmatched"}
    assert terminal.mapping.get("S1") == no_counterpart("S1", "Item 1")  # the terminal sees the tab's decision


def test_a_decision_on_a_stale_view_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    save_mapping(unmatched(2), path)
    seen = MappingEntry(local_id="S0", local_name="Item 0", status="unmatched")
    first = apply_decisions(path, tmp_path, [Decision("S0", seen, no_counterpart("S0", "Item 0"))])
    assert first.done
    linked = MappingEntry(local_id="S0", local_name="Item 0", status="confirmed", product_id=7, poster_name="Сік")
    late = apply_decisions(path, tmp_path, [Decision("S0", seen, linked)])
    assert not late.done and late.conflicts[0].current == no_counterpart("S0", "Item 0")
    assert statuses(path)["S0"] == "ignored"


def test_undo_puts_back_what_was_there(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    save_mapping(unmatched(2), path)
    before_bytes = path.read_bytes()
    d = Decision(
        "S1", MappingEntry(local_id="S1", local_name="Item 1", status="unmatched"), no_counterpart("S1", "Item 1")
    )
    assert apply_decisions(path, tmp_path, [d]).done
    assert statuses(path)["S1"] == "ignored"
    assert apply_decisions(path, tmp_path, [d.undone()]).done
    assert path.read_bytes() == before_bytes


WRITER = """
import sys
from pathlib import Path
from poster_cli.decisions import Decision, apply_decisions, no_counterpart
from poster_cli.mapping import MappingEntry
path, first, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
for i in range(first, first + count):
    seen = MappingEntry(local_id=f"S{i}", local_name=f"Item {i}", status="unmatched")
    result = apply_decisions(path, path.parent, [Decision(f"S{i}", seen, no_counterpart(f"S{i}", f"Item {i}"))])
    assert result.done, result.conflicts
"""


def test_four_processes_deciding_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    save_mapping(unmatched(80), path)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(20 * k), "20"], cwd=ROOT) for k in range(4)]
    for p in procs:
        assert p.wait(timeout=60) == 0
    assert set(statuses(path).values()) == {"ignored"} and len(statuses(path)) == 80


def test_a_mapping_written_again_and_again_is_the_same_file_as_written_afresh(tmp_path: Path) -> None:
    """The web review keeps each entry's text between writes; the file must not differ for it."""
    kept: dict[MappingEntry, str] = {}
    mapping = unmatched(30)
    mapping.set(
        MappingEntry(local_id="S3", local_name='Кава "Зерно"\t1 кг', status="confirmed", product_id=3, score=88.25)
    )
    for step in range(3):
        save_mapping(mapping, tmp_path / "kept.toml", kept)
        save_mapping(mapping, tmp_path / "afresh.toml")
        assert (tmp_path / "kept.toml").read_bytes() == (tmp_path / "afresh.toml").read_bytes()
        mapping.set(no_counterpart(f"S{step}", f"Item {step}"))
        mapping.entries.pop(f"S{10 + step}")
    save_mapping(mapping, tmp_path / "kept.toml", kept)
    assert set(kept) == set(mapping)  # what left the mapping left the kept texts
    assert statuses(tmp_path / "kept.toml")["S3"] == "confirmed"
