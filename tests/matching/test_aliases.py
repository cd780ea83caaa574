"""Words a person teaches by linking: learnt, used for the rest of the review at once, kept in
<data>/aliases.toml for later runs, and editable there."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from poster_cli.catalogue import CatalogueItem
from poster_cli.cli.main import app
from poster_cli.mapping import Mapping, MappingEntry, load_mapping
from poster_cli.mapping_sync import AliasLearner, run_match
from poster_cli.matching import MatchOptions, MenuIndex
from poster_cli.matching.aliases import learn
from poster_cli.menu import MenuSnapshot
from tests.support.grill import grill


def test_a_link_teaches_the_words_left_over_on_each_side() -> None:
    assert learn("Pork mtsvadi on vine twigs", "Мцваді на виноградній лозі / Свинина") == (
        "vine twigs",
        "виноградній лозі",
    )
    assert learn("Cold lobio with walnuts", "Лобіо холодне з горіхами") == ("walnuts", "горіхами")
    # word for word only, never an explanation, never when nothing is shared
    assert learn("Golden latte — turmeric, oat milk", "Золоте молоко з куркумою") is None
    assert learn("Svan kubdari with meat", "Кубдарі") is None
    assert learn("Gift card", "Подарунковий сертифікат") is None


SITE = [
    CatalogueItem("P", "Pork mtsvadi on vine twigs", 32000),
    CatalogueItem("V", "Veal mtsvadi on vine twigs", 32000),
    CatalogueItem("C", "Chicken mtsvadi on vine twigs", 32000),
]


def test_what_one_link_teaches_ranks_the_next_items_of_the_same_review() -> None:
    index = MenuIndex.from_products(MenuSnapshot(raw=grill()).products.values(), 1)
    mapping, options = Mapping(), MatchOptions()
    results = {r.item.local_id: r for r in run_match(SITE, index, mapping, options)}
    assert all(r.accepted is None for r in results.values())  # "vine twigs" means nothing yet
    before = results["V"].candidates[0].score
    assert before < options.accept
    queue = list(results.values())
    learner = AliasLearner(index, mapping, options, queue, {})
    pork = next(c for c in results["P"].candidates if c.modificator_id == 31)
    mapping.set(
        MappingEntry("P", "Pork mtsvadi on vine twigs", "confirmed", 3, 31, score=pork.score, poster_name=pork.name)
    )
    learner.after_decision()
    assert learner.words == {"vine twigs": "виноградній лозі"}
    veal = results["V"].candidates[0]
    assert (veal.product_id, veal.modificator_id) == (3, 32) and veal.score >= options.accept > before
    chicken = results["C"].candidates[0]
    assert (chicken.product_id, chicken.modificator_id) == (3, 33)


def invoke(tmp_path: Path) -> Any:
    menu = tmp_path / "menu.json"
    menu.write_text(json.dumps(grill(), ensure_ascii=False), encoding="utf-8")
    site = tmp_path / "site.csv"
    site.write_text("id;name;price\nV;Veal mtsvadi on vine twigs;320\nC;Chicken mtsvadi on vine twigs;320\n", "utf-8")
    env = {"POSTER_CLI_TTY": "0", "NO_COLOR": "1", "POSTER_CLI_DATA_DIR": str(tmp_path), "POSTER_TOKEN": None}
    args = ["match", str(site), "--menu", str(menu), "--spot", "1", "--json"]
    return CliRunner().invoke(app, args, env=env, catch_exceptions=False)


def linked(tmp_path: Path) -> dict[str, tuple[str, int | None]]:
    return {e.local_id: (e.status, e.modificator_id) for e in load_mapping(tmp_path / "mapping.toml")}


def test_words_kept_in_the_aliases_file_link_items_in_a_later_run(tmp_path: Path) -> None:
    invoke(tmp_path)
    assert linked(tmp_path) == {"V": ("unmatched", None), "C": ("unmatched", None)}
    (tmp_path / "aliases.toml").write_text('[words]\n"vine twigs" = "виноградній лозі"\n', encoding="utf-8")
    (tmp_path / "mapping.toml").unlink()
    result = invoke(tmp_path)
    assert result.exit_code == 0, result.stderr
    assert linked(tmp_path) == {"V": ("auto", 32), "C": ("auto", 33)}


def test_a_pair_set_to_nothing_in_the_file_is_not_used(tmp_path: Path) -> None:
    (tmp_path / "aliases.toml").write_text('[words]\n"vine twigs" = ""\n', encoding="utf-8")
    result = invoke(tmp_path)
    assert result.exit_code == 3
    assert linked(tmp_path) == {"V": ("unmatched", None), "C": ("unmatched", None)}


def test_a_broken_aliases_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "aliases.toml").write_text("[words\n", encoding="utf-8")
    result = invoke(tmp_path)
    assert result.exit_code == 2
    assert "aliases.toml" in result.stderr and "Traceback" not in result.stderr


def test_a_review_at_the_terminal_keeps_what_it_taught_for_later_runs(tmp_path: Path) -> None:
    menu = tmp_path / "menu.json"
    menu.write_text(json.dumps(grill(), ensure_ascii=False), encoding="utf-8")
    site = tmp_path / "site.csv"
    site.write_text(
        "id;name;price\nP;Pork mtsvadi on vine twigs;320\nV;Veal mtsvadi on vine twigs;320\n"
        "V2;Veal mtsvadi on vine twigs;320\n",  # two claim one target alike: a person decides both
        "utf-8",
    )
    env = {"POSTER_CLI_TTY": "1", "NO_COLOR": "1", "POSTER_CLI_DATA_DIR": str(tmp_path), "POSTER_TOKEN": None}
    args = ["match", str(site), "--menu", str(menu), "--spot", "1", "--review", "30"]
    result = CliRunner().invoke(app, args, env=env, input="1\n1\nn\n", catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert linked(tmp_path) == {"P": ("confirmed", 31), "V": ("confirmed", 32), "V2": ("ignored", None)}
    assert "[2/3] Veal mtsvadi on vine twigs" in result.stderr
    shown = result.stderr.split("[2/3]")[1]
    assert "1. Мцваді на виноградній лозі / Телятина" in shown  # ranked with what the first link taught
    assert '"vine twigs" = "виноградній лозі"' in (tmp_path / "aliases.toml").read_text(encoding="utf-8")


def test_items_that_what_a_person_taught_makes_certain_are_linked_without_asking(tmp_path: Path) -> None:
    menu = tmp_path / "menu.json"
    menu.write_text(json.dumps(grill(), ensure_ascii=False), encoding="utf-8")
    site = tmp_path / "site.csv"
    site.write_text(
        "id;name;price\nP;Pork mtsvadi on vine twigs;320\nV;Veal mtsvadi on vine twigs;320\n"
        "C;Chicken mtsvadi on vine twigs;320\n",
        "utf-8",
    )
    env = {"POSTER_CLI_TTY": "1", "NO_COLOR": "1", "POSTER_CLI_DATA_DIR": str(tmp_path), "POSTER_TOKEN": None}
    args = ["match", str(site), "--menu", str(menu), "--spot", "1", "--review", "30"]
    result = CliRunner().invoke(app, args, env=env, input="1\n", catch_exceptions=False)
    assert "[1/3] Pork mtsvadi on vine twigs" in result.stderr
    assert "[2/3]" not in result.stderr and "[3/3]" not in result.stderr  # never asked
    assert result.exit_code == 0, result.stderr
    assert linked(tmp_path) == {"P": ("confirmed", 31), "V": ("auto", 32), "C": ("auto", 33)}
    after = result.stderr.split("[1/3]")[1]
    assert "Veal mtsvadi on vine twigs → Мцваді на виноградній лозі / Телятина" in after
    assert "Chicken mtsvadi on vine twigs → Мцваді на виноградній лозі / Курка" in after
    assert "2 linked automatically" in after
