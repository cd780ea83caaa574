"""OAuth code flow for marketplace applications (``poster-cli login --oauth``).

1. The user's browser goes to ``{api}/auth?application_id=…&redirect_uri=…&response_type=code``.
2. Poster sends it back to our loopback redirect ``http://127.0.0.1:PORT/callback?code=…&account=…``,
   served here for the length of the login by a one-route Starlette app under uvicorn.
3. The code is exchanged by a form POST to ``https://{account}.joinposter.com/api/v2/auth/access_token``
   (``{api_url}/v2/auth/access_token`` for any other API base, e.g. the sandbox) for
   ``access_token`` and ``account_number``.

The redirect URI must be exactly the one set in the application's settings in Poster, so a real
login uses a fixed ``--port``. A ``state`` value is sent; Poster's docs do not say it comes back, so
it is checked only when it does.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlencode

import httpx

from poster_cli.config import DEFAULT_API_URL
from poster_cli.errors import AuthError, NotConfiguredError, PosterCliError
from poster_cli.poster.redact import redact, register_secret

CALLBACK_PATH = "/callback"
_ACCOUNT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$")

_DONE_PAGE = (
    "<!doctype html><meta charset=utf-8><title>poster-cli</title>"
    "<p>{message}</p><p>You can close this tab and go back to the terminal.</p>"
)


@dataclass(frozen=True)
class OAuthResult:
    """What the code exchange gave: the token (never printed), the account and who installed."""

    access_token: str
    account: str
    account_number: str
    user_name: str = ""
    company_name: str = ""

    def __repr__(self) -> str:
        return f"OAuthResult(account={self.account!r}, account_number={self.account_number!r})"


def authorize_url(api_url: str, app_id: str, redirect_uri: str, state: str | None = None) -> str:
    """Where the browser starts: Poster's consent page for this application."""
    params = {"application_id": app_id, "redirect_uri": redirect_uri, "response_type": "code"}
    if state:
        params["state"] = state
    return f"{api_url.rstrip('/')}/auth?{urlencode(params)}"


def token_url(api_url: str, account: str) -> str:
    """Where the code is exchanged: the account's own host on real Poster, else the configured API."""
    if api_url.rstrip("/") == DEFAULT_API_URL:
        if not _ACCOUNT.match(account):
            raise AuthError(f"Poster sent back an unusable account name {account!r}", hint="start the login again")
        return f"https://{account}.joinposter.com/api/v2/auth/access_token"
    return f"{api_url.rstrip('/')}/v2/auth/access_token"


async def exchange_code(
    url: str,
    *,
    app_id: str,
    app_secret: str,
    redirect_uri: str,
    code: str,
    account: str,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = 15.0,
) -> OAuthResult:
    """POST the code (form-encoded, as Poster asks) and read the token from the answer."""
    form = {
        "application_id": app_id,
        "application_secret": app_secret,
        "grant_type": "authorization_code",
        "redirect_uri": redirect_uri,
        "code": code,
    }
    try:
        async with httpx.AsyncClient(transport=transport, timeout=timeout) as http:
            resp = await http.post(url, data=form)
    except httpx.HTTPError as exc:
        raise PosterCliError(
            f"no answer from Poster when exchanging the code: {type(exc).__name__}", hint="check the network and retry"
        ) from None
    try:
        payload: Any = resp.json()
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise PosterCliError(f"Poster's answer to the code exchange is not JSON (HTTP {resp.status_code})")
    token = payload.get("access_token")
    if not token:
        raise AuthError(f"Poster refused the authorization code: {_refusal(payload)}", hint=_REFUSAL_HINT)
    token = str(token)
    register_secret(token)
    user = payload["user"] if isinstance(payload.get("user"), dict) else {}
    owner = payload["ownerInfo"] if isinstance(payload.get("ownerInfo"), dict) else {}
    number = str(payload.get("account_number") or token.split(":", 1)[0])
    return OAuthResult(
        access_token=token,
        account=account,
        account_number=number,
        user_name=str(user.get("name") or ""),
        company_name=str(owner.get("company_name") or ""),
    )


_REFUSAL_HINT = (
    "check app_id and app_secret, and that the redirect URI matches the application settings; then log in again"
)


def _refusal(payload: dict[str, Any]) -> str:
    err = payload.get("error")
    if isinstance(err, dict):
        payload = {**payload, **err}
    parts = [str(payload[k]) for k in ("code", "error_type", "error_message", "message") if payload.get(k)]
    if not parts and err:
        parts.append(str(err))
    return redact(", ".join(parts) or "no access_token in the answer")


