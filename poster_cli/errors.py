"""The error tree every command maps to an exit code.

Each error is one line for the user: what happened and what to do. The CLI prints ``str(err)``
and exits with ``err.exit_code``; it never prints a traceback unless ``--debug`` is given.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_ATTENTION = 3
EXIT_AUTH = 4
EXIT_INTERRUPTED = 130


class PosterCliError(Exception):
    """Base of every error the tool reports to a user (exit 1 unless a subclass says otherwise)."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class UsageError(PosterCliError):
    """Bad flags, a broken config or a bad input file: exit 2."""

    exit_code = EXIT_USAGE


class ConfigError(UsageError):
    """A config file that does not parse or holds a wrong value."""


class InputFileError(UsageError):
    """A user file (catalogue, order batch, snapshot) that cannot be used; names file and line."""

    def __init__(self, path: object, problem: str, *, line: int | None = None, hint: str | None = None) -> None:
        where = f"{path}:{line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {problem}", hint=hint)
        self.path = str(path)
        self.line = line
        self.problem = problem


class NotConfiguredError(UsageError):
    """A setting a command needs is missing (e.g. no spot id)."""


class AuthError(PosterCliError):
    """No token, or Poster refused it: exit 4."""

    exit_code = EXIT_AUTH


class NeedsAttention(PosterCliError):
    """The command did its work, but something needs a person (exit 3)."""

    exit_code = EXIT_ATTENTION
