"""Settings: flags > environment > ``--config FILE``/``POSTER_CLI_CONFIG`` > ``./poster-cli.toml``
> the user config dir (``$XDG_CONFIG_HOME/poster-cli/config.toml``).

Every file is a TOML table of keys (see ``sample-config.toml``) with optional
``[profiles.NAME]`` tables whose keys override the file's top level when that profile is chosen
(``--profile``/``POSTER_PROFILE``). Each environment variable ``POSTER_X`` is the key ``x``.
"""

from __future__ import annotations

import math
import os
import stat
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import tomli_w

from poster_cli.errors import ConfigError
from poster_cli.poster.redact import register_secret

DEFAULT_API_URL = "https://joinposter.com/api"

# key -> (environment variable, type, default, comment for sample config / init)
KEYS: dict[str, tuple[str, type, Any, str]] = {
    "token": (
        "POSTER_TOKEN",
        str,
        None,
        "Personal or OAuth access token, ACCOUNT:32hex. Keep this file private (0600).",
    ),
    "api_url": (
        "POSTER_API_URL",
        str,
        DEFAULT_API_URL,
        "Base URL ending in /api; point it at `poster-cli sandbox serve` to try things.",
    ),
    "spot_id": ("POSTER_SPOT_ID", int, None, "The spot (location) online orders go to and whose prices count."),
    "app_id": ("POSTER_APP_ID", str, None, "Developer application id (OAuth)."),
    "app_secret": ("POSTER_APP_SECRET", str, None, "Developer application secret: verifies webhooks, OAuth."),
    "account": (
        "POSTER_ACCOUNT",
        str,
        None,
        "Poster account name (the ACCOUNT in ACCOUNT.joinposter.com); `login --oauth` stores it.",
    ),
    "data_dir": ("POSTER_CLI_DATA_DIR", str, "./poster-data", "Where menu.json, mapping.toml and the journals live."),
    "timeout": (
        "POSTER_TIMEOUT",
        float,
        15.0,
        "Seconds one whole Poster request may take (connecting and the full answer), 0.1-3600.",
    ),
    "rate_limit": (
        "POSTER_RATE_LIMIT",
        float,
        5.0,
        "Requests per second at most (Poster answers error 700 above its limit), 0.1-1000; 0 = no pacing.",
    ),
    "comment_template": (
        "POSTER_COMMENT_TEMPLATE",
        str,
        "Site order #{order_id}",
        "Marker put in each order's comment; must contain {order_id}.",
    ),
}


# The range each numeric setting must lie in (inclusive), checked when it is loaded: nan, inf, zero
# and negatives never reach the client, where they would hang (rate_limit = 1e-9 is one call in 30
# years) or surface later as a misleading connect timeout.
RANGES: dict[str, tuple[float, float, str]] = {
    "spot_id": (1, 2**53, "a positive whole number (a spot from `poster-cli doctor`)"),
    "timeout": (0.1, 3600.0, "between 0.1 and 3600 seconds (the deadline of each whole request)"),
    "rate_limit": (0.1, 1000.0, "0 (no pacing) or between 0.1 and 1000 requests per second"),
}
OFF_BY_ZERO = frozenset({"rate_limit"})  # 0 means "no pacing until Poster says error 700"


FLAG_NAMES = {"spot_id": "--spot"}  # flags not named after their key


def _check_range(key: str, value: float, source: str) -> None:
    low, high, what = RANGES[key]
    if value == 0 and key in OFF_BY_ZERO:
        return
    if not (math.isfinite(value) and low <= value <= high):
        if source.startswith("--"):
            hint = f"pass {source} with a value in that range"
        elif source.startswith("POSTER_"):
            hint = f"fix or unset the environment variable {source}"
        else:
            hint = f"fix {key} in that file"
        raise ConfigError(f"{source}: {key} must be {what}, got {value!r}", hint=hint)


def user_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "poster-cli" / "config.toml"


