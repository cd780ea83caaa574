"""``poster-cli mapping show / check / push / pull``: the mapping file, and the link kept in Poster."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from poster_cli.cli import common

if TYPE_CHECKING:  # imported lazily at run time
    from poster_cli.config import Settings

mapping_app = typer.Typer(
    help="Look at the mapping, check it against the menu, keep it in Poster's product extras. "
    "Example: poster-cli mapping check",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

STATUS_STYLE = {"auto": "cyan", "confirmed": "green", "manual": "green", "unmatched": "yellow", "ignored": "dim"}
MENU_OPTION = typer.Option(None, "--menu", help="Snapshot file (default <data>/menu.json).")
MAPPING_OPTION = typer.Option(None, "--mapping", help="Mapping file (default <data>/mapping.toml).")


def register(app: typer.Typer) -> None:
    app.add_typer(mapping_app, name="mapping")


def _paths(
    ctx: typer.Context, menu: Optional[Path], mapping_file: Optional[Path], spot: Optional[int] = None
) -> tuple[Settings, Path, Path]:
    s = common.settings(ctx, spot_id=spot)
    return s, menu or s.menu_path, mapping_file or s.mapping_path


@mapping_app.command("show")
def show(
    ctx: typer.Context,
    status: Optional[str] = typer.Option(
        None, "--status", help="Only entries with this status (auto, confirmed, manual, unmatched, ignored)."
    ),
    mapping_file: Optional[Path] = MAPPING_OPTION,
    json_out: bool = typer.Option(False, "--json", help="Print the entries as JSON."),
) -> None:
    """Show the mapping: each site item, its status, the Poster product it is linked to, the score.

    Example: poster-cli mapping show --status unmatched
    """
    from poster_cli.errors import UsageError
    from poster_cli.mapping import STATUSES, load_mapping

    if status is not None and status not in STATUSES:
        raise UsageError(f"unknown status {status!r}", hint=f"use one of {', '.join(STATUSES)}")
    _, _, path = _paths(ctx, None, mapping_file)
    mapping = load_mapping(path, missing_ok=False)
    entries = [e for e in mapping if status is None or e.status == status]
    if json_out:
        from poster_cli.output import emit_json

        emit_json({"mapping": str(path), "counts": mapping.counts(), "items": [e.to_toml() for e in entries]})
        return
    from poster_cli.output import Cell, print_table, say

    rows: list[list[Cell]] = []
    for e in entries:
        score = "" if e.score is None else f"{e.score:.0f}"
        score_style = "" if e.score is None else ("green" if e.score >= 90 else "yellow" if e.score >= 70 else "red")
        rows.append(
            [
                e.local_id,
                e.local_name,
                (e.status, STATUS_STYLE[e.status]),
                "" if e.product_id is None else str(e.product_id),
                "" if e.modificator_id is None else str(e.modificator_id),
                e.poster_name or "",
                (score, score_style),
            ]
        )
    header = ["local id", "site name", "status", "product", "modification", "Poster name", "score"]
    print_table(header, rows, right={"product", "modification", "score"})
    say(" · ".join(f"{n} {s}" for s, n in mapping.counts().items() if n))


@mapping_app.command("review")
def review_auto(
    ctx: typer.Context,
    menu: Optional[Path] = MENU_OPTION,
    mapping_file: Optional[Path] = MAPPING_OPTION,
    spot: Optional[int] = typer.Option(None, "--spot", help="Spot whose prices and visibility count."),
    review: float = typer.Option(40.0, "--review", min=0, max=100, help="Offer candidates at or above this score."),
) -> None:
    """Review the automatic links one at a time, with the keys of `match`: a number chooses
    (confirmed), s keeps the link as it is, n says there is no match, / searches, u undoes,
    q saves and stops, ? shows the legend. Each answer is saved at once.

    Example: poster-cli mapping review --spot 1
    """
    from poster_cli.cli.match import ask_key, ask_line
    from poster_cli.errors import UsageError
    from poster_cli.mapping import MappingSession
    from poster_cli.mapping_sync import auto_review_queue
    from poster_cli.matching import MatchOptions, MenuIndex
    from poster_cli.matching.review import review as review_loop
    from poster_cli.menu import load_snapshot
    from poster_cli.output import say

    s, menu_path, path = _paths(ctx, menu, mapping_file, spot)
    if not common.can_prompt(ctx):
        raise UsageError(
            "reviewing links needs a person at a terminal", hint="run it at a terminal, without --no-input"
        )
    snapshot = load_snapshot(menu_path)
    index = MenuIndex.from_products(snapshot.products.values(), snapshot.default_spot(s.spot_id))
    session = MappingSession(path, data_dir=s.data_dir, on_wait=say, purpose="mapping review")
    mapping = session.mapping
    queue = auto_review_queue(mapping, index, MatchOptions(review=review))
    if not queue:
        say("No automatic links to review.")
        return
    outcome = review_loop(
        queue,
        mapping,
        index,
        ask=ask_line,
        ask_key=ask_key,
        say=say,
        save=session.save,
        review_score=review,
        current=lambda r: mapping.get(r.item.local_id),
    )
    say(
        f"confirmed {outcome.confirmed}, no match {outcome.ignored}, kept {outcome.skipped}"
        + (" (stopped; run again to continue)" if outcome.quit else "")
    )
    session.save()


@mapping_app.command("check")
def check(
    ctx: typer.Context,
    spot: Optional[int] = typer.Option(
        None, "--spot", help="Spot whose visibility counts (default: the configured spot)."
    ),
    menu: Optional[Path] = MENU_OPTION,
    mapping_file: Optional[Path] = MAPPING_OPTION,
    json_out: bool = typer.Option(False, "--json", help="Print the broken links as JSON."),
) -> None:
    """Check that every linked Poster target still exists, is not hidden, is visible at the spot and
    keeps its modification. Exit 3 when a link is broken.

    Example: poster-cli mapping check --spot 1 --json
    """
    from poster_cli.errors import NeedsAttention
    from poster_cli.mapping import load_mapping
    from poster_cli.mapping_sync import check_mapping
    from poster_cli.menu import load_snapshot
    from poster_cli.output import emit_json, say

    s, menu_path, path = _paths(ctx, menu, mapping_file, spot)
    mapping = load_mapping(path, missing_ok=False)
    snapshot = load_snapshot(menu_path)
    spot_id = snapshot.default_spot(s.spot_id)
    broken = check_mapping(mapping, snapshot, spot_id)
    linked = len(mapping.linked())
    if json_out:
        emit_json({"spot_id": spot_id, "checked": linked, "broken": [b.to_dict() for b in broken]})
    else:
        for b in broken:
            target = f"{b.product_id}" + (f"/{b.modificator_id}" if b.modificator_id is not None else "")
            say(f"{b.local_id} ({b.local_name}) → {target} {b.poster_name}: {b.message}")
        if not broken:
            say(f"all {linked} links are fine" + (f" at spot {spot_id}" if spot_id is not None else ""))
    if broken:
        raise NeedsAttention(
            f"{len(broken)} of {linked} links are broken", hint="run `poster-cli match` again to relink them"
        )


@mapping_app.command("push")
def push(
    ctx: typer.Context,
    dry_run: bool = typer.Option(False, "--dry-run", help="Print what would be sent; send nothing."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask before writing to a live Poster account."),
    menu: Optional[Path] = MENU_OPTION,
    mapping_file: Optional[Path] = MAPPING_OPTION,
    json_out: bool = typer.Option(False, "--json", help="Print the outcome as JSON."),
) -> None:
    """Store each link on its Poster product (application.setEntityExtras, extras site_id and
    site_links). Products already holding the same extras are skipped, so an interrupted push
    resumes; requests are paced under the rate limit.

    Example: poster-cli mapping push --dry-run
    """
    from poster_cli.errors import NeedsAttention
    from poster_cli.mapping import load_mapping
    from poster_cli.mapping_sync import PushReport, plan_push, push_resumable
    from poster_cli.menu import load_snapshot
    from poster_cli.output import emit_json, say
    from poster_cli.probe import extras_note

    s, menu_path, path = _paths(ctx, menu, mapping_file)
    mapping = load_mapping(path, missing_ok=False)
    snapshot = load_snapshot(menu_path)
    writes, unchanged = plan_push(mapping, snapshot)
    if dry_run or not writes:
        if json_out:
            emit_json({"dry_run": dry_run, "unchanged": unchanged, "writes": [w.to_dict() for w in writes]})
        else:
            for w in writes:
                say(f"would set extras of product {w.product_id} ({w.product_name}): {w.extras}")
            say(f"{len(writes)} products to write, {unchanged} already up to date")
        return
    common.confirm_live(
        ctx,
        s,
        f"Write extras on {len(writes)} products at {s.api_url}?",
        f"pushing writes to the live account at {s.api_url}",
        yes=yes,
        nothing_done="Nothing written.",
    )

    report = PushReport(unchanged=unchanged)

    async def go() -> PushReport:
        async with common.client(s) as api:
            return await push_resumable(
                api,
                writes,
                menu_path=menu_path,
                snapshot=snapshot,
                lock=lambda: common.data_lock(s, "mapping push"),
                report=report,
            )

    common.run_async(go)
    if json_out:
        emit_json(
            {
                "dry_run": False,
                "written": report.written,
                "unchanged": unchanged,
                "failed": [{"product_id": pid, "error": err} for pid, err in report.failed],
            }
        )
    else:
        say(f"wrote extras on {len(report.written)} products, {unchanged} already up to date")
        for pid, err in report.failed:
            say(f"product {pid}: {err}")
    note = extras_note(s.data_dir)
    if note and report.written:
        say(
            f"note: menu.getProducts may not show extras on this account ({note}): "
            "`mapping pull` cannot read these links back, keep your mapping file"
        )
    if report.failed:
        raise NeedsAttention(
            f"{len(report.failed)} products could not be written", hint="run `poster-cli mapping push` again"
        )


@mapping_app.command("pull")
def pull(
    ctx: typer.Context,
    force: bool = typer.Option(False, "--force", help="Replace an existing mapping file."),
    menu: Optional[Path] = MENU_OPTION,
    mapping_file: Optional[Path] = MAPPING_OPTION,
    json_out: bool = typer.Option(False, "--json", help="Print the rebuilt entries as JSON."),
) -> None:
    """Rebuild the mapping from the extras stored on products in the menu snapshot (run
    `poster-cli pull` first), for setups that keep no local mapping file.

    Poster's docs do not promise that menu.getProducts shows extras: when the snapshot shows none,
    or they hold no link, nothing is written (an existing mapping is never emptied) and the
    command exits 1; `poster-cli doctor --probe --write` checks the account.

    Example: poster-cli pull && poster-cli mapping pull --force
    """
    from poster_cli.errors import PosterCliError, UsageError
    from poster_cli.mapping import save_mapping
    from poster_cli.mapping_sync import extras_refusal, mapping_from_extras
    from poster_cli.menu import load_snapshot
    from poster_cli.output import emit_json, say
    from poster_cli.probe import extras_note

    s, menu_path, path = _paths(ctx, menu, mapping_file)
    if path.exists() and not force:
        raise UsageError(
            f"{path} already exists", hint="pass --force to replace it, or --mapping FILE to write elsewhere"
        )
    snapshot = load_snapshot(menu_path)
    mapping = mapping_from_extras(snapshot)
    refusal = extras_refusal(snapshot, mapping, extras_note(s.data_dir))
    if refusal:
        raise PosterCliError(refusal, hint="run `poster-cli doctor --probe --write` to check whether extras come back")
    with common.data_lock(s, "mapping pull"):
        save_mapping(mapping, path)
    if json_out:
        emit_json({"mapping": str(path), "items": [e.to_toml() for e in mapping]})
    else:
        say(f"{len(mapping)} links read from product extras, written to {path}")
