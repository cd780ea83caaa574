"""The sync run itself (:func:`poster_cli.drift.run_sync`), called directly with a pull that hands
back a hand-made menu: what ``--quiet`` counts as news, which files each run writes and in what
order, the mapping it extends, the snapshots it keeps, and the previous snapshot it compares with.
What a cron user sees of these is the report (``--json``) and the files in the data folder; the
tests read both, and count and compare with literals, never with the code under test."""

from __future__ import annotations

import asyncio
import copy
import csv
import io
import json
import os
import time
import tomllib
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import pytest

from poster_cli import drift
from poster_cli.drift import DriftReport, SyncOptions, run_sync
from poster_cli.errors import UsageError
from poster_cli.locks import DataLocked, data_lock
from poster_cli.mapping import DishModifierChoice, Mapping, MappingEntry, load_mapping, save_mapping
from poster_cli.menu import MenuSnapshot
from tests.support.menus import base_menu

API = "http://poster.test/api"


def product(raw: dict[str, Any], pid: str) -> dict[str, Any]:
    return next(p for p in raw["products"] if p["product_id"] == pid)


class Cafe:
    """A data folder and the menu Poster would send now (edited by a test between runs)."""

    def __init__(self, root: Path) -> None:
        self.data = root / "data"
        self.menu = base_menu()
        self.steps: list[str] = []

    def options(self, **kwargs: Any) -> SyncOptions:
        return SyncOptions(data_dir=self.data, api_url=API, **kwargs)

    def sync(self, matcher: Any = None, **kwargs: Any) -> DriftReport:
        sent = copy.deepcopy(self.menu)

        async def pull() -> MenuSnapshot:
            return MenuSnapshot(raw=sent)

        self.steps = []
        return asyncio.run(run_sync(self.options(**kwargs), pull, matcher=matcher, before_write=self.steps.append))

    def link(self, *entries: MappingEntry) -> None:
        mapping = load_mapping(self.data / "mapping.toml") if (self.data / "mapping.toml").exists() else Mapping()
        for entry in entries:
            mapping.set(entry)
        save_mapping(mapping, self.data / "mapping.toml")

    def archives(self) -> list[Path]:
        return sorted((self.data / "snapshots").glob("menu-*.json"))

    def last_report(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((self.data / "sync-report.json").read_text(encoding="utf-8"))
        return loaded


@pytest.fixture
def cafe(tmp_path: Path) -> Cafe:
    return Cafe(tmp_path)


ESPRESSO = MappingEntry(local_id="L-1", local_name="Espresso", status="confirmed", product_id=10)
LATTE_L = MappingEntry(local_id="L-2", local_name="Latte L", status="manual", product_id=11, modificator_id=112)


# ---------------------------------------------------------------------------------------------
# What --quiet counts as news (changed_since_last_sync: False is a silent run)


def test_quiet_is_silent_only_when_nothing_moved_since_the_last_run(cafe: Cafe) -> None:
    first = cafe.sync()
    assert first.changed_since_last_sync  # no report yet: the baseline is news
    assert not cafe.sync().changed_since_last_sync
    product(cafe.menu, "10")["spots"][0]["price"] = "4700"
    assert cafe.sync().changed_since_last_sync  # a price: drift
    assert not cafe.sync().changed_since_last_sync  # told once
    cafe.menu["leftovers"][0]["ingredient_left"] = "0"
    stock = cafe.sync()
    assert [(c["field"], c["new"]) for c in stock.changed] == [("out_of_stock", True)]
    assert stock.changed_since_last_sync
    (cafe.data / "sync-report.json").unlink()
    assert cafe.sync().changed_since_last_sync  # the last report lost: say it all again


def test_quiet_tells_each_new_repaired_or_different_broken_link_once(cafe: Cafe) -> None:
    cafe.link(ESPRESSO, LATTE_L)
    cafe.sync()
    product(cafe.menu, "10")["hidden"] = "1"
    hidden = cafe.sync()
    assert [(b["local_id"], b["reason"]) for b in hidden.broken] == [("L-1", "hidden")]
    assert hidden.changed_since_last_sync
    assert not cafe.sync().changed_since_last_sync  # still broken, the same way: nothing new
    # the same link broken another way is news, though the menu drift alone says the same
    cafe.menu["products"] = [p for p in cafe.menu["products"] if p["product_id"] != "10"]
    cafe.sync()
    assert [(b["local_id"], b["reason"]) for b in cafe.last_report()["broken"]] == [("L-1", "removed")]
    product(cafe.menu, "11")["modifications"].pop()  # Latte L's 400 ml gone too: two broken now
    two = cafe.sync()
    assert [(b["local_id"], b["reason"]) for b in two.broken] == [("L-1", "removed"), ("L-2", "modification_removed")]
    assert two.changed_since_last_sync
    # repaired in the mapping (the menu unchanged): one fewer broken link is news too
    cafe.link(MappingEntry(local_id="L-2", local_name="Latte L", status="manual", product_id=11, modificator_id=111))
    repaired = cafe.sync()
    assert not repaired.drift and [b["local_id"] for b in repaired.broken] == ["L-1"]
    assert repaired.changed_since_last_sync
    assert not cafe.sync().changed_since_last_sync


def test_quiet_tells_a_link_moved_to_another_modification_broken_the_same_way(cafe: Cafe) -> None:
    cafe.link(LATTE_L)
    product(cafe.menu, "11")["modifications"] = []
    cafe.sync()
    cafe.link(MappingEntry(local_id="L-2", local_name="Latte L", status="manual", product_id=11, modificator_id=111))
    moved = cafe.sync()
    assert [(b["modificator_id"], b["reason"]) for b in moved.broken] == [(111, "modification_removed")]
    assert moved.changed_since_last_sync


def test_quiet_tells_a_link_broken_another_way_once_the_site_sells_from_another_spot(cafe: Cafe) -> None:
    # The same menu, the same link; the site moved from spot 1 to spot 2: no drift, but the link is
    # now broken for another reason, and that is news.
    cafe.link(MappingEntry("C-9", "Syrnyky with jam", "confirmed", 20, dish_modifications=(DishModifierChoice(m=79),)))
    product(cafe.menu, "20")["spots"][0]["visible"] = "0"  # Syrnyky not sold at spot 1; no jam 79 anywhere
    at_1 = cafe.sync(spot_id=1)
    assert [(b["local_id"], b["reason"]) for b in at_1.broken] == [("C-9", "invisible_at_spot")]
    assert not cafe.sync(spot_id=1).changed_since_last_sync
    at_2 = cafe.sync(spot_id=2)
    assert not at_2.drift
    assert [(b["local_id"], b["reason"]) for b in at_2.broken] == [("C-9", "dish_modifier_removed")]
    assert at_2.changed_since_last_sync
    assert not cafe.sync(spot_id=2).changed_since_last_sync


def test_quiet_tells_a_new_unmatched_item_once_and_its_link_later(cafe: Cafe) -> None:
    cafe.sync()
    cafe.link(MappingEntry(local_id="S-1", local_name="Mystery box", status="unmatched"))
    report = cafe.sync()
    assert report.unmatched == [{"local_id": "S-1", "local_name": "Mystery box"}]
    assert report.changed_since_last_sync
    assert not cafe.sync().changed_since_last_sync
    cafe.link(MappingEntry(local_id="S-2", local_name="Gift card", status="unmatched"))
    assert cafe.sync().changed_since_last_sync
    cafe.link(MappingEntry(local_id="S-1", local_name="Mystery box", status="confirmed", product_id=20))
    linked = cafe.sync()
    assert linked.unmatched == [{"local_id": "S-2", "local_name": "Gift card"}]
    assert linked.changed_since_last_sync


def test_an_auto_mapped_item_is_news_and_the_report_counts_every_list(cafe: Cafe) -> None:
    cafe.link(ESPRESSO)
    cafe.sync()
    cafe.menu["products"] = [p for p in cafe.menu["products"] if p["product_id"] != "10"]  # L-1 broken
    cafe.menu["products"].append(
        {"product_id": "30", "product_name": "Чай", "menu_category_id": "1", "type": "3", "hidden": "0"}
    )
    product(cafe.menu, "11")["product_name"] = "Лате класичний"
    product(cafe.menu, "20")["spots"][0]["price"] = "12500"
    catalogue = cafe.data.parent / "site.csv"
    catalogue.write_text("id,name,price\nT-1,Tea,30\nS-9,Soup of the day,90\n", encoding="utf-8")

    def tea_only(items: list[Any], snapshot: MenuSnapshot, mapping: Mapping, spot: int | None) -> list[MappingEntry]:
        return [MappingEntry(i.local_id, i.name, "auto", 30, score=91.5) for i in items if i.local_id == "T-1"]

    report = cafe.sync(matcher=tea_only, catalogue_path=catalogue)
    assert report.counts() == {
        "added": 1,
        "removed": 1,
        "changed": 2,
        "broken": 1,
        "unmatched": 1,
        "auto_mapped": 1,
        "products": 3,
    }
    assert cafe.last_report()["meta"]["counts"] == report.counts()
    assert report.auto_mapped == [{"local_id": "T-1", "product_id": 30, "modificator_id": None, "score": 91.5}]
    # nothing new next time: T-1 is linked now, S-9 and L-1 are as they were
    again = cafe.sync(matcher=tea_only, catalogue_path=catalogue)
    assert (again.auto_mapped, [u["local_id"] for u in again.unmatched]) == ([], ["S-9"])
    assert not again.changed_since_last_sync


def test_an_unmatched_site_item_renamed_on_the_site_keeps_its_new_name_in_the_mapping(cafe: Cafe) -> None:
    catalogue = cafe.data.parent / "site.csv"
    catalogue.write_text("id,name,price\nS-9,Soup of the day,90\n", encoding="utf-8")

    def nothing(*args: Any) -> list[MappingEntry]:
        return []

    cafe.sync(matcher=nothing, catalogue_path=catalogue)
    catalogue.write_text("id,name,price\nS-9,Soup of the week,90\n", encoding="utf-8")
    report = cafe.sync(matcher=nothing, catalogue_path=catalogue)
    assert report.unmatched == [{"local_id": "S-9", "local_name": "Soup of the week"}]
    saved = tomllib.loads((cafe.data / "mapping.toml").read_text(encoding="utf-8"))
    assert [(e["local_id"], e["local_name"], e["status"]) for e in saved["items"]] == [
        ("S-9", "Soup of the week", "unmatched")
    ]


def test_a_new_site_item_linked_automatically_is_news_on_an_unchanged_menu(cafe: Cafe) -> None:
    cafe.sync()
    catalogue = cafe.data.parent / "site.csv"
    catalogue.write_text("id,name,price\nT-1,Tea,30\n", encoding="utf-8")

    def tea(items: list[Any], snapshot: MenuSnapshot, mapping: Mapping, spot: int | None) -> list[MappingEntry]:
        return [MappingEntry(i.local_id, i.name, "auto", 20, score=90.0) for i in items]

    report = cafe.sync(matcher=tea, catalogue_path=catalogue)
    assert (report.drift, report.broken, report.unmatched) == (False, [], [])
    assert [a["local_id"] for a in report.auto_mapped] == ["T-1"]
    assert report.changed_since_last_sync
    assert not cafe.sync(matcher=tea, catalogue_path=catalogue).changed_since_last_sync


def test_quiet_tells_when_another_site_item_or_another_product_is_the_broken_one(cafe: Cafe) -> None:
    for pid in ("10", "20"):
        product(cafe.menu, pid)["hidden"] = "1"  # both hidden all along: no menu drift below
    cafe.link(ESPRESSO)
    cafe.sync()
    # the same site item, broken the same way, but on another product
    cafe.link(MappingEntry(local_id="L-1", local_name="Espresso", status="confirmed", product_id=20))
    moved = cafe.sync()
    assert [(b["local_id"], b["product_id"], b["reason"]) for b in moved.broken] == [("L-1", 20, "hidden")]
    assert moved.changed_since_last_sync
    # the same product, broken the same way, but for another site item
    cafe.link(
        MappingEntry(local_id="L-1", local_name="Espresso", status="confirmed", product_id=11, modificator_id=111),
        MappingEntry(local_id="L-3", local_name="Syrnyky", status="confirmed", product_id=20),
    )
    swapped = cafe.sync()
    assert [(b["local_id"], b["product_id"], b["reason"]) for b in swapped.broken] == [("L-3", 20, "hidden")]
    assert swapped.changed_since_last_sync


@pytest.mark.parametrize("left", [b"{}", b"[]", b'{"broken": [], "unmatched": []}'])
def test_a_last_report_of_another_shape_is_no_reason_to_stop(cafe: Cafe, left: bytes) -> None:
    cafe.sync()
    (cafe.data / "sync-report.json").write_bytes(left)
    report = cafe.sync()
    assert report.changed_since_last_sync == (left == b"[]")  # an empty report is read; a list is not one
    assert cafe.last_report()["meta"]["changed_since_last_sync"] == report.changed_since_last_sync


def test_a_broken_aliases_file_does_not_stop_a_sync_without_a_catalogue(cafe: Cafe) -> None:
    cafe.data.mkdir(parents=True)
    (cafe.data / "aliases.toml").write_text("[words\n", encoding="utf-8")
    assert cafe.sync().changed_since_last_sync  # it is only read to link new site items


# ---------------------------------------------------------------------------------------------
# The mapping: only new site items are looked at, and only confident links are written


def test_only_new_or_unmatched_site_items_go_to_the_matcher(cafe: Cafe) -> None:
    cafe.link(
        ESPRESSO,
        MappingEntry(local_id="A-1", local_name="Latte", status="auto", product_id=11, modificator_id=111),
        MappingEntry(local_id="I-1", local_name="Old promo", status="ignored"),
        MappingEntry(local_id="U-1", local_name="Syrnyky", status="unmatched"),
    )
    catalogue = cafe.data.parent / "site.csv"
    catalogue.write_text(
        "id,name,price\nL-1,Espresso,45\nA-1,Latte,60\nI-1,Old promo,10\nU-1,Syrnyky,120\nN-1,Cake,99\n",
        encoding="utf-8",
    )
    seen: list[str] = []

    def matcher(items: list[Any], snapshot: MenuSnapshot, mapping: Mapping, spot: int | None) -> list[MappingEntry]:
        seen.extend([*(i.local_id for i in items), f"spot {spot}"])
        return [
            MappingEntry("U-1", "Syrnyky", "auto", 20, score=88.0),
            MappingEntry("N-1", "Cake", "unmatched"),  # not a link: stays unmatched
            MappingEntry("L-1", "Espresso", "auto", 11, 112, score=99.0),  # a person's link: never replaced
        ]

    cafe.menu["spots"] = cafe.menu["spots"][:1]  # one spot: the matcher is told it
    report = cafe.sync(matcher=matcher, catalogue_path=catalogue)
    assert seen == ["U-1", "N-1", "spot 1"]
    assert [a["local_id"] for a in report.auto_mapped] == ["U-1"]
    assert report.unmatched == [{"local_id": "N-1", "local_name": "Cake"}]
    saved = {e.local_id: (e.status, e.product_id, e.modificator_id) for e in load_mapping(cafe.data / "mapping.toml")}
    assert saved == {
        "L-1": ("confirmed", 10, None),
        "A-1": ("auto", 11, 111),
        "I-1": ("ignored", None, None),
        "U-1": ("auto", 20, None),
        "N-1": ("unmatched", None, None),
    }
    assert cafe.steps[0] == "mapping"


def test_an_auto_entry_without_a_product_is_no_link(cafe: Cafe) -> None:
    catalogue = cafe.data.parent / "site.csv"
    catalogue.write_text("id,name,price\nN-1,Cake,99\n", encoding="utf-8")

    def matcher(items: list[Any], snapshot: MenuSnapshot, mapping: Mapping, spot: int | None) -> list[MappingEntry]:
        return [MappingEntry("N-1", "Cake", "auto", None)]

    report = cafe.sync(matcher=matcher, catalogue_path=catalogue)
    assert (report.auto_mapped, report.unmatched) == ([], [{"local_id": "N-1", "local_name": "Cake"}])
    assert load_mapping(cafe.data / "mapping.toml").get("N-1").status == "unmatched"  # type: ignore[union-attr]


def test_a_catalogue_with_nothing_new_leaves_the_mapping_file_alone(cafe: Cafe) -> None:
    cafe.link(ESPRESSO)
    before = (cafe.data / "mapping.toml").read_bytes()
    catalogue = cafe.data.parent / "site.csv"
    catalogue.write_text("id,name,price\nL-1,Espresso,45\n", encoding="utf-8")

    def never(*args: Any) -> list[MappingEntry]:
        raise AssertionError("the matcher is not asked when there is nothing to place")

    cafe.sync(matcher=never, catalogue_path=catalogue)
    assert "mapping" not in cafe.steps
    assert (cafe.data / "mapping.toml").read_bytes() == before


def test_the_default_matcher_links_a_confident_item_and_reads_the_aliases_file(cafe: Cafe) -> None:
    catalogue = cafe.data.parent / "site.csv"
    catalogue.write_text("id,name,price\nE,Espresso,45\nK,Kava latte,60\n", encoding="utf-8")
    cafe.menu["spots"] = cafe.menu["spots"][:1]  # one spot: the menu's only spot is the spot
    first = cafe.sync(catalogue_path=catalogue)
    assert [(a["local_id"], a["product_id"]) for a in first.auto_mapped] == [("E", 10)]
    assert first.spot_id == 1
    assert [u["local_id"] for u in first.unmatched] == ["K"]
    (cafe.data / "aliases.toml").write_text('[words]\n"kava" = "лате"\n', encoding="utf-8")
    second = cafe.sync(catalogue_path=catalogue)
    assert [(a["local_id"], a["product_id"]) for a in second.auto_mapped] == [("K", 11)]


def test_the_default_matcher_does_not_link_a_product_not_sold_at_the_spot(cafe: Cafe) -> None:
    catalogue = cafe.data.parent / "site.csv"
    catalogue.write_text("id,name,price\nE,Espresso,45\n", encoding="utf-8")
    product(cafe.menu, "10")["spots"][1]["visible"] = "0"  # Espresso is not sold at spot 2
    at_2 = cafe.sync(catalogue_path=catalogue, spot_id=2)
    assert (at_2.auto_mapped, [u["local_id"] for u in at_2.unmatched]) == ([], ["E"])
    at_1 = cafe.sync(catalogue_path=catalogue, spot_id=1)
    assert [(a["local_id"], a["product_id"]) for a in at_1.auto_mapped] == [("E", 10)]


def test_a_pull_that_fails_writes_nothing(cafe: Cafe) -> None:
    cafe.link(ESPRESSO)
    cafe.sync()
    before = {p: p.read_bytes() for p in cafe.data.rglob("*") if p.is_file()}

    async def pull() -> MenuSnapshot:
        raise RuntimeError("the network is down")

    with pytest.raises(RuntimeError, match="network"):
        asyncio.run(run_sync(cafe.options(), pull))
    assert {p: p.read_bytes() for p in cafe.data.rglob("*") if p.is_file()} == before


# ---------------------------------------------------------------------------------------------
# The files: written in a safe order, a changed menu archived once, old archives rotated


def test_a_run_writes_archive_menu_report_in_that_order_and_menu_json_is_the_archive(cafe: Cafe) -> None:
    report = cafe.sync()
    assert cafe.steps == ["archive", "menu", "report", "rotate"]
    [archive] = cafe.archives()
    assert report.snapshot == str(archive)
    assert os.path.samefile(archive, cafe.data / "menu.json")
    assert json.loads(archive.read_bytes()) == cafe.menu
    assert cafe.last_report()["meta"]["snapshot"] == str(archive)
    # an unchanged menu: no new archive, the report names the one kept
    again = cafe.sync()
    assert cafe.steps == ["menu", "report", "rotate"]
    assert (cafe.archives(), again.snapshot) == ([archive], str(archive))


def test_a_menu_changed_only_in_its_stock_is_archived_again(cafe: Cafe) -> None:
    cafe.sync()
    cafe.menu["leftovers"][0]["ingredient_left"] = "2"  # still in stock: no drift, but new facts
    report = cafe.sync()
    assert not report.drift and len(cafe.archives()) == 2
    assert json.loads(cafe.archives()[-1].read_bytes())["leftovers"][0]["ingredient_left"] == "2"


@pytest.mark.parametrize(
    "part,edit",
    [
        ("spots", lambda raw: raw["spots"][1].update(spot_name="Оболонь")),
        ("categories", lambda raw: raw["categories"][1].update(category_name="Солодке")),
        ("currency", lambda raw: raw["currency"].update(currency_name="Гривня ₴")),
    ],
)
def test_any_part_of_the_menu_that_moved_gets_a_new_archive(
    cafe: Cafe, part: str, edit: Callable[[dict[str, Any]], None]
) -> None:
    cafe.sync()
    edit(cafe.menu)
    cafe.sync()
    assert len(cafe.archives()) == 2
    assert json.loads(cafe.archives()[-1].read_bytes())[part] == cafe.menu[part]


def test_a_menu_json_from_pull_is_compared_with_but_archived_anew(cafe: Cafe) -> None:
    """The first sync after `pull` compares with menu.json, then keeps its own archive."""
    cafe.data.mkdir(parents=True)
    (cafe.data / "menu.json").write_text(json.dumps(cafe.menu), encoding="utf-8")
    product(cafe.menu, "10")["product_name"] = "Ристрето"
    report = cafe.sync()
    assert report.previous == str(cafe.data / "menu.json")
    assert [(c["field"], c["new"]) for c in report.changed] == [("name", "Ристрето")]
    [archive] = cafe.archives()
    assert os.path.samefile(archive, cafe.data / "menu.json")
    assert json.loads((cafe.data / "menu.json").read_bytes())["products"][0]["product_name"] == "Ристрето"


def test_the_first_sync_after_pull_archives_the_same_menu_once(cafe: Cafe) -> None:
    cafe.data.mkdir(parents=True)
    (cafe.data / "menu.json").write_text(json.dumps(cafe.menu), encoding="utf-8")
    report = cafe.sync()
    assert (report.previous, report.drift) == (str(cafe.data / "menu.json"), False)
    [archive] = cafe.archives()
    assert report.snapshot == str(archive)
    assert os.path.samefile(archive, cafe.data / "menu.json")


def test_keep_rotates_old_archives_and_a_keep_of_zero_keeps_one(cafe: Cafe) -> None:
    for price in ("4600", "4700", "4800"):
        product(cafe.menu, "10")["spots"][0]["price"] = price
        cafe.sync(keep=2)
    prices = [json.loads(p.read_bytes())["products"][0]["spots"][0]["price"] for p in cafe.archives()]
    assert prices == ["4700", "4800"]
    product(cafe.menu, "10")["spots"][0]["price"] = "4900"
    cafe.sync(keep=0)
    [kept] = cafe.archives()
    assert json.loads(kept.read_bytes())["products"][0]["spots"][0]["price"] == "4900"
    assert os.path.samefile(kept, cafe.data / "menu.json")


def test_rotation_removes_stale_temp_files_and_keeps_fresh_ones(tmp_path: Path) -> None:
    folder = tmp_path / "snapshots"
    folder.mkdir()
    stale, fresh = folder / ".menu-20250101T000000000000Z.json.abc.tmp", folder / ".menu-x.json.def.tmp"
    for p in (stale, fresh):
        p.write_bytes(b"{")
    hour_and_a_bit = datetime.now(timezone.utc).timestamp() - 3700
    os.utime(stale, (hour_and_a_bit, hour_and_a_bit))
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    (folder / "menu-dir.json").mkdir()  # not a file: never an archive
    archives = [folder / f"menu-2025010{d}T000000000000Z.json" for d in (1, 2, 3)]
    for p in archives:
        p.write_bytes(b"{}")
    assert drift.list_archives(folder) == archives
    assert drift.rotate_archives(folder, 1) == archives[:2]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [fresh.name, "notes.txt", "menu-dir.json", archives[2].name]
    )
    assert drift.list_archives(tmp_path / "nowhere") == []
    assert drift.rotate_archives(folder, 0) == archives[2:]  # nothing kept when asked so
    assert drift.list_archives(folder) == []


