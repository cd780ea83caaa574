"""JSON from outside (webhook deliveries, order files) read with its nesting checked first.

Python's parser recurses once per level: ``[[[[...]]]]`` 30,000 deep ends in a RecursionError
(a traceback, a 500) instead of a clear refusal. :func:`loads` measures the nesting with a flat
scan before parsing and raises :class:`JsonTooDeep` (a ``ValueError``) beyond ``max_depth``.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

MAX_DEPTH = 64

# a whole string (skipped: brackets inside it do not count), or one bracket
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)


class JsonTooDeep(ValueError):
    """The document nests deeper than allowed."""


def nesting_depth(text: str, limit: int | None = None) -> int:
    """How deep arrays and objects nest in ``text`` (stops counting once past ``limit``)."""
    depth = deepest = 0
    for m in _TOKENS.finditer(text):
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if limit is not None and deepest > limit:
                    return deepest
        elif c in "]}":
            depth -= 1
    return deepest


def loads(text: str, *, max_depth: int = MAX_DEPTH, parse_float: Callable[[str], Any] | None = None) -> Any:
    """``json.loads`` that refuses documents nested deeper than ``max_depth`` (JsonTooDeep)."""
    if nesting_depth(text, max_depth) > max_depth:
        raise JsonTooDeep(f"nested deeper than {max_depth} levels")
    try:
        return json.loads(text, parse_float=parse_float)
    except RecursionError:  # a backstop: the scan above should have caught it
        raise JsonTooDeep(f"nested deeper than {max_depth} levels") from None


__all__ = ["JsonTooDeep", "MAX_DEPTH", "loads", "nesting_depth"]
