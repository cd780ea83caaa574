"""The root command: global options, error-to-exit-code mapping, and the command groups.

Each command module exposes ``register(app)``. Command modules import the core lazily, inside
the command functions, so ``--help`` and ``--version`` stay fast.
"""

from __future__ import annotations

import functools
import importlib
import sys
import traceback
from typing import Any, Optional

import typer
import typer.core
from typer.core import TyperGroup

from poster_cli import __version__
from poster_cli.cli.common import GlobalOptions
from poster_cli.errors import EXIT_ATTENTION, EXIT_FAILED, EXIT_INTERRUPTED, PosterCliError

# httpx's own command-line client (``httpx._main``) imports click, rich's progress bars and pygments
# whenever they are installed (they are, beside typer): 0.04 s of CPU on every command that talks to
# Poster, for a module this program never runs. Marked absent, httpx skips it as it does when those
# are not installed (``httpx.main`` then only says so).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


def _click_module() -> Any:
    """The click Typer runs on: its own vendored copy in newer releases, the click package before."""
    vendored = getattr(typer.core, "_click", None)
    return vendored if vendored is not None else importlib.import_module("click")


click = _click_module()
_PASS_THROUGH = tuple(
    {typer.Exit, typer.Abort, click.exceptions.ClickException}
    | {getattr(click.exceptions, name) for name in ("Exit", "Abort") if hasattr(click.exceptions, name)}
)

# Every top-level command: the module that defines it (``register(app)``), and the line the root
# --help shows. Modules are imported only when their command runs, so start-up stays fast; a test
# checks this table against what the modules register.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("demo", "Run the whole flow on an embedded sandbox; no account needed."),
    "init": ("account", "Write a commented config file and check the token."),
    "login": ("account", "Store an access token (hidden prompt or stdin), or log in with OAuth."),
    "doctor": ("account", "Check token, API, spots, currency and data folder, one line each."),
    "pull": ("pull", "Snapshot the menu: spots, categories, products, currency."),
    "menu": ("menu", "Show the menu snapshot, or diff two snapshots."),
    "match": ("match", "Match your site's catalogue to the Poster menu; confirm; write the mapping."),
    "mapping": ("mapping", "Show or check the mapping; keep it in Poster's product extras."),
    "review": ("review", "Review the mapping in a browser: a local page for the restaurant (--web)."),
    "sync": ("sync", "For cron: pull, report menu drift and broken links, map new items."),
    "order": ("orders", "Send orders exactly once (one or a batch); follow their status."),
    "webhooks": ("webhooks", "Receive, verify and act on Poster's webhooks; list, replay, test."),
    "sandbox": ("sandbox", "A local Poster emulator: serve it, trigger cashier actions, faults."),
}
COMMAND_MODULES = list(dict.fromkeys(module for module, _ in COMMANDS.values()))


@functools.lru_cache(maxsize=None)
def _module_commands(module_name: str) -> dict[str, Any]:
    """The click commands one command module registers (imported and built on first use)."""
    module = importlib.import_module(f"poster_cli.cli.{module_name}")
    holder = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False)
    module.register(holder)
    return dict(typer.main.get_group(holder).commands)


# click is chosen at run time (Typer's vendored copy or the package), so its class is Any to mypy.
_ClickUsageError: Any = click.exceptions.UsageError


class _OneLineUsageError(_ClickUsageError):  # type: ignore[misc]
    """A usage error as one line (what is wrong, where the help is) instead of click's usage block."""

    def show(self, file: Any = None) -> None:
        where = self.ctx.command_path if self.ctx is not None else "poster-cli"
        _err(f"error: {self.format_message()} (see `{where} --help`)")


def _one_line(err: Any) -> Any:
    if isinstance(err, getattr(click.exceptions, "NoArgsIsHelpError", ())):
        return err  # a bare group prints its help, as click does
    one = _OneLineUsageError(err.format_message(), err.ctx)
    one.exit_code = err.exit_code
    return one


def _takes_value(param: Any) -> bool:
    return not (getattr(param, "is_flag", False) or getattr(param, "count", False))


def _option_names(params: Any) -> dict[str, Any]:
    """Every spelling of a command's options (``--spot``, ``-s``) -> its parameter."""
    names: dict[str, Any] = {}
    for param in params:
        if getattr(param, "param_type_name", "") == "option":
            for name in [*param.opts, *param.secondary_opts]:
                names[name] = param
    return names


