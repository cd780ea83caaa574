"""The sandbox's "docs-minimal" mode answers only documented fields, checks only what the docs
require, never echoes extras and sends no undocumented webhook ``data``.

The documented field lists below are written from the docs' parameter tables
(``ru/web/menu/getProducts.md``, ``menu/getCategories.md``, ``dash/getTransaction.md``), plus
``modifications``, which the docs show only in their examples.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import httpx
import pytest

from poster_cli.sandbox import Sandbox
from tests.support.sandbox import make_sandbox
from tests.support.sandbox_api import ok

PRODUCT_TABLE = set(
    "barcode category_name hidden unit cost cost_netto fiscal menu_category_id workshop nodiscount photo "
    "photo_origin product_code product_id product_name sort_order tax_id product_tax_id type weight_flag color "
    "spots sources ingredient_id cooking_time product_production_description fiscal_code group_modifications "
    "out ingredients modifications".split()
)
GROUP_TABLE = {"dish_modification_group_id", "name", "num_min", "num_max", "is_deleted", "modifications"}
CATEGORY_TABLE = set(
    "category_id category_name category_photo parent_category category_color category_hidden sort_order fiscal "
    "nodiscount tax_id left right level category_tag".split()
)


def minimal():
    return make_sandbox(mode="docs-minimal")


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="docs-minimal"):
        Sandbox(mode="strictest")


def test_products_and_categories_carry_only_documented_fields():
    sandbox = minimal()
    for p in ok(sandbox.request("menu.getProducts")):  # type: ignore[union-attr]
        assert set(p) <= PRODUCT_TABLE, set(p) - PRODUCT_TABLE
        for g in p.get("group_modifications", []):
            assert set(g) == GROUP_TABLE
    for c in ok(sandbox.request("menu.getCategories")):  # type: ignore[union-attr]
        assert set(c) <= CATEGORY_TABLE, set(c) - CATEGORY_TABLE


def test_extras_are_stored_but_never_shown():
    sandbox = minimal()
    assert (
        ok(
            sandbox.request(
                "application.setEntityExtras",
                json={"entity_type": "product", "entity_id": 101, "extras": {"site_id": "ESP-01"}},
            )
        )
        is True
    )
    assert sandbox.state.product(101)["extras"] == {"site_id": "ESP-01"}
    assert all("extras" not in p for p in ok(sandbox.request("menu.getProducts")))  # type: ignore[union-attr]
    assert "extras" not in ok(sandbox.request("menu.getProduct", {"product_id": 101}))  # type: ignore[operator]


def test_the_full_mode_shows_the_extras_it_stored():
    sandbox = make_sandbox()
    sandbox.request(
        "application.setEntityExtras",
        json={"entity_type": "product", "entity_id": 101, "extras": {"site_id": "ESP-01"}},
    )
    assert ok(sandbox.request("menu.getProduct", {"product_id": 101}))["extras"] == {"site_id": "ESP-01"}  # type: ignore[index]


def test_checks_the_docs_do_not_make_are_lenient():
    sandbox = minimal()
    # Americano has sizes; the docs do not say an order must name one (full mode answers 42)
    no_size = {"spot_id": 1, "phone": "+380501234567", "products": [{"product_id": 103, "count": 1, "price": 5000}]}
    assert ok(sandbox.request("incomingOrders.createIncomingOrder", json=no_size))["products"][0]["product_id"] == 103  # type: ignore[index]
    twice = {"spot_id": 1, "phone": "1", "products": [{"product_id": 101, "count": 1}, {"product_id": 101, "count": 2}]}
    assert len(ok(sandbox.request("incomingOrders.createIncomingOrder", json=twice))["products"]) == 2  # type: ignore[index]
    full = make_sandbox()
    assert full.request("incomingOrders.createIncomingOrder", json=no_size).json()["error"]["code"] == 42
    assert full.request("incomingOrders.createIncomingOrder", json=twice).json()["error"]["code"] == 99


def test_documented_checks_still_apply():
    sandbox = minimal()
    no_spot = {"phone": "1", "products": [{"product_id": 101, "count": 1}]}
    assert sandbox.request("incomingOrders.createIncomingOrder", json=no_spot).json()["error"]["code"] == 34
    wrong_sum = {
        "spot_id": 1,
        "phone": "1",
        "products": [{"product_id": 101, "count": 1}],
        "payment": {"type": 1, "sum": 1, "currency": "UAH"},
    }
    assert sandbox.request("incomingOrders.createIncomingOrder", json=wrong_sum).json()["error"]["code"] == 88


def test_transaction_webhooks_carry_no_data():
    sandbox = minimal()
    order = ok(
        sandbox.request(
            "incomingOrders.createIncomingOrder",
            json={"spot_id": 1, "phone": "1", "products": [{"product_id": 101, "count": 1}]},
        )
    )
    sandbox.trigger("order.closed", order["incoming_order_id"])  # type: ignore[index]
    assert [b for b in sandbox.webhooks.sent if "data" in b] == []
    assert {b["object"] for b in sandbox.webhooks.sent} == {"incoming_order", "transaction"}


@pytest.mark.e2e
def test_sandbox_serve_mode_docs_minimal(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTER_")}
    env.update(NO_COLOR="1", XDG_CONFIG_HOME=str(tmp_path / "config"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "poster_cli", "sandbox", "serve", "--port", "0", "--mode", "docs-minimal"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        assert proc.stderr is not None
        banner, api_url, token = [], None, None
        for line in proc.stderr:
            banner.append(line)
            if m := re.search(r"at (http://127\.0\.0\.1:\d+/api)", line):
                api_url = m.group(1)
            if m := re.search(r"demo token: (\S+)", line):
                token = m.group(1)
            if line.startswith("serving;"):
                break
        assert api_url and token, "".join(banner)
        assert any("docs-minimal" in line for line in banner)
        products = httpx.get(f"{api_url}/menu.getProducts", params={"token": token}).json()["response"]
        assert products and all(set(p) <= PRODUCT_TABLE for p in products)
    finally:
        proc.terminate()
        proc.communicate(timeout=15)


def test_sandbox_serve_refuses_an_unknown_mode(cli_env):
    result = cli_env.run("sandbox", "serve", "--port", "0", "--mode", "strict")
    assert result.exit_code == 2
    assert "docs-minimal" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
