"""Request bodies as PHP reads them: JSON, ``application/x-www-form-urlencoded`` and
``multipart/form-data`` with nested keys (``products[0][product_id]=169``).

As in PHP, ``a[]`` appends a new element, later keys overwrite earlier ones, and every form value
is a string. Arrays whose keys are all 0..n-1 become lists (what ``json_encode`` would show).
"""

from __future__ import annotations

import json
import re
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any, Iterable
from urllib.parse import parse_qsl

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")


class BodyError(ValueError):
    """The body cannot be read as JSON or a form."""


def _set(target: dict[str, Any], key: str, value: str) -> None:
    match = _KEY.match(key)
    if not match:
        target[key] = value
        return
    path = [match.group(1)] + _PART.findall(match.group(2))
    node = target
    for i, part in enumerate(path):
        last = i == len(path) - 1
        if part == "":
            part = str(sum(1 for k in node if k.isdigit()))
        if last:
            node[part] = value
        else:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child


def _listify(value: Any) -> Any:
    if isinstance(value, dict):
        value = {k: _listify(v) for k, v in value.items()}
        if value and all(k.isdigit() for k in value) and sorted(int(k) for k in value) == list(range(len(value))):
            return [value[str(i)] for i in range(len(value))]
    return value


def nest(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Flat ``(key, value)`` pairs with PHP bracket keys to nested dicts and lists."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        _set(result, key, value)
    nested: dict[str, Any] = _listify(result)
    return nested


def _multipart(body: bytes, content_type: str) -> list[tuple[str, str]]:
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise BodyError("multipart body without parts")
    pairs = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name is None:
            continue
        payload = part.get_payload(decode=True)
        text = payload.decode(part.get_content_charset() or "utf-8", "replace") if isinstance(payload, bytes) else ""
        pairs.append((str(name), text))
    return pairs


def parse_body(body: bytes, content_type: str) -> dict[str, Any]:
    """The body's fields; an empty body is ``{}``."""
    if not body.strip():
        return {}
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json" or (not kind and body.lstrip()[:1] in (b"{", b"[")):
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise BodyError("the body is not valid JSON") from None
        if not isinstance(data, dict):
            raise BodyError("the JSON body must be an object")
        return data
    if kind == "multipart/form-data":
        return nest(_multipart(body, content_type))
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyError("the form body is not UTF-8") from None
    return nest(parse_qsl(text, keep_blank_values=True))
