"""One lock for every writer of the mapping and the snapshot: `match` saves a person's choice while a
`sync` from cron runs, with real processes on a loopback sandbox, and neither loses the other's work."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import IO, Iterator

import pytest

from poster_cli.mapping import load_mapping
from tests.support.sandbox import SandboxServer

pytestmark = pytest.mark.e2e


def cli_env(server: SandboxServer, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTER")}
    env.update(
        POSTER_API_URL=server.api_url,
        POSTER_TOKEN=server.token,
        POSTER_SPOT_ID="1",
        POSTER_CLI_DATA_DIR=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg"),
        NO_COLOR="1",
        TERM="dumb",
    )
    return env


class Lines:
    """Collects a child's stderr in a thread, so the test can wait for a line (or a prompt, which
    has no newline yet) without blocking."""

    def __init__(self, stream: IO[str]) -> None:
        self.text = ""
        self._stream = stream
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        while chunk := stream.read(1):
            self.text += chunk

    def close(self) -> None:
        """After the child ended: the rest of its output, then the pipe closed."""
        self._thread.join(timeout=10)
        self._stream.close()

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines:
                if text in line:
                    return line
            time.sleep(0.02)
        raise AssertionError(f"no line with {text!r} within {timeout}s: {self.lines}")


def wait_until(condition: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def running(sandbox_server: SandboxServer, tmp_path: Path) -> Iterator[tuple[SandboxServer, dict[str, str]]]:
    env = cli_env(sandbox_server, tmp_path)
    pulled = subprocess.run(
        [sys.executable, "-m", "poster_cli", "pull", "--json"], env=env, capture_output=True, text=True, timeout=60
    )
    assert pulled.returncode == 0, pulled.stderr
    yield sandbox_server, env


def test_a_choice_made_while_sync_runs_is_kept_and_sync_keeps_its_own(running, tmp_path: Path) -> None:
    server, env = running
    data = tmp_path / "data"
    site = tmp_path / "site.csv"
    site.write_text("id,name\nLAT,Latte\n", encoding="utf-8")  # two sizes of Лате: a person must choose
    cron_site = tmp_path / "cron-site.csv"
    cron_site.write_text("id,name\nSHK,Шакшука\n", encoding="utf-8")  # sync maps this one by itself

    match = subprocess.Popen(
        [sys.executable, "-m", "poster_cli", "match", str(site), "--review", "10"],
        env={**env, "POSTER_CLI_TTY": "1"},
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    talk = Lines(match.stderr)  # type: ignore[arg-type]
    try:
        talk.wait_for(", s, n, /, u, q, ? > ")  # the review prompt
        first = next(line for line in talk.lines if line.strip().startswith("1. "))
        # the person is thinking: meanwhile cron starts a sync whose pull takes a while
        server.handle.faults(latency_ms=1500)  # calls run side by side: the pull takes ~1.5 s
        sync = subprocess.Popen(
            [sys.executable, "-m", "poster_cli", "sync", "--catalogue", str(cron_site), "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        lock = data / ".sync.lock"
        # sync got the lock although a match session is open: match holds no lock while a person thinks
        wait_until(lambda: lock.exists() and lock.read_text().split()[:1] == [str(sync.pid)])
        time.sleep(0.2)  # sync has read the mapping and is pulling
        assert sync.poll() is None
        match.stdin.write("1\n")  # type: ignore[union-attr]
        match.stdin.flush()  # type: ignore[union-attr]
        out, err = sync.communicate(timeout=60)
        assert sync.returncode == 0, err
        match.stdin.close()  # type: ignore[union-attr]
        assert match.wait(timeout=60) == 0
    finally:
        if match.poll() is None:
            match.kill()
            match.wait(timeout=10)
        if match.stdin is not None and not match.stdin.closed:
            match.stdin.close()
        talk.close()
    server.handle.faults(latency_ms=0)

    mapping = load_mapping(data / "mapping.toml")
    chosen = mapping.get("LAT")
    assert chosen is not None and chosen.status == "confirmed"  # the person's choice survived the sync
    assert chosen.product_id == 105 and chosen.poster_name and chosen.poster_name in first
    cron = mapping.get("SHK")
    assert cron is not None and (cron.status, cron.product_id) == ("auto", 144)  # and sync's own link too
    # the save waited for sync, and said so in one line
    assert f"waiting for `poster-cli sync` (pid {sync.pid}) to finish writing in {data}" in talk.text.replace(
        "\n", ""
    )  # (rich wraps at 80)


HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from poster_cli.locks import data_lock

    held, release = Path(sys.argv[2]), Path(sys.argv[3])
    with data_lock(Path(sys.argv[1]), purpose="match"):
        held.write_text("held")
        deadline = time.monotonic() + 60
        while not release.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
    """
)


def test_pull_waits_for_the_lock_saying_so_then_writes(running, tmp_path: Path) -> None:
    server, env = running
    data = tmp_path / "data"
    held, release = tmp_path / "held", tmp_path / "release"
    before = (data / "menu.json").read_bytes()
    server.state.doc["products"][0]["name"] = "Еспресо подвійний"  # so the new pull differs
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(data), str(held), str(release)])
    pull = None
    try:
        wait_until(held.exists)
        pull = subprocess.Popen(
            [sys.executable, "-m", "poster_cli", "pull", "--json"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        talk = Lines(pull.stderr)  # type: ignore[arg-type]
        talk.wait_for("waiting for", timeout=60)
        assert (data / "menu.json").read_bytes() == before  # nothing written while the other holds the lock
        release.write_text("")
        assert pull.wait(timeout=60) == 0, talk.text
    finally:
        release.write_text("")
        holder.wait(timeout=30)
        if pull is not None:
            if pull.poll() is None:
                pull.kill()
                pull.wait(timeout=10)
            talk.close()
    said = talk.text.replace("\n", "")
    assert f"waiting for `poster-cli match` (pid {holder.pid}) to finish writing in {data}" in said
    assert "Еспресо подвійний" in (data / "menu.json").read_text(encoding="utf-8")
