"""The pieces of `poster-cli demo`: an embedded sandbox and webhook receiver on free loopback ports,
and the settings (as environment variables) that point every command at them.

The demo runs the real commands in this process against these servers, so what it shows is what a
user gets on a real account, with the sandbox standing in for Poster.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterator

DEMO_SPOT = 1
WEBHOOK_RETRY_DELAYS = (0.2, 0.5, 1.0)  # Poster waits minutes between retries; the demo cannot


def demo_catalogue() -> Path:
    """The demo café's website catalogue (a copy of examples/site-catalogue.csv, shipped with the package)."""
    return Path(str(resources.files("poster_cli.sandbox") / "data" / "site-catalogue.csv"))


@dataclass
class DemoEnv:
    data_dir: Path
    api_url: str
    webhook_url: str
    environ: dict[str, str]


@contextlib.contextmanager
def demo_environment(*, keep: bool = False, data_dir: Path | None = None) -> Iterator[DemoEnv]:
    """Start the sandbox and the webhook receiver in background threads; yield where they are.

    Everything lives in a temporary data folder, removed afterwards unless ``keep``.
    """
    from poster_cli.config import load_settings
    from poster_cli.poster.client import PosterClient
    from poster_cli.sandbox import DEMO_APP_SECRET, DEMO_TOKEN, Sandbox
    from poster_cli.serving import bind, serving_in_thread
    from poster_cli.webhooks.app import ReceiverConfig, create_app
    from poster_cli.webhooks.processor import EventProcessor

    folder = data_dir or Path(tempfile.mkdtemp(prefix="poster-cli-demo-"))
    sandbox_sock, receiver_sock = bind(), bind()
    api_url = f"http://127.0.0.1:{sandbox_sock.getsockname()[1]}/api"
    webhook_url = f"http://127.0.0.1:{receiver_sock.getsockname()[1]}/webhook"
    environ = {
        "POSTER_TOKEN": DEMO_TOKEN,
        "POSTER_API_URL": api_url,
        "POSTER_SPOT_ID": str(DEMO_SPOT),
        "POSTER_APP_SECRET": DEMO_APP_SECRET,
        "POSTER_CLI_DATA_DIR": str(folder),
        "POSTER_RATE_LIMIT": "50",
    }
    settings = load_settings(env=environ, cwd=folder)
    sandbox = Sandbox(webhook_url=webhook_url, app_secret=DEMO_APP_SECRET, retry_delays=WEBHOOK_RETRY_DELAYS)
    api = PosterClient(settings.api_url, settings.token, timeout=settings.timeout, rate=settings.rate_limit)
    receiver = create_app(
        ReceiverConfig(secret=DEMO_APP_SECRET, store_path=settings.webhooks_path),
        EventProcessor.from_settings(api, settings),
        log=lambda line: None,  # the demo narrates; the receiver's own log would interleave
    )
    try:
        with serving_in_thread(sandbox, sock=sandbox_sock), serving_in_thread(receiver, sock=receiver_sock):
            yield DemoEnv(data_dir=folder, api_url=api_url, webhook_url=webhook_url, environ=environ)
    finally:
        if not keep and data_dir is None:
            shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the duration, restoring what was there before."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
