"""`poster-cli pull`: snapshot the menu."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from poster_cli.cli import common
from poster_cli.gcpause import gc_paused

if TYPE_CHECKING:
    from poster_cli.menu import MenuSummary


def pull(
    ctx: typer.Context,
    json_out: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout."),
) -> None:
    """Pull spots, categories, products and currency from Poster into <data>/menu.json.

    One call each to access.getSpots, menu.getCategories, menu.getProducts and
    settings.getCurrency (plus stock leftovers when the token may read them).

    Example: poster-cli pull --json
    """
    from poster_cli.menu import MenuSnapshot, fetch_snapshot, save_snapshot, summarize

    s = common.settings(ctx)

    async def go() -> MenuSnapshot:
        async with common.client(s) as api:
            return await fetch_snapshot(api, s.api_url)

    with gc_paused(keep=True):  # the menu lives until the command ends
        snap = common.run_async(go)
    with common.data_lock(s, "pull"):
        save_snapshot(snap, s.menu_path)
    summary = summarize(snap, s.spot_id)
    if json_out:
        from poster_cli.output import emit_json

        emit_json({"snapshot": str(s.menu_path), "pulled_at": snap.pulled_at, **summary.to_dict()})
        return
    _render(summary, str(s.menu_path))


def _render(summary: MenuSummary, path: str) -> None:
    from poster_cli.output import print_table, say

    rows = [[name, str(count)] for name, count in summary.per_category.items()]
    print_table(["category", "items"], rows, title="Products per category", right={"items"})
    spot = f" at spot {summary.spot_id}" if summary.spot_id is not None else ""
    invisible = f", {summary.invisible_at_spot} invisible{spot}" if summary.invisible_at_spot is not None else ""
    say(
        f"Pulled {summary.products} products and {summary.dishes} dishes in {summary.categories} categories "
        f"({summary.spots} spots, currency {summary.currency or '?'}): {summary.hidden} hidden{invisible}, "
        f"{summary.modifications} modifications, {summary.dishes_with_groups} dishes with modifier groups, "
        f"{summary.out_of_stock} out of stock. Saved {path}."
    )


def register(app: typer.Typer) -> None:
    app.command("pull")(pull)
