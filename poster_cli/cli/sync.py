"""`poster-cli sync`: the cron job. Pull, report drift and mapping health, keep snapshots."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

from poster_cli.cli import catalogue_options as how, common

if TYPE_CHECKING:
    from poster_cli.drift import DriftReport
    from poster_cli.mapping import Mapping

ATTENTION_HELP = (
    "What makes the exit code 3: 'any' (default) = any menu change (prices included), broken or "
    "unmatched item; 'mapping' = only broken or unmatched items."
)


def sync(
    ctx: typer.Context,
    catalogue: Optional[Path] = typer.Option(
        None,
        "--catalogue",
        help="Site catalogue (any format `match` reads): report new site items, auto-map confident ones.",
    ),
    id_col: Optional[str] = how.ID_COL,
    name_col: Optional[str] = how.NAME_COL,
    price_col: Optional[str] = how.PRICE_COL,
    category_col: Optional[str] = how.CATEGORY_COL,
    barcode_col: Optional[str] = how.BARCODE_COL,
    sheet: Optional[str] = how.SHEET,
    catalogue_format: str = how.FORMAT,
    mapping: Optional[Path] = typer.Option(None, "--mapping", help="Mapping file (default <data>/mapping.toml)."),
    json_out: bool = typer.Option(
        False, "--json", help="Print the report as JSON: added, removed, changed, broken, unmatched, meta."
    ),
    quiet: bool = typer.Option(
        False,
        "--quiet",
        "-q",
        help="Print nothing when nothing changed since the last sync (cron mails only on change).",
    ),
    no_input: bool = typer.Option(False, "--no-input", help="Never prompt (sync never does; accepted for scripts)."),
    keep: int = typer.Option(10, "--keep", min=1, help="How many snapshots to keep in <data>/snapshots/."),
    lock_timeout: float = typer.Option(
        60.0,
        "--lock-timeout",
        min=0,
        help="Seconds to wait for another command writing the mapping or snapshot (sync, match, pull) before giving up (exit 1).",
    ),
    attention: str = typer.Option("any", "--attention", help=ATTENTION_HELP),
    export: Optional[list[str]] = typer.Option(
        None,
        "--export",
        help="FORMAT:FILE, repeatable: rewrite `menu export --format FORMAT` to FILE (atomically) after each run.",
    ),
) -> None:
    """Pull the menu, report what changed since the last sync and which mapped site items broke.

    Exit codes: 0 nothing needs attention, 3 something does (see --attention), 1 failed
    (network, API, another sync holding the lock), 2 bad input, 4 authentication. Nothing is
    written when the pull fails; every file is replaced atomically.

    Example: poster-cli sync --quiet --catalogue site.csv
    """
    from poster_cli.drift import ATTENTION_ANY, ATTENTION_MAPPING, SyncOptions, run_sync
    from poster_cli.errors import UsageError
    from poster_cli.menu import MenuSnapshot, fetch_snapshot
    from poster_cli.output import say

    if attention not in (ATTENTION_ANY, ATTENTION_MAPPING):
        raise UsageError(f"--attention must be {ATTENTION_ANY} or {ATTENTION_MAPPING}, not {attention!r}")
    if no_input:
        common.options(ctx).no_input = True
    from poster_cli.export import parse_target

    exports = tuple(parse_target(value) for value in export or ())
    s = common.settings(ctx)
    opts = SyncOptions(
        data_dir=s.data_dir,
        api_url=s.api_url,
        mapping_path=mapping,
        catalogue_path=catalogue,
        catalogue_reading=how.reading(id_col, name_col, price_col, category_col, barcode_col, sheet, catalogue_format),
        spot_id=s.spot_id,
        keep=keep,
        lock_timeout=lock_timeout,
        on_lock_wait=say,
        exports=exports,
        photo_base=f"https://{s.account}.joinposter.com" if s.account else None,
    )

    async def pull() -> MenuSnapshot:
        async with common.client(s) as api:
            return await fetch_snapshot(api, s.api_url)

    from datetime import datetime, timezone

    from poster_cli.drift import next_step
    from poster_cli.mapping import load_mapping

    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")  # the run's time, on every line
    report = common.run_async(lambda: run_sync(opts, pull))
    if json_out or not (quiet and not report.changed_since_last_sync):  # --json: always one document
        show_report(
            report,
            json_out=json_out,
            title="sync",
            mapping=load_mapping(opts.mapping_file),
            stamp=stamp,
            next_step=next_step(report, attention),
        )
    if report.needs_attention(attention):
        raise typer.Exit(3)


# ---------------------------------------------------------------------------------------------
# Rendering, shared with `menu diff`


def _value(field: str, value: Any, currency: str | None) -> str:
    from poster_cli.drift import MONEY_FIELDS
    from poster_cli.output import money

    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field in MONEY_FIELDS:
        return money(value, currency)
    return str(value)


def describe_change(change: dict[str, Any], currency: str | None) -> str:
    """One line for a ``changed`` entry: ``138 Evian: price (spot 1): 190.00 → 200.00``."""
    where = [
        f"{label} {change[key]}"
        for key, label in (
            ("modificator_id", "modification"),
            ("group_id", "group"),
            ("dish_modification_id", "modifier"),
            ("spot_id", "spot"),
        )
        if key in change
    ]
    field = change["field"]
    head = f"{change['product_id']} {change['name']}"
    event = field.rpartition("_")[2]
    if event in ("added", "removed"):  # modification_added 113 → 'modification 113 "500 мл" added'
        what = change["new"] if event == "added" else change["old"]
        return f"{head}: {' '.join(where)} \"{what}\" {event}"
    label = field.replace("_", " ") + (f" ({', '.join(where)})" if where else "")
    old, new = _value(field, change["old"], currency), _value(field, change["new"], currency)
    return f"{head}: {label}: {old} → {new}"


def _site_lines(entry: dict[str, Any], mapping: Mapping | None, currency: str | None) -> list[str]:
    """The site items a price, visibility or removal touches, one indented line each:
    ``  LAT-S Latte 0.25: Poster 70.00 → 99.00``."""
    from poster_cli.drift import MONEY_FIELDS, site_items_touched

    if mapping is None:
        return []
    lines = []
    for e in site_items_touched(entry, mapping):
        field = entry.get("field")
        if field is None or field.endswith("_removed"):
            what = "its Poster item was removed; orders for it will be refused"
        elif field in MONEY_FIELDS:
            what = f"Poster {_value(field, entry['old'], None)} → {_value(field, entry['new'], None)}"
        else:
            what = f"Poster {field.replace('_', ' ')} {_value(field, entry['old'], None)} → {_value(field, entry['new'], None)}"
        lines.append(f"  {e.local_id} {e.local_name}: {what}")
    return lines


def _lines(report: DriftReport, title: str, mapping: Mapping | None = None) -> list[str]:
    lines: list[str] = []
    if report.previous is None and title == "sync":
        lines.append(f"First sync: {report.products} products recorded; changes are reported from the next run.")
    for item in report.added:
        lines.append(f"+ {item['product_id']} {item['name']}: added")
    for item in report.removed:
        lines.append(f"- {item['product_id']} {item['name']}: removed")
        lines += _site_lines(item, mapping, report.currency)
    for change in report.changed:
        lines.append("~ " + describe_change(change, report.currency))
        lines += _site_lines(change, mapping, report.currency)
    for b in report.broken:
        mod = f"/{b['modificator_id']}" if b.get("modificator_id") is not None else ""
        lines.append(
            f"! {b['local_id']} {b.get('local_name', '')} → {b['product_id']}{mod}: {b.get('message') or b['reason']}"
        )
    for u in report.unmatched:
        lines.append(f"? {u.get('local_id')} {u.get('local_name') or u.get('name') or ''}: not mapped")
    for a in report.auto_mapped:
        mod = f"/{a['modificator_id']}" if a.get("modificator_id") is not None else ""
        score = f" (score {a['score']})" if a.get("score") is not None else ""
        lines.append(f"= {a['local_id']} → {a['product_id']}{mod}: auto-mapped{score}")
    for e in report.exports:
        lines.append(f"> {e['file']}: {e['items']} items ({e['products']} products) exported as {e['format']}")
    for w in report.warnings:
        lines.append(f"warning: {w}")
    c = report.counts()
    summary = (
        f"{c['added']} added, {c['removed']} removed, {c['changed']} changed, "
        f"{c['broken']} broken, {c['unmatched']} unmatched"
    )
    if c["auto_mapped"]:
        summary += f", {c['auto_mapped']} auto-mapped"
    lines.append(f"{title}: {summary} ({c['products']} products{_since(report)})")
    return lines


def _since(report: DriftReport) -> str:
    if report.previous_pulled_at:
        return f", since {report.previous_pulled_at}"
    if report.previous:
        return f", since {report.previous}"
    return ""


def show_report(
    report: DriftReport,
    *,
    json_out: bool,
    title: str,
    mapping: Mapping | None = None,
    stamp: str | None = None,
    next_step: str | None = None,
) -> None:
    """The report on stdout: JSON (the five lists plus ``meta``) or one line per finding, each
    starting with ``stamp`` (the run's time, for cron mail) when given, the site items a change
    touches under it (with ``mapping``), and ``next_step`` last."""
    if json_out:
        from poster_cli.output import emit_json

        emit_json(report.to_dict())
        return
    from poster_cli.output import out_console

    console = out_console()
    lines = _lines(report, title, mapping)
    if next_step:
        lines.append(next_step)
    for line in lines:
        console.print(f"{stamp} {line}" if stamp else line, markup=False, highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("sync")(sync)
