"""Checks behind `poster-cli doctor`: each returns one line, with a fix when something is wrong."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from poster_cli.config import Settings
from poster_cli.errors import PosterCliError
from poster_cli.poster.errors import PosterAuthError, PosterTransportError
from poster_cli.private import private_dir


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str | None = None
    auth: bool = False  # a failure of the token itself (exit 4)


async def run_checks(s: Settings, make_client: Any) -> list[Check]:
    """Token set, API reachable and token accepted, spots (and the configured one), currency, data dir."""
    checks: list[Check] = []
    if not s.token:
        checks.append(
            Check("token", False, "no token configured", "run `poster-cli login` or set POSTER_TOKEN", auth=True)
        )
    else:
        src = s.sources.get("token", "?")
        checks.append(Check("token", True, f"set (from {src})"))
        try:
            async with make_client(s) as api:
                spots = await api.get_spots()
                checks.append(Check("api", True, f"{s.api_url} answered; token accepted"))
                names = ", ".join(f"{sp.spot_id} {sp.name}" for sp in spots)
                if s.spot_id is None:
                    fix = None if len(spots) == 1 else "set spot_id (POSTER_SPOT_ID) to the spot orders go to"
                    checks.append(
                        Check("spots", len(spots) == 1, f"{len(spots)} spot(s): {names}; no spot_id configured", fix)
                    )
                elif any(sp.spot_id == s.spot_id for sp in spots):
                    checks.append(Check("spots", True, f"spot {s.spot_id} found among {len(spots)}: {names}"))
                else:
                    checks.append(Check("spots", False, f"spot {s.spot_id} is not among: {names}", "fix spot_id"))
                cur = await api.get_currency()
                checks.append(Check("currency", bool(cur.code_iso), f"{cur.code_iso} ({cur.name})"))
        except PosterAuthError as err:
            checks.append(
                Check(
                    "api",
                    False,
                    f"{s.api_url}: Poster refused the token (error {err.code})",
                    "run `poster-cli login` with a valid token",
                    auth=True,
                )
            )
        except PosterTransportError as err:
            checks.append(
                Check("api", False, f"{s.api_url} unreachable: {err.reason}", "check POSTER_API_URL and the network")
            )
        except PosterCliError as err:
            checks.append(Check("api", False, str(err), None))
    checks.append(_data_dir_check(s))
    return checks


def _data_dir_check(s: Settings) -> Check:
    d = s.data_dir
    try:
        private_dir(d)
        probe = d / ".doctor-probe"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        return Check(
            "data dir",
            False,
            f"{d} not writable: {exc.strerror}",
            "set data_dir (POSTER_CLI_DATA_DIR) to a writable folder",
        )
    snap = "menu snapshot present" if (d / "menu.json").exists() else "no snapshot yet (run `poster-cli pull`)"
    return Check("data dir", True, f"{os.path.abspath(d)} writable; {snap}")
