"""A stand-in Poster that answers every call with the docs' example answers (tests/fixtures/poster).

It records each method called, so tests can assert what a command asked for.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.support.paths import FIXTURES as ALL_FIXTURES

FIXTURES = ALL_FIXTURES / "poster"
TOKEN = "123456:0123456789abcdef0123456789abcdef"

ANSWERS = {
    "access.getSpots": "getSpots.json",
    "menu.getCategories": "getCategories.json",
    "menu.getProducts": "getProducts.json",
    "menu.getProduct": "getProduct_product.json",
    "settings.getCurrency": "getCurrency.json",
    "incomingOrders.createIncomingOrder": "createIncomingOrder.json",
}


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class DocServer:
    """``transport`` answers like Poster would with the docs' examples; unknown methods get error 42."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[str] = []
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        method = request.url.path.rsplit("/", 1)[-1]
        self.calls.append(method)
        token = request.url.params.get("token")
        if not token:
            return httpx.Response(200, json={"error": {"code": 10, "message": "Access token is missing"}})
        if token != self.token:
            return httpx.Response(200, json={"error": {"code": 11, "message": "Invalid access token"}})
        name = ANSWERS.get(method)
        if name is None:
            return httpx.Response(200, json={"error": {"code": 42, "message": f"Unknown method {method}"}})
        return httpx.Response(200, json=fixture(name))
