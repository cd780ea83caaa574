"""Everything the terminal sees: stdout for data, stderr for talk.

``--json`` prints one JSON document on stdout. Colour, spinners and progress bars only when stderr
is a terminal and neither ``NO_COLOR`` nor ``TERM=dumb`` is set. ``POSTER_CLI_TTY=1|0`` overrides
terminal detection (tests drive the interactive paths with it).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, is_dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Collection, Iterable, Sequence, Tuple, Union

from poster_cli.poster.redact import redact

if TYPE_CHECKING:  # rich is imported when something is printed, not at start-up
    from rich.console import Console


def _is_tty(stream_name: str) -> bool:
    """Whether ``sys.<stream_name>`` (looked up now: tests swap it) is a terminal;
    ``POSTER_CLI_TTY`` overrides."""
    from poster_cli.config import forced_tty

    forced = forced_tty()
    if forced is not None:
        return forced
    try:
        return bool(getattr(sys, stream_name).isatty())
    except (AttributeError, ValueError):
        return False


def stdin_is_tty() -> bool:
    return _is_tty("stdin")


def stdout_is_tty() -> bool:
    """stdout is a terminal: tables for people, plain lines for pipes."""
    return _is_tty("stdout")


def stderr_is_tty() -> bool:
    return _is_tty("stderr")


def color_allowed() -> bool:
    from poster_cli.config import colour_allowed_by_env

    return stderr_is_tty() and colour_allowed_by_env()


def err_console() -> "Console":
    """A console on the current stderr (made per call: tests swap the streams)."""
    from rich.console import Console

    colour = color_allowed()
    return Console(
        file=sys.stderr,
        force_terminal=colour,
        no_color=not colour,
        highlight=False,
        soft_wrap=not stderr_is_tty(),
        width=None if stderr_is_tty() else 120,
    )


def out_console() -> "Console":
    """A console on stdout for human tables (data); plain when piped."""
    from rich.console import Console

    is_tty = stdout_is_tty()
    from poster_cli.config import colour_allowed_by_env

    colour = is_tty and colour_allowed_by_env()
    return Console(
        file=sys.stdout, force_terminal=colour, no_color=not colour, highlight=False, width=None if is_tty else 120
    )


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def printable(text: str) -> str:
    """Control characters from a user's file (NUL, ESC, CR) shown as U+FFFD, never sent to the terminal."""
    return _CONTROL.sub("\ufffd", text)


def say(message: str, *, style: str | None = None, wrap: bool = True) -> None:
    """Talk to the user on stderr (redacted); ``wrap=False`` leaves wrapping to the terminal."""
    text = printable(redact(message))
    if not stderr_is_tty():  # a pipe or a log: plain lines, exactly what rich would print there
        sys.stderr.write(text + "\n")
        sys.stderr.flush()
        return
    err_console().print(text, style=style, markup=False, soft_wrap=None if wrap else True)


def warn(message: str) -> None:
    say(f"warning: {message}", style="yellow")


def error_line(message: str) -> None:
    say(f"error: {message}", style="bold red", wrap=False)  # one line, even at a narrow terminal


def to_jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, Path):
        return str(value)
    return value


def emit_json(data: Any) -> None:
    """Print one JSON document on stdout (redacted, stable key order as given)."""
    text = json.dumps(to_jsonable(data), ensure_ascii=False, indent=2)
    sys.stdout.write(redact(text) + "\n")
    sys.stdout.flush()


def money(kopecks: int | None, currency: str | None = None) -> str:
    """190000 -> '1 900.00 UAH' (integer arithmetic only)."""
    if kopecks is None:
        return "-"
    sign = "-" if kopecks < 0 else ""
    whole, cents = divmod(abs(kopecks), 100)
    text = f"{sign}{whole:,}.{cents:02d}".replace(",", " ")
    return f"{text} {currency}" if currency else text


Cell = Union[str, list[str], Tuple[str, str]]


def _plain_cell(cell: Any) -> str:
    if isinstance(cell, tuple):  # (text, style)
        cell = cell[0]
    if isinstance(cell, list):
        cell = "; ".join(cell)
    return printable(str(cell).replace("\t", " ").replace("\n", " "))


def print_table(
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    title: str | None = None,
    right: Collection[str] = (),
) -> None:
    """A command's table on stdout: boxes for a person at a terminal; piped, plain text the same way
    for every command (a header line, then one line per row, cells separated by tabs). A cell is a
    string, a list of lines, or ``(text, rich style)``."""
    if not stdout_is_tty():
        lines = ["\t".join(_plain_cell(h) for h in header)]
        lines += ["\t".join(_plain_cell(c) for c in row) for row in rows]
        sys.stdout.write(redact("\n".join(lines)) + "\n")
        sys.stdout.flush()
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, show_edge=False, pad_edge=False, header_style="bold")
    for name in header:
        table.add_column(name, justify="right" if name in right else "left")
    for row in rows:
        cells = []
        for c in row:
            if isinstance(c, tuple):
                cells.append(Text(printable(redact(c[0])), style=c[1] or ""))
            elif isinstance(c, list):
                cells.append(Text(printable(redact("\n".join(c)))))
            else:
                cells.append(Text(printable(redact(str(c)))))
        table.add_row(*cells)
    out_console().print(table)
