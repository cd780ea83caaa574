"""The web review as a Starlette app: the page, its assets, and a small JSON API.

Access: the command prints ``http://HOST:PORT/?key=KEY`` with a one-time key
(``secrets.token_urlsafe``). The first request carrying it gets a session cookie (HttpOnly,
SameSite=Strict, named after the port: cookies do not tell ports apart) and is redirected to ``/``,
so the key leaves the address bar and history; the key is then spent. Every other request without
that cookie is refused: 401 without any credential, 403 with a wrong or spent one. Keys and cookies
are compared in constant time. A request whose ``Origin`` is not this server is refused too.

API (JSON): ``GET /api/items`` (a page of items: ``status``, ``category``, ``q``, ``page``,
``focus``, ``size``), ``GET /api/item?id=``, ``GET /api/search?id=&q=``, ``GET /api/revision``,
``POST /api/decide`` (``{local_id, action: choose|none, tag, candidate}``), ``POST /api/bulk``
(``{min_score, status, category, q, dry_run}``), ``POST /api/undo`` (``{decision}``).
Decisions are written under the data folder's lock; 409 when the item changed since the page showed
it (the answer carries the item as it is now), 503 when the lock stays busy.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Awaitable, Callable
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from poster_cli.review_web.state import BadRequest, Filters, ReviewState, Stale

ASSETS = {
    "review.css": "text/css; charset=utf-8",
    "review.js": "text/javascript; charset=utf-8",
}
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
MAX_BODY = 64 * 1024
LOCK_TIMEOUT = 10.0


def _asset(name: str) -> bytes:
    return resources.files("poster_cli.review_web").joinpath("static", name).read_bytes()


@dataclass
class Access:
    """The one-time key and the sessions it was exchanged for."""

    key: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    spent: bool = False
    sessions: list[str] = field(default_factory=list)

    def exchange(self, given: str) -> str | None:
        """A new session for the right, unspent key; None otherwise."""
        if self.spent or not secrets.compare_digest(given.encode(), self.key.encode()):
            return None
        self.spent = True
        session = secrets.token_urlsafe(32)
        self.sessions.append(session)
        return session

    def valid(self, session: str) -> bool:
        ok = False
        for s in self.sessions:  # no early exit: the time taken says nothing about which matched
            ok |= secrets.compare_digest(session.encode(), s.encode())
        return ok


def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers=HEADERS)


def _refused(request: Request, status: int) -> Response:
    if request.url.path.startswith("/api/"):
        text = "open the link poster-cli printed" if status == 401 else "this key is wrong or was used already"
        return _json({"error": text}, status)
    return Response(_asset("refused.html"), status_code=status, media_type="text/html", headers=HEADERS)


def create_app(
    state: ReviewState,
    data_dir: Path,
    *,
    access: Access | None = None,
    port: int = 0,
    log: Callable[[str], None] = lambda line: None,
    lock_timeout: float = LOCK_TIMEOUT,
) -> Starlette:
    """The review app for ``state``; ``port`` names the session cookie (set it to the port served)."""
    from poster_cli.locks import DataLocked, data_lock_async

    access = access or Access()
    cookie = f"poster_review_{port}"
    page = _asset("index.html")

    def authorised(request: Request) -> int:
        """0 when the request carries a valid session; else the status to refuse it with."""
        origin = request.headers.get("origin")
        if origin is not None and urlsplit(origin).netloc != request.headers.get("host", ""):
            return 403
        session = request.cookies.get(cookie)
        if session is None:
            return 401
        return 0 if access.valid(session) else 403

    Handler = Callable[[Request], Awaitable[Response]]

    def guarded(handler: Handler) -> Handler:
        async def run(request: Request) -> Response:
            refused = authorised(request)
            if refused:
                return _refused(request, refused)
            try:
                return await handler(request)
            except BadRequest as exc:
                return _json({"error": str(exc)}, exc.status)
            except DataLocked as exc:
                return _json({"error": str(exc)}, 503)

        return run

    async def home(request: Request) -> Response:
        key = request.query_params.get("key")
        if key is not None:
            if authorised(request) == 0:  # already in: the spent key in the URL is harmless
                return RedirectResponse("/", 303, headers=HEADERS)
            session = access.exchange(key)
            if session is None:
                return _refused(request, 403)
            response = RedirectResponse("/", 303, headers=HEADERS)
            response.set_cookie(cookie, session, httponly=True, samesite="strict", path="/")
            return response
        refused = authorised(request)
        if refused:
            return _refused(request, refused)
        return Response(page, media_type="text/html", headers=HEADERS)

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS:
            return _json({"error": "not found"}, 404)
        return Response(_asset(name), media_type=ASSETS[name], headers=HEADERS)

    def filters(source: Any) -> Filters:
        return Filters(
            status=str(source.get("status") or "all"),
            category=str(source.get("category") or ""),
            text=str(source.get("q") or ""),
        )

    def number(value: Any, name: str, kind: type = int) -> Any:
        try:
            return kind(value)
        except (TypeError, ValueError):
            raise BadRequest(f"{name} must be a number") from None

    async def items(request: Request) -> Response:
        q = request.query_params
        page = state.page(
            filters(q),
            page=number(q.get("page", 0), "page"),
            focus=q.get("focus", ""),
            size=number(q.get("size", 50), "size"),
        )
        return _json(page)

    async def item(request: Request) -> Response:
        return _json({"item": state.one(request.query_params.get("id", "")), "revision": state.revision()})

    async def search(request: Request) -> Response:
        q = request.query_params
        return _json({"candidates": state.search(q.get("id", ""), q.get("q", ""))})

    async def revision(request: Request) -> Response:
        return _json({"revision": state.revision()})

    async def body(request: Request) -> dict[str, Any]:
        raw = await request.body()
        if len(raw) > MAX_BODY:
            raise BadRequest("request too large", 413)
        try:
            data = json.loads(raw)
        except ValueError:
            raise BadRequest("the body must be JSON") from None
        if not isinstance(data, dict):
            raise BadRequest("the body must be a JSON object")
        return data

    def answer(number: int, done: list[Any], conflicts: list[Any], focus: str | None) -> Response:
        mapping = state.mapping
        data: dict[str, Any] = {
            "decision": number if done else None,
            "written": len(done),
            "conflicts": [c.decision.local_id for c in conflicts],
            "revision": state.revision(),
            "counts": state.counts(mapping),
        }
        if focus is not None:
            data["item"] = state.one(focus)
        return _json(data, 409 if conflicts and not done else 200)

    def say(done: list[Any]) -> None:
        for d in done:
            after = d.after
            what = "removed" if after is None else after.status
            if after is not None and after.poster_name:
                what += f" → {after.poster_name}"
            log(f"review: {d.local_id} {what}")

    async def decide(request: Request) -> Response:
        data = await body(request)
        local_id = str(data.get("local_id", ""))
        async with data_lock_async(data_dir, timeout=lock_timeout, purpose="review --web"):
            try:
                decision = state.decision(
                    local_id, str(data.get("action", "")), str(data.get("tag", "")), data.get("candidate")
                )
            except Stale:
                return _json(
                    {"error": "changed meanwhile", "item": state.one(local_id), "revision": state.revision()}, 409
                )
            number, result = state.write([decision])
        say(result.done)
        return answer(number, result.done, result.conflicts, local_id)

    async def bulk(request: Request) -> Response:
        data = await body(request)
        minimum = number(data.get("min_score"), "min_score", float)
        if not 0 <= minimum <= 100:
            raise BadRequest("min_score must be between 0 and 100")
        if data.get("dry_run"):
            planned = state.bulk(minimum, filters(data))
            return _json({"count": len(planned), "local_ids": [d.local_id for d in planned]})
        async with data_lock_async(data_dir, timeout=lock_timeout, purpose="review --web"):
            number_, result = state.write(state.bulk(minimum, filters(data)))
        say(result.done)
        return answer(number_, result.done, result.conflicts, None)

    async def undo(request: Request) -> Response:
        data = await body(request)
        wanted = number(data.get("decision"), "decision")
        async with data_lock_async(data_dir, timeout=lock_timeout, purpose="review --web"):
            decisions = state.undo_decisions(wanted)
            number_, result = state.write(decisions)
        say(result.done)
        focus = decisions[-1].local_id if decisions else None
        response = answer(number_, result.done, result.conflicts, focus)
        return response

    routes = [
        Route("/", home),
        Route("/static/{name}", guarded(asset)),
        Route("/api/items", guarded(items)),
        Route("/api/item", guarded(item)),
        Route("/api/search", guarded(search)),
        Route("/api/revision", guarded(revision)),
        Route("/api/decide", guarded(decide), methods=["POST"]),
        Route("/api/bulk", guarded(bulk), methods=["POST"]),
        Route("/api/undo", guarded(undo), methods=["POST"]),
    ]
    app = Starlette(routes=routes)
    app.state.access = access
    return app