def test_a_temp_file_just_over_an_hour_old_is_swept_and_one_just_under_is_kept(tmp_path: Path) -> None:
    old, young = tmp_path / ".menu-a.json.1.tmp", tmp_path / ".menu-b.json.2.tmp"
    for path, age in ((old, 3600.5), (young, 3590.0)):
        path.write_bytes(b"{")
        then = time.time() - age
        os.utime(path, (then, then))
    drift.rotate_archives(tmp_path, 1)
    assert (old.exists(), young.exists()) == (False, True)


def test_archive_names_sort_by_time_to_the_microsecond() -> None:
    at = datetime(2025, 3, 1, 6, 5, 9, 120034, tzinfo=timezone.utc)
    assert drift.archive_name(at) == "menu-20250301T060509120034Z.json"


def test_an_archive_is_named_by_utc_time_whatever_the_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: a local stamp would be half a day off
    time.tzset()
    try:
        name = drift.archive_name()
    finally:
        monkeypatch.undo()
        time.tzset()
    stamp = datetime.strptime(name, "menu-%Y%m%dT%H%M%S%fZ.json").replace(tzinfo=timezone.utc)
    assert abs((datetime.now(timezone.utc) - stamp).total_seconds()) < 60


def test_snapshot_bytes_are_compact_utf8_json() -> None:
    data = drift.snapshot_bytes(MenuSnapshot(raw={"products": [{"product_id": "1", "product_name": "Чай"}]}))
    assert data == '{"products":[{"product_id":"1","product_name":"Чай"}]}'.encode("utf-8")


