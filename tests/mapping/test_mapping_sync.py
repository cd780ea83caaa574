"""mapping check / push / pull cores against small hand-written menus."""

from __future__ import annotations

from pathlib import Path

import pytest

from poster_cli.mapping import Mapping, MappingEntry
from poster_cli.mapping_sync import check_mapping
from poster_cli.menu import MenuSnapshot, load_snapshot
from tests.support.paths import FIXTURES as ALL_FIXTURES

FIXTURES = ALL_FIXTURES / "poster"


def _snap() -> MenuSnapshot:
    return load_snapshot(FIXTURES / "getProducts.json")


def _linked(local_id: str, product_id: int, mod: int | None = None) -> MappingEntry:
    return MappingEntry(
        local_id=local_id, local_name=local_id, status="confirmed", product_id=product_id, modificator_id=mod
    )


def test_check_reports_removed_product_and_missing_modification() -> None:
    m = Mapping()
    m.set(_linked("ok", 138))
    m.set(_linked("gone", 999999))
    m.set(_linked("mod-ok", 139, 147))
    m.set(_linked("mod-gone", 139, 5))
    m.set(MappingEntry(local_id="skip", local_name="x", status="ignored"))
    broken = {b.local_id: b.reason for b in check_mapping(m, _snap(), 1)}
    assert broken == {"gone": "removed", "mod-gone": "modification_removed"}


def test_check_reports_hidden_and_invisible_at_spot() -> None:
    raw = {
        "products": [
            {
                "product_id": "1",
                "product_name": "Лате",
                "hidden": "1",
                "spots": [{"spot_id": "1", "price": "100", "visible": "1"}],
            },
            {
                "product_id": "2",
                "product_name": "Чай",
                "spots": [
                    {"spot_id": "1", "price": "100", "visible": "0"},
                    {"spot_id": "2", "price": "100", "visible": "1"},
                ],
            },
        ]
    }
    snap = MenuSnapshot(raw=raw)
    m = Mapping()
    m.set(_linked("latte", 1))
    m.set(_linked("tea", 2))
    at1 = {b.local_id: b.reason for b in check_mapping(m, snap, 1)}
    assert at1 == {"latte": "hidden", "tea": "invisible_at_spot"}
    at2 = {b.local_id: b.message for b in check_mapping(m, snap, 2)}
    assert at2 == {"latte": "product is hidden"}


@pytest.mark.parametrize("background", [False, True])
def test_load_for_match_reads_a_big_catalogue_beside_the_menu(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, background: bool
) -> None:
    import poster_cli.mapping_sync as ms
    from poster_cli.errors import InputFileError, UsageError
    from poster_cli.matching import normalise, parallel

    monkeypatch.setattr(ms, "BIG_CATALOGUE", 0 if background else 10**12)
    monkeypatch.setattr(parallel, "can_fork", lambda: True)
    site = tmp_path / "site.csv"
    site.write_text("id,name,category\nA,Latte 400 ml,Coffee\nB,Americano,Coffee\n", encoding="utf-8")
    items, snapshot, spot, index = ms.load_for_match(site, None, FIXTURES / "getProducts.json", 1)
    assert [i.name for i in items] == ["Latte 400 ml", "Americano"] and spot == 1
    assert len(index.targets) >= len(snapshot.products) and normalise("Latte 400 ml").sizes == {"ml": 400}

    site.write_text("id,name\nA,Latte\nA,Tea\n", encoding="utf-8")  # a duplicate id: the catalogue's error, line 3
    with pytest.raises(InputFileError, match="appears again") as bad:
        ms.load_for_match(site, None, FIXTURES / "getProducts.json", 1)
    assert bad.value.line == 3
    with pytest.raises(InputFileError, match="appears again"):  # comes before the missing menu's
        ms.load_for_match(site, None, tmp_path / "no-menu.json", 1)
    site.write_text("id,name\nA,Latte\n", encoding="utf-8")
    with pytest.raises(UsageError, match="no menu snapshot"):
        ms.load_for_match(site, None, tmp_path / "no-menu.json", 1)
