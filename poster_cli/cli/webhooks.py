"""`poster-cli webhooks serve / list / replay / test`: receive and inspect Poster's webhooks."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Optional

import typer

from poster_cli.cli import common

if TYPE_CHECKING:
    from poster_cli.config import Settings
    from poster_cli.webhooks.store import StoredEvent

webhooks_app = typer.Typer(
    help="Receive Poster's webhooks (order accepted/declined/closed, menu changes), look at what "
    "came in, re-process it, or send yourself a signed test event. "
    "Example: poster-cli webhooks serve --on-event ./notify.sh",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

DEFAULT_PORT = 8787


def _secret(s: Settings) -> str:
    from poster_cli.errors import NotConfiguredError

    if not s.app_secret:
        raise NotConfiguredError(
            "no application secret, so webhook signatures cannot be checked",
            hint="set POSTER_APP_SECRET or app_secret in the config (developer account → application settings)",
        )
    return str(s.app_secret)


def parse_since(text: str | None, now: datetime | None = None) -> str | None:
    """``--since``: ``30m``, ``2h``, ``7d``, or a date/time (``2024-05-01``, ``2024-05-01T10:00``,
    read as UTC unless it has an offset); returned as the store's ISO UTC form."""
    from poster_cli.errors import UsageError

    if not text:
        return None
    text = text.strip()
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    if text[:-1].isdigit() and text[-1:] in units:
        moment = (now or datetime.now(timezone.utc)) - timedelta(seconds=int(text[:-1]) * units[text[-1]])
    else:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise UsageError(
                f"--since {text!r} is neither a duration nor a date", hint="e.g. --since 2h or --since 2024-05-01"
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


@webhooks_app.command("serve")
def serve(
    ctx: typer.Context,
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on (put a reverse proxy or tunnel in front)."
    ),
    port: int = typer.Option(DEFAULT_PORT, "--port", help="Port to listen on (0 picks a free one)."),
    on_event: Optional[str] = typer.Option(
        None, "--on-event", help="Shell command run per event, the event JSON on its stdin."
    ),
    on_event_timeout: float = typer.Option(30.0, "--on-event-timeout", help="Seconds one run of the command may take."),
    on_event_attempts: int = typer.Option(
        3, "--on-event-attempts", min=1, help="Runs in all before giving up on an event."
    ),
    max_age: float = typer.Option(
        24 * 3600,
        "--max-age",
        min=0,
        help="Refuse events whose time is further than this many seconds from now (0: no limit).",
    ),
    header_timeout: float = typer.Option(
        10.0, "--header-timeout", min=0.1, help="Seconds a client may take to send a request's headers, and its body."
    ),
    max_connections: int = typer.Option(
        200, "--max-connections", min=1, help="Open connections at most; above it requests are answered 503."
    ),
) -> None:
    """Receive Poster webhooks at POST /webhook: verify, store, answer at once, then update the
    order journal and the menu snapshot and run --on-event. GET /healthz answers when up.

    Needs the application secret (POSTER_APP_SECRET) to check signatures and a token to ask
    Poster about each event. Events left unprocessed by a crash are processed at the next start.

    Example: poster-cli webhooks serve --port 8787 --on-event 'jq -r .order_status >> statuses.log'
    """
    from poster_cli.errors import UsageError
    from poster_cli.output import say
    from poster_cli.ratelog import RateLimitedLog, quiet_server_logs
    from poster_cli.serving import bind, serve_forever
    from poster_cli.webhooks.app import ReceiverConfig, create_app, stderr_log
    from poster_cli.webhooks.hook import HookPolicy
    from poster_cli.webhooks.processor import EventProcessor

    s = common.settings(ctx)
    secret = _secret(s)
    processor = EventProcessor.from_settings(common.client(s), s)
    hook = HookPolicy(on_event, timeout=on_event_timeout, attempts=on_event_attempts) if on_event else None
    config = ReceiverConfig(
        secret=secret, store_path=s.webhooks_path, max_age=max_age, hook=hook, body_timeout=header_timeout
    )
    # under attack or out of file descriptors the same error comes thousands of times a second
    app = create_app(config, processor, log=RateLimitedLog(stderr_log))
    quiet_server_logs()
    try:
        sock = bind(host, port)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}", hint="pick another --port") from None
    shown = f"[{host}]" if ":" in host else host
    say(
        f"Receiving Poster webhooks at http://{shown}:{sock.getsockname()[1]}/webhook; events kept in {s.webhooks_path}. Ctrl-C stops."
    )
    serve_forever(app, sock, header_timeout=header_timeout, max_connections=max_connections)


