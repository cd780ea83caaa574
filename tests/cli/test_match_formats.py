"""`match` on each platform's export of one catalogue gives the plain CSV's result, and says how
it read the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.catalogue_samples import PLAIN_CSV, SAMPLES, write_xlsx


def match_json(env: Any, path: Path, *extra: str) -> dict[str, Any]:
    mapping = path.with_suffix(path.suffix + ".toml")
    result = env.run("--no-input", "match", str(path), "--json", "--mapping", str(mapping), *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def links(doc: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(i["local_id"], i["status"], i["product_id"], i["modificator_id"]) for i in doc["items"]]


def test_every_format_matches_like_the_plain_csv(cli_env: Any, tmp_path: Path) -> None:
    assert cli_env.run("pull").exit_code == 0
    plain = tmp_path / "plain.csv"
    plain.write_text(PLAIN_CSV, encoding="utf-8")
    expected = links(match_json(cli_env, plain))
    assert sum(1 for link in expected if link[1] == "auto") >= 5  # the catalogue is one the demo menu matches
    for name, text in SAMPLES.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        doc = match_json(cli_env, path)
        assert links(doc) == expected, name
    xlsx = write_xlsx(tmp_path / "prices.xlsx")
    doc = match_json(cli_env, xlsx, "--sheet", "Прайс")
    assert links(doc) == expected
    assert doc["meta"]["format"] == "XLSX (sheet 'Прайс', header on row 3)"
    assert doc["meta"]["fields"] == {"id": "Артикул", "name": "Назва", "price": "Ціна, грн", "category": "Категорія"}


def test_match_says_which_format_and_fields_it_read(cli_env: Any, tmp_path: Path) -> None:
    assert cli_env.run("pull").exit_code == 0
    path = tmp_path / "woocommerce.csv"
    path.write_text(SAMPLES["woocommerce.csv"], encoding="utf-8")
    result = cli_env.run("--no-input", "match", str(path))
    assert (
        "woocommerce.csv: read as WooCommerce product CSV: 6 items; id ← SKU (else ID), "
        "name ← Name (variations: the parent's + Attribute values), price ← Sale price, else Regular price, "
        "category ← Categories (variations: the parent's); 2 rows skipped (2 variable parents)"
    ) in result.stderr
    doc = match_json(cli_env, path)
    assert doc["meta"]["skipped"] == {"variable parents": 2} and doc["meta"]["items"] == 6
