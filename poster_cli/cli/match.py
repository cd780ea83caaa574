"""``poster-cli match CATALOGUE``: map the site's catalogue to the Poster menu."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

from poster_cli.cli import catalogue_options as how, common
from poster_cli.cli.review import HOST_OPTION, OPEN_OPTION, PORT_OPTION, WEB_OPTION

if TYPE_CHECKING:  # imported lazily at run time
    from poster_cli.mapping import MappingEntry
    from poster_cli.matching.engine import MatchResult


def register(app: typer.Typer) -> None:
    app.command("match")(match)


def match(
    ctx: typer.Context,
    catalogue: Path = typer.Argument(
        ...,
        help="The site's catalogue: a Shopify, WooCommerce or Tilda export, a YML feed, an XLSX price list, "
        "or plain CSV (, ; or tab) / JSON. The format is found from the content.",
    ),
    menu: Optional[Path] = typer.Option(
        None, "--menu", help="A snapshot or a raw menu.getProducts answer (default: the pulled snapshot)."
    ),
    mapping_file: Optional[Path] = typer.Option(None, "--mapping", help="Mapping file (default: <data>/mapping.toml)."),
    spot: Optional[int] = typer.Option(None, "--spot", help="Spot whose prices and visibility count."),
    accept: float = typer.Option(80.0, "--accept", min=0, max=100, help="Accept automatically at or above this score."),
    review: float = typer.Option(40.0, "--review", min=0, max=100, help="Offer candidates at or above this score."),
    allow_shared: bool = typer.Option(False, "--allow-shared", help="Let several site items map to one Poster target."),
    no_input: bool = typer.Option(False, "--no-input", help="Never ask: accept only confident matches."),
    json_out: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
    id_col: Optional[str] = how.ID_COL,
    name_col: Optional[str] = how.NAME_COL,
    price_col: Optional[str] = how.PRICE_COL,
    category_col: Optional[str] = how.CATEGORY_COL,
    barcode_col: Optional[str] = how.BARCODE_COL,
    sheet: Optional[str] = how.SHEET,
    catalogue_format: str = how.FORMAT,
    web: bool = WEB_OPTION,
    host: str = HOST_OPTION,
    port: int = PORT_OPTION,
    open_browser: bool = OPEN_OPTION,
) -> None:
    """Match a local catalogue to the Poster menu and write the mapping.

    Confident matches are accepted (status auto); at a terminal you are asked about the rest one
    at a time, and every answer is saved at once (a re-run resumes). Without a terminal, or with
    --no-input, the rest stay unmatched and the exit code is 3. With --web the rest are reviewed
    in a browser instead (see `poster-cli review --help`).

    Example: poster-cli match site.csv --spot 1
    """
    from poster_cli.errors import NeedsAttention
    from poster_cli.mapping import MappingSession
    from poster_cli.mapping_sync import AliasLearner, load_for_match, run_match, teach
    from poster_cli.matching import MatchOptions
    from poster_cli.matching.aliases import ALIASES_FILE, load_aliases, save_aliases
    from poster_cli.matching.engine import gc_paused
    from poster_cli.output import emit_json, say

    s = common.settings(ctx, spot_id=spot)
    with gc_paused(freeze=True):  # many small objects, no cycles, and the command ends soon: see gc_paused
        items, snapshot, spot_id, index = load_for_match(
            catalogue,
            how.reading(id_col, name_col, price_col, category_col, barcode_col, sheet, catalogue_format),
            menu or s.menu_path,
            s.spot_id,
        )
        mapping_path = mapping_file or s.mapping_path
        # each save re-reads the file under the data folder's lock and merges: a `sync` from cron
        # may write it while a person is thinking, and neither may lose the other's work
        session = MappingSession(mapping_path, data_dir=s.data_dir, on_wait=say, purpose="match")
        mapping = session.mapping
        options = MatchOptions(accept=accept, review=review, allow_shared=allow_shared)
        aliases_path = s.data_dir / ALIASES_FILE
        words = load_aliases(aliases_path)  # what earlier choices taught, as the person left it
        teach(index, mapping, words)
        results = run_match(items, index, mapping, options)
    session.save(machine=True)
    accepted = [r for r in results if r.accepted is not None]
    queue = [r for r in results if r.accepted is None]
    protected = len(items) - len(results)
    say(f"{catalogue.name}: {items.describe()}")
    say(
        f"{len(items)} site items: {len(accepted)} matched automatically, {protected} decided before, {len(queue)} to review"
    )

    interactive = common.can_prompt(ctx) and not no_input and not json_out
    if web:
        from poster_cli.cli.review import serve_review
        from poster_cli.review_web.state import ReviewState

        state = ReviewState(
            items, index, mapping_path, review_score=review, allow_shared=allow_shared, results=results, words=words
        )
        serve_review(state, s.data_dir, host=host, port=port, open_browser=open_browser)
        session.save()  # takes in what the page wrote
    elif interactive and queue:
        from poster_cli.matching.review import review as review_loop

        for r in accepted[:50]:
            assert r.accepted is not None
            say(f"  ✓ {r.item.name} → {r.accepted.name} ({r.accepted.score:.0f})")
        if len(accepted) > 50:
            say(f"  … and {len(accepted) - 50} more (poster-cli mapping show)")
        learner = AliasLearner(index, mapping, options, queue, words)

        def learn(ahead: int) -> list[Any]:
            # what this choice teaches shows in the next items at once; those it makes certain are linked
            linked = learner.after_decision(ahead)
            if linked:
                session.save(machine=True)
            return linked

        outcome = review_loop(
            queue,
            mapping,
            index,
            ask=ask_line,
            ask_key=ask_key,
            say=say,
            save=session.save,
            review_score=review,
            learn=learn,
        )

        say(
            f"confirmed {outcome.confirmed}, no match {outcome.ignored}, skipped {outcome.skipped}"
            + (f", {outcome.linked} linked automatically on the way" if outcome.linked else "")
            + (" (stopped; run again to continue)" if outcome.quit else "")
        )
        session.save()

    if web or (interactive and queue):  # what the person's links taught, kept for later runs
        taught = teach(index, mapping, words)
        if taught != words:
            save_aliases(aliases_path, taught)

    by_id = {r.item.local_id: r for r in results}
    unmatched = [i for i in items if (e := mapping.get(i.local_id)) is not None and e.status == "unmatched"]
    if json_out:
        emit_json(
            {
                "items": [_item_json(mapping.entries[i.local_id], by_id.get(i.local_id), review) for i in items],
                "mapping": str(mapping_path),
                "spot_id": spot_id,
                "meta": items.meta(),
            }
        )
    else:
        say(f"mapping written to {mapping_path}")
    if unmatched:
        raise NeedsAttention(
            f"{len(unmatched)} site item{'s are' if len(unmatched) != 1 else ' is'} unmatched",
            hint="run `poster-cli match` at a terminal to choose, or see `poster-cli mapping show --status unmatched`",
        )


def ask_line(prompt: str) -> str:
    """A line typed at the prompt (Enter ends it); EOFError at the end of input."""
    import sys

    sys.stderr.write(prompt)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")


def ask_key(prompt: str) -> str:
    """One key, without Enter, when stdin is a terminal (cbreak mode through termios: Ctrl-C still
    interrupts); a line otherwise (a pipe, or a system without termios). Enter alone is ``""``,
    Ctrl-D is EOFError."""
    import os
    import sys

    try:
        import termios
        import tty

        fd = sys.stdin.fileno()
        if not os.isatty(fd):
            raise OSError("not a terminal")
        before = termios.tcgetattr(fd)
    except (ImportError, OSError, ValueError, AttributeError):
        return ask_line(prompt)
    try:
        tty.setcbreak(fd, termios.TCSANOW)  # keeps a key typed ahead (TCSAFLUSH would drop it)
        sys.stderr.write(prompt)  # asked once the terminal takes single keys
        sys.stderr.flush()
        raw = os.read(fd, 8)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, before)
    key = raw.decode("utf-8", errors="replace")
    if key in ("", "\x04"):
        sys.stderr.write("\n")
        raise EOFError
    key = "" if key in ("\r", "\n") else key[:1]
    sys.stderr.write(key + "\n")  # echo what was taken
    sys.stderr.flush()
    return key


def _item_json(entry: MappingEntry, result: MatchResult | None, review: float) -> dict[str, Any]:
    candidates = [] if result is None else [c.to_json() for c in result.candidates if c.score >= review][:5]
    return {
        "local_id": entry.local_id,
        "local_name": entry.local_name,
        "status": entry.status,
        "product_id": entry.product_id,
        "modificator_id": entry.modificator_id,
        "score": entry.score,
        "candidates": candidates,
    }
