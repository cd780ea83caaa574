"""A local emulator of Poster's web API: the demo café, cashier actions, signed webhooks, faults.

It behaves like Poster as documented (and says in each module's docstring where it had to infer
what Poster does); it never uses the project's own API client to shape its answers.
"""

from poster_cli.sandbox.app import METHODS, Sandbox, create_app
from poster_cli.sandbox.faults import FaultConfig
from poster_cli.sandbox.state import DEMO_APP_SECRET, DEMO_TOKEN, SandboxState

__all__ = ["METHODS", "Sandbox", "create_app", "FaultConfig", "SandboxState", "DEMO_TOKEN", "DEMO_APP_SECRET"]
