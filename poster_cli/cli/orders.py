"""`poster-cli order send / batch / status / list / watch`: online orders, exactly once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, List, Optional

import typer

from poster_cli.cli import common

if TYPE_CHECKING:  # imported lazily at run time, so that `--help` stays fast
    from poster_cli.config import Settings
    from poster_cli.orders.batch import BatchReport
    from poster_cli.orders.build import BuiltOrder, OrderBuilder
    from poster_cli.orders.follow import Refreshed
    from poster_cli.orders.journal import JournalEntry, OrderJournal
    from poster_cli.orders.send import OrderSender, SendResult
    from poster_cli.poster.client import PosterClient
    from poster_cli.poster.models import IncomingOrder

order_app = typer.Typer(
    help="Send online orders to Poster exactly once (from the terminal or a CSV/JSON file) and "
    "follow them until the cashier accepts, declines or closes them. "
    "Example: poster-cli order send --item L-001:2 --phone +380501234567 --dry-run",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

MAPPING_HELP = "Mapping file (default <data>/mapping.toml)."


def _prepare(ctx: typer.Context, spot: Optional[int], mapping: Optional[Path]) -> tuple[Settings, OrderBuilder]:
    """Settings and an order builder over the snapshot and mapping."""
    from poster_cli.mapping import load_mapping
    from poster_cli.menu import load_snapshot
    from poster_cli.orders.build import OrderBuilder

    s = common.settings(ctx, spot_id=spot)
    snapshot = load_snapshot(s.menu_path)
    builder = OrderBuilder(
        snapshot, load_mapping(mapping or s.mapping_path), default_spot=s.spot_id, comment_template=s.comment_template
    )
    return s, builder


def _open_journal(s: Settings) -> OrderJournal:
    """The order journal, with a warning when it was lost (deleted or emptied) and recreated."""
    from poster_cli.orders.journal import OrderJournal
    from poster_cli.output import warn

    journal = OrderJournal(s.journal_path)
    if journal.lost:
        warn(
            f"the order journal {s.journal_path} was missing or empty (deleted?); started a new one: orders "
            "Poster already holds are recognised by their markers and not sent again"
        )
    return journal


def _sender(api: PosterClient, journal: OrderJournal, s: Settings) -> OrderSender:
    from poster_cli.config import lookup_delays
    from poster_cli.orders.send import OrderSender

    return OrderSender(api, journal, comment_template=s.comment_template, lookup_delays=lookup_delays())


def _confirm_live(ctx: typer.Context, s: Settings, what: str, *, yes: bool, required_without_tty: bool) -> None:
    """Real orders to a live account need a yes: asked at a terminal, or ``--yes``."""
    common.confirm_live(
        ctx,
        s,
        f"Send {what} to the live Poster account at {s.api_url}?",
        f"{what} would go to the live Poster account at {s.api_url}",
        yes=yes,
        required_without_tty=required_without_tty,
    )


def _generated_id() -> str:
    import secrets
    from datetime import datetime

    return f"cli-{datetime.now().strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(2)}"


@order_app.command("send")
def send(
    ctx: typer.Context,
    items: List[str] = typer.Option(
        ...,
        "--item",
        "-i",
        help="ITEM[:COUNT]: a local id or name from the mapping, or poster:PRODUCT_ID[/MODIFICATOR_ID]. Repeat for more lines.",
    ),
    phone: Optional[str] = typer.Option(
        None, "--phone", help="Customer's phone: digits with an optional +, 10-15 digits."
    ),
    client_id: Optional[int] = typer.Option(None, "--client-id", help="Poster client id (instead of --phone)."),
    spot: Optional[int] = typer.Option(
        None, "--spot", help="Spot the order goes to (default: POSTER_SPOT_ID, or the only spot)."
    ),
    paid: bool = typer.Option(False, "--paid", help="Prepaid: send payment = {type 1, sum = the total, currency}."),
    first_name: Optional[str] = typer.Option(None, "--first-name"),
    last_name: Optional[str] = typer.Option(None, "--last-name"),
    email: Optional[str] = typer.Option(None, "--email"),
    address: Optional[str] = typer.Option(None, "--address"),
    comment: Optional[str] = typer.Option(
        None, "--comment", help="Customer's comment (kept after the site order marker)."
    ),
    order_id: Optional[str] = typer.Option(
        None, "--order-id", help="Site order id (default: cli-<time>-<random>). Sending the same id again does nothing."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the exact request body and send nothing."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Send to a live account without asking."),
    mapping: Optional[Path] = typer.Option(None, "--mapping", help=MAPPING_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print the result (or with --dry-run the request) as JSON."),
) -> None:
    """Send one order from the terminal: a test order, or a real one.

    Items are checked against the menu snapshot (hidden, not sold at the spot, dish modifier
    groups), identical lines are merged and the total is computed from the spot's prices. The
    order is journaled first, so running the same --order-id again never duplicates it.
    Exit codes: 0 sent (or already sent), 1 Poster unreachable (nothing sent; run again),
    2 invalid order, 3 Poster refused it or its fate is unconfirmed (run again), 4 authentication.

    Example: poster-cli order send --item L-001:2 --item "Croissant" --phone +380501234567 --paid
    """
    from poster_cli.errors import PosterCliError
    from poster_cli.orders.build import OrderRequest, parse_item_arg
    from poster_cli.output import emit_json, warn

    the_id = order_id or _generated_id()
    try:
        s, builder = _prepare(ctx, spot, mapping)
        req = OrderRequest(
            order_id=the_id,
            items=[parse_item_arg(i) for i in items],
            phone=phone,
            client_id=client_id,
            spot_id=spot,
            paid=paid,
            first_name=first_name,
            last_name=last_name,
            email=email,
            address=address,
            comment=comment,
            source="send",
        )
        built = builder.build(req)
        for w in built.warnings:
            warn(w)
        if dry_run:
            if json_out:
                emit_json(_dry_run_doc(built))
            else:
                _show_order(built)
                emit_json(built.body)
            return
        _confirm_live(ctx, s, f"order {built.order_id}", yes=yes, required_without_tty=True)

        async def go() -> SendResult:
            with _open_journal(s) as journal:
                async with common.client(s) as api:
                    sender = _sender(api, journal, s)
                    await sender.check_poster([built], journal_lost=journal.lost)
                    result = await sender.send(built)
                    result.warnings[:0] = sender.warnings
                    return result

        result = common.run_async(go)
        if json_out:
            emit_json(_send_doc(built, result))
        else:
            _show_order(built)
            _show_result(result)
        if result.outcome not in ("sent", "skipped"):
            raise typer.Exit(1 if result.network else 3)
    except PosterCliError as err:  # --json: a refusal is one JSON document too
        if json_out:
            emit_json({"order_id": the_id, "outcome": "refused", "exit_code": err.exit_code, "error": str(err)})
        raise


def _dry_run_doc(built: BuiltOrder) -> dict[str, Any]:
    return {
        "dry_run": True,
        "order_id": built.order_id,
        "method": "incomingOrders.createIncomingOrder",
        "total": built.total,
        "currency": built.currency,
        "body": built.body,
        "warnings": built.warnings,
    }


def _send_doc(built: BuiltOrder, result: SendResult) -> dict[str, Any]:
    doc: dict[str, Any] = result.to_dict()
    doc.update(total=built.total, currency=built.currency, paid=built.paid, warnings=result.warnings)
    doc["poster"] = result.order
    return doc


def _show_order(built: BuiltOrder) -> None:
    from poster_cli.output import money, out_console, print_table

    rows = [
        [
            line.name + (f" + {', '.join(line.modifier_names)}" if line.modifier_names else ""),
            str(line.count),
            money(line.unit_price),
            money(line.total),
        ]
        for line in built.lines
    ]
    rows.append(["", "", "total", money(built.total, built.currency)])
    print_table(
        ["item", "count", "unit", "total"],
        rows,
        title=f"order {built.order_id} → spot {built.spot_id}",
        right={"count", "unit", "total"},
    )
    out_console().print("prepaid" if built.paid else "not prepaid (no payment sent)", highlight=False)


def _show_result(result: SendResult) -> None:
    from poster_cli.output import say, warn

    for w in result.warnings:
        warn(w)
    if result.outcome == "sent":
        how = " (found in Poster after a lost answer)" if result.found_by_lookup else ""
        state = "" if result.state == "sent" else f" ({result.state})"  # "sent" once
        say(f"Sent: Poster order #{result.incoming_order_id}{state}{how}.")
    elif result.outcome == "skipped":
        say(f"Already in Poster as order #{result.incoming_order_id} ({result.state}); not sent again.")
    else:
        say(f"Not sent ({result.outcome}): {result.reason}", style="red")


@order_app.command("batch")
def batch(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="CSV (one row per line item) or JSON (a list of orders)."),
    concurrency: int = typer.Option(4, "--concurrency", "-c", min=1, max=32, help="Orders in flight at once."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and print the request bodies; send nothing."),
    yes: bool = typer.Option(
        False, "--yes", "-y", help="Send to a live account without asking (asked only at a terminal)."
    ),
    spot: Optional[int] = typer.Option(None, "--spot", help="Spot for orders whose row has no spot_id."),
    mapping: Optional[Path] = typer.Option(None, "--mapping", help=MAPPING_HELP),
    json_out: bool = typer.Option(
        False,
        "--json",
        help='Print {"sent": [{order_id, incoming_order_id}], "skipped": [...], "failed": [{order_id, reason}]}.',
    ),
) -> None:
    """Send many orders from a file, exactly once, several at a time.

    CSV columns: order_id, phone, item, count, and optionally paid, first_name, last_name,
    comment, spot_id, client_id, email, address; rows with the same order_id form one order.
    JSON: [{"order_id": "A-1", "phone": "...", "items": [{"item": "L-001", "count": 2}], "paid": true}].
    Every bad row is reported at once (file:line: reason); the valid orders are still sent.
    Re-running the same file skips orders already sent and settles any left half-sent by a
    killed run. The same order id with different content is refused (exit 2).
    Exit codes: 0 all sent or skipped, 3 some invalid or failed, 1 Poster unreachable before
    anything was sent (or another fatal error), 2 unreadable file or conflicting ids, 4 authentication.

    Example: poster-cli order batch orders.csv --concurrency 8 --json
    """
    from contextlib import nullcontext

    from poster_cli.orders.batch import BatchReport, validate
    from poster_cli.orders.files import read_batch
    from poster_cli.orders.journal import OrderJournal
    from poster_cli.output import emit_json, say, warn

    s, builder = _prepare(ctx, spot, mapping)
    parsed = read_batch(file)
    if parsed.ignored_columns:
        warn(f"{file.name}: ignored column(s): {', '.join(parsed.ignored_columns)}")
    # a dry run reads the journal when there is one, and never creates it
    opened = (
        _open_journal(s)
        if not dry_run
        else OrderJournal(s.journal_path)
        if s.journal_path.exists()
        else nullcontext(None)
    )
    with opened as journal:
        checked = validate(parsed, builder, file.name, journal)
        for p in checked.problems:
            say(f"error: {p}", style="red")
        for w in checked.warnings:
            warn(w)
        report = BatchReport()
        report.add_invalid(checked.problems)
        report.add_done(checked.done)
        if checked.problems:
            say(
                f"{len(checked.invalid_ids)} order(s) invalid; {len(checked.orders)} valid order(s) will {'not ' if dry_run else ''}be sent."
            )
        if dry_run:
            doc = {
                "dry_run": True,
                "orders": [{"order_id": o.order_id, "total": o.total, "body": o.body} for o in checked.orders],
                "skipped": report.skipped,
                "failed": report.failed,
            }
            emit_json(doc)
            raise typer.Exit(report.exit_code)
        if checked.orders:
            _confirm_live(
                ctx, s, f"{len(checked.orders)} order(s) from {file.name}", yes=yes, required_without_tty=False
            )
            assert journal is not None  # not a dry run: opened above
            results = _run_with_progress(s, journal, checked.orders, concurrency, report.warnings)
            for r in results:
                report.add(r)
    report.sort([o.order_id for o in parsed.orders] + [i for i in checked.invalid_ids if i is not None])
    for w in report.warnings:
        warn(w)
    if json_out:
        emit_json(report.to_json())
    else:
        _show_summary(report, set(checked.invalid_ids))
    raise typer.Exit(report.exit_code)


def _run_with_progress(
    s: Settings, journal: OrderJournal, orders: list[BuiltOrder], concurrency: int, warnings: list[str]
) -> list[SendResult]:
    from poster_cli.orders.batch import run_batch
    from poster_cli.output import color_allowed, err_console

    async def go(on_result: Callable[[SendResult], None] | None) -> list[SendResult]:
        async with common.client(s) as api:
            sender = _sender(api, journal, s)
            try:
                return await run_batch(orders, sender, concurrency=concurrency, on_result=on_result)
            finally:
                warnings.extend(sender.warnings)

    if not color_allowed():
        return common.run_async(lambda: go(None))
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("orders"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console(),
        transient=True,
    ) as bar:
        task = bar.add_task("send", total=len(orders))
        return common.run_async(lambda: go(lambda _r: bar.advance(task)))


def _show_summary(report: BatchReport, invalid: set[str | None]) -> None:
    """Each order once, in file order: sent and skipped ones with their Poster number; an invalid
    one points at its errors above instead of repeating them."""
    from poster_cli.output import print_table, say

    rows: list[list[Any]] = []
    for kind, label in (("sent", "sent"), ("skipped", "already sent")):
        rows += [[label, d["order_id"], f"#{d['incoming_order_id']}", ""] for d in getattr(report, kind)]
    for f in report.failed:
        why = "invalid (see the errors above)" if f["order_id"] in invalid else f["reason"]
        rows.append(["failed", f["order_id"] or "-", "-", why])
    if rows:
        print_table(["result", "order", "poster #", "reason"], rows)
    say(
        f"batch: {len(report.sent)} sent, {len(report.skipped)} already sent (skipped), "
        f"{len(report.failed)} failed or invalid"
    )


@order_app.command("status")
def status(
    ctx: typer.Context,
    ident: str = typer.Argument(..., metavar="ID", help="Site order id, or Poster's incoming_order_id."),
    json_out: bool = typer.Option(False, "--json", help="Print the order as JSON."),
) -> None:
    """Show one order, refreshed from Poster (incomingOrders.getIncomingOrder).

    Example: poster-cli order status A-17
    """
    from poster_cli.errors import UsageError
    from poster_cli.orders.follow import Refreshed, refresh
    from poster_cli.orders.journal import OrderJournal
    from poster_cli.output import emit_json, warn

    s = common.settings(ctx)
    with OrderJournal(s.journal_path) as journal:
        entry = journal.lookup(ident)
        if entry is None and not ident.isdigit():
            raise UsageError(f"no order {ident!r} in the journal {s.journal_path}", hint="see `poster-cli order list`")

        async def go() -> Refreshed | IncomingOrder:
            async with common.client(s) as api:
                if entry is None:  # a Poster id the journal does not know (sent by something else)
                    return await api.get_incoming_order(int(ident))
                return await refresh(api, journal, entry, comment_template=s.comment_template)

        refreshed = common.run_async(go)
    if not isinstance(refreshed, Refreshed):
        doc: dict[str, Any] = {"order_id": None, "state": None, "poster": refreshed}
        warn(f"Poster order {ident} is not in this journal (not sent by poster-cli from here)")
    else:
        if refreshed.error:
            warn(f"could not refresh from Poster, showing the journal: {refreshed.error}")
        doc = refreshed.entry.to_dict()
        doc["poster"] = refreshed.poster
    if json_out:
        emit_json(doc)
        return
    _show_fields(doc)


def _show_fields(doc: dict[str, Any]) -> None:
    from poster_cli.output import money, out_console
    from poster_cli.poster.models import poster_status_name

    console = out_console()
    poster = doc.get("poster")
    for key in (
        "order_id",
        "state",
        "incoming_order_id",
        "total",
        "currency",
        "reason",
        "attempts",
        "created_at",
        "updated_at",
    ):
        value = doc.get(key)
        if value is None or value == "":
            continue
        console.print(f"{key}: {money(value) if key == 'total' else value}", highlight=False, markup=False)
    if poster is not None:
        console.print(
            f"poster: order #{poster.incoming_order_id}, {poster_status_name(poster.status)}, spot {poster.spot_id}, "
            f"created {poster.created_at}, receipt {poster.transaction_id or '-'}",
            highlight=False,
            markup=False,
        )


@order_app.command("list")
def list_orders(
    ctx: typer.Context,
    status_filter: Optional[str] = typer.Option(
        None, "--status", help="Only orders in this state: pending, sent, accepted, declined, closed, failed."
    ),
    since: Optional[str] = typer.Option(
        None, "--since", help="Only orders journaled since: 30m, 12h, 7d, or a date (2026-01-31)."
    ),
    refresh_: bool = typer.Option(
        True,
        "--refresh/--no-refresh",
        help="Ask Poster for the current state first (default) or show the journal as is.",
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the orders as JSON."),
) -> None:
    """List journaled orders, refreshed from Poster.

    Example: poster-cli order list --since 1d --status sent
    """
    from poster_cli.errors import UsageError
    from poster_cli.orders.follow import parse_since, refresh_many
    from poster_cli.orders.journal import STATES, OrderJournal
    from poster_cli.output import emit_json, warn

    if status_filter and status_filter not in STATES:
        raise UsageError(f"--status {status_filter!r}: use one of {', '.join(STATES)}")
    s = common.settings(ctx)
    since_iso = parse_since(since)
    with OrderJournal(s.journal_path) as journal:
        entries = journal.list(since=since_iso)
        if refresh_ and entries:

            async def go() -> list[Refreshed]:
                async with common.client(s) as api:
                    return await refresh_many(api, journal, entries, comment_template=s.comment_template)

            refreshed = common.run_async(go)
            errors = {r.error for r in refreshed if r.error}
            for e in sorted(errors)[:3]:
                warn(f"could not refresh some orders: {e}")
            entries = [r.entry for r in refreshed]
    if status_filter:
        entries = [e for e in entries if e.state == status_filter]
    if json_out:
        emit_json([e.to_dict() for e in entries])
        return
    _show_table(entries)


def _show_table(entries: list[JournalEntry]) -> None:
    from poster_cli.output import money, print_table, say

    if not entries:
        say("No orders in the journal match.")
        return
    rows = [
        [
            e.order_id,
            e.state,
            str(e.incoming_order_id or "-"),
            money(e.total, e.currency),
            e.created_at[:19].replace("T", " "),
            e.reason or "",
        ]
        for e in entries
    ]
    print_table(["order", "state", "poster #", "total", "created (UTC)", "reason"], rows)


@order_app.command("watch")
def watch(
    ctx: typer.Context,
    ids: Optional[List[str]] = typer.Argument(
        None,
        metavar="[ID]...",
        help="Site or Poster order ids (default: every order not yet accepted, declined or closed).",
    ),
    timeout: float = typer.Option(0, "--timeout", min=0, help="Give up after this many seconds (0: wait for ever)."),
    interval: float = typer.Option(
        2.0, "--interval", min=0.1, help="First wait between polls; it grows while nothing changes (up to 30 s)."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the final states as JSON."),
) -> None:
    """Follow orders until the cashier accepts, declines or closes each (polling; no webhooks needed).

    Exit codes: 0 all accepted or closed, 3 some declined, failed, or still open at --timeout,
    130 Ctrl-C (nothing is lost: the journal keeps the states seen so far).

    Example: poster-cli order watch A-17 A-18 --timeout 600
    """
    from poster_cli.errors import UsageError
    from poster_cli.orders.follow import SETTLED, watch as watch_orders
    from poster_cli.orders.journal import ACCEPTED, CLOSED, OrderJournal
    from poster_cli.output import emit_json, say

    s = common.settings(ctx)
    with OrderJournal(s.journal_path) as journal:
        if ids:
            order_ids = []
            for ident in ids:
                entry = journal.lookup(ident)
                if entry is None:
                    raise UsageError(f"no order {ident!r} in the journal", hint="see `poster-cli order list`")
                order_ids.append(entry.order_id)
        else:
            order_ids = [e.order_id for e in journal.list() if e.state not in SETTLED]
            if not order_ids:
                say("No orders are waiting for the cashier.")
                if json_out:
                    emit_json([])
                return

        def changed(r: Refreshed, before: Optional[str]) -> None:
            e = r.entry
            poster = f" (Poster #{e.incoming_order_id})" if e.incoming_order_id else ""
            say(f"{e.order_id}: {before + ' → ' if before else ''}{e.state}{poster}")

        async def go() -> list[JournalEntry]:
            async with common.client(s) as api:
                return await watch_orders(
                    api,
                    journal,
                    order_ids,
                    comment_template=s.comment_template,
                    on_change=changed,
                    first_delay=interval,
                    timeout=timeout or None,
                )

        final = common.run_async(go)
    if json_out:
        emit_json([e.to_dict() for e in final])
    if any(e.state not in (ACCEPTED, CLOSED) for e in final):
        raise typer.Exit(3)


def register(app: typer.Typer) -> None:
    app.add_typer(order_app, name="order")
