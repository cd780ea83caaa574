"""`poster-cli init`, `login` and `doctor`: settings, the token, and a health check."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from poster_cli.cli import common

if TYPE_CHECKING:
    from poster_cli.config import Settings
    from poster_cli.poster.models import Spot
    from poster_cli.probe import ProbeReport


def _config_target(ctx: typer.Context, local: bool) -> Path:
    from poster_cli.config import user_config_path

    opts = common.options(ctx)
    if opts.config:
        return Path(opts.config).expanduser()
    return Path("poster-cli.toml") if local else user_config_path()


def _read_token(ctx: typer.Context) -> str:
    """A token from a hidden prompt at a terminal, else one line of stdin; never from argv."""
    from poster_cli.errors import UsageError
    from poster_cli.output import stdin_is_tty

    if stdin_is_tty() and not common.options(ctx).no_input:
        token: str = typer.prompt("Poster access token (Access → Integrations → Personal integration)", hide_input=True)
    else:
        token = sys.stdin.readline()
    token = token.strip()
    if not token:
        raise UsageError("no token given", hint="pipe it in: `poster-cli login < token.txt`, or run at a terminal")
    if ":" not in token:
        raise UsageError("that does not look like a Poster token (expected ACCOUNT:KEY)")
    return token


async def _check_token(s: Settings, token: str) -> list[Spot]:
    from dataclasses import replace

    async with common.client(replace(s, token=token)) as api:
        return await api.get_spots()


def login(
    ctx: typer.Context,
    local: bool = typer.Option(False, "--local", help="Store in ./poster-cli.toml instead of the user config."),
    no_check: bool = typer.Option(False, "--no-check", help="Store without asking Poster whether the token works."),
    oauth: bool = typer.Option(
        False, "--oauth", help="Marketplace application: get the token through Poster's OAuth code flow in a browser."
    ),
    port: int = typer.Option(
        0,
        "--port",
        help="With --oauth: loopback port of the redirect http://127.0.0.1:PORT/callback (0: any free port).",
    ),
    no_browser: bool = typer.Option(
        False, "--no-browser", help="With --oauth: print the authorization URL instead of opening a browser."
    ),
    oauth_timeout: float = typer.Option(
        300.0, "--oauth-timeout", help="With --oauth: seconds to wait for the browser to come back."
    ),
) -> None:
    """Store a personal access token, read from a hidden prompt or stdin (never from the command line).

    The token is checked against Poster (access.getSpots) and saved in the config file with mode 0600.
    With --oauth, runs the OAuth code flow instead (needs app_id and app_secret) and stores the
    token and the account.

    Example: poster-cli login < token.txt
    """
    from poster_cli.config import store_value
    from poster_cli.output import say
    from poster_cli.poster.redact import register_secret

    if oauth:
        _login_oauth(ctx, local, port=port, open_browser=not no_browser, timeout=oauth_timeout)
        return
    token = _read_token(ctx)
    register_secret(token)
    s = common.settings(ctx)
    if not no_check:
        spots = common.run_async(lambda: _check_token(s, token))
        say(f"Token accepted: {len(spots)} spot(s): " + ", ".join(f"{sp.spot_id} {sp.name}" for sp in spots))
    target = _config_target(ctx, local)
    store_value(target, "token", token, profile=common.options(ctx).profile)
    say(f"Saved the token in {target} (mode 0600).")


def _login_oauth(ctx: typer.Context, local: bool, *, port: int, open_browser: bool, timeout: float) -> None:
    """`login --oauth`: the code flow lives in poster_cli.oauth; here, the browser and the config."""
    from poster_cli.config import store_value
    from poster_cli.oauth import login_with_oauth, show_authorization_url
    from poster_cli.output import say

    s = common.settings(ctx)
    result = common.run_async(
        lambda: login_with_oauth(
            api_url=s.api_url,
            app_id=s.app_id,
            app_secret=s.app_secret,
            port=port,
            timeout=timeout,
            show_url=lambda url, redirect: show_authorization_url(url, redirect, open_browser=open_browser, say=say),
            transport=common.TRANSPORT.get("transport"),
        )
    )
    target = _config_target(ctx, local)
    profile = common.options(ctx).profile
    store_value(target, "token", result.access_token, profile=profile)
    store_value(target, "account", result.account, profile=profile)
    who = f" ({result.company_name})" if result.company_name else ""
    say(f"Logged in to account {result.account}{who}; saved the token in {target} (mode 0600).")


LOGIN_KEYS = frozenset({"token", "account"})  # what `login` stores


def init(
    ctx: typer.Context,
    local: bool = typer.Option(False, "--local", help="Write ./poster-cli.toml instead of the user config."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing config file."),
    no_input: bool = typer.Option(
        False, "--no-input", help="Never ask; write only what flags and the environment give."
    ),
) -> None:
    """Write a commented config file, asking at a terminal for what is missing, and check the token.

    Values already given by flags or the environment are written as they are; nothing is asked
    without a terminal (or with --no-input).

    Example: POSTER_API_URL=http://127.0.0.1:8765/api poster-cli init --local --no-input
    """
    from poster_cli.config import read_toml, render_config, write_atomic
    from poster_cli.errors import UsageError
    from poster_cli.output import say

    if no_input:
        common.options(ctx).no_input = True
    target = _config_target(ctx, local)
    kept: dict[str, object] = {}
    if target.exists() and not force:
        # `login` may have written the token there first: init completes that file, keeping what
        # it holds; a file with anything else (written by init or by hand) is left to the person
        kept = read_toml(target)
        if any(k not in LOGIN_KEYS for k in kept):
            raise UsageError(f"{target} already exists", hint="pass --force to overwrite, or edit it")
    s = common.settings(ctx)
    # only what the user gave (flags, environment); defaults stay commented out in the file
    given = {k: getattr(s, k) for k in ("api_url", "spot_id", "data_dir", "app_id") if k in s.sources}
    values: dict[str, object] = dict(kept)  # what the file holds, then what this run was given
    values.update({k: str(v) if k == "data_dir" else v for k, v in given.items()})
    token = str(kept["token"]) if kept.get("token") else s.token
    asking = common.can_prompt(ctx)
    if token is None and asking:
        token = _read_token(ctx)
    spots = None
    if token:
        spots = common.run_async(lambda: _check_token(s, token))
        say("Token accepted: " + ", ".join(f"{sp.spot_id} {sp.name}" for sp in spots))
    if values.get("spot_id") is None and spots:
        if len(spots) == 1:
            values["spot_id"] = spots[0].spot_id
        elif asking:
            choice = typer.prompt("Spot id for online orders", type=int, default=spots[0].spot_id)
            values["spot_id"] = choice
    values["token"] = token
    write_atomic(target, render_config(values).encode("utf-8"), mode=0o600)
    completed = f"Completed {target} (kept what was in it)." if kept else f"Wrote {target}."
    say(completed + ("" if token else " No token yet: run `poster-cli login`."))


def doctor(
    ctx: typer.Context,
    json_out: bool = typer.Option(
        False, "--json", help="Print the checks as JSON (with --probe: a report to attach to a bug)."
    ),
    probe: bool = typer.Option(
        False,
        "--probe",
        help="Check our inferred Poster behaviours on this account (read-only; see docs/poster-assumptions.md).",
    ),
    write: bool = typer.Option(
        False, "--write", help="With --probe: also set, read back and remove one extras key on one product."
    ),
) -> None:
    """Check the token, that the API answers, the spots, the currency and the data folder; one line each.

    Exit 0 when all is well, 4 when the token is missing or refused, 1 otherwise.

    With --probe, checks on your own account what poster-cli had to infer where Poster's docs are
    silent: the token's scope, spots, currency, the time zone of Poster's times against ours,
    whether this token may call getOwnIncomingOrders, whether menu.getProducts shows extras, and
    the headroom under the rate limit (a short paced burst of reads). Each says holds, does not
    hold, or could not check; exit 3 when something does not hold. --write also sets, reads back
    and removes one harmless extras key on one product. It never sends an order.

    Example: poster-cli doctor --probe --json > poster-probe.json
    """
    from poster_cli.doctor import run_checks
    from poster_cli.errors import EXIT_AUTH, EXIT_FAILED, UsageError
    from poster_cli.output import emit_json, out_console

    if write and not probe:
        raise UsageError("--write goes with --probe", hint="run `poster-cli doctor --probe --write`")
    s = common.settings(ctx)
    if probe:
        _probe(s, write=write, json_out=json_out)
        return
    checks = common.run_async(lambda: run_checks(s, common.client))
    if json_out:
        emit_json({"ok": all(c.ok for c in checks), "checks": checks})
    else:
        console = out_console()  # the report is the command's output: `doctor > report.txt` keeps it
        for c in checks:
            mark = "[green]ok[/green]  " if c.ok else "[red]FAIL[/red]"
            fix = f" → {c.fix}" if c.fix and not c.ok else ""
            console.print(f"{mark} {c.name}: ", end="")
            console.print(c.detail + fix, markup=False)
    failed = [c for c in checks if not c.ok]
    if failed and not json_out:
        from poster_cli.output import say

        say(f"doctor: {len(failed)} check(s) failed: {', '.join(c.name for c in failed)}")
    if failed:
        raise typer.Exit(EXIT_AUTH if any(c.auth for c in failed) else EXIT_FAILED)


def _probe(s: Settings, *, write: bool, json_out: bool) -> None:
    """`doctor --probe`: the checks live in poster_cli.probe; here, the clients and the output."""
    from poster_cli.errors import NeedsAttention
    from poster_cli.output import emit_json, out_console, say
    from poster_cli.poster.ratelimit import RatePacer
    from poster_cli.probe import BURST_RATE, FAILS, HOLDS, run_probe, save_findings

    if not s.token:
        from poster_cli.errors import AuthError

        raise AuthError("no Poster token", hint="run `poster-cli login` or set POSTER_TOKEN")

    async def go() -> ProbeReport:
        async with common.client(s) as api:
            return await run_probe(
                api,
                lambda: common.client(s, retries=0, pacer=RatePacer(BURST_RATE)),
                api_url=s.api_url,
                spot_id=s.spot_id,
                write=write,
            )

    report = common.run_async(go)
    try:
        save_findings(report, s.data_dir)
    except OSError as exc:
        say(f"could not keep the findings in {s.data_dir}: {exc.strerror}")
    if json_out:
        emit_json(report.to_dict())
    else:  # the report is the command's data: stdout, one line per check
        console = out_console()
        marks = {HOLDS: "[green]holds[/green]          ", FAILS: "[red]does not hold[/red]  "}
        for f in report.findings:
            console.print(marks.get(f.result, "[yellow]could not check[/yellow]"), end=" ", soft_wrap=True)
            console.print(f"{f.name}: {f.detail}", markup=False, soft_wrap=True)
    if report.failed:
        names = ", ".join(f.name for f in report.failed)
        raise NeedsAttention(
            f"{len(report.failed)} check(s) do not hold: {names}", hint="see docs/poster-assumptions.md"
        )


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("login")(login)
    app.command("doctor")(doctor)


__all__ = ["register", "Optional"]