def test_menu_json_is_copied_where_a_hard_link_cannot_be_made(cafe: Cafe, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(*args: Any, **kwargs: Any) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(drift.os, "link", no_links)
    cafe.sync()
    [archive] = cafe.archives()
    assert (cafe.data / "menu.json").read_bytes() == archive.read_bytes()
    assert not os.path.samefile(archive, cafe.data / "menu.json")
    assert sorted(p.name for p in cafe.data.iterdir() if p.name.endswith(".link")) == []


def test_a_stale_link_temp_file_does_not_stop_the_menu_being_linked(cafe: Cafe) -> None:
    cafe.data.mkdir(parents=True)
    (cafe.data / f".menu.json.{os.getpid()}.link").write_bytes(b"left by a killed run")
    cafe.sync()
    [archive] = cafe.archives()
    assert os.path.samefile(archive, cafe.data / "menu.json")
    assert not (cafe.data / f".menu.json.{os.getpid()}.link").exists()


# ---------------------------------------------------------------------------------------------
# The previous snapshot: the newest readable archive, else menu.json


def test_an_unreadable_archive_is_skipped_with_a_warning(cafe: Cafe) -> None:
    cafe.sync()
    product(cafe.menu, "10")["spots"][0]["price"] = "4700"
    cafe.sync()
    newest = cafe.archives()[-1]
    newest.write_bytes(b"{not json")
    product(cafe.menu, "10")["spots"][0]["price"] = "4800"
    report = cafe.sync()
    assert report.warnings == [f"skipped unreadable snapshot: {newest}: JSONDecodeError"]
    assert cafe.last_report()["meta"]["warnings"] == report.warnings
    # compared with the older archive (4500), not the broken one
    assert [(c["old"], c["new"]) for c in report.changed] == [(4500, 4800)]
    assert report.previous == str(cafe.archives()[0])


@pytest.mark.parametrize(
    "content,why",
    [
        (b"[]", "not a menu snapshot"),
        (b'{"products": {}}', "not a menu snapshot"),
        (b'{"products": [{"product_id": "abc"}]}', "not a number: 'abc'"),
        (b'{"products": [{"product_name": "Tea"}]}', "missing product_id"),
    ],
)
def test_each_kind_of_unreadable_snapshot_is_named(cafe: Cafe, content: bytes, why: str) -> None:
    cafe.data.mkdir(parents=True)
    (cafe.data / "menu.json").write_bytes(content)
    report = cafe.sync()
    assert report.warnings == [f"skipped unreadable snapshot: {cafe.data / 'menu.json'}: {why}"]
    assert report.previous is None and not report.drift


def test_read_snapshot_refuses_a_file_it_cannot_open(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="FileNotFoundError"):
        drift._read_snapshot(tmp_path / "gone.json")


def test_a_snapshot_the_diff_cannot_read_is_replaced_with_a_warning(cafe: Cafe) -> None:
    cafe.sync()
    # readable outline, but a product whose price is not a number: the diff fails on it
    archive = cafe.archives()[-1]
    raw = json.loads(archive.read_bytes())
    product(raw, "10")["spots"][0]["price"] = "lots"
    product(raw, "10")["product_name"] = "Еспресо!"
    os.unlink(cafe.data / "menu.json")
    archive.write_text(json.dumps(raw), encoding="utf-8")
    report = cafe.sync()
    assert report.warnings == [f"cannot compare with {archive}: not a number: 'lots'; it is replaced by this pull"]
    assert report.previous is None and not report.drift
    assert len(cafe.archives()) == 2  # this pull is archived: the next run compares with it


# ---------------------------------------------------------------------------------------------
# The lock, the spot


def test_sync_waits_for_the_lock_then_gives_up_naming_itself(cafe: Cafe) -> None:
    told: list[str] = []
    with data_lock(cafe.data, purpose="match"):
        with pytest.raises(DataLocked, match="poster-cli match"):
            cafe.sync(lock_timeout=0.0, on_lock_wait=told.append)
    assert len(told) == 1 and "poster-cli match" in told[0] and "up to 0s" in told[0]
    assert not (cafe.data / "menu.json").exists()
    seen: list[str] = []

    async def pull() -> MenuSnapshot:
        seen.append((cafe.data / ".sync.lock").read_text(encoding="utf-8"))
        return MenuSnapshot(raw=copy.deepcopy(cafe.menu))

    asyncio.run(run_sync(cafe.options(), pull))
    assert seen == [f"{os.getpid()} sync\n"]  # another command waiting is told it is a sync


def test_the_configured_spot_filters_prices_and_a_two_spot_menu_has_none_by_default(cafe: Cafe) -> None:
    cafe.sync()
    product(cafe.menu, "10")["spots"][1]["price"] = "4900"  # spot 2 only
    assert cafe.sync(spot_id=1).changed == []
    product(cafe.menu, "10")["spots"][1]["price"] = "5100"
    report = cafe.sync()
    assert report.spot_id is None and [(c["spot_id"], c["new"]) for c in report.changed] == [(2, 5100)]


def test_a_link_is_broken_when_its_product_is_not_sold_at_the_runs_spot(cafe: Cafe) -> None:
    cafe.link(ESPRESSO)
    product(cafe.menu, "10")["spots"][1]["visible"] = "0"  # not sold at spot 2
    assert cafe.sync(spot_id=1).broken == []
    [broken] = cafe.sync(spot_id=2).broken
    assert (broken["local_id"], broken["reason"]) == ("L-1", "invisible_at_spot")


def test_the_last_report_file_keeps_names_as_written(cafe: Cafe) -> None:
    product(cafe.menu, "10")["product_name"] = "Еспресо"
    cafe.sync()
    product(cafe.menu, "10")["product_name"] = "Ристрето"
    cafe.sync()
    text = (cafe.data / "sync-report.json").read_text(encoding="utf-8")
    assert '"Ристрето"' in text and "\\u" not in text
    # laid out for a person reading it in a terminal: a field a line, a space per level
    lines = text.splitlines()
    assert (lines[0], lines[1][:2], lines[-1]) == ("{", ' "', "}")
    assert len(lines) > 20


def test_a_mapping_elsewhere_is_read_and_written_there(cafe: Cafe) -> None:
    elsewhere = cafe.data.parent / "links.toml"
    mapping = Mapping()
    mapping.set(ESPRESSO)
    save_mapping(mapping, elsewhere)
    product(cafe.menu, "10")["hidden"] = "1"
    report = cafe.sync(mapping_path=elsewhere)
    assert [b["local_id"] for b in report.broken] == ["L-1"]
    assert not (cafe.data / "mapping.toml").exists()


def test_exports_are_rewritten_after_the_menu_and_listed_in_the_report(cafe: Cafe) -> None:
    cafe.link(ESPRESSO)
    product(cafe.menu, "10")["photo"] = "/upload/pos_cdb/espresso.jpg"
    target = cafe.data.parent / "site-menu.csv"
    report = cafe.sync(exports=(("csv", target),), spot_id=1, photo_base="https://cafe.joinposter.com")
    assert cafe.steps == ["archive", "menu", "export", "report", "rotate"]
    [export] = report.exports
    assert (export["format"], export["file"], export["products"]) == ("csv", str(target), 3)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))  # with a BOM, for Excel
    assert export["items"] == len(rows)  # one row per item sold
    assert cafe.last_report()["meta"]["exports"] == [export]
    espresso = next(r for r in rows if r["poster_product_id"] == "10")
    assert espresso["id"] == "L-1"  # the site's own id, from the mapping the run just used
    assert espresso["photo"] == "https://cafe.joinposter.com/upload/pos_cdb/espresso.jpg"