def hoist_global_options(group: Any, ctx: Any, args: list[str]) -> list[str]:
    """Global options written after the sub-command (``order list --data-dir X``) moved in front
    of it, where the root callback reads them: the root's own options are the one definition.

    A sub-command's own option of the same name wins (``order send --spot``, ``order watch
    --timeout``); values of the sub-command's options and everything after ``--`` stay put.
    """
    globals_ = {name: p for name, p in _option_names(group.params).items() if not p.is_eager}
    i = 0
    while i < len(args):  # the command name: the first word that is not a root option or its value
        arg = args[i]
        if arg == "--" or not arg.startswith("-"):
            break
        i += 1 if "=" in arg or not _takes_value(globals_.get(arg)) else 2
    if i >= len(args) or args[i] == "--":
        return args
    head, rest = args[: i + 1], args[i + 1 :]
    command = group.get_command(ctx, args[i])
    own: dict[str, Any] = {}
    while command is not None:
        own.update(_option_names(command.params))
        if not hasattr(command, "get_command"):
            break
        word = next((a for a in rest if not a.startswith("-")), None)
        command = command.get_command(ctx, word) if word is not None else None
    moved: list[str] = []
    kept: list[str] = []
    j = 0
    while j < len(rest):
        arg = rest[j]
        if arg == "--":
            kept.extend(rest[j:])
            break
        name = arg.split("=", 1)[0] if arg.startswith("--") else arg
        if name in own:
            width = 1 if "=" in arg or not _takes_value(own[name]) else 2
            kept.extend(rest[j : j + width])
            j += width
        elif name in globals_:
            width = 1 if "=" in arg or not _takes_value(globals_[name]) else 2
            moved.extend(rest[j : j + width])
            j += width
        else:
            kept.append(arg)
            j += 1
    if not moved:
        return args
    return head[:-1] + moved + head[-1:] + kept


SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def _named_shell(args: list[str], flag: str) -> str | None:
    """``--install-completion zsh`` (or ``=zsh``): the shell named after the flag, if any."""
    for i, arg in enumerate(args):
        if arg == flag and i + 1 < len(args) and args[i + 1] in SHELLS:
            return args[i + 1]
        if arg.startswith(flag + "=") and arg.split("=", 1)[1] in SHELLS:
            return arg.split("=", 1)[1]
    return None


def _completion_for_named_shell(ctx: Any, args: list[str]) -> None:
    """Typer's completion flags guess the shell from the parent process and ignore a shell named
    after them; a named shell is the one installed or shown."""
    install_for = _named_shell(args, "--install-completion")
    show_for = _named_shell(args, "--show-completion")
    if install_for is None and show_for is None:
        return
    from typer import _completion_shared as shared

    prog = ctx.info_name or "poster-cli"
    var = "_{}_COMPLETE".format(prog.replace("-", "_").upper())
    if install_for is not None:
        shell, path = shared.install(shell=install_for, prog_name=prog, complete_var=var)
        typer.echo(f"{shell} completion installed in {path}")
        typer.echo("Completion will take effect once you restart the terminal")
    else:
        typer.echo(shared.get_completion_script(prog_name=prog, complete_var=var, shell=show_for or ""))
    raise typer.Exit(0)


