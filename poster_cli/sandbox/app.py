"""The sandbox: a local stand-in for Poster's web API, as a Starlette app.

* ``GET|POST /api/{method}?token=…`` — Poster's methods (see :data:`METHODS`); parameters come from
  the query string and from a JSON or form body (PHP nested keys), as PHP's ``$_REQUEST`` would
  merge them. Errors are ``{"error": {"code", "message"}}`` with HTTP 200.
* ``GET /api/auth`` and ``POST /api/v2/auth/access_token`` — the OAuth code flow
  (``en/start/authApi.md``). The sandbox approves at once: there is no login page.
  ``POST /api/auth/access_token`` (no ``v2``) answers the same: the official PHP SDK posts there
  with ``client_id``/``client_secret``, other clients with ``application_id``/``application_secret``.
* ``/_sandbox/…`` — what a cashier or manager would do in Poster, fault settings and the webhook
  log; outside ``/api`` so they never collide with Poster's methods, and guarded by the same token
  (``?token=`` or ``Authorization: Bearer``).

Modes: ``full`` (the default) answers with every field real accounts were seen to send;
``docs-minimal`` answers only what the docs document, validates only what they require, never
echoes extras and sends no undocumented webhook ``data``, so a client tested against both depends
on nothing the docs do not promise.

OAuth failures answer HTTP 400 with ``{"code", "error_type", "error_message"}`` as the docs list.

Inferred notes (each id is listed in ``docs/poster-assumptions.md``):

* Inferred [unknown-method]: an unknown method answers error 404 "Method not found".
* Inferred [token-in-query]: the token is read from the query string only, as every documented
  request sends it; reads work by POST and writes by GET (PHP reads both).
* Inferred [unknown-product-32]: ``menu.getProduct`` of an unknown id answers 32.
* Inferred [unknown-transaction-empty]: ``dash.getTransaction`` of an unknown id answers ``[]``.
* Inferred [extras-merge]: ``setEntityExtras`` merges the keys sent into what the entity had.
* Inferred [extras-object]: ``extras`` that is not an object answers 36; a string holding a JSON
  object (what ``json_encode`` on the client side gives) is read as that object.
* Inferred [oauth-v1]: ``POST /api/auth/access_token`` answers as the documented ``v2`` path, with
  ``client_id``/``client_secret`` taken for ``application_id``/``application_secret``.
* Inferred [own-order-42]: ``getOwnIncomingOrder`` of another application's order answers 42, as
  an unknown one does.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any, Callable, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from poster_cli.sandbox import actions, orders, shapes
from poster_cli.sandbox.faults import FaultConfig, Faults
from poster_cli.sandbox.forms import BodyError, parse_body
from poster_cli.sandbox.orders import ApiError
from poster_cli.sandbox.state import DEMO_APP_SECRET, SandboxState
from poster_cli.sandbox.webhooks import POSTER_RETRY_DELAYS, WebhookEmitter

Handler = Callable[["Sandbox", dict[str, Any]], Any]
_RAW_SEND = "poster_cli.sandbox.raw_send"


def _param_int(params: Mapping[str, Any], key: str) -> int:
    value = params.get(key)
    if value is None or str(value).strip() == "":
        raise ApiError(34, f"Absence of required properties: {key}")
    try:
        return int(str(value).strip())
    except ValueError:
        raise ApiError(701, f"The field must be an integer: {key}") from None


# -- Poster's methods -------------------------------------------------------------------------


def _spots(sb: "Sandbox", params: dict[str, Any]) -> Any:
    return shapes.spots(sb.state)


def _categories(sb: "Sandbox", params: dict[str, Any]) -> Any:
    fiscal = str(params.get("fiscal") or "").strip()
    return shapes.categories(sb.state, fiscal=fiscal, minimal=sb.minimal)


def _products(sb: "Sandbox", params: dict[str, Any]) -> Any:
    items = sb.state.doc["products"]
    category = str(params.get("category_id") or "").strip()
    if category:
        items = [p for p in items if str(p["cat"]) == category]
    kind = str(params.get("type") or "").strip()
    if kind == "products":
        items = [p for p in items if p["type"] != 2]
    elif kind == "batchtickets":
        items = [p for p in items if p["type"] == 2]
    return [shapes.product(sb.state, p, minimal=sb.minimal) for p in items]


def _product(sb: "Sandbox", params: dict[str, Any]) -> Any:
    p = sb.state.product(_param_int(params, "product_id"))
    if p is None:
        raise ApiError(32, "The ID doesn't exist")
    return shapes.product(sb.state, p, minimal=sb.minimal)


def _currency(sb: "Sandbox", params: dict[str, Any]) -> Any:
    return dict(sb.state.doc["currency"])


def _leftovers(sb: "Sandbox", params: dict[str, Any]) -> Any:
    return shapes.leftovers(sb.state)


def _create_order(sb: "Sandbox", params: dict[str, Any]) -> Any:
    return shapes.order(orders.create_order(sb.state, params, lenient=sb.minimal))


def _get_order(sb: "Sandbox", params: dict[str, Any]) -> Any:
    o = sb.state.order(_param_int(params, "incoming_order_id"))
    if o is None:
        raise ApiError(42, "Order not found")
    return shapes.order(o)


def _get_own_order(sb: "Sandbox", params: dict[str, Any]) -> Any:
    o = sb.state.order(_param_int(params, "incoming_order_id"))
    if o is None or not o.get("own"):
        raise ApiError(42, "Order not found")
    return shapes.order(o)


def _app_info(sb: "Sandbox", params: dict[str, Any]) -> Any:
    owner = sb.state.doc["owner"]
    return {
        "user": {"id": "1", "name": owner["name"], "access_mask": "2147483647", "email": owner["email"]},
        "ownerInfo": dict(owner),
    }


def _all_settings(sb: "Sandbox", params: dict[str, Any]) -> Any:
    """``settings.getAllSettings``, filled from the account as the docs' example is."""
    doc = sb.state.doc
    owner, spot = doc["owner"], doc["spots"][0]
    currency = dict(doc["currency"])
    currency["currency_id"] = int(currency.get("currency_id") or 0)
    return {
        "COMPANY_ID": sb.state.account,
        "FIZ_ADRESS_CITY": owner.get("city", ""),
        "FIZ_ADRESS_PHONE": owner.get("phone", "").lstrip("+"),
        "uses_tables": 0,
        "uses_cash_shifts": 1,
        "uses_taxes": 0,
        "uses_multiprice": 1 if len(doc["spots"]) > 1 else 0,
        "tip_amount": 0,
        "uses_bookkeeping": 1,
        "uses_ipay": 0,
        "uses_manufacturing": 0,
        "uses_quick_waiter": 0,
        "company_name": owner.get("company_name", spot["name"]),
        "company_type": 1,
        "timezones": sb.state.timezone,
        "logo": "",
        "lang": "ua",
        "pos_phone": owner.get("phone", "").lstrip("+"),
        "analytics_plus_time": 0,
        "uses_fiscality": 0,
        "print_fiscal_by_default": 0,
        "currency": currency,
        "email": owner.get("email", ""),
        "name": owner.get("name", ""),
    }