# ---------------------------------------------------------------------------------------------
# The cron mail's pointers: the site items a change touches, and the next step


def test_site_items_touched_by_each_kind_of_change() -> None:
    mapping = Mapping()
    for entry in (
        ESPRESSO,
        MappingEntry("L-S", "Latte S", "auto", 11, 111),
        LATTE_L,
        MappingEntry("C-2", "Syrnyky", "confirmed", 20),
        MappingEntry("C-1", "Syrnyky with honey", "confirmed", 20, dish_modifications=(DishModifierChoice(m=72),)),
        MappingEntry("U-1", "Tea", "unmatched"),
        MappingEntry("I-1", "Old espresso", "ignored", 10),
    ):
        mapping.set(entry)

    def touched(entry: dict[str, Any]) -> list[str]:
        return [e.local_id for e in drift.site_items_touched(entry, mapping)]

    assert touched({"product_id": 10, "field": "price"}) == ["L-1"]
    assert touched({"product_id": 10, "field": "name"}) == []  # a name: the site shows its own
    assert touched({"product_id": 10}) == ["L-1"]  # a removed product
    assert touched({"product_id": 11, "field": "modification_price", "modificator_id": 112}) == ["L-2"]
    assert touched({"product_id": 11, "field": "hidden"}) == ["L-S", "L-2"]
    assert touched({"product_id": 20, "field": "modifier_removed", "dish_modification_id": 72}) == ["C-1"]
    assert touched({"product_id": 20, "field": "modifier_price", "dish_modification_id": 71}) == []
    assert touched({"product_id": 20, "field": "price"}) == ["C-2", "C-1"]
    for field in ("visible", "modification_visible", "modification_removed"):
        assert touched({"product_id": 10, "field": field}) == ["L-1"]


