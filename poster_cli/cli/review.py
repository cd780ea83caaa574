"""``poster-cli review --web``: the mapping review as a local page (also ``match --web``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from poster_cli.cli import catalogue_options as how, common

if TYPE_CHECKING:  # imported lazily at run time
    from poster_cli.catalogue import ReadOptions
    from poster_cli.review_web.state import ReviewState

EXPOSE_HELP = (
    "Address to listen on. The default, 127.0.0.1, is this machine only. Any other address puts the "
    "page on the network over plain HTTP: rather keep 127.0.0.1 and reach it through an SSH tunnel "
    "(ssh -L 8750:127.0.0.1:PORT you@server, then open the printed link with port 8750) or a reverse "
    "proxy with TLS (nginx, Caddy) in front that passes the Host header on."
)
# Declared once, used by `review` and `match` alike.
WEB_OPTION = typer.Option(False, "--web", help="Review in a browser: serve a local page and print its link.")
HOST_OPTION = typer.Option("127.0.0.1", "--host", help=EXPOSE_HELP)
PORT_OPTION = typer.Option(0, "--port", min=0, max=65535, help="Port for --web (0 picks a free one).")
OPEN_OPTION = typer.Option(False, "--open/--no-open", help="Open the page in this machine's browser.")


def register(app: typer.Typer) -> None:
    app.command("review")(review)


def review(
    ctx: typer.Context,
    web: bool = WEB_OPTION,
    catalogue: Optional[Path] = typer.Option(
        None, "--catalogue", help="The site's catalogue (CSV or JSON): its items, categories and prices."
    ),
    menu: Optional[Path] = typer.Option(None, "--menu", help="A menu snapshot (default: the pulled snapshot)."),
    id_col: Optional[str] = how.ID_COL,
    name_col: Optional[str] = how.NAME_COL,
    price_col: Optional[str] = how.PRICE_COL,
    category_col: Optional[str] = how.CATEGORY_COL,
    barcode_col: Optional[str] = how.BARCODE_COL,
    sheet: Optional[str] = how.SHEET,
    catalogue_format: str = how.FORMAT,
    mapping_file: Optional[Path] = typer.Option(None, "--mapping", help="Mapping file (default: <data>/mapping.toml)."),
    spot: Optional[int] = typer.Option(None, "--spot", help="Spot whose prices and visibility count."),
    review_score: float = typer.Option(
        40.0, "--review", min=0, max=100, help="Offer candidates at or above this score."
    ),
    allow_shared: bool = typer.Option(False, "--allow-shared", help="Bulk accept may map several items to one target."),
    host: str = HOST_OPTION,
    port: int = PORT_OPTION,
    open_browser: bool = OPEN_OPTION,
) -> None:
    """Review the mapping in a browser, for the person who knows the menu (the restaurant's manager).

    Serves a page on this machine and prints its link with a one-time key. It lists every site
    item with its status and best Poster candidates; choose one (1-9), say there is no counterpart
    (n), skip (s), undo (u), search the whole menu (/), or accept every item above a score at
    once. Each decision is written to mapping.toml at once, under the same lock as match and sync,
    on top of what another tab, a terminal review or a sync wrote meanwhile. Ctrl-C stops it; the
    exit code is 3 while items are left unmatched, as for match.

    Without --catalogue the items are those of the mapping file (run match first).

    Example: poster-cli review --web --catalogue site.csv
    """
    from poster_cli.errors import UsageError

    if not web:
        raise UsageError(
            "review runs as a page in a browser",
            hint="pass --web (at a terminal, `poster-cli match CATALOGUE` asks item by item)",
        )
    from poster_cli.matching.aliases import ALIASES_FILE, load_aliases, save_aliases

    s = common.settings(ctx, spot_id=spot)
    mapping_path = mapping_file or s.mapping_path
    aliases_path = s.data_dir / ALIASES_FILE
    words = load_aliases(aliases_path)  # what earlier choices taught, as the person left it
    reading = how.reading(id_col, name_col, price_col, category_col, barcode_col, sheet, catalogue_format)
    state = build_state(
        catalogue, menu or s.menu_path, mapping_path, s.spot_id, review_score, allow_shared, words, reading
    )
    serve_review(state, s.data_dir, host=host, port=port, open_browser=open_browser)
    if state.words != words:  # what the person's links taught, kept for later runs
        save_aliases(aliases_path, state.words)
    finish(state)


def build_state(
    catalogue: Path | None,
    menu: Path,
    mapping_path: Path,
    spot_id: int | None,
    review_score: float,
    allow_shared: bool,
    words: dict[str, str] | None = None,
    reading: ReadOptions | None = None,
) -> ReviewState:
    """The review of ``catalogue``'s items, or of the mapping's items when no catalogue is given."""
    from poster_cli.catalogue import CatalogueItem
    from poster_cli.errors import UsageError
    from poster_cli.mapping import load_mapping
    from poster_cli.mapping_sync import load_for_match
    from poster_cli.matching import MenuIndex
    from poster_cli.menu import load_snapshot
    from poster_cli.review_web.state import ReviewState

    if catalogue is not None:
        items, _, _, index = load_for_match(catalogue, reading, menu, spot_id)
    else:
        snapshot = load_snapshot(menu)
        index = MenuIndex.from_products(snapshot.products.values(), snapshot.default_spot(spot_id))
        mapping = load_mapping(mapping_path, missing_ok=False)
        items = [CatalogueItem(local_id=e.local_id, name=e.local_name or e.local_id) for e in mapping]
        if not items:
            raise UsageError(f"{mapping_path} holds no items", hint="pass --catalogue FILE, or run match first")
    return ReviewState(items, index, mapping_path, review_score=review_score, allow_shared=allow_shared, words=words)


def serve_review(state: ReviewState, data_dir: Path, *, host: str, port: int, open_browser: bool) -> None:
    """Serve the review page until Ctrl-C; print its link (stdout) and how to reach it (stderr)."""
    import sys

    from poster_cli.errors import UsageError
    from poster_cli.output import say
    from poster_cli.review_web.app import Access, create_app
    from poster_cli.serving import bind, serve_forever

    try:
        sock = bind(host, port)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}", hint="pick another --port") from None
    bound = sock.getsockname()[1]
    access = Access()
    app = create_app(state, data_dir, access=access, port=bound, log=say)
    url = f"http://{_url_host(host)}:{bound}/?key={access.key}"
    open_count = state.counts(state.mapping)["unmatched"]
    say(f"{len(state.items)} site items, {open_count} waiting for a decision. Open this link (it works once):")
    sys.stdout.write(url + "\n")
    sys.stdout.flush()
    if not _loopback(host):
        say(
            f"warning: listening on {host}, beyond this machine, over plain HTTP; "
            "prefer --host 127.0.0.1 with an SSH tunnel, or a reverse proxy with TLS (see --help)"
        )
    say("Every decision is saved at once. Ctrl-C stops.")
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        serve_forever(app, sock)
    except KeyboardInterrupt:  # Ctrl-C is how the page is closed: every decision is already saved
        pass
    finally:
        sock.close()


def finish(state: ReviewState) -> None:
    """After the page is closed: what is decided, and exit 3 while items are left unmatched."""
    from poster_cli.errors import NeedsAttention
    from poster_cli.output import say

    counts = state.counts(state.mapping)
    say(", ".join(f"{counts[k]} {k}" for k in ("auto", "confirmed", "manual", "ignored", "unmatched") if counts[k]))
    if counts["unmatched"]:
        n = counts["unmatched"]
        raise NeedsAttention(
            f"{n} site item{'s are' if n != 1 else ' is'} unmatched",
            hint="run `poster-cli review --web` again to decide them",
        )


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _url_host(host: str) -> str:
    import socket

    if host in ("0.0.0.0", "::", ""):
        return socket.gethostname()
    return f"[{host}]" if ":" in host else host