def _list_orders(own_only: bool) -> Handler:
    def handler(sb: "Sandbox", params: dict[str, Any]) -> Any:
        return [shapes.order(o) for o in orders.list_orders(sb.state, params, own_only=own_only)]

    return handler


def _transaction(sb: "Sandbox", params: dict[str, Any]) -> Any:
    t = sb.state.transaction(_param_int(params, "transaction_id"))
    if t is None:
        return []

    def flag(key: str) -> bool:
        return str(params.get(key, "")).strip().lower() in ("true", "1")

    return [
        shapes.transaction(
            sb.state,
            t,
            with_products=flag("include_products"),
            with_history=flag("include_history"),
            minimal=sb.minimal,
        )
    ]


def _ymd(params: dict[str, Any], key: str) -> str | None:
    value = str(params.get(key) or "").strip()
    if not value:
        return None
    if len(value) != 8 or not value.isdigit():
        raise ApiError(400, f"Invalid request format: {key} must be Ymd")
    return value


def _transactions(sb: "Sandbox", params: dict[str, Any]) -> Any:
    """``dash.getTransactions``: receipts opened between ``dateFrom`` and ``dateTo`` (Ymd,
    inclusive, in the account's time), ``status`` 0 all / 1 open / 2 closed."""
    import time as _time

    date_from, date_to = _ymd(params, "dateFrom"), _ymd(params, "dateTo")
    status = str(params.get("status") or "0").strip()
    with_products = str(params.get("include_products", "")).strip().lower() in ("true", "1")
    result = []
    for t in sb.state.doc["transactions"]:
        day = _time.strftime("%Y%m%d", _time.localtime(int(t["date_start"]) / 1000))
        if (date_from and day < date_from) or (date_to and day > date_to):
            continue
        if status in ("1", "2") and str(t["status"]) != status:
            continue
        result.append(shapes.transaction(sb.state, t, with_products=with_products, minimal=sb.minimal))
    return result


