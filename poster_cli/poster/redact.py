"""The one place that removes the access token from anything that may be shown or stored.

Poster puts the token in the query string of every URL (``?token=ACCOUNT:32hex``), so any URL,
exception text or log line may carry it. Everything user-visible passes through :func:`redact`.
"""

from __future__ import annotations

import re
import threading

_TOKEN_SHAPE = re.compile(r"\b\d{1,12}:[0-9a-fA-F]{32}\b")
_TOKEN_PARAM = re.compile(r"(?i)(token=)[^&\s\"']+")
_lock = threading.Lock()
_known: set[str] = set()

MASK = "***"


def register_secret(secret: str | None) -> None:
    """Remember a secret (token, app secret) so :func:`redact` removes it wherever it appears."""
    if secret and len(secret) >= 4:
        with _lock:
            _known.add(secret)


def redact(text: object) -> str:
    """Return ``text`` as a string with every known secret and every token-shaped value masked."""
    s = str(text)
    with _lock:
        secrets = sorted(_known, key=len, reverse=True)
    for secret in secrets:
        if secret in s:
            s = s.replace(secret, MASK)
    s = _TOKEN_PARAM.sub(lambda m: m.group(1) + MASK, s)
    return _TOKEN_SHAPE.sub(MASK, s)
