"""`poster-cli menu show`, `menu diff` and `menu export`: look at snapshots, or hand one to a site platform."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from poster_cli.cli import common, menu_export

if TYPE_CHECKING:  # imported lazily at run time
    from poster_cli.menu import MenuSnapshot
    from poster_cli.menu_view import ProductRow
    from poster_cli.output import Cell

menu_app = typer.Typer(
    help="Look at the menu snapshot: a table of products, what changed between two snapshots, or an export "
    "for a site platform (Shopify, WooCommerce, Tilda, YML, XLSX). "
    "Example: poster-cli menu show --search латте",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

TYPE_NAMES = {1: "semi", 2: "dish", 3: "product"}


@menu_app.command("show")
def show(
    ctx: typer.Context,
    category: Optional[str] = typer.Option(
        None, "--category", help="Only this category (name or id), with its sub-categories."
    ),
    spot: Optional[int] = typer.Option(
        None, "--spot", help="Prices and visibility at this spot only (default: the configured spot, else every spot)."
    ),
    hidden: Optional[bool] = typer.Option(
        None, "--hidden/--no-hidden", help="Only hidden products / only products not hidden (default: both)."
    ),
    search: Optional[str] = typer.Option(
        None, "--search", help="Only products whose name, modification, id, barcode or code contains TEXT."
    ),
    menu: Optional[Path] = typer.Option(None, "--menu", help="Snapshot file (default <data>/menu.json)."),
    json_out: bool = typer.Option(False, "--json", help="Print the products as JSON."),
) -> None:
    """Show the menu snapshot as a table: id, name, category, type, spot prices, modifications, flags.

    Example: poster-cli menu show --category Кава --spot 1 --search латте
    """
    from poster_cli.menu import load_snapshot
    from poster_cli.menu_view import select_products

    s = common.settings(ctx)
    snap = load_snapshot(menu or s.menu_path)
    spot_id = spot if spot is not None else s.spot_id
    rows = select_products(snap, category=category, spot_id=spot_id, hidden=hidden, search=search)
    if json_out:
        from poster_cli.output import emit_json

        emit_json(
            {
                "snapshot": str(snap.path),
                "pulled_at": snap.pulled_at,
                "spot_id": spot_id,
                "currency": snap.currency.code_iso if snap.currency else None,
                "count": len(rows),
                "products": [r.to_dict() for r in rows],
            }
        )
        return
    _render_table(snap, rows, spot_id)


def _render_table(snap: MenuSnapshot, rows: list[ProductRow], spot_id: int | None) -> None:
    """A rich table on a terminal; tab-separated lines when piped (fast on a 10,000-item menu, and
    what `cut`, `grep` or a spreadsheet want)."""
    from poster_cli.output import money, print_table, say

    currency = snap.currency.code_iso if snap.currency else None
    spots = [spot_id] if spot_id is not None else sorted({sid for r in rows for sid in r.prices} | set(snap.spots))
    header = [
        "id",
        "name",
        "category",
        "type",
        *(f"spot {sid}" + (f" {currency}" if currency else "") for sid in spots),
        "modifications",
        "flags",
    ]
    cells: list[list[Cell]] = []
    for r in rows:
        variants = [
            f"{m['modificator_id']} {m['name']}"
            + "".join(f" {money(m['prices'][sid])}" for sid in spots if sid in m["prices"])
            for m in r.modifications
        ]
        variants += [f"{g['name']} ({g['num_min']}-{g['num_max']}): {len(g['modifiers'])} choices" for g in r.groups]
        cells.append(
            [
                str(r.product_id),
                r.name,
                r.category,
                TYPE_NAMES.get(r.type, str(r.type)),
                *(money(r.prices.get(sid)) for sid in spots),
                variants,
                ", ".join(r.flags()),
            ]
        )
    print_table(header, cells, right={header[0], *(h for h in header if h.startswith("spot "))})
    say(f"{len(rows)} of {len(snap.products)} products (snapshot pulled {snap.pulled_at or 'at an unknown time'})")


@menu_app.command("diff")
def diff(
    ctx: typer.Context,
    old: Path = typer.Argument(..., help="The older snapshot (menu.json, an archive, or a menu.getProducts answer)."),
    new: Path = typer.Argument(..., help="The newer snapshot."),
    spot: Optional[int] = typer.Option(None, "--spot", help="Compare prices and visibility at this spot only."),
    mapping: Optional[Path] = typer.Option(None, "--mapping", help="Also report mapped site items that NEW breaks."),
    json_out: bool = typer.Option(
        False, "--json", help="Print the report as JSON: added, removed, changed, broken, unmatched, meta."
    ),
) -> None:
    """Show what changed between two snapshot files: the same report `sync` prints.

    Exit code 3 when anything changed (or a mapped item broke), 0 when nothing did.

    Example: poster-cli menu diff poster-data/snapshots/menu-20250101T0600Z.json poster-data/menu.json
    """
    from poster_cli.cli.sync import show_report
    from poster_cli.drift import compare_files
    from poster_cli.mapping import load_mapping

    links = load_mapping(mapping, missing_ok=False) if mapping else None
    report = compare_files(old, new, spot_id=spot, mapping=links)
    show_report(report, json_out=json_out, title="diff")
    if report.needs_attention():
        raise typer.Exit(3)


menu_app.command("export")(menu_export.export)


def register(app: typer.Typer) -> None:
    app.add_typer(menu_app, name="menu")