def _set_extras(sb: "Sandbox", params: dict[str, Any]) -> Any:
    entity_type = str(params.get("entity_type") or "").strip()
    extras = params.get("extras")
    if not entity_type or extras is None or extras == "":
        raise ApiError(34, "Absence of required properties: entity_type, extras")
    if isinstance(extras, list) and not extras:
        extras = {}
    if isinstance(extras, str):
        try:
            decoded = json.loads(extras)
        except ValueError:
            decoded = None
        extras = decoded if isinstance(decoded, dict) else extras
    if not isinstance(extras, dict):
        raise ApiError(36, "The variable must be an array: extras")
    if entity_type == "product":
        p = sb.state.product(_param_int(params, "entity_id"))
        if p is None:
            raise ApiError(32, "The ID doesn't exist")
        p.setdefault("extras", {}).update(extras)
    else:
        key = "settings" if entity_type == "settings" else str(_param_int(params, "entity_id"))
        sb.state.doc.setdefault("extras", {}).setdefault(entity_type, {}).setdefault(key, {}).update(extras)
    sb.state.save()
    return True


METHODS: dict[str, Handler] = {
    "access.getSpots": _spots,
    "menu.getCategories": _categories,
    "menu.getProducts": _products,
    "menu.getProduct": _product,
    "settings.getCurrency": _currency,
    "storage.getStorageLeftovers": _leftovers,
    "incomingOrders.createIncomingOrder": _create_order,
    "incomingOrders.getIncomingOrder": _get_order,
    "incomingOrders.getOwnIncomingOrder": _get_own_order,
    "incomingOrders.getIncomingOrders": _list_orders(own_only=False),
    "incomingOrders.getOwnIncomingOrders": _list_orders(own_only=True),
    "dash.getTransaction": _transaction,
    "dash.getTransactions": _transactions,
    "application.setEntityExtras": _set_extras,
    "application.getInfo": _app_info,
    "settings.getAllSettings": _all_settings,
}

MODES = ("full", "docs-minimal")


def _error(code: int, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}})


class _DroppedConnection(Response):
    """Closes the connection without answering (the order is already stored).

    Under uvicorn the socket is aborted; in-process (``httpx.ASGITransport``) the client sees
    :class:`httpx.RemoteProtocolError`, as it would from a real dropped connection.
    """

    def __init__(self) -> None:
        super().__init__(status_code=500)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw_send = scope.get(_RAW_SEND)
        transport = getattr(getattr(raw_send, "__self__", None), "transport", None)
        if transport is not None and hasattr(transport, "abort"):
            transport.abort()
            for _ in range(3):  # let the server notice the disconnect before this app returns
                await asyncio.sleep(0)
            return
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.")