def change(field: str) -> dict[str, Any]:
    return {"product_id": 10, "field": field, "old": 1, "new": 2}


def test_next_step_says_what_to_do_for_each_kind_of_finding() -> None:
    assert drift.next_step(DriftReport()) is None
    prices = DriftReport(changed=[change("price")])
    assert drift.next_step(prices) == (
        "next: update those prices on the site (or `poster-cli menu export`); "
        "`--attention mapping` if the site takes prices from Poster by itself"
    )
    assert drift.next_step(prices, "mapping") is None
    names = DriftReport(changed=[change("price"), change("name")])
    assert drift.next_step(names) == (
        "next: update those prices on the site (or `poster-cli menu export`); "
        "check the added, removed or changed items on the site; "
        "`--attention mapping` if the site takes prices from Poster by itself"
    )
    for kind in ("added", "removed"):
        assert drift.next_step(DriftReport(**{kind: [{"product_id": 1, "name": "x"}]})) == (
            "next: check the added, removed or changed items on the site; "
            "`--attention mapping` if the site takes prices from Poster by itself"
        )
    broken = DriftReport(
        broken=[{"local_id": "L-1"}], unmatched=[{"local_id": "U-1"}, {"local_id": "U-2"}], changed=[change("price")]
    )
    assert drift.next_step(broken) == (
        "next: link the 3 broken or unmatched site item(s): `poster-cli match CATALOGUE`; "
        "update those prices on the site (or `poster-cli menu export`)"
    )
    assert drift.next_step(broken, "mapping") == (
        "next: link the 3 broken or unmatched site item(s): `poster-cli match CATALOGUE`"
    )
    for kind in ("broken", "unmatched"):
        alone = DriftReport(**{kind: [{"local_id": "L-1"}]})
        assert (
            drift.next_step(alone) == "next: link the 1 broken or unmatched site item(s): `poster-cli match CATALOGUE`"
        )
    for field in ("modification_price", "modifier_price"):
        assert "update those prices" in (drift.next_step(DriftReport(changed=[change(field)])) or "")
