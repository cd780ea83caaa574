"""The web review learns from each link as the terminal review does: what a person's choice
teaches ranks the items still open at once, and `review --web` reads and keeps <data>/aliases.toml."""

from __future__ import annotations

from pathlib import Path

from poster_cli.catalogue import CatalogueItem
from poster_cli.mapping import load_mapping
from poster_cli.matching import MatchOptions, MenuIndex
from poster_cli.menu import MenuSnapshot
from poster_cli.review_web.state import ReviewState
from tests.support.grill import grill

SITE = [
    CatalogueItem("P", "Pork mtsvadi on vine twigs", 32000),
    CatalogueItem("V", "Veal mtsvadi on vine twigs", 32000),
    CatalogueItem("C", "Chicken mtsvadi on vine twigs", 32000),
]


def state(tmp_path: Path) -> ReviewState:
    index = MenuIndex.from_products(MenuSnapshot(raw=grill()).products.values(), 1)
    return ReviewState(SITE, index, tmp_path / "mapping.toml")


def choose(review: ReviewState, local_id: str, product_id: int, modificator_id: int) -> None:
    entry = review.mapping.get(local_id)
    seen = review.item_json(review.by_id[local_id], entry)["tag"]
    review.write([review.decision(local_id, "choose", seen, [product_id, modificator_id, []])])


def test_a_link_made_on_the_page_ranks_the_open_items_with_what_it_taught(tmp_path: Path) -> None:
    review = state(tmp_path)
    accept = MatchOptions().accept
    veal_before = review.candidates("V")[0]  # shown (and ranked) before the person links anything
    assert veal_before.score < accept  # "vine twigs" means nothing yet
    choose(review, "P", 3, 31)
    veal = review.candidates("V")[0]
    assert (veal.product_id, veal.modificator_id) == (3, 32)
    assert veal.score >= accept > veal_before.score
    chicken = review.candidates("C")[0]
    assert (chicken.product_id, chicken.modificator_id) == (3, 33)
    assert review.words == {"vine twigs": "виноградній лозі"}
    assert {e.local_id: e.status for e in load_mapping(tmp_path / "mapping.toml")} == {"P": "confirmed"}
