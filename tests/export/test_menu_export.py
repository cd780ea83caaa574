"""`menu export`: Poster's menu in each platform's import format, read back and matched to itself."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from poster_cli.catalogue import read_catalogue

FORMATS = ["csv", "json", "shopify", "woocommerce", "tilda", "yml", "xlsx"]


def export(env: Any, tmp_path: Path, format: str, *extra: str) -> Path:
    out = tmp_path / f"export-{format}.{'xlsx' if format == 'xlsx' else 'xml' if format == 'yml' else 'txt'}"
    result = env.run("menu", "export", "--format", format, "--output", str(out), *extra)
    assert result.exit_code == 0, result.stderr
    assert "as " in result.stderr and str(out) in result.stderr
    return out


def expected_target(code: str) -> tuple[int, int | None]:
    """P105-M1006 -> (105, 1006); P150-D12 -> (150, None): the dish, its choice rides along."""
    parts = code.split("-")
    product = int(parts[0][1:])
    mod = next((int(p[1:]) for p in parts[1:] if p.startswith("M")), None)
    return product, mod


@pytest.mark.parametrize("format", FORMATS)
def test_export_read_back_and_matched_links_to_itself(cli_env: Any, tmp_path: Path, format: str) -> None:
    assert cli_env.run("pull").exit_code == 0
    path = export(cli_env, tmp_path, format)
    catalogue = read_catalogue(path)
    assert len(catalogue) >= 60 and all(i.local_id.startswith("P") for i in catalogue)
    mapping = tmp_path / "self.toml"
    result = cli_env.run("--no-input", "match", str(path), "--json", "--mapping", str(mapping))
    assert result.exit_code == 0, result.stderr
    items = json.loads(result.stdout)["items"]
    itself = [
        i
        for i in items
        if i["status"] == "auto" and (i["product_id"], i["modificator_id"]) == expected_target(i["local_id"])
    ]
    assert len(itself) / len(items) >= 0.95, [i for i in items if i not in itself]


def test_a_product_with_sizes_is_one_shopify_product_with_two_variants(cli_env: Any, tmp_path: Path) -> None:
    assert cli_env.run("pull").exit_code == 0
    rows = list(csv.DictReader(io.StringIO(export(cli_env, tmp_path, "shopify").read_text(encoding="utf-8"))))
    latte = [r for r in rows if r["Handle"] == "poster-105"]  # Лате: 250 мл 70.00, 400 мл 85.00 at spot 1
    assert [
        (r["Title"], r["Option1 Name"], r["Option1 Value"], r["Variant SKU"], r["Variant Price"]) for r in latte
    ] == [
        ("Лате", "Size", "250 мл", "P105-M1005", "70.00"),
        ("", "", "400 мл", "P105-M1006", "85.00"),
    ]
    espresso = next(r for r in rows if r["Handle"] == "poster-101")
    assert (espresso["Option1 Name"], espresso["Option1 Value"], espresso["Variant Price"]) == (
        "Title",
        "Default Title",
        "45.00",
    )
    assert espresso["Type"] == "Кава" and espresso["Status"] == "active"
    assert not any(r["Handle"] == "poster-110" for r in rows)  # hidden: left out


def test_spot_prices_and_hidden_products_on_request(cli_env: Any, tmp_path: Path) -> None:
    assert cli_env.run("pull").exit_code == 0
    path = export(cli_env, tmp_path, "json", "--spot", "2", "--include-hidden")
    items = {i["id"]: i for i in json.loads(path.read_text(encoding="utf-8"))["items"]}
    assert items["P101"]["price"] == "50.00" and items["P101"]["price_kopecks"] == 5000  # spot 2's price
    assert items["P110"]["visible"] is False  # the hidden seasonal latte, marked


def test_dishes_with_a_required_choice_become_variants(cli_env: Any, tmp_path: Path) -> None:
    assert cli_env.run("pull").exit_code == 0
    doc = json.loads(export(cli_env, tmp_path, "json").read_text(encoding="utf-8"))
    with_choice = [i for i in doc["items"] if i["poster_dish_modifications"]]
    assert with_choice, "the demo café has dishes with required choices"
    first = with_choice[0]
    assert first["id"] == f"P{first['poster_product_id']}" + "".join(
        f"-D{d}" for d in first["poster_dish_modifications"]
    )


def test_mapped_items_keep_the_sites_ids_and_poster_ids_ride_along(cli_env: Any, tmp_path: Path) -> None:
    assert cli_env.run("pull").exit_code == 0
    site = tmp_path / "site.csv"
    site.write_text("sku,name,price\nESP-01,Espresso,45\nLAT-L,Латте 400 мл,85\n", encoding="utf-8")
    assert cli_env.run("--no-input", "match", str(site)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(export(cli_env, tmp_path, "woocommerce").read_text(encoding="utf-8"))))
    by_sku = {r["SKU"]: r for r in rows}
    assert by_sku["ESP-01"]["Meta: poster_id"] == "P101" and by_sku["ESP-01"]["Type"] == "simple"
    assert by_sku["LAT-L"]["Meta: poster_id"] == "P105-M1006" and by_sku["LAT-L"]["Parent"] == "P105"
    assert by_sku["P105"]["Type"] == "variable" and by_sku["P105"]["Attribute 1 value(s)"] == "250 мл, 400 мл"


def test_the_yml_feed_is_well_formed_with_groups_and_params(cli_env: Any, tmp_path: Path) -> None:
    assert cli_env.run("pull").exit_code == 0
    root = ET.fromstring(export(cli_env, tmp_path, "yml").read_bytes())
    assert root.tag == "yml_catalog" and root.find("shop/currencies/currency").get("id") == "UAH"
    latte = [o for o in root.iter("offer") if o.get("group_id") == "105"]
    assert [(o.get("id"), o.findtext("price"), o.find("param").text) for o in latte] == [
        ("P105M1005", "70.00", "250 мл"),
        ("P105M1006", "85.00", "400 мл"),
    ]


def test_export_to_stdout_and_bad_requests(cli_env: Any, tmp_path: Path) -> None:
    assert cli_env.run("pull").exit_code == 0
    result = cli_env.run("menu", "export", "--format", "tilda")
    assert result.exit_code == 0 and result.stdout.startswith("Tilda UID;Brand;SKU;")
    bad = cli_env.run("menu", "export", "--format", "magento")
    assert bad.exit_code == 2 and "unknown export format 'magento'" in bad.stderr


def test_an_export_replaces_the_file_whole(cli_env: Any, tmp_path: Path) -> None:
    assert cli_env.run("pull").exit_code == 0
    out = tmp_path / "site" / "feed.csv"
    out.parent.mkdir()
    out.write_text("old content", encoding="utf-8")
    assert cli_env.run("menu", "export", "--format", "csv", "--output", str(out)).exit_code == 0
    assert out.read_bytes().startswith("\ufeffid,name,price".encode("utf-8"))
    assert sorted(p.name for p in out.parent.iterdir()) == ["feed.csv"]  # no temp file left beside it


def test_a_feed_from_a_snapshot_without_currency_says_what_is_missing(cli_env: Any, tmp_path: Path) -> None:
    assert cli_env.run("pull").exit_code == 0
    raw = json.loads((cli_env.data_dir / "menu.json").read_text(encoding="utf-8"))
    answer = tmp_path / "getProducts.json"
    answer.write_text(json.dumps({"response": raw["products"]}, ensure_ascii=False), encoding="utf-8")
    result = cli_env.run("menu", "export", "--format", "yml", "--menu", str(answer), "--spot", "1")
    assert result.exit_code == 2 and "needs the account's currency" in result.stderr
    assert cli_env.run("menu", "export", "--format", "csv", "--menu", str(answer), "--spot", "1").exit_code == 0
