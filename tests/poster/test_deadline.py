"""The timeout bounds each whole request: a loopback server that trickles its answer one byte a
second cannot keep `pull` or `doctor` waiting (real processes, POSTER_TIMEOUT=1)."""

from __future__ import annotations

import os
import socket
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

pytestmark = pytest.mark.e2e

ANSWER = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{"response": []}\n'


class Trickle(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    stop = threading.Event()


class TrickleHandler(socketserver.BaseRequestHandler):
    """Reads the request head, then answers one byte a second (at most the answer's length)."""

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.settimeout(5)
        head = b""
        try:
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = sock.recv(4096)
                if not chunk:
                    return
                head += chunk
            for byte in ANSWER:
                if self.server.stop.wait(1.0):  # type: ignore[attr-defined]
                    return
                sock.sendall(bytes([byte]))
        except OSError:
            return


@pytest.fixture
def trickle() -> Iterator[str]:
    server = Trickle(("127.0.0.1", 0), TrickleHandler)
    server.stop = threading.Event()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api"
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def run(args: list[str], api_url: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTER")}
    env.update(
        POSTER_API_URL=api_url,
        POSTER_TOKEN="123456:0123456789abcdef0123456789abcdef",
        POSTER_TIMEOUT="1",
        POSTER_CLI_DATA_DIR=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg"),
        NO_COLOR="1",
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "poster_cli", *args], env=env, capture_output=True, text=True, timeout=40
    )
    return done, time.monotonic() - started


def startup(tmp_path: Path) -> float:
    """How long the CLI takes to start and stop here, now (the machine may be busy)."""
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "poster_cli", "--help"], capture_output=True, timeout=40, check=True)
    return time.monotonic() - started


@pytest.mark.parametrize("command", [["pull"], ["doctor"]])
def test_a_trickling_server_ends_the_command_within_the_deadline(
    trickle: str, tmp_path: Path, command: list[str]
) -> None:
    base = startup(tmp_path)
    done, took = run(command, trickle, tmp_path)
    assert done.returncode == 1, done.stderr
    assert "no complete answer within 1s" in done.stdout + done.stderr  # doctor reports on stdout
    assert "Traceback" not in done.stderr
    # one deadline (pull's calls run side by side; doctor stops at its first failed call), plus the
    # start-up this machine needs right now, plus slack for a busy machine
    assert took < base + 1.0 + 3.0, (took, base)
    assert not (tmp_path / "data" / "menu.json").exists()