@dataclass
class Settings:
    """Resolved settings, with where each value came from (for ``doctor``)."""

    token: str | None = None
    api_url: str = DEFAULT_API_URL
    spot_id: int | None = None
    app_id: str | None = None
    app_secret: str | None = None
    account: str | None = None
    data_dir: Path = Path("./poster-data")
    timeout: float = 15.0
    rate_limit: float = 5.0
    comment_template: str = "Site order #{order_id}"
    profile: str | None = None
    sources: dict[str, str] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    def __repr__(self) -> str:  # the token never shows, even in a debugger or traceback
        return f"Settings(api_url={self.api_url!r}, spot_id={self.spot_id!r}, profile={self.profile!r}, token={'set' if self.token else 'unset'})"

    @property
    def menu_path(self) -> Path:
        return self.data_dir / "menu.json"

    @property
    def mapping_path(self) -> Path:
        return self.data_dir / "mapping.toml"

    @property
    def journal_path(self) -> Path:
        return self.data_dir / "orders.sqlite"

    @property
    def webhooks_path(self) -> Path:
        return self.data_dir / "webhooks.sqlite"

    @property
    def is_local_api(self) -> bool:
        """The API is on this machine (a sandbox), so nothing reaches a live account."""
        from poster_cli.live import is_local_url

        return is_local_url(self.api_url)


def read_toml(path: Path, *, fix: str = "fix the file or point --config elsewhere") -> dict[str, Any]:
    """Read a TOML file; a parse error is one line naming the file and line (exit 2), with ``fix``."""
    try:
        raw = path.read_bytes()
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text", hint="save the file as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}, line {_error_line(exc, raw)}: not valid TOML: {exc}", hint=fix) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def _error_line(exc: tomllib.TOMLDecodeError, raw: bytes) -> int:
    """The line a TOML error is on (Python 3.11's tomllib only says it in the message)."""
    import re

    found = re.search(r"at line (\d+)", str(exc))
    if found:
        return int(found.group(1))
    return max(1, raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1))  # "at end of document"


def _layer(data: Mapping[str, Any], profile: str | None, path: Path) -> dict[str, Any]:
    layer = {k: v for k, v in data.items() if k != "profiles"}
    profiles = data.get("profiles") or {}
    if not isinstance(profiles, Mapping):
        raise ConfigError(f"{path}: [profiles] must be a table")
    if profile:
        chosen = profiles.get(profile)
        if chosen is not None:
            if not isinstance(chosen, Mapping):
                raise ConfigError(f"{path}: [profiles.{profile}] must be a table")
            layer.update(chosen)
    return layer


def _coerce(key: str, value: Any, source: str) -> Any:
    kind = KEYS[key][1]
    if value is None:
        return None
    try:
        if kind is int:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError  # spot_id = 1.5 is a mistake, not spot 1
            number = int(value)
            if key in RANGES:
                _check_range(key, number, source)
            return number
        if kind is float:
            if isinstance(value, bool):
                raise ValueError
            real = float(value)
            if key in RANGES:
                _check_range(key, real, source)
            return real
        if key == "api_url" and not str(value).startswith(("http://", "https://")):
            raise ConfigError(
                f"{source}: api_url must start with http:// or https://, got {value!r}",
                hint="e.g. https://joinposter.com/api",
            )
        return str(value)
    except (TypeError, ValueError):
        raise ConfigError(
            f"{source}: {key} must be {'a whole number' if kind is int else 'a number'}, got {value!r}"
        ) from None


