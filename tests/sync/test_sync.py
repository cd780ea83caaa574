"""`poster-cli sync`: exit codes, --quiet, --json, snapshots kept, mapping health, failed pulls."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from poster_cli.cli import common
from poster_cli.cli.main import app
from poster_cli.mapping import Mapping, MappingEntry, load_mapping, save_mapping
from tests.support.docserver import TOKEN, DocServer
from tests.support.env import clean_env
from tests.support.menus import base_menu


class MenuServer(DocServer):
    """The docs' answers, except the menu, which a test edits between runs."""

    def __init__(self) -> None:
        super().__init__()
        menu = base_menu()
        self.products: list[dict[str, Any]] = copy.deepcopy(menu["products"])
        self.fail = False

    def product(self, pid: str) -> dict[str, Any]:
        return next(p for p in self.products if p["product_id"] == pid)

    def handle(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        if self.fail:
            return httpx.Response(200, json={"error": {"code": 11, "message": "Invalid access token"}})
        if method == "menu.getProducts":
            self.calls.append(method)
            return httpx.Response(200, json={"response": copy.deepcopy(self.products)})
        return super().handle(request)


@pytest.fixture
def poster(tmp_path, monkeypatch):
    server = MenuServer()
    monkeypatch.setitem(common.TRANSPORT, "transport", server.transport)
    # no pacing against a stand-in
    server.data = clean_env(
        monkeypatch, tmp_path, POSTER_TOKEN=TOKEN, POSTER_API_URL="http://poster.test/api", POSTER_RATE_LIMIT="0"
    )
    return server


def sync(*args: str):
    return CliRunner().invoke(app, ["sync", *args])


def archives(data: Path) -> list[Path]:
    return sorted((data / "snapshots").glob("menu-*.json"))


def test_first_sync_records_a_baseline_and_exits_0(poster):
    result = sync("--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert list(report) == ["added", "removed", "changed", "broken", "unmatched", "meta"]
    assert report["meta"]["previous"] is None and report["meta"]["counts"]["products"] == 3
    assert (poster.data / "menu.json").is_file() and len(archives(poster.data)) == 1


def test_nothing_changed_is_silent_with_quiet(poster):
    assert sync().exit_code == 0
    result = sync("--quiet")
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""
    loud = sync()
    assert loud.exit_code == 0 and "0 added, 0 removed, 0 changed" in loud.stdout


def test_price_change_exits_3_and_is_printed_even_with_quiet(poster):
    sync()
    poster.product("10")["spots"][0]["price"] = "4900"
    result = sync("--quiet")
    assert result.exit_code == 3
    assert "10 Еспресо: price (spot 1): 45.00 RUB → 49.00 RUB" in result.stdout
    assert sync("--quiet").stdout == ""  # reported once; the next run has nothing new


def test_attention_mapping_lets_a_price_change_exit_0(poster):
    sync()
    poster.product("10")["spots"][0]["price"] = "4900"
    result = sync("--attention", "mapping", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["changed"][0]["new"] == 4900


def test_removed_product_breaks_its_link(poster):
    mapping = Mapping()
    mapping.set(MappingEntry(local_id="L-1", local_name="Espresso", status="confirmed", product_id=10))
    mapping.set(MappingEntry(local_id="L-2", local_name="Latte M", status="auto", product_id=11, modificator_id=112))
    save_mapping(mapping, poster.data / "mapping.toml")
    assert sync().exit_code == 0
    poster.products = [p for p in poster.products if p["product_id"] != "10"]
    poster.product("11")["modifications"].pop()  # 112 gone
    result = sync("--json")
    assert result.exit_code == 3
    report = json.loads(result.stdout)
    assert report["removed"] == [{"product_id": 10, "name": "Еспресо"}]
    assert {(b["local_id"], b["reason"]) for b in report["broken"]} == {
        ("L-1", "removed"),
        ("L-2", "modification_removed"),
    }
    # still broken next time: exit 3 again, but --quiet stays silent (nothing new to say)
    again = sync("--quiet")
    assert again.exit_code == 3 and again.stdout == ""
    # the mapping is a person's file: sync reports, it never rewrites these links
    assert load_mapping(poster.data / "mapping.toml").get("L-1").status == "confirmed"


def test_broken_link_in_human_report(poster):
    mapping = Mapping()
    mapping.set(MappingEntry(local_id="L-1", local_name="Espresso", status="manual", product_id=10))
    save_mapping(mapping, poster.data / "mapping.toml")
    sync()
    poster.product("10")["hidden"] = "1"
    result = sync()
    assert result.exit_code == 3
    assert "! L-1 Espresso → 10: product is hidden" in result.stdout
    assert "1 changed, 1 broken" in result.stdout


def test_failed_pull_changes_nothing(poster):
    sync()
    before = {p: p.read_bytes() for p in poster.data.rglob("*") if p.is_file()}
    poster.product("10")["product_name"] = "Ристрето"
    poster.fail = True
    result = sync()
    assert result.exit_code == 4 and "error 11" in result.stderr
    after = {p: p.read_bytes() for p in poster.data.rglob("*") if p.is_file()}
    assert after == before
    poster.fail = False
    assert "name: Еспресо → Ристрето" in sync().stdout  # the drift is still reported later


def test_keep_rotates_old_snapshots(poster):
    for price in ("4600", "4700", "4800", "4900"):
        poster.product("10")["spots"][0]["price"] = price
        sync("--keep", "2")
    kept = archives(poster.data)
    assert len(kept) == 2
    assert json.loads(kept[-1].read_text(encoding="utf-8"))["products"][0]["spots"][0]["price"] == "4900"


def test_bad_mapping_file_exits_2_before_pulling(poster):
    (poster.data).mkdir()
    (poster.data / "mapping.toml").write_text("version = 1\n[[items]]\nstatus = 'auto'\n", encoding="utf-8")
    result = sync()
    assert result.exit_code == 2 and "local_id" in result.stderr
    assert "menu.getProducts" not in poster.calls and not (poster.data / "menu.json").exists()


def test_sync_compares_with_its_own_last_snapshot_not_a_later_pull(poster):
    sync()
    poster.product("10")["spots"][0]["price"] = "5500"
    assert CliRunner().invoke(app, ["pull"]).exit_code == 0  # menu.json already has the new price
    result = sync("--json")
    assert result.exit_code == 3 and json.loads(result.stdout)["changed"][0]["field"] == "price"


def test_bad_attention_value_is_usage_error(poster):
    result = sync("--attention", "prices")
    assert result.exit_code == 2 and "--attention" in result.stderr


def test_sync_against_the_sandbox_reports_cashier_menu_edits(cli_env):
    """End to end on the sandbox: a price change, a removal, an addition and a rename."""
    first = cli_env.run("sync", "--json")
    assert first.exit_code == 0, first.stderr
    products = cli_env.sandbox.state.doc["products"]
    priced, gone, renamed = products[0]["id"], products[1]["id"], products[2]["id"]
    cli_env.sandbox.trigger("product.price", priced, "99.50")
    cli_env.sandbox.trigger("product.removed", gone)
    added = cli_env.sandbox.trigger("product.added", "Матча лате", "85")
    cli_env.sandbox.trigger("product.renamed", renamed, "Новий", "напій")
    result = cli_env.run("sync", "--json")
    assert result.exit_code == 3, result.stderr
    report = json.loads(result.stdout)
    assert [a["name"] for a in report["added"]] == ["Матча лате"]
    assert [r["product_id"] for r in report["removed"]] == [gone]
    fields = {(c["product_id"], c["field"]) for c in report["changed"]}
    assert (renamed, "name") in fields
    assert any(pid == priced and f in ("price", "modification_price") for pid, f in fields)
    assert all(c.get("spot_id") in (None, 1) for c in report["changed"])  # POSTER_SPOT_ID=1 only
    assert report["meta"]["counts"]["added"] == 1 and added is not None
    assert cli_env.run("sync", "--quiet").stdout == ""


def test_catalogue_new_items_are_auto_mapped_or_reported_unmatched(poster):
    mapping = Mapping()
    mapping.set(
        MappingEntry(local_id="S-9", local_name="Espresso (house)", status="manual", product_id=11, modificator_id=111)
    )
    mapping.set(MappingEntry(local_id="S-8", local_name="Old promo", status="ignored"))
    save_mapping(mapping, poster.data / "mapping.toml")
    (poster.data.parent / "site.csv").write_text(
        "id,name,price\nS-1,Сирники,120\nS-2,Борщ з пампушками,90\nS-9,Espresso (house),45\nS-8,Old promo,10\n",
        encoding="utf-8",
    )
    result = sync("--catalogue", "site.csv", "--json")
    assert result.exit_code == 3, result.stderr  # one site item needs a person
    report = json.loads(result.stdout)
    assert report["unmatched"] == [{"local_id": "S-2", "local_name": "Борщ з пампушками"}]
    assert [(a["local_id"], a["product_id"]) for a in report["meta"]["auto_mapped"]] == [("S-1", 20)]
    saved = load_mapping(poster.data / "mapping.toml")
    assert (saved.get("S-1").status, saved.get("S-1").product_id) == ("auto", 20)
    assert saved.get("S-2").status == "unmatched"
    assert (saved.get("S-9").status, saved.get("S-9").product_id, saved.get("S-9").modificator_id) == (
        "manual",
        11,
        111,
    )
    assert saved.get("S-8").status == "ignored"
    # the next run: still unmatched (exit 3) but nothing new to say
    again = sync("--catalogue", "site.csv", "--quiet")
    assert again.exit_code == 3 and again.stdout == ""


def test_an_unchanged_menu_is_not_archived_again(poster):
    sync()
    poster.product("10")["spots"][0]["price"] = "4600"
    sync()
    for _ in range(3):
        sync("--keep", "2")
    kept = archives(poster.data)
    assert len(kept) == 2  # the two menus that differ: history of real changes survives quiet runs
    assert os.path.samefile(kept[-1], poster.data / "menu.json")


def grill_products() -> list[dict[str, Any]]:
    """A grill menu: one dish in three meats (modifications) and three dishes near it."""
    spot = [{"spot_id": "1", "price": "32000", "visible": "1"}]
    mods = [("Свинина", "31"), ("Телятина", "32"), ("Курка", "33")]
    grill = {
        "product_id": "3",
        "product_name": "Мцваді на виноградній лозі",
        "category_name": "Мангал",
        "type": "3",
        "hidden": "0",
        "modifications": [{"modificator_id": mid, "modificator_name": name, "spots": spot} for name, mid in mods],
    }
    others = [
        {"product_id": pid, "product_name": name, "category_name": "Гаряче", "type": "3", "hidden": "0", "spots": spot}
        for pid, name in (("4", "Оджахурі зі свининою"), ("5", "Оджахурі з телятиною"), ("6", "Шашлик з курки"))
    ]
    return [grill, *others]


def grill_site(poster: MenuServer, *confirmed: MappingEntry) -> None:
    poster.products = grill_products()
    mapping = Mapping()
    for entry in confirmed:
        mapping.set(entry)
    save_mapping(mapping, poster.data / "mapping.toml")
    (poster.data.parent / "site.csv").write_text(
        "id,name,price\nP,Pork mtsvadi on vine twigs,320\nV,Veal mtsvadi on vine twigs,320\n"
        "C,Chicken mtsvadi on vine twigs,320\n",
        encoding="utf-8",
    )


def test_sync_links_new_items_with_the_words_kept_in_the_aliases_file(poster):
    grill_site(poster)
    without = sync("--catalogue", "site.csv", "--json")
    assert without.exit_code == 3 and json.loads(without.stdout)["meta"]["auto_mapped"] == []
    (poster.data / "aliases.toml").write_text('[words]\n"vine twigs" = "виноградній лозі"\n', encoding="utf-8")
    result = sync("--catalogue", "site.csv", "--json")
    assert result.exit_code == 0, result.stdout
    saved = load_mapping(poster.data / "mapping.toml")
    assert {e.local_id: (e.status, e.product_id, e.modificator_id) for e in saved} == {
        "P": ("auto", 3, 31),
        "V": ("auto", 3, 32),
        "C": ("auto", 3, 33),
    }


def test_sync_leaves_out_a_pair_the_aliases_file_switches_off(poster):
    pork = MappingEntry(
        "P", "Pork mtsvadi on vine twigs", "confirmed", 3, 31, poster_name="Мцваді на виноградній лозі / Свинина"
    )
    grill_site(poster, pork)
    (poster.data / "aliases.toml").write_text('[words]\n"vine twigs" = ""\n', encoding="utf-8")
    result = sync("--catalogue", "site.csv", "--json")
    assert result.exit_code == 3  # the person's link would teach the pair, but the file says no
    assert {u["local_id"] for u in json.loads(result.stdout)["unmatched"]} == {"V", "C"}
    (poster.data / "aliases.toml").unlink()  # without the file, the confirmed link teaches it
    again = sync("--catalogue", "site.csv", "--json")
    assert again.exit_code == 0, again.stdout
    assert [a["local_id"] for a in json.loads(again.stdout)["meta"]["auto_mapped"]] == ["V", "C"]


def test_a_broken_aliases_file_stops_sync_with_exit_2_before_pulling(poster):
    grill_site(poster)
    (poster.data / "aliases.toml").write_text("[words\n", encoding="utf-8")
    result = sync("--catalogue", "site.csv")
    assert result.exit_code == 2 and "aliases.toml" in result.stderr and "Traceback" not in result.stderr
    assert "menu.getProducts" not in poster.calls and not (poster.data / "menu.json").exists()


def test_quiet_counts_a_broken_link_that_appears_changes_or_is_repaired_once_each(poster):
    mapping = Mapping()
    mapping.set(MappingEntry(local_id="L-1", local_name="Espresso", status="confirmed", product_id=10))
    save_mapping(mapping, poster.data / "mapping.toml")
    assert sync("--quiet").exit_code == 0  # the first run: the baseline is printed
    poster.product("10")["hidden"] = "1"
    hidden = sync("--quiet")
    assert hidden.exit_code == 3
    assert "! L-1 Espresso → 10: product is hidden" in hidden.stdout
    assert "sync: 0 added, 0 removed, 1 changed, 1 broken, 0 unmatched (3 products, since" in hidden.stdout
    still = sync("--quiet")
    assert (still.exit_code, still.stdout) == (3, "")  # the same broken link: nothing new to say
    poster.products = [p for p in poster.products if p["product_id"] != "10"]
    removed = sync("--quiet")
    assert removed.exit_code == 3
    assert "! L-1 Espresso → 10: product no longer in the menu" in removed.stdout
    assert "sync: 0 added, 1 removed, 0 changed, 1 broken, 0 unmatched (2 products, since" in removed.stdout
    mapping.set(MappingEntry(local_id="L-1", local_name="Espresso", status="confirmed", product_id=20))
    save_mapping(mapping, poster.data / "mapping.toml")
    repaired = sync("--quiet")  # the menu did not move, but the broken link is gone: that is news
    assert repaired.exit_code == 0
    assert "sync: 0 added, 0 removed, 0 changed, 0 broken, 0 unmatched (2 products, since" in repaired.stdout
    assert sync("--quiet").stdout == ""