@webhooks_app.command("list")
def list_(
    ctx: typer.Context,
    since: Optional[str] = typer.Option(None, "--since", help="Only events received since then: 2h, 7d, 2024-05-01."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Only the last N events."),
    json_out: bool = typer.Option(False, "--json", help="Print the events as JSON."),
) -> None:
    """List the webhook events received: what came, when, what processing did, whether --on-event ran.

    Example: poster-cli webhooks list --since 1d --json
    """
    from poster_cli.output import emit_json, out_console, say
    from poster_cli.webhooks.store import EventStore

    s = common.settings(ctx)
    since_iso = parse_since(since)  # a bad --since is exit 2 even before any event came
    events = []
    if s.webhooks_path.exists():
        with EventStore(s.webhooks_path) as store:
            events = list(store.events(since=since_iso, limit=limit))
    if json_out:
        emit_json({"events": [e.to_dict() for e in events]})
        return
    if not events:
        say(f"No webhook events in {s.webhooks_path}.")
        return
    from rich.table import Table

    table = Table(show_edge=False)
    for col in ("#", "received", "object", "id", "action", "state", "outcome", "on-event"):
        table.add_column(col)
    for e in events:
        redelivered = f" ×{e.deliveries}" if e.deliveries > 1 else ""
        table.add_row(
            str(e.id),
            e.received_at,
            e.event.object,
            e.event.object_id,
            e.event.action + redelivered,
            e.state,
            e.outcome or "",
            e.hook_state or "-",
        )
    out_console().print(table)


@webhooks_app.command("replay")
def replay(
    ctx: typer.Context,
    since: Optional[str] = typer.Option(None, "--since", help="Only events received since then: 2h, 7d, 2024-05-01."),
    event_ids: Optional[list[int]] = typer.Option(
        None, "--id", help="Only this event (repeatable; see `webhooks list`)."
    ),
    on_event: Optional[str] = typer.Option(None, "--on-event", help="Also run this command again for each event."),
    json_out: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Process stored events again (journal, menu snapshot), oldest first, e.g. after fixing the
    token or the mapping. Exit 1 if an event failed, 3 if one needs attention.

    Example: poster-cli webhooks replay --since 2h
    """
    from poster_cli.errors import EXIT_ATTENTION, EXIT_FAILED
    from poster_cli.output import emit_json, say
    from poster_cli.webhooks.app import replay_events
    from poster_cli.webhooks.hook import HookPolicy
    from poster_cli.webhooks.processor import EventProcessor
    from poster_cli.webhooks.store import EventStore

    s = common.settings(ctx)
    parse_since(since)  # a bad --since is exit 2 even before any event came
    if not s.webhooks_path.exists():
        say(f"No webhook events in {s.webhooks_path}.")
        if json_out:
            emit_json({"events": []})
        return
    hook = HookPolicy(on_event) if on_event else None

    async def go() -> list[StoredEvent]:
        processor = EventProcessor.from_settings(common.client(s), s)
        try:
            with EventStore(s.webhooks_path) as store:
                ids = [e.id for e in store.events(since=parse_since(since)) if not event_ids or e.id in event_ids]
                return await replay_events(store, processor, ids, hook=hook)
        finally:
            await processor.aclose()

    results = common.run_async(go)
    if json_out:
        emit_json({"events": [r.to_dict() for r in results]})
    else:
        say(f"Replayed {len(results)} event(s).")
    if any(r.state == "error" for r in results):
        raise typer.Exit(EXIT_FAILED)
    if any((r.details or {}).get("broken_links") for r in results):
        raise typer.Exit(EXIT_ATTENTION)


@webhooks_app.command("test")
def test(
    ctx: typer.Context,
    url: str = typer.Option(f"http://127.0.0.1:{DEFAULT_PORT}/webhook", "--url", help="The receiver's webhook URL."),
    object_: str = typer.Option(
        "incoming_order", "--object", help="Event object: incoming_order, product, dish, category, …"
    ),
    object_id: str = typer.Option(
        "1", "--object-id", help="The object's id (e.g. an incoming_order_id or a product_id)."
    ),
    action: str = typer.Option("changed", "--action", help="added, changed, removed or transformed."),
    account: str = typer.Option("sandbox", "--account", help="Account name put in the event."),
    data: Optional[str] = typer.Option(None, "--data", help="The event's extra `data` field, as Poster would send it."),
    json_out: bool = typer.Option(False, "--json", help="Print the event sent and the answer as JSON."),
) -> None:
    """Send a correctly signed sample event to a receiver (yours, or `webhooks serve`) and print
    its answer. Exit 0 when it answers 200, 1 otherwise.

    Example: poster-cli webhooks test --url http://127.0.0.1:8787/webhook --object incoming_order --object-id 42
    """
    import httpx

    from poster_cli.errors import EXIT_FAILED, PosterCliError
    from poster_cli.output import emit_json, say
    from poster_cli.webhooks.sender import sample_event, send_event

    s = common.settings(ctx)
    event = sample_event(_secret(s), account=account, object=object_, object_id=object_id, action=action, data=data)
    try:
        answer = send_event(url, event, transport=common.TRANSPORT.get("sync_transport"))
    except httpx.HTTPError as exc:
        raise PosterCliError(
            f"cannot reach {url}: {type(exc).__name__}", hint="is `poster-cli webhooks serve` running?"
        ) from None
    if json_out:
        emit_json(answer.to_dict())
    else:
        typer.echo(f"HTTP {answer.status} {answer.body}")
        say(f"Sent {object_} {object_id} {action} to {url}: " + ("accepted." if answer.accepted else "NOT accepted."))
    if not answer.accepted:
        raise typer.Exit(EXIT_FAILED)


def register(app: typer.Typer) -> None:
    app.add_typer(webhooks_app, name="webhooks")
