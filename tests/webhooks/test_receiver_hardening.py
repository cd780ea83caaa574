"""The receiver under attack, with a real `poster-cli webhooks serve` on loopback: a JSON bomb is a
400 without a traceback, connections that never finish their headers (or their body) are closed,
a connection cap answers 503, and an --on-event run that cannot start for lack of file
descriptors is run later rather than dropped. Counts and waits are bounded."""

from __future__ import annotations

import os
import re
import resource
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from poster_cli.webhooks.app import ReceiverConfig, create_app
from poster_cli.webhooks.hook import HookPolicy
from tests.support.sandbox import SandboxServer
from tests.support.webhooks import RecordingProcessor, stored, wait_for

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

SECRET = "serve-secret"


def bomb(depth: int = 30_000) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.fixture
def serve(sandbox_server: SandboxServer, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTER_")}
    env.update(
        POSTER_TOKEN=sandbox_server.token,
        POSTER_API_URL=sandbox_server.api_url,
        POSTER_APP_SECRET=SECRET,
        POSTER_CLI_DATA_DIR=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "cfg"),
        NO_COLOR="1",
    )
    args = ["webhooks", "serve", "--port", "0", "--header-timeout", "1", "--max-connections", "20"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "poster_cli", *args], env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True
    )
    try:
        first = proc.stderr.readline()  # type: ignore[union-attr]
        port = re.search(r"127\.0\.0\.1:(\d+)/webhook", first)
        assert port, first
        yield f"http://127.0.0.1:{port.group(1)}", proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        if proc.stderr is not None:
            proc.stderr.close()


def stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)
    _, rest = proc.communicate(timeout=15)
    return rest


def open_head(url: str) -> socket.socket:
    """A connection that sends half a request head and then nothing."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\n")
    return sock


def closed_by_server(sock: socket.socket, within: float) -> bool:
    sock.settimeout(within)
    try:
        return sock.recv(1024) == b""  # EOF: the server closed it
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


def test_a_json_bomb_is_400_and_leaves_no_traceback(serve: tuple[str, subprocess.Popen[str]]) -> None:
    url, proc = serve
    for body in (bomb(), b'{"a":' * 10_000 + b"1" + b"}" * 10_000):
        r = httpx.post(f"{url}/webhook", content=body, headers={"content-type": "application/json"}, timeout=10)
        assert r.status_code == 400 and "nested deeper" in r.json()["error"]
    assert httpx.get(f"{url}/healthz", timeout=10).json()["status"] == "ok"
    log = stop(proc)
    assert "Traceback" not in log and "RecursionError" not in log
    assert log.count("nested deeper") == 2


def test_connections_that_never_finish_their_head_are_closed_and_the_cap_answers_503(
    serve: tuple[str, subprocess.Popen[str]],
) -> None:
    url, proc = serve
    held = [open_head(url) for _ in range(20)]  # the cap (--max-connections 20) is reached
    try:
        time.sleep(0.2)
        r = httpx.post(f"{url}/webhook", json={}, timeout=10)
        assert r.status_code == 503  # over the cap: refused at once, not queued for ever
        started = time.monotonic()
        assert all(closed_by_server(s, within=10) for s in held)  # --header-timeout 1
        assert time.monotonic() - started < 6
    finally:
        for s in held:
            s.close()
    r = httpx.post(f"{url}/webhook", json={"object": "x"}, timeout=10)
    assert r.status_code == 400  # room again: answered (missing fields)
    assert "Traceback" not in stop(proc)


def test_a_body_that_never_arrives_gets_408(serve: tuple[str, subprocess.Popen[str]]) -> None:
    url, proc = serve
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
        )
        sock.settimeout(10)
        started = time.monotonic()
        answer = sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 408") and time.monotonic() - started < 6
    assert "Traceback" not in stop(proc)


def signed_event(object_id: int) -> dict[str, str]:
    import hashlib

    fields = {
        "account": "api-demo",
        "object": "incoming_order",
        "object_id": str(object_id),
        "action": "changed",
        "time": str(int(time.time())),
    }
    parts = [fields["account"], fields["object"], fields["object_id"], fields["action"], fields["time"], SECRET]
    return {**fields, "verify": hashlib.md5(";".join(parts).encode()).hexdigest()}


def test_an_on_event_run_that_cannot_start_for_lack_of_descriptors_runs_later(tmp_path: Path) -> None:
    """Real descriptor exhaustion: the soft limit is lowered to what the process has open, so the
    command's pipes cannot be made; once descriptors are free again the run happens, once.

    The scenario runs in a fresh interpreter: in a test worker, what earlier tests left (threads,
    objects closed by the collector) may open or close a descriptor at any moment, handing the hook
    a free one or taking the receiver's; in the worker it timed out twice in whole-suite runs under
    load, never alone."""
    root = Path(__file__).resolve().parents[2]
    code = "import sys, pathlib, tests.webhooks.test_receiver_hardening as t; t.descriptor_scenario(pathlib.Path(sys.argv[1]))"
    run = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert len((tmp_path / "hook.out").read_text().strip().splitlines()) == 1


def descriptor_scenario(tmp_path: Path) -> None:
    out = tmp_path / "hook.out"
    db = tmp_path / "webhooks.sqlite"
    logs: list[str] = []
    hook = HookPolicy(f"cat >> {out}; echo >> {out}", attempts=1)
    app = create_app(ReceiverConfig(secret=SECRET, store_path=db, hook=hook), RecordingProcessor(), log=logs.append)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (len(os.listdir("/proc/self/fd")) + 1, hard))
            assert client.post("/webhook", data=signed_event(42)).json() == {"status": "accept"}
            wait_for(lambda: any("postponed" in line for line in logs), "the postponed run", limit=10)
        finally:
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        wait_for(lambda: stored(db)[0].hook_state == "done", "the run, later", limit=20)
    assert len(out.read_text().strip().splitlines()) == 1
    assert not any("gave up" in line for line in logs)


def test_a_flood_of_log_lines_is_cut_to_a_budget_and_the_cut_is_said() -> None:
    from poster_cli.ratelog import RateLimitedLog

    written: list[str] = []
    log = RateLimitedLog(written.append, burst=30, window=0.2)
    for n in range(10_000):
        log(f"accept failed {n}")
    assert len(written) == 30
    time.sleep(0.25)
    log("after the window")
    assert written[-2:] == ["(9970 more log lines dropped in 0.2s: too many to write)", "after the window"]
