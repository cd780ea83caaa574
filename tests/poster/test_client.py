"""The API client: typed errors by Poster code, safe retries, never the token in an error or log."""

import asyncio
import json
import logging

import httpx
import pytest

from poster_cli.errors import AuthError
from poster_cli.poster.client import PosterClient
from poster_cli.poster.errors import (
    PosterAuthError,
    PosterNotFound,
    PosterRateLimited,
    PosterTransportError,
    PosterValidationError,
)
from tests.support.docserver import TOKEN, DocServer


async def no_sleep(_: float) -> None:
    return None


def make(handler, **kw) -> PosterClient:
    return PosterClient("http://poster.test/api", TOKEN, transport=httpx.MockTransport(handler), sleep=no_sleep, **kw)


def run(coro):
    return asyncio.run(coro)


def scripted(*answers):
    """A handler answering each call with the next item: a dict (JSON), an int (HTTP status) or an exception."""
    calls = []

    def handler(request):
        calls.append(request)
        answer = answers[min(len(calls), len(answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, int):
            return httpx.Response(answer, text="oops")
        return httpx.Response(200, json=answer)

    handler.calls = calls
    return handler


def test_reads_every_docs_answer():
    server = DocServer()

    async def go():
        async with PosterClient("http://poster.test/api", TOKEN, transport=server.transport) as api:
            return await api.get_products(), await api.get_spots(), await api.get_currency()

    products, spots, currency = run(go())
    assert [p.product_id for p in products] == [139, 138, 30]
    assert currency.code_iso == "RUB"


def test_token_goes_in_query_and_post_body_is_json():
    h = scripted({"response": {"incoming_order_id": 5, "spot_id": 1, "status": 0, "products": []}})
    order = run(make(h).create_incoming_order({"spot_id": 1, "phone": "+380501112233", "products": []}))
    req = h.calls[0]
    assert req.method == "POST" and req.url.params["token"] == TOKEN
    assert req.headers["content-type"] == "application/json"
    assert json.loads(req.content)["phone"] == "+380501112233"
    assert order.incoming_order_id == 5


@pytest.mark.parametrize(
    "code,cls,exit_code",
    [
        (10, PosterAuthError, 4),
        (11, PosterAuthError, 4),
        (12, PosterAuthError, 4),
        (41, PosterNotFound, 2),
        (60, PosterNotFound, 2),
        (88, PosterValidationError, 2),
        (99, PosterValidationError, 2),
    ],
)
def test_errors_are_typed_by_poster_code(code, cls, exit_code):
    h = scripted({"error": {"code": code, "message": f"token {TOKEN} bad"}})
    with pytest.raises(cls) as info:
        run(make(h).call("menu.getProducts"))
    err = info.value
    assert err.code == code and err.method == "menu.getProducts" and err.exit_code == exit_code
    assert TOKEN not in str(err) and "poster.test" not in str(err)
    assert len(h.calls) == 1  # refusals are not retried


def test_reads_retry_on_5xx_and_700_then_succeed():
    h = scripted(503, {"error": {"code": 700, "message": "rate"}}, {"response": []})
    client = make(h)
    assert run(client.call("menu.getProducts")) == []
    assert len(h.calls) == 3 and client.pacer.slowdowns == 1


def test_reads_give_up_after_retries():
    h = scripted(httpx.ReadTimeout("timed out"))
    with pytest.raises(PosterTransportError) as info:
        run(make(h, retries=2).call("menu.getProducts"))
    assert len(h.calls) == 3 and info.value.exit_code == 1


def test_order_post_is_never_repeated_when_the_answer_was_lost():
    for lost in (httpx.ReadTimeout("t"), httpx.RemoteProtocolError("dropped"), 502):
        h = scripted(lost, {"response": {"incoming_order_id": 9, "products": []}})
        with pytest.raises(PosterTransportError) as info:
            run(make(h).create_incoming_order({"spot_id": 1}))
        assert info.value.maybe_processed is True
        assert len(h.calls) == 1


def test_order_post_is_retried_when_poster_certainly_did_not_act():
    h = scripted(
        httpx.ConnectError("refused"),
        {"error": {"code": 700, "message": "slow down"}},
        {"response": {"incoming_order_id": 9, "products": []}},
    )
    assert run(make(h).create_incoming_order({"spot_id": 1})).incoming_order_id == 9
    assert len(h.calls) == 3


def test_rate_limit_error_surfaces_after_retries():
    h = scripted({"error": {"code": 700, "message": "Too many requests"}})
    with pytest.raises(PosterRateLimited):
        run(make(h, retries=1).call("menu.getProducts"))


def test_no_token_is_an_auth_error():
    with pytest.raises(AuthError) as info:
        PosterClient("http://poster.test/api", None)
    assert info.value.exit_code == 4


def test_transport_error_text_never_carries_the_url_or_token():
    def handler(request):
        raise httpx.ConnectError(f"cannot connect to {request.url}")

    with pytest.raises(PosterTransportError) as info:
        run(make(handler, retries=0).call("menu.getProducts"))
    assert TOKEN not in str(info.value)
    assert TOKEN.split(":")[1] not in str(info.value)


def test_debug_log_has_method_timing_and_code_but_no_token(caplog):
    h = scripted({"error": {"code": 11, "message": "Invalid token"}})
    with caplog.at_level(logging.DEBUG, logger="poster_cli.api"):
        with pytest.raises(PosterAuthError):
            run(make(h).call("access.getSpots"))
    text = caplog.text
    assert "access.getSpots" in text and "error 11" in text and "ms" in text
    assert TOKEN not in text


def test_garbage_body_is_a_transport_error():
    def handler(request):
        return httpx.Response(200, text="<html>maintenance</html>")

    with pytest.raises(PosterTransportError):
        run(make(handler, retries=0).call("menu.getProducts"))


@pytest.mark.parametrize(
    "content",
    [
        b'\xef\xbb\xbf{"response": [{"spot_id": "1", "spot_name": "\xd0\x9a\xd0\xb0\xd0\xb2\xd0\xb0"}]}',  # a BOM
        '{"response": [{"spot_id": "1", "spot_name": "Кава"}]}'.encode("utf-16"),
    ],
    ids=["utf-8 with a BOM", "utf-16"],
)
def test_other_json_encodings_are_read_and_kept_as_utf8(content):
    """JSON's other encodings are still read; what is kept of them is UTF-8 JSON (encoded again)."""

    def handler(request):
        return httpx.Response(200, content=content)

    client = make(handler)
    assert run(client.call("access.getSpots")) == [{"spot_id": "1", "spot_name": "Кава"}]
    sent = run(client.call_bytes("access.getSpots"))
    assert json.loads(sent.decode("utf-8")) == [{"spot_id": "1", "spot_name": "Кава"}]


def test_the_response_is_kept_exactly_as_sent_whatever_else_the_answer_holds():
    response = '[ {"spot_id":"1", "spot_name":"\\u041a\\u0430\\u0432\\u0430" , "x": 1.50} ]'

    def handler(request):
        return httpx.Response(200, content=('{"count": 1, "response": ' + response + ', "extra": {}}').encode())

    client = make(handler)
    assert run(client.call_bytes("access.getSpots")) == response.encode()
    assert run(client.call("access.getSpots")) == [{"spot_id": "1", "spot_name": "Кава", "x": 1.5}]


@pytest.mark.parametrize(
    "content, error, match",
    [
        (b'{"response": "\xff"}', PosterTransportError, "not JSON"),
        (b'{"response": [1], "error": {"code": 11, "message": "invalid token"}}', PosterAuthError, "invalid token"),
        (b"[1]", PosterTransportError, "no 'response'"),
        (b'{"count": 0}', PosterTransportError, "no 'response'"),
    ],
    ids=["not utf-8", "error beside a response", "a list", "no response"],
)
def test_odd_answers_are_errors_as_before(content, error, match):
    def handler(request):
        return httpx.Response(200, content=content)

    with pytest.raises(error, match=match):
        run(make(handler, retries=0).call("access.getSpots"))


def test_json_that_only_pythons_reader_accepts_is_still_read():
    def handler(request):
        return httpx.Response(200, content=b'{"response": [NaN, 1]}')

    value = run(make(handler).call("access.getSpots"))
    assert value[0] != value[0] and value[1] == 1  # NaN, as json.loads reads it
