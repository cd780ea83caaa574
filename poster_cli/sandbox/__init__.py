"""A local emulator of Poster's web API: the demo café, cashier actions, signed webhooks, faults.

It behaves like Poster as documented (and says in each module's docstring where it had to infer
what Poster does); it never uses the project's own API client to shape its answers. Names are
loaded lazily so ``poster_cli.sandbox.events`` stays cheap to import for the CLI's help.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "METHODS": "app",
    "Sandbox": "app",
    "create_app": "app",
    "FaultConfig": "faults",
    "SandboxState": "state",
    "DEMO_TOKEN": "state",
    "DEMO_APP_SECRET": "state",
    "EVENTS": "events",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'poster_cli.sandbox' has no attribute {name!r}")
    return getattr(import_module(f"poster_cli.sandbox.{module}"), name)