class Sandbox:
    """One sandbox: state, faults, webhook emitter, and the ASGI app serving them.

    ``Sandbox(...)`` is itself the ASGI app (use it with uvicorn or ``httpx.ASGITransport``).
    """

    def __init__(
        self,
        state: SandboxState | None = None,
        *,
        faults: FaultConfig | None = None,
        webhook_url: str | None = None,
        app_secret: str = DEMO_APP_SECRET,
        retry_delays: tuple[float, ...] = POSTER_RETRY_DELAYS,
        webhook_transport: httpx.AsyncBaseTransport | None = None,
        mode: str = "full",
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown sandbox mode {mode!r}; one of: {', '.join(MODES)}")
        self.mode = mode
        self.state = state or SandboxState()
        self.faults = Faults(faults or FaultConfig())
        self.app_secret = app_secret
        self.emitter = WebhookEmitter(
            webhook_url,
            app_secret,
            account=self.state.account,
            account_number=self.state.account_number,
            retry_delays=retry_delays,
            transport=webhook_transport,
            clock=lambda: self.state.clock(),  # follows a clock a test swaps in later
        )
        self.calls: list[str] = []  # methods called, in order
        self.app = Starlette(
            routes=[
                Route("/api/auth", self._oauth_authorize, methods=["GET"]),
                Route("/api/v2/auth/access_token", self._oauth_token, methods=["POST"]),
                Route("/api/auth/access_token", self._oauth_token, methods=["POST"]),
                Route("/api/{method}", self._api, methods=["GET", "POST"]),
                Route("/_sandbox/trigger", self._admin_trigger, methods=["POST"]),
                Route("/_sandbox/faults", self._admin_faults, methods=["GET", "POST"]),
                Route("/_sandbox/deliveries", self._admin_deliveries, methods=["GET"]),
                Route("/_sandbox/health", self._health, methods=["GET"]),
            ]
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope[_RAW_SEND] = send
        await self.app(scope, receive, send)

    @property
    def minimal(self) -> bool:
        """Docs-minimal mode: documented fields only, lenient checks, no extras echo."""
        return self.mode == "docs-minimal"

    # -- cashier and menu actions -------------------------------------------------------------

    def trigger(self, event: str, *args: Any) -> actions.Outcome:
        """Do a cashier/menu action and queue its webhooks (call from the server's event loop,
        or from a test's; without a running loop the webhooks wait for the next one)."""
        outcome = actions.apply(self.state, event, [str(a) for a in args])
        for obj, object_id, action in outcome.webhooks:
            data = None if self.minimal else outcome.data.get((obj, object_id, action))
            self.emitter.emit(obj, object_id, action, data)
        return outcome

    # -- request plumbing ---------------------------------------------------------------------

    async def _params(self, request: Request) -> dict[str, Any]:
        params: dict[str, Any] = {k: v for k, v in request.query_params.items() if k != "token"}
        if request.method == "POST":
            body = await request.body()
            try:
                params.update(parse_body(body, request.headers.get("content-type", "")))
            except BodyError as exc:
                raise ApiError(400, f"Invalid request format: {exc}") from None
        return params

    async def _api(self, request: Request) -> Response:
        method = request.path_params["method"]
        self.calls.append(method)
        faults = self.faults
        if faults.over_rate_limit():
            return _error(700, "Rate restriction")
        if faults.config.latency_ms:
            await asyncio.sleep(faults.config.latency_ms / 1000)
        if faults.server_error():
            return HTMLResponse(
                "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>", status_code=503
            )
        token = request.query_params.get("token", "")
        if not token:
            return _error(10, "access_token is not specified")
        if not self.state.accepts(token):
            return _error(11, "Invalid access_token")
        handler = METHODS.get(method)
        if handler is None:
            return _error(404, f"Method not found: {method}")
        try:
            result = handler(self, await self._params(request))
        except ApiError as err:
            return _error(err.code, err.message)
        if method == "incomingOrders.createIncomingOrder" and faults.drop_after_commit():
            return _DroppedConnection()
        return JSONResponse({"response": result})

    # -- OAuth --------------------------------------------------------------------------------

    async def _oauth_authorize(self, request: Request) -> Response:
        q = request.query_params
        app_id = q.get("application_id") or q.get("client_id")
        redirect_uri = q.get("redirect_uri")
        if not app_id or not redirect_uri or q.get("response_type") != "code":
            return JSONResponse(
                {"error": {"code": 34, "message": "application_id, redirect_uri and response_type=code are required"}},
                status_code=400,
            )
        code = secrets.token_hex(16)
        self.state.doc["auth_codes"][code] = {"application_id": str(app_id), "redirect_uri": redirect_uri}
        self.state.save()
        parts = urlsplit(redirect_uri)
        query = parse_qsl(parts.query, keep_blank_values=True) + [("code", code), ("account", self.state.account)]
        return RedirectResponse(urlunsplit(parts._replace(query=urlencode(query))), status_code=302)

    async def _oauth_token(self, request: Request) -> Response:
        def fail(code: int, kind: str, message: str) -> JSONResponse:
            return JSONResponse({"code": code, "error_type": kind, "error_message": message}, status_code=400)

        try:
            form = parse_body(await request.body(), request.headers.get("content-type", ""))
        except BodyError as exc:
            return fail(400, "invalid_request", str(exc))
        if request.url.path.rstrip("/").endswith("/api/auth/access_token") and "/v2/" not in request.url.path:
            # the older path: the official PHP SDK names the application client_id / client_secret
            form = dict(form)
            form.setdefault("application_id", form.get("client_id"))
            form.setdefault("application_secret", form.get("client_secret"))
        missing = [
            k for k in ("application_id", "application_secret", "grant_type", "redirect_uri", "code") if not form.get(k)
        ]
        if missing:
            return fail(34, "invalid_request", f"missing: {', '.join(missing)}")
        if form["grant_type"] != "authorization_code":
            return fail(400, "unsupported_grant_type", "grant_type must be authorization_code")
        grant = self.state.doc["auth_codes"].get(str(form["code"]))
        if grant is None:
            return fail(400, "invalid_grant", "unknown or used code")
        if str(form["application_id"]) != grant["application_id"]:
            return fail(143, "invalid_client", "Invalid application_id")
        if str(form["application_secret"]) != self.app_secret:
            return fail(142, "invalid_client", "Invalid application_secret")
        if str(form["redirect_uri"]) != grant["redirect_uri"]:
            return fail(400, "invalid_grant", "redirect_uri does not match the one of the code")
        del self.state.doc["auth_codes"][str(form["code"])]
        token = f"{self.state.account_number}:{secrets.token_hex(16)}"
        self.state.doc["issued_tokens"].append(token)
        self.state.save()
        owner = self.state.doc["owner"]
        return JSONResponse(
            {
                "access_token": token,
                "account_number": self.state.account_number,
                "user": {"id": 1, "name": owner["name"], "email": owner["email"], "role_id": 3},
                "ownerInfo": dict(owner),
            }
        )

    # -- admin --------------------------------------------------------------------------------

    def _admin_denied(self, request: Request) -> Response | None:
        token = request.query_params.get("token", "")
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            token = token or auth[7:].strip()
        if not token:
            return JSONResponse({"error": {"code": 10, "message": "access_token is not specified"}}, status_code=401)
        if not self.state.accepts(token):
            return JSONResponse({"error": {"code": 11, "message": "Invalid access_token"}}, status_code=401)
        return None

    async def _json(self, request: Request) -> dict[str, Any]:
        try:
            data = parse_body(await request.body(), request.headers.get("content-type", "application/json"))
        except BodyError as exc:
            raise actions.ActionError(str(exc)) from None
        return data

    async def _admin_trigger(self, request: Request) -> Response:
        denied = self._admin_denied(request)
        if denied:
            return denied
        try:
            data = await self._json(request)
            args = data.get("args") or []
            if not isinstance(args, list):
                raise actions.ActionError("args must be a list")
            outcome = self.trigger(str(data.get("event", "")), *args)
        except actions.ActionError as exc:
            return JSONResponse({"ok": False, "error": str(exc)}, status_code=404 if exc.not_found else 400)
        return JSONResponse(
            {
                "ok": True,
                "result": outcome.result,
                "webhooks": [{"object": o, "object_id": i, "action": a} for o, i, a in outcome.webhooks],
            }
        )

    async def _admin_faults(self, request: Request) -> Response:
        denied = self._admin_denied(request)
        if denied:
            return denied
        if request.method == "POST":
            try:
                data = await self._json(request)
                if data.get("off"):
                    self.faults.off()
                    data = {k: v for k, v in data.items() if k != "off"}
                self.faults.update(data)
            except (ValueError, TypeError) as exc:
                return JSONResponse({"ok": False, "error": str(exc)}, status_code=400)
        return JSONResponse({"ok": True, "faults": self.faults.config.to_dict()})

    async def _admin_deliveries(self, request: Request) -> Response:
        denied = self._admin_denied(request)
        if denied:
            return denied
        return JSONResponse({"deliveries": self.emitter.deliveries, "pending": self.emitter.pending})

    async def _health(self, request: Request) -> Response:
        return JSONResponse({"ok": True, "account": self.state.account})


def create_app(**kwargs: Any) -> Sandbox:
    """A sandbox with the demo account (keyword arguments as :class:`Sandbox`)."""
    return Sandbox(**kwargs)
