"""`mapping pull` relies on ``menu.getProducts`` showing product extras, which no doc promises
(docs/poster-assumptions.md, ``extras-echo``). On an account that does not show them (the
sandbox's docs-minimal mode) it refuses with one line and never empties or replaces a mapping."""

from __future__ import annotations

import json
from typing import Any

import pytest

from poster_cli.mapping import Mapping, MappingEntry, save_mapping
from tests.support.sandbox import make_sandbox


@pytest.fixture
def sandbox():
    return make_sandbox(mode="docs-minimal")


def link_and_push(cli_env: Any) -> bytes:
    assert cli_env.run("pull").exit_code == 0
    m = Mapping()
    m.set(MappingEntry("ESP-01", "Espresso", "confirmed", product_id=101, poster_name="Еспресо"))
    m.set(MappingEntry("DOP-01", "Doppio", "manual", product_id=102, poster_name="Допіо"))
    path = cli_env.data_dir / "mapping.toml"
    save_mapping(m, path)
    pushed = cli_env.run("mapping", "push", "--yes")
    assert pushed.exit_code == 0, pushed.stderr
    assert cli_env.sandbox.state.product(101)["extras"]["site_id"] == "ESP-01"  # Poster has them
    assert cli_env.run("pull").exit_code == 0  # ... but does not show them
    return path.read_bytes()


def test_pull_refuses_when_the_menu_carries_no_extras_and_writes_nothing(cli_env):
    link_and_push(cli_env)
    target = cli_env.data_dir / "restored.toml"
    result = cli_env.run("mapping", "pull", "--mapping", str(target))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "extras" in lines[0] and "doctor --probe" in lines[0]
    assert not target.exists()


def test_pull_force_never_empties_an_existing_mapping(cli_env):
    before = link_and_push(cli_env)
    result = cli_env.run("mapping", "pull", "--force", "--json")
    assert result.exit_code == 1
    assert result.stdout.strip() == ""
    assert (cli_env.data_dir / "mapping.toml").read_bytes() == before


def test_pull_with_extras_that_hold_no_link_does_not_replace_a_mapping(cli_env, tmp_path):
    # the menu shows an extras field, but no product carries a link of ours: refusing beats
    # replacing three links with none
    before = link_and_push(cli_env)
    menu = cli_env.data_dir / "menu.json"
    snap = json.loads(menu.read_text("utf-8"))
    for p in snap["products"]:
        p["extras"] = {"other_app": "x"}
    menu.write_text(json.dumps(snap, ensure_ascii=False), "utf-8")
    result = cli_env.run("mapping", "pull", "--force")
    assert result.exit_code == 1
    assert "no link" in result.stderr
    assert (cli_env.data_dir / "mapping.toml").read_bytes() == before
