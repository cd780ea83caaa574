"""Issue 13 items 3 and 4: the terminal review prompt, and reviewing automatic links."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from poster_cli.catalogue import CatalogueItem
from poster_cli.mapping import Mapping, load_mapping
from poster_cli.mapping_sync import run_match
from poster_cli.matching import MatchOptions, MenuIndex
from poster_cli.matching.review import review
from poster_cli.menu import load_snapshot

TTY = {"POSTER_CLI_TTY": "1"}
CATALOGUE = (
    "id,name,price,category\n"
    "HAW,Hawaiian,250,Pizza\n"
    "GIFT,Gift card,500,Other\n"
    "PUMP,Pumpkin spice latte with a very long name that goes on and on seasonal,95,Coffee\n"
)


@pytest.fixture
def env(cli_env: Any, tmp_path: Path) -> Any:
    assert cli_env.run("pull").exit_code == 0
    (tmp_path / "site.csv").write_text(CATALOGUE, encoding="utf-8")
    return cli_env


def scripted(keys: list[str]) -> Any:
    answers = iter(keys)

    def ask(prompt: str) -> str:
        for a in answers:
            return a
        raise EOFError

    return ask


def queue_for(env: Any, items: list[CatalogueItem], review_score: float = 40.0) -> tuple[Any, Mapping, MenuIndex]:
    snap = load_snapshot(env.data_dir / "menu.json")
    index = MenuIndex.from_products(snap.products.values(), 1)
    mapping = Mapping()
    results = run_match(items, index, mapping, MatchOptions(review=review_score))
    return [r for r in results if r.accepted is None], mapping, index


def test_no_candidate_below_the_review_score_and_an_item_with_none_says_so(env: Any, tmp_path: Path) -> None:
    r = env.run("match", str(tmp_path / "site.csv"), "--review", "40", input="n\nn\nn\n", env=TTY)
    text = r.stderr
    assert "Раф ванільний" not in text and "Сироп карамельний" not in text
    block = text[text.index("Hawaiian (HAW)") : text.index("Gift card (GIFT)")]
    assert "no candidate scores 40 or more: / to search the menu, n for no match" in block
    scores = [int(line.split()[-1]) for line in text.splitlines() if line[:6].strip().rstrip(".").isdigit()]
    assert all(s >= 40 for s in scores)


def test_every_line_fits_80_columns_and_the_score_column_is_labelled(env: Any, tmp_path: Path) -> None:
    r = env.run("match", str(tmp_path / "site.csv"), "--review", "0", input="q\n", env=TTY)
    everything = r.stderr.splitlines()
    start = next(i for i, line in enumerate(everything) if line.startswith("[1/3]"))
    lines = everything[start : next(i for i, line in enumerate(everything) if "confirmed 0" in line)]
    assert len(lines) > 5 and all(len(line) <= 80 for line in lines), max(lines, key=len)
    header = next(line for line in lines if "Poster item" in line)
    assert header.split()[-2:] == ["price", "score"]


def test_enter_alone_does_not_skip(env: Any) -> None:
    queue, mapping, index = queue_for(env, [CatalogueItem("G", "Gift card")])
    said: list[str] = []
    outcome = review(queue, mapping, index, ask=scripted(["", "n"]), say=said.append, save=lambda: None)
    assert outcome.skipped == 0 and outcome.ignored == 1
    assert mapping.get("G").status == "ignored"
    assert any("Enter does nothing" in line for line in said)


def test_question_mark_shows_the_legend(env: Any) -> None:
    queue, mapping, index = queue_for(env, [CatalogueItem("G", "Gift card")])
    said: list[str] = []
    review(queue, mapping, index, ask=scripted(["?", "q"]), say=said.append, save=lambda: None)
    legend = next(line for line in said if "legend" in line)
    for key in ("1-9", "s skip", "n no match", "/ search", "u undo", "q save"):
        assert key in legend


def test_choosing_a_hidden_product_warns_that_orders_will_be_refused(env: Any) -> None:
    queue, mapping, index = queue_for(env, [CatalogueItem("P", "Pumpkin latte seasonal")])
    said: list[str] = []
    keys = ["/Гарбузовий лате", "1"]
    review(queue, mapping, index, ask=scripted(keys), say=said.append, save=lambda: None, review_score=0)
    assert mapping.get("P").product_id == 110  # the sandbox's hidden pumpkin latte
    assert any("hidden in Poster" in line and "orders for it will be refused" in line for line in said)


def test_an_item_shown_at_the_accept_score_is_never_called_below_it(env: Any) -> None:
    queue, _, _ = queue_for(env, [CatalogueItem(f"I{i}", n) for i, n in enumerate(["Latte", "Flat white", "Mocha"])])
    for r in queue:
        if r.note and "below the accept score" in r.note:
            assert int(r.note.split()[1]) < 80 and r.best is not None and r.best.score < 80


def test_one_key_without_enter_at_a_terminal(tmp_path: Path) -> None:
    """The prompt at a real pseudo-terminal takes "2" the moment it is typed, no Enter."""
    import pty

    code = "from poster_cli.cli.match import ask_key\nprint('GOT', repr(ask_key('> ')), flush=True)\n"
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=slave, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    try:
        deadline = time.monotonic() + 20
        seen = b""
        while b"> " not in seen and time.monotonic() < deadline:  # wait for the prompt
            seen += os.read(master, 100)
        os.write(master, b"2")
        out, _ = proc.communicate(timeout=20)
    finally:
        proc.kill()
        os.close(master)
    assert out.decode().strip() == "GOT '2'"


def test_mapping_review_goes_through_the_automatic_links_with_the_same_keys(env: Any) -> None:
    mapping = {
        "version": 1,
        "items": [
            {
                "local_id": "LAT-S",
                "local_name": "Latte 250 ml",
                "status": "auto",
                "product_id": 105,
                "modificator_id": 1005,
            },
            {"local_id": "ESP", "local_name": "Espresso", "status": "auto", "product_id": 101},
            {"local_id": "GIFT", "local_name": "Gift card", "status": "auto", "product_id": 101},
        ],
    }
    path = env.data_dir / "mapping.toml"
    path.write_text(tomli_w.dumps(mapping), encoding="utf-8")
    r = env.run("mapping", "review", input="1\ns\nn\n", env=TTY)
    assert r.exit_code == 0, r.stderr
    assert "linked now:" in r.stderr and "[1/3]" in r.stderr and "[3/3]" in r.stderr
    after = {e.local_id: e for e in load_mapping(path)}
    assert after["LAT-S"].status == "confirmed" and after["LAT-S"].product_id == 105
    assert after["ESP"].status == "auto" and after["ESP"].product_id == 101  # s keeps the link
    assert after["GIFT"].status == "ignored" and after["GIFT"].product_id is None


def test_mapping_review_without_a_terminal_names_the_need(env: Any) -> None:
    r = env.run("mapping", "review")
    assert r.exit_code == 2 and "terminal" in r.stderr


def test_a_required_choice_is_shown_as_a_choice_and_asked_when_equally_likely(env: Any) -> None:
    """Avocado toast with no price: rye and gluten-free bread are equally likely, so a person
    chooses, and each candidate reads as the dish with that choice."""
    queue, mapping, index = queue_for(env, [CatalogueItem("AVO", "Avocado toast with poached egg")])
    assert [r.item.local_id for r in queue] == ["AVO"]  # not linked by itself
    said: list[str] = []
    review(queue, mapping, index, ask=scripted(["q"]), say=said.append, save=lambda: None, review_score=40)
    shown = [line for line in said if "Тост з авокадо" in line]
    assert any("— choice: Житній" in line for line in shown)
    assert any("— choice: Безглютеновий" in line for line in shown)


def test_mapping_review_shows_an_automatic_choice_as_a_choice(env: Any) -> None:
    mapping = {
        "version": 1,
        "items": [
            {
                "local_id": "AVO-TOAST",
                "local_name": "Avocado toast with poached egg",
                "status": "auto",
                "product_id": 0,
                "poster_name": "Тост з авокадо та яйцем пашот / Житній",
            }
        ],
    }
    snap = load_snapshot(env.data_dir / "menu.json")
    toast = next(p for p in snap.products.values() if p.name == "Тост з авокадо та яйцем пашот")
    mapping["items"][0]["product_id"] = toast.product_id
    mapping["items"][0]["dish_modifications"] = [{"m": 2015, "a": 1}]
    (env.data_dir / "mapping.toml").write_text(tomli_w.dumps(mapping), encoding="utf-8")
    r = env.run("mapping", "review", input="s\n", env=TTY)
    assert r.exit_code == 0, r.stderr
    assert "linked now: Тост з авокадо та яйцем пашот — choice: Житній" in r.stderr
