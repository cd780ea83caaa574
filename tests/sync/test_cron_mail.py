"""Issue 13 item 5: cron mail a person can act on."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import tomli_w

MAPPING = {
    "version": 1,
    "items": [
        {"local_id": "ESP", "local_name": "Espresso", "status": "confirmed", "product_id": 101},
        {"local_id": "LAT-S", "local_name": "Latte 0.25", "status": "auto", "product_id": 105, "modificator_id": 1005},
        {"local_id": "LAT-L", "local_name": "Latte 0.4", "status": "auto", "product_id": 105, "modificator_id": 1006},
        {"local_id": "X-9", "local_name": "Mystery box", "status": "unmatched"},
    ],
}
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ")


@pytest.fixture
def env(cli_env: Any) -> Any:
    (cli_env.data_dir).mkdir(parents=True, exist_ok=True)
    (cli_env.data_dir / "mapping.toml").write_text(tomli_w.dumps(MAPPING), encoding="utf-8")
    return cli_env


def test_sync_without_a_catalogue_counts_the_mappings_unmatched_items(env: Any) -> None:
    r = env.run("sync", "--json")
    assert r.exit_code == 3, r.stderr
    doc = json.loads(r.stdout)
    assert [u["local_id"] for u in doc["unmatched"]] == ["X-9"]
    assert doc["meta"]["counts"]["unmatched"] == 1


def test_every_line_carries_the_runs_time_and_changes_name_the_site_items(env: Any) -> None:
    assert env.run("sync").exit_code == 3
    env.sandbox.trigger("product.price", "105/1005", "99")
    env.sandbox.trigger("product.removed", "101")
    r = env.run("sync")
    assert r.exit_code == 3, r.stderr
    lines = r.stdout.splitlines()
    assert lines and all(STAMP.match(line) for line in lines), lines
    text = [STAMP.sub("", line) for line in lines]
    assert "  LAT-S Latte 0.25: Poster 70.00 → 99.00" in text
    assert not any(line.startswith("  LAT-L") for line in text)  # the other size did not change
    assert any(line.startswith("  ESP Espresso: its Poster item was removed") for line in text)
    assert text[-1].startswith("next: ") and "poster-cli match" in text[-1]


def test_a_price_change_alone_ends_with_what_to_do_about_prices(env: Any) -> None:
    (env.data_dir / "mapping.toml").write_text(
        tomli_w.dumps({"version": 1, "items": MAPPING["items"][:3]}), encoding="utf-8"
    )
    assert env.run("sync").exit_code == 0
    env.sandbox.trigger("product.price", "105/1006", "101.50")
    r = env.run("sync")
    assert r.exit_code == 3, r.stderr
    last = STAMP.sub("", r.stdout.splitlines()[-1])
    assert last.startswith("next: ") and "prices on the site" in last and "--attention mapping" in last
    assert "  LAT-L Latte 0.4: Poster 85.00 → 101.50" in [STAMP.sub("", x) for x in r.stdout.splitlines()]
