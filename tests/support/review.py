"""The web review on the README's walkthrough data: the demo café pulled from the sandbox, the
example site catalogue matched without a terminal (75 automatic links, 6 items left), and the
review page served from that data folder."""

from __future__ import annotations

import csv
import threading
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from poster_cli.review_web.app import Access, create_app

ROOT = Path(__file__).resolve().parent.parent.parent
CATALOGUE = ROOT / "examples" / "site-catalogue.csv"


@dataclass
class Review:
    """A review of the walkthrough data: ``state``, ``app`` (``access.key`` is its one-time key)."""

    data_dir: Path
    state: Any
    app: Any
    access: Access
    base: str = ""  # http://127.0.0.1:PORT once served

    @property
    def mapping_path(self) -> Path:
        return self.data_dir / "mapping.toml"

    def entries_in(self, category: str) -> list[tuple[str, str]]:
        """(id, price as the page writes it) of the catalogue's items in ``category``, in file order,
        read with the csv module (prices in the file are whole hryvnias or "60.00")."""
        with open(CATALOGUE, encoding="utf-8", newline="") as fh:
            rows = [r for r in csv.DictReader(fh) if r["category"] == category]
        return [(r["sku"], f"{Decimal(r['price']):.2f}" if r["price"] else "") for r in rows]

    def entries(self) -> dict[str, dict[str, Any]]:
        """The mapping file as TOML says it is (read with tomllib, not our reader)."""
        with open(self.mapping_path, "rb") as fh:
            return {str(i["local_id"]): i for i in tomllib.load(fh)["items"]}


def prepare(cli_env: Any) -> None:
    """Pull the demo café and run `match --no-input` on the example catalogue, as the README does.

    In a thread of its own: Playwright's sync API keeps an event loop running in the test's
    thread, and the commands run theirs with asyncio.run."""
    results: list[Any] = []

    def run() -> None:
        results.append(cli_env.run("pull"))
        results.append(cli_env.run("--no-input", "match", str(CATALOGUE)))

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=60)
    assert len(results) == 2, "pull and match did not finish"
    pulled, matched = results
    assert pulled.exit_code == 0, pulled.stderr
    assert matched.exit_code == 3, matched.stderr  # some items left for a person


def make_review(cli_env: Any, *, port: int = 0, lock_timeout: float = 10.0) -> Review:
    """The review of the example catalogue over ``cli_env``'s data folder (after :func:`prepare`)."""
    from poster_cli.cli.review import build_state

    data = cli_env.data_dir
    state = build_state(CATALOGUE, data / "menu.json", data / "mapping.toml", 1, 40.0, False)
    access = Access()
    app = create_app(state, data, access=access, port=port, lock_timeout=lock_timeout)
    return Review(data, state, app, access)


@contextmanager
def served(cli_env: Any, *, lock_timeout: float = 10.0) -> Iterator[tuple[Review, str]]:
    """The review served by uvicorn on 127.0.0.1 (a free port); yields it and its base URL."""
    from poster_cli.serving import bind, serving_in_thread

    sock = bind("127.0.0.1", 0)
    review = make_review(cli_env, port=sock.getsockname()[1], lock_timeout=lock_timeout)
    with serving_in_thread(review.app, sock=sock) as base:
        review.base = base
        yield review, base
