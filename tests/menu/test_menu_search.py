"""Issue 13 item 7: `menu show --search` finds what `match`'s `/` finds (latte and латте find Лате)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def env(cli_env: Any) -> Any:
    assert cli_env.run("pull").exit_code == 0
    return cli_env


def names(env: Any, text: str) -> set[str]:
    r = env.run("menu", "show", "--search", text)
    assert r.exit_code == 0, r.stderr
    return {line.split("\t")[1] for line in r.stdout.splitlines()[1:]}


def named(env: Any, word: str) -> set[str]:
    """The sandbox's products whose name holds ``word`` as written in Ukrainian."""
    return {p["name"] for p in env.sandbox.state.doc["products"] if word in p["name"].lower()}


@pytest.mark.parametrize("text", ["latte", "латте", "Лате", "LATTE"])
def test_latte_in_either_alphabet_finds_the_lattes(env: Any, text: str) -> None:
    expected = named(env, "лате")
    assert {"Лате", "Лате на вівсяному"} <= expected
    assert names(env, text) == expected


@pytest.mark.parametrize("text", ["cappuccino", "капучино", "kapuchino"])
def test_cappuccino_finds_kapuchyno(env: Any, text: str) -> None:
    assert names(env, text) == named(env, "капучино") and "Капучино" in names(env, text)


def test_what_match_search_offers_first_is_found_too(env: Any) -> None:
    from poster_cli.matching.engine import MenuIndex
    from poster_cli.matching.targets import build_targets
    from poster_cli.menu import load_snapshot

    snap = load_snapshot(env.data_dir / "menu.json")
    index = MenuIndex(build_targets(snap.products.values(), 1))
    for text in ("latte", "cappuccino", "americano", "croissant"):
        top = index.search(text, limit=1)
        assert top, text
        assert snap.products[top[0].product_id].name in names(env, text), text


def test_a_plain_substring_still_works(env: Any) -> None:
    assert "Лате на вівсяному" in names(env, "вівсян")
    assert names(env, "no such thing at all") == set()
