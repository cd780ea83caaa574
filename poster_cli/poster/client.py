"""The Poster web API client (httpx, async).

One :class:`PosterClient` per command run. It adds the token as the ``token`` query parameter
(as Poster requires), never lets the URL reach an error or a log, turns ``{"error": ...}`` answers
into typed errors, paces requests, and retries what is safe to retry:

* reads (GET) and idempotent writes: network errors, HTTP 5xx/429 and error 700, with exponential
  backoff and full jitter;
* non-idempotent writes (order creation): only when Poster certainly did not act — connection
  refused before sending, HTTP 429, error 700. Anything else that loses the answer raises
  :class:`PosterTransportError` with ``maybe_processed=True``; the orders layer reconciles.

``timeout`` is a deadline for each whole request — connecting, sending and reading the complete
answer — not for each read: a server trickling one byte a second cannot keep a command waiting.
A request that misses it raises :class:`PosterDeadlineExceeded` and is not retried.

Tests plug in the sandbox with ``transport=httpx.ASGITransport(app)`` or ``httpx.MockTransport``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from typing import Any, Awaitable, Callable, Mapping

import httpx
import msgspec

from poster_cli import __version__
from poster_cli.errors import AuthError
from poster_cli.gcpause import gc_paused
from poster_cli.poster import models
from poster_cli.poster.errors import (
    PosterDeadlineExceeded,
    PosterError,
    PosterRateLimited,
    PosterTransportError,
    error_for_code,
)
from poster_cli.poster.ratelimit import RatePacer
from poster_cli.poster.redact import redact, register_secret

log = logging.getLogger("poster_cli.api")

DEFAULT_API_URL = "https://joinposter.com/api"
DEFAULT_TIMEOUT = 15.0

# Answers lost after the request was (or may have been) sent.
_AMBIGUOUS = (httpx.ReadTimeout, httpx.WriteTimeout, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
# The request certainly never reached Poster.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class PosterClient:
    """Async client for ``{base_url}/{method}``; use as ``async with PosterClient(...) as api``."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        rate: float | None = None,
        pacer: RatePacer | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if not token:
            raise AuthError("no Poster token", hint="run `poster-cli login` or set POSTER_TOKEN")
        register_secret(token)
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.pacer = pacer or RatePacer(rate)
        self.timeout = timeout
        self._sleep = sleep
        self.calls: list[str] = []  # methods called, in order (for summaries and tests)
        self._http = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(timeout * 2),  # a backstop: the deadline in _once comes first
            headers={"User-Agent": f"poster-cli/{__version__}", "Accept": "application/json"},
            follow_redirects=False,
        )

    async def __aenter__(self) -> "PosterClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    def __repr__(self) -> str:  # never show the token
        return f"PosterClient({self.base_url!r})"

    # -- the one request path ---------------------------------------------------------------

    async def call(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        *,
        body: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Call ``method`` (GET without ``body``, POST with a JSON ``body``); return ``response``."""
        sent, value = await self._call(method, params, body=body, idempotent=idempotent)
        if sent is None:
            return value
        with gc_paused():
            return json.loads(sent)

    async def call_bytes(self, method: str, params: Mapping[str, Any] | None = None) -> bytes:
        """GET ``method`` and return its ``response`` as JSON bytes, not decoded: exactly as Poster
        wrote them when the answer is plain UTF-8 JSON (Poster's always are), encoded again from
        the decoded answer otherwise (a BOM, UTF-16). A snapshot keeps them as they are."""
        sent, value = await self._call(method, params, body=None, idempotent=True)
        return sent if sent is not None else json.dumps(value, ensure_ascii=False).encode("utf-8")

    async def _call(
        self,
        method: str,
        params: Mapping[str, Any] | None,
        *,
        body: Mapping[str, Any] | None,
        idempotent: bool | None,
    ) -> tuple[bytes | None, Any]:
        """The request with its retries: ``response`` as sent (bytes), or decoded when the answer
        had to be read another way (then the bytes are None)."""
        if idempotent is None:
            idempotent = body is None
        attempt = 0
        while True:
            try:
                return await self._once(method, params, body)
            except PosterRateLimited:
                self.pacer.slow_down()
                if attempt >= self.retries:
                    raise
            except PosterDeadlineExceeded:
                raise
            except PosterTransportError as err:
                if err.maybe_processed and not idempotent:
                    raise
                if attempt >= self.retries:
                    raise
            attempt += 1
            delay = random.uniform(0, min(self.max_backoff, self.backoff * 2**attempt))
            log.debug("retry %s in %.2fs (attempt %d)", method, delay, attempt + 1)
            await self._sleep(delay)

    async def _once(
        self, method: str, params: Mapping[str, Any] | None, body: Mapping[str, Any] | None
    ) -> tuple[bytes | None, Any]:
        query = {k: v for k, v in (params or {}).items() if v is not None}
        query["token"] = self._token
        url = f"{self.base_url}/{method}"
        await self.pacer.wait()
        self.calls.append(method)
        started = time.perf_counter()
        outcome = "ok"
        try:
            try:
                async with asyncio.timeout(self.timeout):  # the whole request: connect, send, every read
                    if body is None:
                        resp = await self._http.get(url, params=query)
                    else:
                        resp = await self._http.post(url, params=query, json=body)
            except TimeoutError:
                outcome = "deadline"
                raise PosterDeadlineExceeded(method, self.timeout) from None
            except _NOT_SENT as exc:
                outcome = type(exc).__name__
                raise PosterTransportError(method, _describe(exc), maybe_processed=False) from None
            except _AMBIGUOUS + (httpx.TransportError,) as exc:
                outcome = type(exc).__name__
                raise PosterTransportError(method, _describe(exc), maybe_processed=True) from None
            if resp.status_code == 429:
                outcome = "HTTP 429"
                raise error_for_code(700, "HTTP 429 Too Many Requests", method)
            if resp.status_code >= 500:
                outcome = f"HTTP {resp.status_code}"
                raise PosterTransportError(method, f"HTTP {resp.status_code}", maybe_processed=True)
            content = resp.content
            envelope = _envelope(content)
            if envelope is not None:  # the usual answer: ``response`` is not decoded here
                if envelope.error is msgspec.UNSET and envelope.response:
                    self.pacer.calm()
                    return bytes(envelope.response), None
                payload: Any = {} if envelope.error is msgspec.UNSET else {"error": envelope.error}
            else:  # not plain UTF-8 JSON with an object at the top: read as JSON allows
                try:
                    with gc_paused():
                        payload = json.loads(content)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    outcome = f"HTTP {resp.status_code} not JSON"
                    raise PosterTransportError(
                        method, f"HTTP {resp.status_code}, answer is not JSON", maybe_processed=resp.status_code < 400
                    ) from None
            if isinstance(payload, dict) and "error" in payload:
                code, message = _error_fields(payload["error"])
                outcome = f"error {code}"
                raise error_for_code(code, message, method)
            if not isinstance(payload, dict) or "response" not in payload:
                if resp.status_code >= 400:
                    outcome = f"HTTP {resp.status_code}"
                    raise error_for_code(resp.status_code, f"HTTP {resp.status_code}", method)
                outcome = "no response key"
                raise PosterTransportError(method, "answer has no 'response'", maybe_processed=True)
            self.pacer.calm()
            return None, payload["response"]
        finally:
            log.debug("%s %s %.0fms", method, outcome, (time.perf_counter() - started) * 1000)

    # -- typed methods ----------------------------------------------------------------------

    async def get_spots(self) -> list[models.Spot]:
        return models.parse_list(await self.call("access.getSpots"), models.parse_spot, "spots")

    async def get_products(self, *, category_id: int | None = None, type: str | None = None) -> list[models.Product]:
        return models.decode_products(
            await self.call_bytes("menu.getProducts", {"category_id": category_id, "type": type})
        )

    async def get_currency(self) -> models.Currency:
        return models.parse_currency(await self.call("settings.getCurrency"))

    async def create_incoming_order(self, order: Mapping[str, Any]) -> models.IncomingOrder:
        """POST the order once. Never retried when the answer may have been lost."""
        raw = await self.call("incomingOrders.createIncomingOrder", body=order, idempotent=False)
        return models.parse_incoming_order(raw)

    async def get_incoming_order(self, incoming_order_id: int) -> models.IncomingOrder:
        raw = await self.call("incomingOrders.getIncomingOrder", {"incoming_order_id": incoming_order_id})
        return models.parse_incoming_order(raw)

    async def get_incoming_orders(
        self, *, own: bool = False, status: int | None = None, date_from: str | None = None, date_to: str | None = None
    ) -> list[models.IncomingOrder]:
        method = "incomingOrders.getOwnIncomingOrders" if own else "incomingOrders.getIncomingOrders"
        raw = await self.call(method, {"status": status, "date_from": date_from, "date_to": date_to})
        return models.parse_list(raw, models.parse_incoming_order, "incoming orders")

    async def get_transaction(self, transaction_id: int) -> Any:
        """``dash.getTransaction``: raw answer (``status`` 2 = closed receipt)."""
        return await self.call("dash.getTransaction", {"transaction_id": transaction_id})

    async def set_entity_extras(self, entity_type: str, entity_id: int, extras: Mapping[str, Any]) -> bool:
        """Store integration data on a Poster entity (idempotent: the same extras again is harmless)."""
        raw = await self.call(
            "application.setEntityExtras",
            body={"entity_type": entity_type, "entity_id": entity_id, "extras": dict(extras)},
            idempotent=True,
        )
        return bool(raw)


class _Envelope(msgspec.Struct):
    """An answer's top level: ``response`` kept as its JSON bytes, not decoded; or ``error``."""

    response: msgspec.Raw = msgspec.Raw()
    error: Any = msgspec.UNSET


_ENVELOPE = msgspec.json.Decoder(_Envelope)


def _envelope(content: bytes) -> _Envelope | None:
    """The answer's envelope, or None when it is not UTF-8 JSON with an object at the top (a BOM,
    UTF-16, NaN, a list...): the caller then reads it with json.loads, as JSON allows."""
    try:
        envelope = _ENVELOPE.decode(content)
        bytes(envelope.response).decode("utf-8")  # the decoder skipped its strings unchecked; kept bytes are UTF-8
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError):
        return None
    return envelope


def _error_fields(err: Any) -> tuple[int, str]:
    if isinstance(err, Mapping):
        code = models.as_int(err.get("code"), 0) or 0
        return code, models.as_str(err.get("message"))
    # some old answers put the code straight in "error"
    try:
        return int(err), ""
    except (TypeError, ValueError):
        return 0, models.as_str(err)


def _describe(exc: Exception) -> str:
    """A transport error as text without the request URL (which holds the token)."""
    text = str(exc) or type(exc).__name__
    return redact(f"{type(exc).__name__}: {text}" if text != type(exc).__name__ else text)


__all__ = ["PosterClient", "PosterError", "PosterTransportError", "DEFAULT_API_URL"]
