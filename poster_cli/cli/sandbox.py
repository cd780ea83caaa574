"""`poster-cli sandbox serve / trigger / faults`: a local Poster to try everything without an account."""

from __future__ import annotations

from typing import Any, Optional

import typer

from poster_cli.cli import common
from poster_cli.sandbox.events import EVENTS

DEFAULT_PORT = 8765
DEFAULT_URL = f"http://127.0.0.1:{DEFAULT_PORT}/api"

sandbox_app = typer.Typer(
    help="A local Poster emulator with a demo Kyiv café: serve it, play what a cashier would do "
    "(accept, decline, close orders; change the menu), inject faults. "
    "Example: poster-cli sandbox serve --webhook-url http://127.0.0.1:8787/webhook",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


def _retry_delays(text: Optional[str]) -> tuple[float, ...] | None:
    from poster_cli.errors import UsageError

    if text is None:
        return None
    try:
        delays = tuple(float(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise UsageError(f"--webhook-retry-delays {text!r} is not a list of seconds", hint="e.g. 1,5,30") from None
    if any(d < 0 for d in delays):
        raise UsageError("--webhook-retry-delays must not be negative")
    return delays


@sandbox_app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(DEFAULT_PORT, "--port", help="Port to listen on (0 picks a free one)."),
    token: Optional[str] = typer.Option(
        None, "--token", help="Token to accept (default: the demo token, printed at start)."
    ),
    state_file: Optional[str] = typer.Option(
        None, "--state", help="Keep the account in this JSON file across restarts."
    ),
    webhook_url: Optional[str] = typer.Option(None, "--webhook-url", help="Send signed webhooks here."),
    app_secret: Optional[str] = typer.Option(
        None, "--app-secret", help="Application secret that signs webhooks and OAuth (default: a demo one)."
    ),
    retry_delays: Optional[str] = typer.Option(
        None,
        "--webhook-retry-delays",
        help="Seconds between webhook retries, e.g. 1,5,30 (default: Poster's 15 over two days).",
    ),
    latency_ms: int = typer.Option(0, "--latency-ms", min=0, help="Delay every API call by this much."),
    error_rate: float = typer.Option(
        0.0, "--error-rate", min=0.0, max=1.0, help="Share of API calls answered HTTP 503."
    ),
    rate_limit: int = typer.Option(
        0, "--rate-limit", min=0, help="Answer error 700 above N calls per second (0: no limit)."
    ),
    drop_rate: float = typer.Option(
        0.0,
        "--drop-after-commit-rate",
        min=0.0,
        max=1.0,
        help="Share of orders stored and then answered by a dropped connection.",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the fault dice (same seed, same faults)."),
    mode: str = typer.Option(
        "full",
        "--mode",
        help="full: every field real accounts send; docs-minimal: only documented fields, lenient checks, "
        "no extras echo (see docs/poster-assumptions.md).",
    ),
) -> None:
    """Serve the sandbox Poster API at http://HOST:PORT/api until Ctrl-C.

    Point the tool at it with POSTER_API_URL=http://127.0.0.1:8765/api and the printed token.

    Example: poster-cli sandbox serve --state sandbox.json --webhook-url http://127.0.0.1:8787/webhook
    """
    import sys

    import uvicorn

    from poster_cli.errors import PosterCliError, UsageError
    from poster_cli.output import say
    from poster_cli.poster.redact import register_secret
    from poster_cli.sandbox import DEMO_APP_SECRET, DEMO_TOKEN, FaultConfig, Sandbox, SandboxState
    from poster_cli.sandbox.app import MODES
    from poster_cli.serving import bind, run_until_stopped

    if mode not in MODES:
        raise UsageError(f"unknown --mode {mode!r}", hint=f"use one of {', '.join(MODES)}")
    delays = _retry_delays(retry_delays)
    if token:
        register_secret(token)
    try:
        state = SandboxState.open(state_file, token=token or DEMO_TOKEN)
    except (ValueError, OSError) as exc:
        raise UsageError(
            f"cannot use --state {state_file}: {exc}", hint="pass another file, or delete it to start afresh"
        ) from None
    extra: dict[str, Any] = {"retry_delays": delays} if delays is not None else {}
    sandbox = Sandbox(
        state,
        faults=FaultConfig(
            latency_ms=latency_ms,
            error_rate=error_rate,
            rate_limit=rate_limit,
            drop_after_commit_rate=drop_rate,
            seed=seed,
        ),
        webhook_url=webhook_url,
        app_secret=app_secret or DEMO_APP_SECRET,
        mode=mode,
        **extra,
    )
    try:
        sock = bind(host, port)  # connections wait in the backlog until uvicorn accepts them
    except OSError as exc:
        raise PosterCliError(
            f"cannot listen on {host}:{port}: {exc.strerror}", hint="pick another --port (0 = any free one)"
        ) from None
    bound = sock.getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    products = len(state.doc["products"])
    say(
        f"Poster sandbox: {state.doc['owner']['company_name']} ({len(state.doc['spots'])} spots, {products} products) at http://{shown_host}:{bound}/api"
    )
    if not token:
        # The demo token opens nothing but this sandbox, so it is shown (say() would mask it).
        sys.stderr.write(f"demo token: {DEMO_TOKEN}\n")
        sys.stderr.write(
            f"try: POSTER_API_URL=http://{shown_host}:{bound}/api POSTER_TOKEN={DEMO_TOKEN} poster-cli pull\n"
        )
        sys.stderr.flush()
    if not app_secret:
        say(f"demo application secret (webhook signatures): {DEMO_APP_SECRET}")
    if mode != "full":
        say(f"mode {mode}: only documented fields, lenient checks, no extras echo")
    if webhook_url:
        say(f"webhooks go to {webhook_url}")
    if state_file:
        say(f"state kept in {state_file}")
    faults = sandbox.faults.config
    if faults.latency_ms or faults.error_rate or faults.rate_limit or faults.drop_after_commit_rate:
        say(f"faults on: {faults.to_dict()}")
    say("serving; Ctrl-C to stop")
    config = uvicorn.Config(sandbox, log_level="warning", lifespan="off", access_log=False)
    run_until_stopped(uvicorn.Server(config), sock)


def _admin(ctx: typer.Context, url: Optional[str], token: Optional[str], path: str, payload: Any) -> Any:
    """POST ``payload`` to the sandbox's admin ``path``; returns the JSON answer."""
    import httpx

    from poster_cli.errors import AuthError, PosterCliError, UsageError

    s = common.settings(ctx)
    api_url = (url or (s.api_url if s.is_local_api else DEFAULT_URL)).rstrip("/")
    base = api_url[: -len("/api")] if api_url.endswith("/api") else api_url
    if not token:
        from poster_cli.sandbox.state import DEMO_TOKEN

        token = s.token or DEMO_TOKEN

    async def go() -> httpx.Response:
        transport = common.TRANSPORT.get("transport")
        async with httpx.AsyncClient(transport=transport, timeout=15.0) as http:
            return await http.post(f"{base}{path}", json=payload, headers={"Authorization": f"Bearer {token}"})

    try:
        resp = common.run_async(go)
    except httpx.HTTPError as exc:
        raise PosterCliError(
            f"no sandbox at {api_url}: {type(exc).__name__}",
            hint="start one with `poster-cli sandbox serve`, or pass --url",
        ) from None
    try:
        answer = resp.json()
    except ValueError:
        raise PosterCliError(
            f"{api_url} is not a sandbox (HTTP {resp.status_code})", hint="pass the sandbox's --url"
        ) from None
    if resp.status_code == 401:
        raise AuthError(
            "the sandbox refused the token", hint="pass the token it was started with: --token or POSTER_TOKEN"
        )
    if resp.status_code == 404 and isinstance(answer, dict) and "detail" in answer:
        raise PosterCliError(f"{api_url} is not a sandbox", hint="pass the sandbox's --url")
    if not isinstance(answer, dict) or not answer.get("ok"):
        error = answer.get("error") if isinstance(answer, dict) else answer
        raise UsageError(str(error))
    return answer


@sandbox_app.command(
    "trigger",
    epilog="Events:\n\n\b\n" + "\n".join(f"  {name:<16} {text}" for name, text in EVENTS.items()),
)
def trigger(
    ctx: typer.Context,
    event: str = typer.Argument(..., help="One of: " + ", ".join(EVENTS) + "."),
    args: Optional[list[str]] = typer.Argument(None, help="The event's arguments (see below)."),
    url: Optional[str] = typer.Option(
        None, "--url", help=f"The sandbox API URL (default: POSTER_API_URL when local, else {DEFAULT_URL})."
    ),
    token: Optional[str] = typer.Option(
        None, "--token", help="Token the sandbox accepts (default: POSTER_TOKEN, else the demo token)."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the sandbox's answer as JSON on stdout."),
) -> None:
    """Do what a cashier or manager would do in Poster, and send its webhooks.

    Example: poster-cli sandbox trigger order.accepted 1001
    """
    from poster_cli.errors import UsageError
    from poster_cli.output import emit_json, say

    if event not in EVENTS:
        from rapidfuzz import process

        best = process.extractOne(event, list(EVENTS))
        hint = f"did you mean {best[0]}?" if best and best[1] >= 60 else "see `poster-cli sandbox trigger --help`"
        raise UsageError(f"unknown event {event!r}", hint=hint)
    answer = _admin(ctx, url, token, "/_sandbox/trigger", {"event": event, "args": list(args or [])})
    if json_out:
        emit_json(answer)
        return
    from poster_cli.output import money

    hooks = ", ".join(f"{h['object']} {h['action']}" for h in answer.get("webhooks", []))
    result = ", ".join(  # prices travel in kopecks; people typed money (62.50)
        f"{k}={money(v) if k == 'price' and isinstance(v, int) else v}" for k, v in answer.get("result", {}).items()
    )
    say(f"{event}: {result}" + (f"; webhooks: {hooks}" if hooks else ""))


@sandbox_app.command("faults")
def faults(
    ctx: typer.Context,
    latency_ms: Optional[int] = typer.Option(None, "--latency-ms", min=0, help="Delay every API call by this much."),
    error_rate: Optional[float] = typer.Option(
        None, "--error-rate", min=0.0, max=1.0, help="Share of API calls answered HTTP 503."
    ),
    rate_limit: Optional[int] = typer.Option(
        None, "--rate-limit", min=0, help="Error 700 above N calls per second (0: off)."
    ),
    drop_rate: Optional[float] = typer.Option(
        None, "--drop-after-commit-rate", min=0.0, max=1.0, help="Share of orders stored then dropped."
    ),
    seed: Optional[int] = typer.Option(None, "--seed", help="Restart the fault dice with this seed."),
    off: bool = typer.Option(False, "--off", help="Turn every fault off (others given with it then apply)."),
    url: Optional[str] = typer.Option(
        None, "--url", help=f"The sandbox API URL (default: POSTER_API_URL when local, else {DEFAULT_URL})."
    ),
    token: Optional[str] = typer.Option(
        None, "--token", help="Token the sandbox accepts (default: POSTER_TOKEN, else the demo token)."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the fault settings as JSON on stdout."),
) -> None:
    """Show or change a running sandbox's faults (with no option: show them).

    Example: poster-cli sandbox faults --error-rate 0.3 --drop-after-commit-rate 0.2 --seed 7
    """
    from poster_cli.output import emit_json, say

    payload: dict[str, Any] = {
        k: v
        for k, v in {
            "latency_ms": latency_ms,
            "error_rate": error_rate,
            "rate_limit": rate_limit,
            "drop_after_commit_rate": drop_rate,
            "seed": seed,
        }.items()
        if v is not None
    }
    if off:
        payload["off"] = True
    answer = _admin(ctx, url, token, "/_sandbox/faults", payload)
    if json_out:
        emit_json(answer["faults"])
        return
    say(", ".join(f"{k}={v}" for k, v in answer["faults"].items()))


def register(app: typer.Typer) -> None:
    app.add_typer(sandbox_app, name="sandbox")