def _callback_app(result: "asyncio.Future[dict[str, str]]") -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    async def callback(request: Request) -> HTMLResponse:
        params = dict(request.query_params)
        if not result.done():
            result.set_result(params)
        ok = "code" in params and "error" not in params
        message = "poster-cli got the authorization." if ok else "The authorization did not go through."
        return HTMLResponse(_DONE_PAGE.format(message=message), status_code=200 if ok else 400)

    return Starlette(routes=[Route(CALLBACK_PATH, callback, methods=["GET"])])


async def login_with_oauth(
    *,
    api_url: str,
    app_id: str | None,
    app_secret: str | None,
    show_url: Callable[[str, str], None],
    host: str = "127.0.0.1",
    port: int = 0,
    timeout: float = 300.0,
    transport: httpx.AsyncBaseTransport | None = None,
) -> OAuthResult:
    """Run the whole code flow: listen on the loopback redirect, hand the authorization URL to
    ``show_url(url, redirect_uri)`` (open a browser / print it), wait for the redirect, check it,
    exchange the code."""
    from poster_cli.serving import bind, make_server

    if not app_id or not app_secret:
        missing = " and ".join(n for n, v in (("POSTER_APP_ID", app_id), ("POSTER_APP_SECRET", app_secret)) if not v)
        raise NotConfiguredError(
            f"OAuth needs the developer application's id and secret: {missing} not set",
            hint="find them in the developer account → application settings; set them in the config or environment",
        )
    try:
        sock = bind(host, port)
    except OSError as exc:
        raise PosterCliError(
            f"cannot listen on {host}:{port} for the redirect: {exc.strerror or exc}", hint="pick another --port"
        ) from None
    redirect_uri = f"http://{host}:{sock.getsockname()[1]}{CALLBACK_PATH}"
    state = secrets.token_urlsafe(16)
    answer: asyncio.Future[dict[str, str]] = asyncio.get_running_loop().create_future()
    server = make_server(_callback_app(answer))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if serving.done():
                raise PosterCliError("the redirect listener did not start")
            await asyncio.sleep(0.01)
        show_url(authorize_url(api_url, app_id, redirect_uri, state), redirect_uri)
        waiting: set[asyncio.Future[Any]] = {answer, serving}
        done, _ = await asyncio.wait(waiting, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if answer not in done:
            if serving in done:  # the listener stopped: Ctrl-C
                raise KeyboardInterrupt
            raise AuthError(
                f"no redirect from Poster within {timeout:g}s",
                hint="run `poster-cli login --oauth` again and finish in the browser",
            )
        params = answer.result()
    finally:
        server.should_exit = True
        await asyncio.gather(serving, return_exceptions=True)
    if params.get("error"):
        raise AuthError(
            f"authorization was not given: {redact(params['error'])}", hint="run the login again and allow access"
        )
    if params.get("state") and not secrets.compare_digest(params["state"], state):
        raise AuthError("the redirect does not belong to this login (state differs)", hint="run the login again")
    code, account = params.get("code"), params.get("account")
    if not code or not account:
        raise AuthError("the redirect carried no code or account", hint="run the login again")
    register_secret(code)
    return await exchange_code(
        token_url(api_url, account),
        app_id=app_id,
        app_secret=app_secret,
        redirect_uri=redirect_uri,
        code=code,
        account=account,
        transport=transport,
    )


def can_open_browser() -> bool:
    """A graphical browser is likely: macOS, Windows, or a display on other systems. Without one,
    ``webbrowser`` may start a text browser in this terminal, so the URL is only printed."""
    import sys

    from poster_cli.config import graphical_display

    if sys.platform in ("darwin", "win32"):
        return True
    return graphical_display()


def show_authorization_url(url: str, redirect_uri: str, *, open_browser: bool, say: Callable[[str], None]) -> None:
    """Open the browser at ``url`` when there is one, and always print it (to stderr, via ``say``)."""
    opened = False
    if open_browser and can_open_browser():
        import webbrowser

        try:
            opened = webbrowser.open(url)
        except webbrowser.Error:
            opened = False
    say(("Opened your browser at:" if opened else "Open this address in a browser to allow access:") + f"\n  {url}")
    say(
        f"Waiting for Poster to send the browser back to {redirect_uri} (it must match the application's redirect URI)."
    )
