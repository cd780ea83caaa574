"""Typed errors for Poster's answers, keyed by Poster's own error codes.

Every error carries ``code``, ``message`` and ``method`` (the API method, never the URL, which
holds the token). :func:`error_for_code` picks the class for a code.
"""

from __future__ import annotations

from poster_cli.errors import EXIT_AUTH, EXIT_FAILED, EXIT_USAGE, PosterCliError
from poster_cli.poster.redact import redact

AUTH_CODES = {10, 11, 12}
NOT_FOUND_CODES = {32, 41, 42, 43, 49, 60, 404}
VALIDATION_CODES = {34, 36, 46, 50, 88, 99, 142, 400, 4001}
RATE_LIMIT_CODE = 700


class PosterError(PosterCliError):
    """Poster answered with ``{"error": {...}}``."""

    exit_code = EXIT_FAILED

    def __init__(self, code: int, message: str, method: str) -> None:
        self.code = code
        self.method = method
        self.poster_message = redact(message)
        super().__init__(f"Poster refused {method}: error {code}: {self.poster_message}", hint=self.advice())

    def advice(self) -> str | None:
        return None


class PosterAuthError(PosterError):
    """10 token missing, 11 invalid, 12 expired."""

    exit_code = EXIT_AUTH

    def advice(self) -> str:
        return "check the token: `poster-cli login`, or set POSTER_TOKEN"


class PosterPermissionError(PosterError):
    """20 application may not call the method, 54 access denied."""

    def advice(self) -> str:
        return "the token's application lacks the permission for this method"


class PosterRateLimited(PosterError):
    """700: too many requests."""

    def advice(self) -> str:
        return "Poster limits request rate; wait and retry, or lower --concurrency"


class PosterNotFound(PosterError):
    """The entity asked for does not exist (32, 41, 42, 43, 49, 60, 404)."""

    exit_code = EXIT_USAGE


class PosterValidationError(PosterError):
    """Poster refused the data sent (34, 36, 46, 50, 88, 99, 142, 400, 4001)."""

    exit_code = EXIT_USAGE


class PosterTransportError(PosterCliError):
    """No usable answer: connection refused, timeout, dropped connection, HTTP 5xx, garbage body.

    ``maybe_processed`` tells whether Poster may have acted on the request anyway (the request
    was sent, but the answer was lost). For order creation this means: look the order up before
    sending it again.
    """

    exit_code = EXIT_FAILED

    def __init__(self, method: str, reason: str, *, maybe_processed: bool) -> None:
        self.method = method
        self.reason = redact(reason)
        self.maybe_processed = maybe_processed
        super().__init__(
            f"no answer from Poster for {method}: {self.reason}",
            hint="check the network and POSTER_API_URL, then retry",
        )


class PosterDeadlineExceeded(PosterTransportError):
    """The whole request (connecting, sending, the full answer) took longer than the timeout: a
    server that trickles its answer cannot hold a command for ever. Not retried: the user set
    how long a request may take."""

    def __init__(self, method: str, seconds: float) -> None:
        super().__init__(method, f"no complete answer within {seconds:g}s", maybe_processed=True)
        self.hint = "the server is too slow; raise timeout (POSTER_TIMEOUT, --timeout) or try later"


def error_for_code(code: int, message: str, method: str) -> PosterError:
    """Build the typed error for a Poster error code."""
    cls: type[PosterError]
    if code in AUTH_CODES:
        cls = PosterAuthError
    elif code == RATE_LIMIT_CODE:
        cls = PosterRateLimited
    elif code in (20, 54):
        cls = PosterPermissionError
    elif code in NOT_FOUND_CODES:
        cls = PosterNotFound
    elif code in VALIDATION_CODES:
        cls = PosterValidationError
    else:
        cls = PosterError
    return cls(code, message, method)
