"""The user's ``--on-event`` command: run through the shell, the event JSON on its stdin.

A run that exits non-zero or outlives its timeout is retried with exponential backoff; its own
process group is killed on timeout so a stuck pipeline leaves nothing behind. The command does
not inherit ``POSTER_TOKEN`` or ``POSTER_APP_SECRET``; it gets ``POSTER_EVENT_OBJECT``,
``POSTER_EVENT_ACTION`` and ``POSTER_EVENT_OBJECT_ID`` besides the JSON.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Mapping

HIDDEN_ENV = ("POSTER_TOKEN", "POSTER_APP_SECRET")


@dataclass(frozen=True)
class HookPolicy:
    """How the command is run: seconds per run, runs in all, first pause between runs."""

    command: str
    timeout: float = 30.0
    attempts: int = 3
    backoff: float = 2.0


@dataclass(frozen=True)
class HookResult:
    ok: bool
    attempts: int
    error: str | None = None
    later: bool = False  # could not even start (no file descriptors or processes left): try again later


def _env(payload: Mapping[str, Any]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in HIDDEN_ENV}
    env["POSTER_EVENT_OBJECT"] = str(payload.get("object", ""))
    env["POSTER_EVENT_ACTION"] = str(payload.get("action", ""))
    env["POSTER_EVENT_OBJECT_ID"] = str(payload.get("object_id", ""))
    return env


def _kill(proc: asyncio.subprocess.Process) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _last_line(text: bytes) -> str:
    lines = [ln for ln in text.decode("utf-8", "replace").splitlines() if ln.strip()]
    return lines[-1][:300] if lines else ""


async def run_once(command: str, payload: Mapping[str, Any], timeout: float) -> str | None:
    """Run the command once; None when it succeeded, else why it failed."""
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    proc = await asyncio.create_subprocess_shell(
        command,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_env(payload),
        start_new_session=True,  # its own process group, so a timeout kills the whole pipeline
    )
    try:
        _, err = await asyncio.wait_for(proc.communicate(data), timeout)
    except (asyncio.TimeoutError, asyncio.CancelledError) as exc:
        _kill(proc)
        await proc.wait()
        if isinstance(exc, asyncio.CancelledError):
            raise
        return f"timed out after {timeout:g}s"
    if proc.returncode != 0:
        tail = _last_line(err)
        return f"exit status {proc.returncode}" + (f": {tail}" if tail else "")
    return None


async def run_hook(
    policy: HookPolicy,
    payload: Mapping[str, Any],
    *,
    log: Callable[[str], None],
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> HookResult:
    """Run the command until it succeeds or ``policy.attempts`` runs failed; every failure is logged."""
    error: str | None = None
    for attempt in range(1, policy.attempts + 1):
        try:
            error = await run_once(policy.command, payload, policy.timeout)
        except OSError as exc:  # the shell could not start: out of file descriptors or processes
            # not the command's fault, and not a run: the receiver tries again later, never drops it
            return HookResult(False, attempt - 1, f"cannot start: {exc.strerror or exc}", later=True)
        if error is None:
            return HookResult(True, attempt)
        label = f"{payload.get('object')} {payload.get('object_id')} {payload.get('action')}"
        log(f"on-event command failed for {label} (run {attempt}/{policy.attempts}): {error}")
        if attempt < policy.attempts:
            await sleep(policy.backoff * 2 ** (attempt - 1))
    return HookResult(False, policy.attempts, error)
