"""`poster-cli mapping show / check / push / pull`, the mapping file round trip and atomic write."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from poster_cli.errors import InputFileError
from poster_cli.mapping import (
    DishModifierChoice,
    Mapping,
    MappingEntry,
    dump_mapping,
    load_mapping,
    parse_mapping,
    read_own_toml,
    save_mapping,
)
from poster_cli.mapping_sync import auto_match, mapping_from_extras, plan_push
from poster_cli.menu import load_snapshot


def test_mapping_file_round_trip(tmp_path: Path) -> None:
    m = Mapping()
    m.set(
        MappingEntry(
            "L-001", "Latte L", "auto", product_id=140, modificator_id=147, score=96.5, poster_name="Латте 400 мл"
        )
    )
    m.set(
        MappingEntry("P-1", "Margherita 40", "confirmed", product_id=5, dish_modifications=(DishModifierChoice(52, 1),))
    )
    m.set(MappingEntry("X", "Gift card", "ignored"))
    path = tmp_path / "mapping.toml"
    save_mapping(m, path)
    assert load_mapping(path).entries == m.entries


@pytest.mark.parametrize(
    "name",
    [
        'Latte "L"',
        "C:\\menu\\latte",
        "two\nlines\r\n",
        "tab\there",
        "\x00\x1f\x7f bell\b feed\f",
        "Лате «XL» ☕🍰",
        "'single' and ''' triple",
        "\u2028 \u0085 \ufeff",
        "\\u0041 is not A",
        "",
    ],
)
def test_mapping_file_keeps_any_name_exactly(tmp_path: Path, name: str) -> None:
    m = Mapping()
    m.set(
        MappingEntry(
            name or "id",
            name,
            "confirmed",
            product_id=7,
            modificator_id=8,
            dish_modifications=(DishModifierChoice(1, 2), DishModifierChoice(3, 1)),
            score=99.9,
            poster_name=name or None,
        )
    )
    m.set(MappingEntry(name + "#2", name, "unmatched", score=0.0))
    path = tmp_path / "mapping.toml"
    save_mapping(m, path)
    assert tomllib.loads(path.read_text(encoding="utf-8"))["items"][0]["local_name"] == name
    assert load_mapping(path).entries == m.entries


@given(names=st.lists(st.text(), min_size=1, max_size=5, unique=True), score=st.floats(min_value=0, max_value=100))
@settings(max_examples=60, deadline=None)
def test_any_text_survives_the_mapping_file(names: list[str], score: float) -> None:
    m = Mapping()
    for i, name in enumerate(names):
        m.set(MappingEntry(name or f"empty{i}", name, "auto", product_id=i + 1, score=score, poster_name=name or None))
    back = parse_mapping(tomllib.loads(dump_mapping(m)), Path("mapping.toml"))
    assert [(e.local_id, e.local_name, e.poster_name, e.product_id) for e in back] == [
        (e.local_id, e.local_name, e.poster_name, e.product_id) for e in m
    ]
    assert [e.score for e in back] == [round(score, 1)] * len(names)


@given(
    names=st.lists(st.text(), min_size=1, max_size=5, unique=True),
    score=st.floats(min_value=0, max_value=100),
    choices=st.lists(st.tuples(st.integers(1, 10**9), st.integers(1, 9)), max_size=3),
)
@settings(max_examples=80, deadline=None)
def test_the_quick_reader_reads_what_the_writer_writes_as_tomllib_does(
    names: list[str], score: float, choices: list[tuple[int, int]]
) -> None:
    m = Mapping()
    for i, name in enumerate(names):
        status = ("auto", "confirmed", "unmatched", "ignored", "manual")[i % 5]
        m.set(
            MappingEntry(
                name or f"empty{i}",
                name,
                status,
                product_id=i + 1,
                modificator_id=i * 7 or None,
                score=score,
                dish_modifications=tuple(DishModifierChoice(m=c, a=a) for c, a in choices),
                poster_name=name or None,
            )
        )
    text = dump_mapping(m)
    assert read_own_toml(text) == tomllib.loads(text)


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace("[[items]]", "# checked by Olena\n[[items]]", 1),  # a comment
        lambda t: t.replace("\n", "\r\n"),  # saved on Windows
        lambda t: t.replace('local_name = "', "local_name = 'Latte' #", 1),  # other quoting
        lambda t: t.replace("product_id = 140", "product_id = 1_40", 1),  # a number written otherwise
        lambda t: t.replace("[[items]]\n", "[[items]]\n  ", 1),  # indented
    ],
)
def test_a_mapping_edited_by_hand_is_read_by_the_toml_library(tmp_path: Path, edit: Any) -> None:
    m = Mapping()
    m.set(MappingEntry("L-1", "Latte L", "confirmed", product_id=140, score=96.5, poster_name="Лате"))
    text = edit(dump_mapping(m))
    assert read_own_toml(text) is None  # not the writer's own form: the quick reader gives up
    path = tmp_path / "mapping.toml"
    path.write_bytes(text.encode("utf-8"))
    assert load_mapping(path).get("L-1").product_id == 140  # and tomllib reads it


def test_mapping_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "mapping.toml"
    save_mapping(Mapping({"A": MappingEntry("A", "a", "manual", product_id=1)}), path)
    before = path.read_bytes()

    def crash(src: Any, dst: Any) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        save_mapping(Mapping({"B": MappingEntry("B", "b", "manual", product_id=2)}), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["mapping.toml"]  # no temp file left behind


def test_a_broken_mapping_file_is_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    path.write_text('version = 1\n[[items]]\nlocal_id = "A"\nstatus = "auto"\n', encoding="utf-8")
    with pytest.raises(InputFileError, match="needs a product_id"):
        load_mapping(path)


def linked(cli_env: Any) -> dict[str, Any]:
    """Pull the sandbox menu and link three site items to real products of it."""
    assert cli_env.run("pull").exit_code == 0
    snap = load_snapshot(cli_env.data_dir / "menu.json")
    with_mods = next(p for p in snap.products.values() if len(p.modifications) >= 2 and not p.hidden)
    plain = next(p for p in snap.products.values() if not p.modifications and not p.hidden and p.visible_at(1))
    m = Mapping()
    m.set(
        MappingEntry(
            "S-1",
            "small",
            "confirmed",
            product_id=with_mods.product_id,
            modificator_id=with_mods.modifications[0].modificator_id,
        )
    )
    m.set(
        MappingEntry(
            "S-2",
            "large",
            "auto",
            product_id=with_mods.product_id,
            modificator_id=with_mods.modifications[1].modificator_id,
        )
    )
    m.set(MappingEntry("S-3", "plain", "manual", product_id=plain.product_id, poster_name=plain.name))
    m.set(MappingEntry("S-4", "nothing", "unmatched"))
    save_mapping(m, cli_env.data_dir / "mapping.toml")
    return {"mapping": m, "with_mods": with_mods, "plain": plain}


def test_push_then_pull_round_trips_links_through_poster_extras(cli_env: Any) -> None:
    ctx = linked(cli_env)
    dry = cli_env.run("mapping", "push", "--dry-run", "--json")
    assert dry.exit_code == 0
    writes = json.loads(dry.stdout)["writes"]
    assert {w["entity_id"] for w in writes} == {ctx["with_mods"].product_id, ctx["plain"].product_id}
    assert all(w["entity_type"] == "product" and "site_id" in w["extras"] for w in writes)
    assert not cli_env.sandbox.state.product(ctx["plain"].product_id).get("extras")  # dry run sent nothing

    refused = cli_env.run("mapping", "push")  # not a local API, no terminal: needs --yes
    assert refused.exit_code == 2 and "--yes" in refused.stderr

    pushed = cli_env.run("mapping", "push", "--yes", "--json")
    assert pushed.exit_code == 0, pushed.stderr
    assert sorted(json.loads(pushed.stdout)["written"]) == sorted(w["entity_id"] for w in writes)
    assert cli_env.sandbox.state.product(ctx["plain"].product_id)["extras"]["site_id"] == "S-3"

    again = cli_env.run("mapping", "push", "--yes", "--json")  # resumable: nothing left to write
    assert json.loads(again.stdout)["writes"] == [] and json.loads(again.stdout)["unchanged"] == 2

    assert cli_env.run("pull").exit_code == 0  # fresh menu answer, extras included
    restored = cli_env.run("mapping", "pull", "--mapping", str(cli_env.data_dir / "restored.toml"), "--json")
    assert restored.exit_code == 0, restored.stderr
    got = {
        e.local_id: (e.status, e.product_id, e.modificator_id) for e in load_mapping(cli_env.data_dir / "restored.toml")
    }
    want = {e.local_id: (e.status, e.product_id, e.modificator_id) for e in ctx["mapping"].linked()}
    assert got == want

    exists = cli_env.run("mapping", "pull")
    assert exists.exit_code == 2 and "--force" in exists.stderr


def test_push_clears_links_that_are_gone(cli_env: Any) -> None:
    ctx = linked(cli_env)
    assert cli_env.run("mapping", "push", "--yes").exit_code == 0
    assert cli_env.run("pull").exit_code == 0
    save_mapping(Mapping(), cli_env.data_dir / "mapping.toml")
    snap = load_snapshot(cli_env.data_dir / "menu.json")
    writes, _ = plan_push(Mapping(), snap)
    assert {w.product_id for w in writes} == {ctx["with_mods"].product_id, ctx["plain"].product_id}
    assert all(w.extras == {"site_id": "", "site_links": ""} for w in writes)
    assert cli_env.run("mapping", "push", "--yes").exit_code == 0
    assert cli_env.run("pull").exit_code == 0
    assert len(mapping_from_extras(load_snapshot(cli_env.data_dir / "menu.json"))) == 0


def test_check_reports_broken_links_with_exit_3(cli_env: Any) -> None:
    ctx = linked(cli_env)
    ok = cli_env.run("mapping", "check", "--json")
    assert ok.exit_code == 0 and json.loads(ok.stdout)["broken"] == []
    snap_path = cli_env.data_dir / "menu.json"
    raw = json.loads(snap_path.read_text(encoding="utf-8"))
    raw["products"] = [p for p in raw["products"] if int(p["product_id"]) != ctx["plain"].product_id]
    snap_path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    bad = cli_env.run("mapping", "check", "--json")
    assert bad.exit_code == 3
    [broken] = json.loads(bad.stdout)["broken"]
    assert (broken["local_id"], broken["reason"]) == ("S-3", "removed")
    human = cli_env.run("mapping", "check")
    assert "S-3" in human.stderr and "no longer in the menu" in human.stderr


def test_show_table_and_json_filter(cli_env: Any) -> None:
    linked(cli_env)
    table = cli_env.run("mapping", "show")
    assert table.exit_code == 0 and "S-3" in table.stdout and "confirmed" in table.stdout
    doc = json.loads(cli_env.run("mapping", "show", "--json", "--status", "unmatched").stdout)
    assert [i["local_id"] for i in doc["items"]] == ["S-4"] and doc["counts"]["confirmed"] == 1
    assert cli_env.run("mapping", "show", "--status", "bogus").exit_code == 2


def test_auto_match_maps_only_new_confident_items(cli_env: Any) -> None:
    from poster_cli.catalogue import CatalogueItem

    ctx = linked(cli_env)
    snap = load_snapshot(cli_env.data_dir / "menu.json")
    names = [p.name for p in snap.products.values()]
    other = next(
        p
        for p in snap.products.values()
        if not p.modifications
        and not p.hidden
        and p.visible_at(1)
        and p.product_id != ctx["plain"].product_id
        and names.count(p.name) == 1
        and not p.active_groups()
    )
    m = ctx["mapping"]
    added = auto_match(
        [CatalogueItem("S-3", "something else"), CatalogueItem("NEW", other.name, other.price_at(1))], snap, m, 1
    )
    assert m.get("S-3").status == "manual"  # a person's decision stays
    assert [(e.local_id, e.status, e.product_id) for e in added] == [("NEW", "auto", other.product_id)]
