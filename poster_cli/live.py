"""Writing to a live Poster account: what counts as this machine, and the one confirmation that
``order send``, ``order batch`` and ``mapping push`` ask before they write.

Local means the API URL's host parses as a loopback address (``127.0.0.0/8``, ``::1``) or is
``localhost``: never a name that merely starts like one (``127.evil.example`` is a live host).
"""

from __future__ import annotations

import ipaddress
from typing import Callable
from urllib.parse import urlsplit

from poster_cli.errors import PosterCliError, UsageError


def is_local_url(url: str) -> bool:
    """The URL points at this machine: a loopback address or ``localhost`` (nothing else)."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return False
    if not host:
        return False
    if host.rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


class NotConfirmed(PosterCliError):
    """The person at the terminal said no: nothing was written (exit 1)."""


def confirm_live_write(
    api_url: str,
    question: str,
    refusal: str,
    *,
    yes: bool,
    ask: Callable[[str], bool] | None,
    required_without_tty: bool = True,
    nothing_done: str = "Nothing sent.",
) -> None:
    """Let a write to ``api_url`` go ahead, or raise.

    A local sandbox, or ``--yes``, needs no answer. Otherwise ``ask(question)`` (``None`` when no
    person can answer: no terminal or ``--no-input``) must say yes; a no is :class:`NotConfirmed`.
    With nobody to ask, ``required_without_tty`` makes it a usage error naming ``--yes``
    (``refusal`` says what would have been written); without it, the write goes ahead (a cron
    batch).
    """
    if yes or is_local_url(api_url):
        return
    if ask is None:
        if required_without_tty:
            raise UsageError(f"{refusal} and nobody is here to confirm", hint="pass --yes")
        return
    if not ask(question):
        raise NotConfirmed(nothing_done)
