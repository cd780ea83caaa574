"""The shared sandbox fixtures work as their docstrings say (others' tests rely on them)."""

from __future__ import annotations

import asyncio
import json

import httpx


def test_in_process_client_reads_the_demo_menu(sandbox):
    async def run():
        async with sandbox.client() as api:
            return await api.get_products()

    products = asyncio.run(run())
    assert len(products) >= 60
    assert any(p.name == "Лате" for p in products)


def test_cli_env_pulls_from_the_sandbox(cli_env):
    result = cli_env.run("pull")
    assert result.exit_code == 0, result.stderr
    snapshot = json.loads((cli_env.data_dir / "menu.json").read_text("utf-8"))
    assert len(snapshot["products"]) >= 60
    assert cli_env.sandbox.token not in (cli_env.data_dir / "menu.json").read_text("utf-8")


def test_loopback_server_answers_like_poster(sandbox_server):
    answer = httpx.get(f"{sandbox_server.api_url}/settings.getCurrency", params={"token": sandbox_server.token}).json()
    assert answer["response"]["currency_code_iso"] == "UAH"
    bad = httpx.get(f"{sandbox_server.api_url}/settings.getCurrency", params={"token": "1:00"}).json()
    assert bad["error"]["code"] == 11


def test_loopback_server_trigger_runs_on_the_server(sandbox_server):
    sandbox_server.trigger("product.price", 101, "50")
    answer = httpx.get(
        f"{sandbox_server.api_url}/menu.getProduct", params={"token": sandbox_server.token, "product_id": 101}
    ).json()
    assert {s["price"] for s in answer["response"]["spots"]} == {"5000"}
