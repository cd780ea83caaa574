"""The tests never leave this machine: the sandbox serves everything (see ``_offline`` in conftest)."""

from __future__ import annotations

import socket

import pytest

from tests.support.sandbox import OFFLINE_MESSAGE


def test_the_tests_cannot_reach_poster() -> None:
    with pytest.raises(OSError, match=OFFLINE_MESSAGE):
        socket.create_connection(("joinposter.com", 443), timeout=1)
    with pytest.raises(OSError, match=OFFLINE_MESSAGE):
        socket.create_connection(("93.184.216.34", 443), timeout=1)


def test_loopback_is_still_allowed(sandbox_server) -> None:  # type: ignore[no-untyped-def]
    import httpx

    answer = httpx.get(f"{sandbox_server.api_url}/access.getSpots", params={"token": sandbox_server.token})
    assert answer.status_code == 200
