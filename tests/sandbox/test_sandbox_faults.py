"""Faults the sandbox injects: off by default, deterministic by seed, switchable at runtime."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from poster_cli.poster.errors import PosterRateLimited, PosterTransportError

ORDER = {"spot_id": 1, "phone": "+380501112233", "products": [{"product_id": 101, "count": 1}]}


def test_no_faults_by_default(sandbox):
    statuses = {sandbox.request("settings.getCurrency").status_code for _ in range(40)}
    assert statuses == {200}


def test_error_rate_answers_http_5xx_before_doing_anything(sandbox):
    sandbox.faults(error_rate=1.0)
    resp = sandbox.request("incomingOrders.createIncomingOrder", json=ORDER)
    assert resp.status_code == 503 and sandbox.state.doc["orders"] == []

    async def read():
        async with sandbox.client(retries=0) as api:
            await api.get_currency()

    with pytest.raises(PosterTransportError):
        asyncio.run(read())


def test_error_rate_is_repeatable_with_a_seed(sandbox_factory):
    def pattern(seed: int) -> list[int]:
        sb = sandbox_factory()
        sb.faults(error_rate=0.5, seed=seed)
        return [sb.request("settings.getCurrency").status_code for _ in range(30)]

    first = pattern(7)
    assert first == pattern(7)
    assert {200, 503} == set(first)
    assert first != pattern(8)


def test_rate_limit_answers_error_700_above_n_calls_a_second(sandbox):
    now = [100.0]
    sandbox.sandbox.faults.clock = lambda: now[0]
    sandbox.faults(rate_limit=3)
    codes = [sandbox.request("settings.getCurrency").json().get("error", {}).get("code") for _ in range(5)]
    assert codes == [None, None, None, 700, 700]
    now[0] += 1.5  # a second later the window is free again
    assert "response" in sandbox.request("settings.getCurrency").json()


def test_rate_limit_surfaces_as_rate_limited_in_the_client(sandbox):
    now = [100.0]
    sandbox.sandbox.faults.clock = lambda: now[0]
    sandbox.faults(rate_limit=1)

    async def calls():
        async with sandbox.client(retries=0) as api:
            await api.get_currency()
            await api.get_currency()

    with pytest.raises(PosterRateLimited):
        asyncio.run(calls())


def test_latency_delays_the_answer(sandbox):
    sandbox.faults(latency_ms=80)
    started = time.perf_counter()
    assert "response" in sandbox.request("settings.getCurrency").json()
    assert time.perf_counter() - started >= 0.08


def test_drop_after_commit_stores_the_order_and_loses_the_answer(sandbox):
    sandbox.faults(drop_after_commit_rate=1.0)
    with pytest.raises(httpx.RemoteProtocolError):
        sandbox.request("incomingOrders.createIncomingOrder", json=ORDER)
    assert len(sandbox.state.doc["orders"]) == 1

    async def send():
        async with sandbox.client() as api:
            await api.create_incoming_order(ORDER)

    with pytest.raises(PosterTransportError) as caught:
        asyncio.run(send())
    assert caught.value.maybe_processed is True
    assert len(sandbox.state.doc["orders"]) == 2  # never blindly re-sent by the client
    assert "response" in sandbox.request("menu.getProducts").json()  # reads are not dropped


def test_drop_after_commit_closes_a_real_connection(sandbox_server):
    sandbox_server.handle.faults(drop_after_commit_rate=1.0)
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.post(
            f"{sandbox_server.api_url}/incomingOrders.createIncomingOrder",
            params={"token": sandbox_server.token},
            json=ORDER,
        )
    listed = httpx.get(
        f"{sandbox_server.api_url}/incomingOrders.getIncomingOrders", params={"token": sandbox_server.token}
    ).json()
    assert len(listed["response"]) == 1


def test_faults_are_switched_at_runtime_through_the_admin_endpoint(sandbox_server):
    admin = f"{sandbox_server.base_url}/_sandbox/faults"
    auth = {"Authorization": f"Bearer {sandbox_server.token}"}
    assert httpx.post(admin, json={"error_rate": 1}).status_code == 401
    assert httpx.post(admin, json={"error_rate": 1}, headers=auth).json()["faults"]["error_rate"] == 1.0
    currency = f"{sandbox_server.api_url}/settings.getCurrency"
    assert httpx.get(currency, params={"token": sandbox_server.token}).status_code == 503
    assert httpx.post(admin, json={"off": True}, headers=auth).json()["faults"]["error_rate"] == 0.0
    assert httpx.get(currency, params={"token": sandbox_server.token}).status_code == 200
    refused = httpx.post(admin, json={"error_rate": 2}, headers=auth)
    assert refused.status_code == 400 and "between 0 and 1" in refused.json()["error"]
    assert httpx.post(admin, json={"storm": 1}, headers=auth).status_code == 400
