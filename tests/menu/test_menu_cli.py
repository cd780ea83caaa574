"""`menu show` (filters, table, JSON) and `menu diff` (golden JSON, exit codes, broken links)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from poster_cli.cli.main import app
from poster_cli.mapping import Mapping, MappingEntry, save_mapping
from tests.support.env import clean_env
from tests.support.paths import FIXTURES

DRIFT = FIXTURES / "drift"


@pytest.fixture
def env(tmp_path, monkeypatch):
    data = clean_env(monkeypatch, tmp_path)
    data.mkdir()
    raw = json.loads((DRIFT / "new.json").read_text(encoding="utf-8"))
    raw["categories"].append({"category_id": "3", "category_name": "Холодна кава", "parent_category": "1"})
    raw["products"].append(
        {
            "product_id": "40",
            "product_name": "Айс лате",
            "menu_category_id": "3",
            "type": "3",
            "spots": [{"spot_id": "2", "price": "9000", "visible": "0"}],
        }
    )
    (data / "menu.json").write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def shown(*args: str) -> list[int]:
    result = run("menu", "show", "--json", *args)
    assert result.exit_code == 0, result.output
    return [p["product_id"] for p in json.loads(result.stdout)["products"]]


def test_show_table_has_prices_in_money_and_flags(env):
    result = run("menu", "show", "--spot", "1")
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "Еспресо" in line)
    assert "48.00" in row and "out of stock" in row
    assert "Сирники" in result.stdout and "hidden" in result.stdout
    assert "Соус (0-2): 2 choices" in result.stdout
    assert "products" in result.stderr  # the count is talk, not data


def test_show_filters(env):
    assert sorted(shown()) == [10, 11, 20, 30, 40]
    assert sorted(shown("--category", "кава")) == [10, 11, 30, 40]  # by name, with sub-categories
    assert shown("--category", "3") == [40]  # by id
    assert shown("--hidden") == [20]
    assert 20 not in shown("--no-hidden")
    assert shown("--search", "ЛАТЕ") == [11, 40]  # sorted by category, then name
    assert 40 not in shown("--spot", "1")  # not sold at spot 1


def test_show_json_is_per_spot_kopecks(env):
    result = run("menu", "show", "--json", "--search", "лате", "--spot", "2")
    doc = json.loads(result.stdout)
    assert doc["currency"] == "UAH" and doc["count"] == 2
    latte = next(p for p in doc["products"] if p["product_id"] == 11)
    assert latte["modifications"] == [
        {"modificator_id": 112, "name": "450 мл", "prices": {"2": 7000}, "visible": {"2": True}}
    ]
    ice = next(p for p in doc["products"] if p["product_id"] == 40)
    assert ice["visible"] == {"2": False}


def test_show_unknown_category_suggests_the_nearest(env):
    result = run("menu", "show", "--category", "Дисерти")
    assert result.exit_code == 2
    assert "no category 'Дисерти'" in result.stderr and "Десерти" in result.stderr


def test_show_without_snapshot_says_to_pull(env):
    (env / "data" / "menu.json").unlink()
    result = run("menu", "show")
    assert result.exit_code == 2 and "poster-cli pull" in result.stderr


def test_diff_json_golden(monkeypatch):
    monkeypatch.chdir(DRIFT)
    result = run("menu", "diff", "old.json", "new.json", "--json")
    assert result.exit_code == 3
    assert json.loads(result.stdout) == json.loads((DRIFT / "diff.golden.json").read_text(encoding="utf-8"))


def test_diff_of_identical_snapshots_exits_0(monkeypatch):
    monkeypatch.chdir(DRIFT)
    result = run("menu", "diff", "old.json", "old.json")
    assert result.exit_code == 0
    assert result.stdout.strip().startswith("diff: 0 added, 0 removed, 0 changed")


def test_diff_human_lines(monkeypatch):
    monkeypatch.chdir(DRIFT)
    out = run("menu", "diff", "old.json", "new.json").stdout
    assert "+ 30 Чай чорний: added" in out
    assert '~ 11 Лате: modification 111 "300 мл" removed' in out
    assert "~ 20 Сирники: modifier price (group 7, modifier 71): 15.00 UAH → 17.50 UAH" in out


def test_diff_with_mapping_reports_broken_links(tmp_path, monkeypatch):
    monkeypatch.chdir(DRIFT)
    mapping = Mapping()
    mapping.set(
        MappingEntry(local_id="S-1", local_name="Latte S", status="confirmed", product_id=11, modificator_id=111)
    )
    mapping.set(MappingEntry(local_id="S-2", local_name="Syrnyky", status="auto", product_id=20))
    save_mapping(mapping, tmp_path / "m.toml")
    result = run("menu", "diff", "old.json", "new.json", "--json", "--mapping", str(tmp_path / "m.toml"))
    broken = {b["local_id"]: b["reason"] for b in json.loads(result.stdout)["broken"]}
    assert broken == {"S-1": "modification_removed", "S-2": "hidden"}


def test_diff_of_a_missing_file_exits_2(monkeypatch):
    monkeypatch.chdir(DRIFT)
    result = run("menu", "diff", "old.json", "nope.json")
    assert result.exit_code == 2 and "nope.json" in result.stderr


def test_show_is_tab_separated_when_piped_and_a_table_on_a_terminal(env, monkeypatch):
    piped = run("menu", "show", "--spot", "1").stdout.splitlines()
    assert piped[0].split("\t") == ["id", "name", "category", "type", "spot 1 UAH", "modifications", "flags"]
    assert "11\tЛате\tКава\tproduct\t-\t112 450 мл 70.00\t" in piped
    monkeypatch.setenv("POSTER_CLI_TTY", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    table = run("menu", "show", "--spot", "1").stdout
    assert "│" in table and "\t" not in table and "Еспресо" in table