class PosterGroup(TyperGroup):
    """Turns the tool's errors into one line on stderr and an exit code, for every sub-command."""

    def parse_args(self, ctx: Any, args: list[str]) -> Any:
        try:
            if ctx.parent is None:
                _completion_for_named_shell(ctx, list(args))
                args = hoist_global_options(self, ctx, list(args))
            return super().parse_args(ctx, args)
        except click.exceptions.UsageError as err:
            raise _one_line(err) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except click.exceptions.UsageError as err:  # a sub-command's bad flag or argument
            raise _one_line(err) from None
        except PosterCliError as err:
            _report(ctx, err)
            raise typer.Exit(err.exit_code) from None
        except KeyboardInterrupt:
            _err("interrupted; what was done so far is saved")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except _PASS_THROUGH:
            raise
        except Exception as err:  # unexpected: one line, traceback only with --debug
            from poster_cli.poster.redact import redact

            if _debug(ctx):
                _err(redact("".join(traceback.format_exception(err))))
            _err(redact(f"error: unexpected {type(err).__name__}: {err} (run with --debug for details)"))
            raise typer.Exit(EXIT_FAILED) from None

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, name: str) -> Any:
        if name not in COMMANDS:
            return None
        return _module_commands(COMMANDS[name][0]).get(name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The root help lists commands from the table, without importing every module."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, summary) for name, (_, summary) in COMMANDS.items()])

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.UsageError as exc:
            name = args[0] if args else ""
            if name and name not in COMMANDS and not name.startswith("-"):
                from rapidfuzz import process

                best = process.extractOne(name, list(COMMANDS))
                if best and best[1] >= 60:
                    raise click.exceptions.UsageError(
                        f"No such command {name!r}. Did you mean {best[0]!r}?", ctx
                    ) from None
            raise exc


def _debug(ctx: Any) -> bool:
    obj = ctx.find_root().obj
    return bool(isinstance(obj, GlobalOptions) and obj.debug)


def _err(text: str) -> None:
    sys.stderr.write(text.rstrip("\n") + "\n")
    sys.stderr.flush()


def _report(ctx: Any, err: PosterCliError) -> None:
    from poster_cli.output import error_line, say
    from poster_cli.poster.redact import redact

    if _debug(ctx) and err.exit_code != EXIT_ATTENTION:  # exit 3 is a normal outcome, not a failure
        _err(redact("".join(traceback.format_exception(err))))
    if err.exit_code == EXIT_ATTENTION:
        say(f"attention: {err}", style="bold yellow", wrap=False)
    else:
        error_line(str(err))


app = typer.Typer(
    cls=PosterGroup,
    name="poster-cli",
    help="Connect your own website, app or chatbot to the Poster POS: map the menu, keep it in "
    "sync, send online orders exactly once, follow them through webhooks. Try it all with "
    "`poster-cli demo`. The options below may also be given after the command "
    "(poster-cli order list --data-dir X).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"poster-cli {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    config: Optional[str] = typer.Option(None, "--config", envvar="POSTER_CLI_CONFIG", help="Config file (TOML)."),
    profile: Optional[str] = typer.Option(
        None, "--profile", envvar="POSTER_PROFILE", help="Profile: [profiles.NAME] in the config."
    ),
    api_url: Optional[str] = typer.Option(
        None, "--api-url", help="Poster API base URL ending in /api (env POSTER_API_URL)."
    ),
    spot_id: Optional[int] = typer.Option(None, "--spot", help="Spot id (env POSTER_SPOT_ID)."),
    data_dir: Optional[str] = typer.Option(None, "--data-dir", help="Data folder (env POSTER_CLI_DATA_DIR)."),
    no_input: bool = typer.Option(False, "--no-input", help="Never prompt; fail naming the flag instead."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks and log each API call (token redacted)."),
    timeout: Optional[float] = typer.Option(
        None, "--timeout", help="Seconds a whole Poster call may take (env POSTER_TIMEOUT)."
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Example: poster-cli pull && poster-cli match site.csv"""
    opts = GlobalOptions(config=config, profile=profile, debug=debug, no_input=no_input)
    opts.overrides = {"api_url": api_url, "spot_id": spot_id, "data_dir": data_dir, "timeout": timeout}
    ctx.obj = opts
    from poster_cli.config import debug_from_env

    if debug or debug_from_env():
        _enable_api_log()


def _enable_api_log() -> None:
    """Log each API call to stderr, through the redactor (logging is imported only when asked for)."""
    import logging

    from poster_cli.poster.redact import redact

    class RedactingHandler(logging.Handler):
        """Writes to whatever ``sys.stderr`` is at the time (tests and the demo swap it)."""

        poster_cli_redacting = True

        def emit(self, record: logging.LogRecord) -> None:
            try:
                sys.stderr.write(redact(self.format(record)) + "\n")
            except (ValueError, OSError):
                pass  # a closed stream must never break the command being logged

    logger = logging.getLogger("poster_cli")
    if any(getattr(h, "poster_cli_redacting", False) for h in logger.handlers):
        return
    handler = RedactingHandler()
    handler.setFormatter(logging.Formatter("poster-cli: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


def run() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(EXIT_INTERRUPTED)
