"""Issue 13 item 9: the README's sandbox section walked as written, each terminal a pseudo-terminal
(pty) running bash: the sandbox in one, the commands in a second, the webhook receiver in a third
with only the variables the README exports there. Its fixed ports are swapped for free ones."""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## Try it on the sandbox") : README.index("## Use it with your Poster account")]
BLOCKS = re.findall(r"```sh\n(.*?)```", SECTION, re.S)
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Terminal:
    """bash running ``script`` at its own pseudo-terminal; everything it prints is kept."""

    def __init__(self, script: str, cwd: Path, env: dict[str, str]) -> None:
        import pty

        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(
            ["bash", "--noprofile", "--norc", "-c", script],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.output = b""

    def read(self, until: float) -> None:
        while time.monotonic() < until:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if not ready:
                if self.proc.poll() is not None:
                    return
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the other side closed
                return
            if not chunk:
                return
            self.output += chunk

    def wait(self, timeout: float) -> str:
        self.read(time.monotonic() + timeout)
        self.proc.wait(timeout=10)
        return self.text

    @property
    def text(self) -> str:
        return self.output.decode("utf-8", errors="replace").replace("\r\n", "\n")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        os.close(self.master)


def with_exit_codes(block: str) -> str:
    """Each `poster-cli` line followed by a marker with its exit code."""
    out = []
    for line in block.splitlines():
        out.append(line)
        if line.startswith("poster-cli "):
            out.append(f'echo "@@ $? {line.split()[1]}"')
    return "\n".join(out)


def codes(text: str) -> list[tuple[str, int]]:
    return [(m.group(2), int(m.group(1))) for m in re.finditer(r"^@@ (\d+) (\S+)", text, re.M)]


def wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answered at {url}")


@pytest.mark.e2e
def test_the_readme_sandbox_section_at_a_terminal(tmp_path: Path) -> None:
    assert len(BLOCKS) == 4, "sandbox serve / second terminal / receiver / the cashier"
    api_port, hook_port = free_port(), free_port()

    def ports(text: str) -> str:
        return text.replace("8765", str(api_port)).replace("8787", str(hook_port))

    serve, second, receiver, cashier = (ports(b) for b in BLOCKS)
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTER_")}
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", HOME=str(tmp_path), TERM="xterm")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    exports = "\n".join(line for line in second.splitlines() if line.startswith("export "))

    first = Terminal(serve, tmp_path, env)
    third = None
    try:
        wait_http(f"http://127.0.0.1:{api_port}/_sandbox/health")
        walk = Terminal(with_exit_codes(second), tmp_path, env)
        done = walk.wait(timeout=240)
        walk.stop()
        assert codes(done) == [
            ("doctor", 0),
            ("pull", 0),
            ("menu", 0),
            ("match", 3),
            ("mapping", 0),
            ("order", 0),
            ("order", 0),
            ("order", 0),
            ("sync", 3),
        ], done[-3000:]
        assert "Traceback" not in done

        third = Terminal(receiver, tmp_path, env)  # a fresh terminal: only what the README exports
        wait_http(f"http://127.0.0.1:{hook_port}/healthz")
        play = Terminal(exports + "\n" + with_exit_codes(cashier), tmp_path, env)
        played = play.wait(timeout=120)
        play.stop()
        assert codes(played) == [("sandbox", 0), ("order", 0), ("sandbox", 0), ("sync", 3)], played
        assert "state: accepted" in played
        assert "price=62.50" in played

        def events() -> list[dict[str, Any]]:
            listed = subprocess.run(
                ["bash", "--noprofile", "--norc", "-c", exports + "\nposter-cli webhooks list --json"],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            found: list[dict[str, Any]] = json.loads(listed.stdout)["events"]
            return found

        deadline = time.monotonic() + 30
        seen = events()
        while not any(e.get("state") == "done" for e in seen) and time.monotonic() < deadline:
            time.sleep(0.5)
            seen = events()
        assert seen and all(e.get("state") != "error" for e in seen), seen
        assert any(e.get("state") == "done" for e in seen), seen
        third.read(time.monotonic() + 1)
        assert "Traceback" not in third.text and "error:" not in third.text, third.text
    finally:
        if third is not None:
            third.stop()
        first.stop()
