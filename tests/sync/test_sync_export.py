"""`sync --export FORMAT:FILE`: the site's feed rewritten, whole, after every run."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any


def yml_price(path: Path, offer_id: str) -> str | None:
    root = ET.fromstring(path.read_bytes())
    return next((o.findtext("price") for o in root.iter("offer") if o.get("id") == offer_id), None)


def test_sync_rewrites_each_export_with_the_new_prices(cli_env: Any, tmp_path: Path) -> None:
    site = tmp_path / "site"
    feed, shop = site / "feed.xml", site / "shopify.csv"
    args = ("sync", "--export", f"yml:{feed}", "--export", f"shopify:{shop}")
    first = cli_env.run(*args)
    assert first.exit_code == 0, first.stderr
    assert yml_price(feed, "P101") == "45.00"
    assert f"> {feed}: " in first.stdout and "exported as yml" in first.stdout
    cli_env.sandbox.trigger("product.price", 101, "49.50")
    second = cli_env.run(*args, "--json")
    assert second.exit_code == 3, second.stderr
    assert yml_price(feed, "P101") == "49.50"
    rows = list(csv.DictReader(io.StringIO(shop.read_text(encoding="utf-8"))))
    assert next(r for r in rows if r["Variant SKU"] == "P101")["Variant Price"] == "49.50"
    exports = json.loads(second.stdout)["meta"]["exports"]
    assert [(e["format"], e["file"]) for e in exports] == [("yml", str(feed)), ("shopify", str(shop))]
    assert sorted(p.name for p in site.iterdir()) == ["feed.xml", "shopify.csv"]  # no temp files left


def test_a_bad_export_target_is_exit_2_before_pulling(cli_env: Any, tmp_path: Path) -> None:
    result = cli_env.run("sync", "--export", f"magento:{tmp_path / 'x.csv'}")
    assert result.exit_code == 2 and "--export wants FORMAT:FILE" in result.stderr
    assert not (cli_env.data_dir / "menu.json").exists()
