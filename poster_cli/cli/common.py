"""What every command shares: global state, settings, running async core code, the API client."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ContextManager, Coroutine, TypeVar

import typer

from poster_cli.output import stdin_is_tty

if TYPE_CHECKING:
    from poster_cli.config import Settings
    from poster_cli.poster.client import PosterClient

T = TypeVar("T")


@dataclass
class GlobalOptions:
    config: str | None = None
    profile: str | None = None
    debug: bool = False
    no_input: bool = False
    overrides: dict[str, Any] = field(default_factory=dict)


def options(ctx: typer.Context) -> GlobalOptions:
    root = ctx.find_root()
    if not isinstance(root.obj, GlobalOptions):
        root.obj = GlobalOptions()
    return root.obj


def settings(ctx: typer.Context, **flags: Any) -> Settings:
    """Resolve settings with this command's flags on top."""
    from poster_cli.config import load_settings

    opts = options(ctx)
    merged = dict(opts.overrides)
    merged.update({k: v for k, v in flags.items() if v is not None})
    return load_settings(flags=merged, config_file=opts.config, profile=opts.profile)


def can_prompt(ctx: typer.Context) -> bool:
    """A person is there to answer: stdin is a terminal and --no-input was not given."""
    return stdin_is_tty() and not options(ctx).no_input


def confirm_live(
    ctx: typer.Context,
    s: Settings,
    question: str,
    refusal: str,
    *,
    yes: bool,
    required_without_tty: bool = True,
    nothing_done: str = "Nothing sent.",
) -> None:
    """The live-account confirmation (:func:`poster_cli.live.confirm_live_write`), asked here at a
    terminal."""
    from poster_cli.live import confirm_live_write

    def ask(q: str) -> bool:
        return bool(typer.confirm(q, default=False, err=True))

    confirm_live_write(
        s.api_url,
        question,
        refusal,
        yes=yes,
        ask=ask if can_prompt(ctx) else None,
        required_without_tty=required_without_tty,
        nothing_done=nothing_done,
    )


def run_async(fn: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run core async code from a command."""
    import asyncio

    return asyncio.run(fn())


def data_lock(s: Settings, purpose: str) -> ContextManager[None]:
    """The data folder's lock (see :mod:`poster_cli.locks`), saying on stderr when it has to wait."""
    from poster_cli.locks import data_lock as lock
    from poster_cli.output import say

    return lock(s.data_dir, on_wait=say, purpose=purpose)


def client(s: Settings, **kwargs: Any) -> PosterClient:
    """An API client for these settings (a test may set ``transport`` through ``TRANSPORT``)."""
    from poster_cli.poster.client import PosterClient

    kwargs.setdefault("transport", TRANSPORT.get("transport"))
    return PosterClient(s.api_url, s.token, timeout=s.timeout, rate=s.rate_limit, **kwargs)


# Tests put an httpx transport here to run commands against the in-process sandbox.
TRANSPORT: dict[str, Any] = {}