def load_settings(
    *,
    flags: Mapping[str, Any] | None = None,
    config_file: str | Path | None = None,
    profile: str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Settings:
    """Resolve settings from every layer; unknown keys in a file are an error naming them."""
    env = os.environ if env is None else env
    cwd = cwd or Path.cwd()
    profile = profile or env.get("POSTER_PROFILE") or None
    explicit = config_file or env.get("POSTER_CLI_CONFIG") or None

    files: list[Path] = []
    user = user_config_path()
    if user.is_file():
        files.append(user)
    local = cwd / "poster-cli.toml"
    if local.is_file():
        files.append(local)
    if explicit:
        p = Path(explicit).expanduser()
        if not p.is_file():
            raise ConfigError(f"config file {p} does not exist", hint="run `poster-cli init` to write one")
        files.append(p)

    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    profile_found = not profile
    for path in files:  # lowest precedence first
        data = read_toml(path)
        profiles = data.get("profiles") or {}
        if profile and isinstance(profiles, Mapping) and profile in profiles:
            profile_found = True
        for key, value in _layer(data, profile, path).items():
            if key not in KEYS:
                raise ConfigError(f"{path}: unknown key {key!r}", hint="see sample-config.toml for the keys")
            values[key] = _coerce(key, value, str(path))
            sources[key] = str(path)
    if not profile_found:
        raise ConfigError(
            f"profile {profile!r} is not defined in any config file", hint="add [profiles." + str(profile) + "]"
        )
    for key, (var, _, _, _) in KEYS.items():
        if env.get(var):
            values[key] = _coerce(key, env[var], var)
            sources[key] = var
    for key, value in (flags or {}).items():
        if value is not None:
            values[key] = _coerce(key, value, FLAG_NAMES.get(key, f"--{key.replace('_', '-')}"))
            sources[key] = "flag"

    s = Settings(profile=profile, sources=sources, files=files)
    for key, (_, _, default, _) in KEYS.items():
        value = values.get(key, default)
        if key == "data_dir":
            value = Path(value).expanduser()
        setattr(s, key, value)
    if "{order_id}" not in s.comment_template:
        raise ConfigError("comment_template must contain {order_id}")
    s.api_url = s.api_url.rstrip("/")
    register_secret(s.token)
    register_secret(s.app_secret)
    return s


def write_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder and a rename: never half-written.
    The file is 0600 unless ``mode`` says otherwise (mkstemp's mode), a folder it creates 0700."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            if mode is not None:
                os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def render_config(values: Mapping[str, Any], *, commented: bool = True) -> str:
    """A config file: each key with its comment above it; keys without a value are commented out."""
    lines = ["# poster-cli configuration. Precedence: flags > environment > this file.", ""]
    for key, (var, _, default, comment) in KEYS.items():
        value = values.get(key)
        if commented:
            lines.append(f"# {comment} (env {var})")
        if value is None:
            shown = default if default is not None else ""
            lines.append("# " + tomli_w.dumps({key: shown}).strip())
        else:
            lines.append(tomli_w.dumps({key: value}).strip())
        lines.append("")
    return "\n".join(lines)


def store_value(path: Path, key: str, value: Any, *, profile: str | None = None) -> None:
    """Set one key in a config file (creating it), keeping the rest; the file is made 0600."""
    data = read_toml(path) if path.is_file() else {}
    target: dict[str, Any] = data
    if profile:
        target = data.setdefault("profiles", {}).setdefault(profile, {})
    target[key] = value
    write_atomic(path, tomli_w.dumps(data).encode(), mode=stat.S_IRUSR | stat.S_IWUSR)


# -- the environment outside the settings table ------------------------------------------------
# Every other environment variable poster-cli reads is read here, so the whole list is in one file.

DEFAULT_LOOKUP_DELAYS = (1.0, 2.0, 4.0)


def debug_from_env() -> bool:
    """``POSTER_DEBUG=1`` does what ``--debug`` does."""
    return os.environ.get("POSTER_DEBUG") == "1"


def lookup_delays() -> tuple[float, ...]:
    """Waits between the lookups after a lost answer; ``POSTER_CLI_LOOKUP_DELAYS=0.1,0.2`` shortens
    them (tests, demos)."""
    raw = os.environ.get("POSTER_CLI_LOOKUP_DELAYS")
    if not raw:
        return DEFAULT_LOOKUP_DELAYS
    try:
        delays = tuple(float(x) for x in raw.split(",") if x.strip())
        if not all(0 <= d <= 300 for d in delays):  # also refuses nan and inf
            raise ValueError
        return delays
    except ValueError:
        raise ConfigError(
            f"POSTER_CLI_LOOKUP_DELAYS={raw!r}: expected seconds (0-300) separated by commas",
            hint="fix or unset the environment variable POSTER_CLI_LOOKUP_DELAYS",
        ) from None


def forced_tty() -> bool | None:
    """``POSTER_CLI_TTY``: ``1`` acts as if at a terminal, ``0``/``false``/``no`` as if piped; unset
    or empty: look at the streams."""
    v = os.environ.get("POSTER_CLI_TTY")
    if v is None or v == "":
        return None
    return v not in ("0", "false", "no")


def colour_allowed_by_env() -> bool:
    """No colour with ``NO_COLOR`` set (any value, see no-color.org) or ``TERM=dumb``."""
    return "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def graphical_display() -> bool:
    """A display server is there (``DISPLAY`` or ``WAYLAND_DISPLAY``)."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def tz_variable() -> str:
    """``TZ`` without POSIX's leading colon (empty when unset)."""
    return os.environ.get("TZ", "").lstrip(":")
