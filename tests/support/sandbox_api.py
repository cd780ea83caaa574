"""Reading the sandbox's raw answers: ok / error code, and the docs' example answers to compare with."""

from __future__ import annotations

import json

from tests.support.paths import FIXTURES as _FIXTURES

FIXTURES = _FIXTURES / "poster"


def ok(resp) -> object:
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert "error" not in body, body
    return body["response"]


def error_code(resp) -> int:
    assert resp.status_code == 200, resp.text  # Poster answers errors with HTTP 200
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    return body["error"]["code"]


def doc_example(name: str):
    return json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))["response"]


def assert_same_types(ours: dict, theirs: dict, where: str) -> None:
    """Every field of the docs' example is there, with the same JSON type (null on either side aside)."""
    for key, value in theirs.items():
        assert key in ours, f"{where}: missing {key}"
        if value is None or ours[key] is None:
            continue
        assert type(ours[key]) is type(value), f"{where}.{key}: {ours[key]!r} vs docs {value!r}"
