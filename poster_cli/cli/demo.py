"""`poster-cli demo`: the whole flow, end to end, on an embedded sandbox; no account needed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

if TYPE_CHECKING:  # imported lazily at run time
    from poster_cli.orders.journal import OrderJournal

DEMO_ORDER_ID = "demo-1001"
DEMO_PHONE = "+380671234567"


def demo(
    keep: bool = typer.Option(
        False, "--keep", help="Keep the demo's data folder (snapshot, mapping, journals) and print where it is."
    ),
    data_dir: Optional[Path] = typer.Option(
        None, "--data-dir", help="Use this data folder instead of a temporary one (kept)."
    ),
) -> None:
    """Run the whole flow against an embedded Poster sandbox: pull the menu, match the demo café's
    site catalogue, send a prepaid order, have the cashier accept it, receive the signed webhook,
    and show the order's status. Needs no account and no terminal.

    Each step runs the real command, shown as `$ poster-cli ...`; run them yourself afterwards
    against `poster-cli sandbox serve`.

    Example: poster-cli demo --keep
    """
    from poster_cli.demo import demo_catalogue, demo_environment, environment
    from poster_cli.errors import PosterCliError
    from poster_cli.output import say

    started = time.monotonic()
    steps = Steps()
    with demo_environment(keep=keep, data_dir=data_dir) as env, environment(env.environ):
        steps.header("Start a local Poster (the sandbox) and a webhook receiver")
        say(f"  sandbox API at {env.api_url}, webhooks to {env.webhook_url}, data in {env.data_dir}")

        steps.header("Pull the menu")
        steps.run("pull")

        steps.header("Match the café's website catalogue to Poster's menu (no questions asked)")
        code = steps.run("--no-input", "match", str(demo_catalogue()), expect=(0, 3))
        if code == 3:
            say("  Items left unmatched would be asked about one by one at a terminal: `poster-cli match site.csv`.")

        items = _order_items(env.data_dir)
        steps.header("Send a prepaid test order")
        steps.run(
            "order",
            "send",
            *[a for item in items for a in ("--item", item)],
            "--phone",
            DEMO_PHONE,
            "--first-name",
            "Olena",
            "--paid",
            "--order-id",
            DEMO_ORDER_ID,
            "--comment",
            "Demo order: please ring the bell",
            "--yes",
        )
        incoming = _incoming_order_id(env.data_dir)

        steps.header("The cashier accepts it; Poster sends a signed webhook; the receiver updates the journal")
        steps.run("sandbox", "trigger", "order.accepted", str(incoming))
        state = _wait_for_state(env.data_dir, {"accepted", "closed"})
        if state is None:
            raise PosterCliError("the webhook did not update the order journal within 10 s")
        say(f"  webhook received: order {DEMO_ORDER_ID} is {state}")

        steps.header("Follow the order")
        steps.run("order", "status", DEMO_ORDER_ID)

        elapsed = time.monotonic() - started
        say(
            f"\nDemo done in {elapsed:.1f} s. Next: `poster-cli sandbox serve` in one terminal, then try the "
            "commands above with POSTER_API_URL=http://127.0.0.1:8765/api and the token it prints."
        )
        if keep or data_dir is not None:
            say(f"Data kept in {env.data_dir}")


class Steps:
    """Numbers the steps and runs each command in this process, as a user would type it."""

    total = 6

    def __init__(self) -> None:
        import typer as _typer

        from poster_cli.cli.main import app

        self.command = _typer.main.get_command(app)
        self.n = 0

    def header(self, text: str) -> None:
        from poster_cli.output import say

        self.n += 1
        say(f"\n[{self.n}/{self.total}] {text}", style="bold")

    def run(self, *args: str, expect: tuple[int, ...] = (0,)) -> int:
        from poster_cli.errors import PosterCliError
        from poster_cli.output import say

        shown = " ".join(a if " " not in a else repr(a) for a in args)
        say(f"$ poster-cli {shown}", style="cyan")
        code = self.command.main(list(args), prog_name="poster-cli", standalone_mode=False)
        code = 0 if code is None else int(code)
        if code not in expect:
            raise PosterCliError(f"the demo stopped: `poster-cli {shown}` exited with {code}")
        return code


def _order_items(data_dir: Path) -> list[str]:
    """Two site items the match linked automatically: a drink in a size and something to eat."""
    from poster_cli.errors import PosterCliError
    from poster_cli.mapping import load_mapping
    from poster_cli.menu import load_snapshot

    snap = load_snapshot(data_dir / "menu.json")
    mapping = load_mapping(data_dir / "mapping.toml")
    with_size: list[str] = []
    plain: list[str] = []
    for entry in mapping.linked():
        product = snap.product(entry.product_id) if entry.product_id is not None else None
        if product is None or product.hidden or any(g.num_min > 0 for g in product.active_groups()):
            continue
        (with_size if entry.modificator_id is not None else plain).append(entry.local_id)
    picked = with_size[:1] + plain[:1]
    if len(picked) < 2:
        picked = (with_size + plain)[:2]
    if not picked:
        raise PosterCliError("the match linked nothing the demo can order")
    return [picked[0] + ":2"] + picked[1:]


def _journal(data_dir: Path) -> OrderJournal:
    from poster_cli.orders.journal import OrderJournal

    return OrderJournal(data_dir / "orders.sqlite")


def _incoming_order_id(data_dir: Path) -> int:
    from poster_cli.errors import PosterCliError

    entry = _journal(data_dir).get(DEMO_ORDER_ID)
    if entry is None or entry.incoming_order_id is None:
        raise PosterCliError("the order was not recorded as sent")
    return int(entry.incoming_order_id)


def _wait_for_state(data_dir: Path, states: set[str], timeout: float = 10.0) -> str | None:
    journal = _journal(data_dir)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        entry = journal.get(DEMO_ORDER_ID)
        if entry is not None and entry.state in states:
            return str(entry.state)
        time.sleep(0.05)
    return None


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
