"""Soak: several real sender processes at once against a faulty loopback sandbox, for a bounded time;
prints how many site orders were lost or duplicated.

Everything is a real process on 127.0.0.1: ``poster-cli sandbox serve --state FILE`` (its account is
kept in FILE, which is the oracle), and ``poster-cli order batch`` / ``order send`` processes that
share one data folder (one journal). Each round writes a batch file of fresh orders and starts
``--senders`` processes at once on the same orders:

* ``batch``: every sender runs ``order batch`` on the round's file;
* ``send``: every sender runs ``order send --order-id X`` for the same ids;
* ``mixed`` (default): rounds alternate between the two.

Faults (``--drop-rate``: the order is stored and the connection dropped; ``--error-rate``: HTTP 503
before anything is done) stay on while the rounds run; with ``--kill-rate`` a round kill -9's one of
its senders at a random moment. When the time is up the faults go off and one ``order batch`` per
round file settles whatever was left pending (that is what a user does: run it again).

Counting does not use poster-cli's matching: every order has its own phone number, and the script
counts the orders per phone in the sandbox's state file. ``lost`` = orders the sandbox does not hold,
``duplicated`` = orders it holds more than once.

Then (``--webhook-seconds``, 0 to skip) the receiver: a real ``poster-cli webhooks serve`` with an
``--on-event`` command gets signed events (the signature computed here with hashlib, from Poster's
docs) from ``--webhook-senders`` concurrent posters; faults: the receiver is kill -9'd and restarted
at random moments, some connections are cut before the answer, some events are delivered twice and
some deliveries carry a wrong signature. A poster retries an event until it gets a 200, as Poster
does, and pauses ``--webhook-pause`` between events (the hook runs one at a time, so a flood only
measures its queue). Counted from the receiver's own sqlite file and the files the hook wrote:
``lost`` = events acknowledged (200) but not stored, ``duplicated`` = events stored twice, ``never
given to the hook`` = acknowledged events the hook never ran for and the store no longer queues.
The hook runs at least once per event: runs repeated after a kill -9 are counted and shown apart.

    .venv/bin/python benchmarks/soak_orders.py --seconds 60 --senders 4
    .venv/bin/python benchmarks/soak_orders.py --seconds 30 --senders 2 --mode send --kill-rate 0
    .venv/bin/python benchmarks/soak_orders.py --seconds 0 --webhook-seconds 30

Exit status 1 when any order or acknowledged event was lost or duplicated (or never reached the hook).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

# Items of the demo café, each sold at spot 1 (no modifiers needed).
ITEMS = ["poster:101", "poster:102", "poster:106", "poster:103/1001", "poster:176", "poster:193"]
PROCESS_TIMEOUT = 180.0
APP_SECRET = "soak-app-secret"


class Soak:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        self.data = work / "data"
        self.state_file = work / "sandbox.json"
        self.rng = random.Random(args.seed)
        self.orders: dict[str, str] = {}  # order id -> its phone
        self.files: list[Path] = []
        self.processes = 0
        self.kills = 0
        self.exit_codes: Counter[int] = Counter()
        self.server: subprocess.Popen[str] | None = None
        self.env: dict[str, str] = {}

    # -- the sandbox ---------------------------------------------------------------------------

    def start_sandbox(self) -> None:
        cmd = [sys.executable, "-m", "poster_cli", "sandbox", "serve", "--port", "0", "--state", str(self.state_file)]
        self.server = subprocess.Popen(
            cmd, cwd=self.work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=self._base_env()
        )
        assert self.server.stderr is not None
        deadline = time.monotonic() + 30
        api_url = None
        while time.monotonic() < deadline and api_url is None:
            line = self.server.stderr.readline()
            if not line:
                break
            found = re.search(r"at (http://127\.0\.0\.1:\d+/api)", line)
            if found:
                api_url = found.group(1)
        if api_url is None:
            raise SystemExit("the sandbox did not start")
        from poster_cli.sandbox import DEMO_TOKEN

        self.env = self._base_env()
        self.env.update(
            POSTER_TOKEN=DEMO_TOKEN,
            POSTER_API_URL=api_url,
            POSTER_CLI_DATA_DIR=str(self.data),
            POSTER_SPOT_ID="1",
            POSTER_RATE_LIMIT="0",
            POSTER_CLI_LOOKUP_DELAYS=self.args.lookup_delays,
        )
        self.cli("pull")
        self.faults(
            "--error-rate",
            str(self.args.error_rate),
            "--drop-after-commit-rate",
            str(self.args.drop_rate),
            "--latency-ms",
            str(self.args.latency_ms),
            "--seed",
            str(self.args.seed),
        )

    def _base_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("POSTER_")}
        env.update(NO_COLOR="1", XDG_CONFIG_HOME=str(self.work / "config"))
        return env

    def faults(self, *options: str) -> None:
        self.cli("sandbox", "faults", *options)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "poster_cli", *args],
            cwd=self.work,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=PROCESS_TIMEOUT,
            check=False,
        )
        if done.returncode not in (0, 3):
            raise SystemExit(f"poster-cli {' '.join(args)} exited {done.returncode}: {done.stderr.strip()[-500:]}")
        return done

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(10)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait(10)

    # -- rounds --------------------------------------------------------------------------------

    def new_orders(self, round_no: int) -> tuple[Path, list[tuple[str, str, str, int]]]:
        rows = []
        for i in range(self.args.orders_per_round):
            order_id = f"S{round_no}-{i}"
            phone = f"+38050{len(self.orders):07d}"
            self.orders[order_id] = phone
            rows.append((order_id, phone, ITEMS[(round_no + i) % len(ITEMS)], 1 + i % 3))
        path = self.work / f"round{round_no}.csv"
        path.write_text(
            "order_id,phone,item,count\n" + "".join(f"{o},{p},{item},{n}\n" for o, p, item, n in rows),
            encoding="utf-8",
        )
        self.files.append(path)
        return path, rows

    def commands(self, round_no: int) -> list[list[str]]:
        path, rows = self.new_orders(round_no)
        mode = self.args.mode
        if mode == "mixed":
            mode = "batch" if round_no % 2 else "send"
        base = [sys.executable, "-m", "poster_cli", "order"]
        if mode == "batch":
            return [base + ["batch", str(path), "--json"] for _ in range(self.args.senders)]
        cmds = []
        for order_id, phone, item, count in rows:
            cmds += [
                base + ["send", "--order-id", order_id, "--phone", phone, "--item", f"{item}:{count}", "--json"]
                for _ in range(self.args.senders)
            ]
        return cmds

    def run_round(self, round_no: int) -> None:
        procs = [
            subprocess.Popen(cmd, cwd=self.work, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for cmd in self.commands(round_no)
        ]
        self.processes += len(procs)
        if self.rng.random() < self.args.kill_rate:
            time.sleep(self.rng.uniform(0.3, 2.0))
            victim = self.rng.choice(procs)
            if victim.poll() is None:
                os.kill(victim.pid, signal.SIGKILL)
                self.kills += 1
        deadline = time.monotonic() + PROCESS_TIMEOUT
        for p in procs:
            try:
                p.communicate(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.communicate()
            self.exit_codes[p.returncode] += 1

    def settle(self) -> None:
        self.faults("--off")
        for path in self.files:
            self.cli("order", "batch", str(path), "--json")

    # -- the oracle ----------------------------------------------------------------------------

    def count(self) -> dict[str, Any]:
        doc = json.loads(self.state_file.read_text("utf-8"))
        per_phone = Counter(o.get("phone") for o in doc["orders"])
        lost = sorted(o for o, phone in self.orders.items() if per_phone[phone] == 0)
        duplicated = {o: per_phone[phone] for o, phone in self.orders.items() if per_phone[phone] > 1}
        ours = set(self.orders.values())
        return {
            "orders": len(self.orders),
            "held": len(doc["orders"]),
            "lost": lost,
            "duplicated": duplicated,
            "strangers": sum(n for phone, n in per_phone.items() if phone not in ours),
        }


class WebhookSoak:
    """A real receiver process, restarted after each kill -9, and concurrent signed posters."""

    def __init__(self, args: argparse.Namespace, work: Path, env: dict[str, str]) -> None:
        self.args = args
        self.work = work
        self.hooks = work / "hooks"
        self.hooks.mkdir()
        self.rng = random.Random(args.seed + 1)
        self.env = {**env, "POSTER_APP_SECRET": APP_SECRET}
        self.receiver: subprocess.Popen[str] | None = None
        self.url = ""
        self.kills = 0
        self.acked: set[str] = set()
        self.sent = 0
        self.deliveries: Counter[str] = Counter()

    def start(self) -> None:
        hook = f'cat > "$(mktemp {self.hooks}/hook.XXXXXXXX)"'
        cmd = [sys.executable, "-m", "poster_cli", "webhooks", "serve", "--port", "0", "--on-event", hook]
        self.receiver = subprocess.Popen(
            cmd, cwd=self.work, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        assert self.receiver.stderr is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self.receiver.stderr.readline()
            found = re.search(r"(http://127\.0\.0\.1:\d+/webhook)", line)
            if found:
                self.url = found.group(1)
                return
            if not line:
                break
        raise SystemExit("the webhook receiver did not start")

    def kill(self) -> None:
        assert self.receiver is not None
        os.kill(self.receiver.pid, signal.SIGKILL)
        self.receiver.communicate(timeout=30)
        self.kills += 1

    def stop(self) -> None:
        if self.receiver is not None and self.receiver.poll() is None:
            self.receiver.terminate()
            try:
                self.receiver.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                self.receiver.kill()
                self.receiver.communicate(timeout=15)

    @staticmethod
    def event(object_id: str, *, good: bool = True) -> dict[str, str]:
        fields = {
            "account": "soak",
            "object": "incoming_order",
            "object_id": object_id,
            "action": "changed",
            "time": str(int(time.time())),
        }
        signed = ";".join([*fields.values(), APP_SECRET if good else "not-the-secret"])
        return {**fields, "verify": hashlib.md5(signed.encode("utf-8")).hexdigest()}

    async def deliver(self, http: Any, object_id: str) -> None:
        import httpx

        body = self.event(object_id)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            self.deliveries[object_id] += 1
            cut = self.rng.random() < self.args.webhook_cut_rate
            try:
                resp = await http.post(self.url, json=body, timeout=0.002 if cut else 10.0)
            except httpx.HTTPError:
                await asyncio.sleep(0.05)
                continue
            if resp.status_code == 200:
                self.acked.add(object_id)
                if self.rng.random() < self.args.webhook_dup_rate:  # Poster delivers it again
                    self.deliveries[object_id] += 1
                    try:
                        await http.post(self.url, json=body, timeout=10.0)
                    except httpx.HTTPError:
                        pass
                return
            await asyncio.sleep(0.05)

    async def post_all(self, seconds: float) -> None:
        import httpx

        counter = 0
        stop_at = time.monotonic() + seconds

        async def poster(n: int) -> None:
            nonlocal counter
            async with httpx.AsyncClient() as http:
                while time.monotonic() < stop_at:
                    counter += 1
                    object_id = f"{n}-{counter}"
                    self.sent += 1
                    if self.rng.random() < self.args.webhook_forge_rate:  # a forged delivery: refused
                        try:
                            await http.post(self.url, json=self.event(object_id, good=False), timeout=10.0)
                        except httpx.HTTPError:
                            pass
                    await self.deliver(http, object_id)
                    await asyncio.sleep(self.args.webhook_pause)

        async def killer() -> None:
            while time.monotonic() < stop_at:
                await asyncio.sleep(self.rng.uniform(1.0, 4.0))
                if time.monotonic() < stop_at:
                    await asyncio.to_thread(self.kill)
                    await asyncio.to_thread(self.start)

        await asyncio.gather(*(poster(n) for n in range(self.args.webhook_senders)), killer())

    def hook_runs(self) -> Counter[str]:
        runs: Counter[str] = Counter()
        for path in self.hooks.iterdir():
            try:
                runs[str(json.loads(path.read_text("utf-8")).get("object_id"))] += 1
            except (ValueError, OSError):
                runs["<unreadable>"] += 1
        return runs

    def count(self, wait: float = 120.0) -> dict[str, Any]:
        import sqlite3

        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and not self.acked <= set(self.hook_runs()):
            time.sleep(0.5)  # the hook worker catches up after the last restart
        self.stop()
        with sqlite3.connect(self.work / "data" / "webhooks.sqlite") as db:
            rows = db.execute("SELECT object_id, COUNT(*) FROM events WHERE account = 'soak' GROUP BY object_id")
            stored = dict(rows.fetchall())
            rows = db.execute("SELECT object_id FROM events WHERE account = 'soak' AND hook_state = 'pending'")
            queued = {r[0] for r in rows.fetchall()}
        runs = self.hook_runs()
        return {
            "events": self.sent,
            "acked": len(self.acked),
            "deliveries": sum(self.deliveries.values()),
            "lost": sorted(e for e in self.acked if e not in stored),
            "duplicated": sorted(e for e, n in stored.items() if n > 1),
            "hook_missing": sorted(e for e in self.acked if runs[e] == 0 and e not in queued),
            "hook_queued": sum(1 for e in self.acked if runs[e] == 0 and e in queued),
            "hook_repeated": sum(1 for e in self.acked if runs[e] > 1),
            "strangers": sorted(e for e in stored if e not in self.acked),
        }


def soak_webhooks(args: argparse.Namespace, soak: Soak) -> dict[str, Any]:
    hooks = WebhookSoak(args, soak.work, soak.env)
    hooks.start()
    try:
        asyncio.run(hooks.post_all(args.webhook_seconds))
        return {**hooks.count(), "kills": hooks.kills}
    finally:
        hooks.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="run rounds for this long (then settle)")
    parser.add_argument("--senders", type=int, default=2, help="processes sending the same orders at once")
    parser.add_argument("--orders-per-round", type=int, default=8)
    parser.add_argument("--mode", choices=("mixed", "batch", "send"), default="mixed")
    parser.add_argument("--drop-rate", type=float, default=0.2, help="orders stored, then the connection dropped")
    parser.add_argument("--error-rate", type=float, default=0.15, help="calls answered HTTP 503")
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--kill-rate", type=float, default=0.3, help="share of rounds that kill -9 one sender")
    parser.add_argument("--lookup-delays", default="0.05,0.1", help="POSTER_CLI_LOOKUP_DELAYS for the senders")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--webhook-seconds", type=float, default=30.0, help="then the receiver, this long (0: skip)")
    parser.add_argument("--webhook-senders", type=int, default=4, help="concurrent webhook posters")
    parser.add_argument("--webhook-cut-rate", type=float, default=0.1, help="deliveries cut before the answer")
    parser.add_argument("--webhook-dup-rate", type=float, default=0.2, help="events delivered again after a 200")
    parser.add_argument("--webhook-pause", type=float, default=0.1, help="seconds a poster waits between events")
    parser.add_argument("--webhook-forge-rate", type=float, default=0.05, help="deliveries with a wrong signature")
    args = parser.parse_args()

    started, cpu0 = time.monotonic(), os.times()
    with tempfile.TemporaryDirectory(prefix="soak-orders-") as tmp:
        soak = Soak(args, Path(tmp))
        try:
            soak.start_sandbox()
            round_no = 0
            while time.monotonic() - started < args.seconds:
                soak.run_round(round_no)
                round_no += 1
            soak.settle()
            result = soak.count()
            orders_done = time.monotonic()
            hooks = soak_webhooks(args, soak) if args.webhook_seconds > 0 else None
        finally:
            soak.stop()
    cpu1 = os.times()
    children_cpu = (cpu1.children_user + cpu1.children_system) - (cpu0.children_user + cpu0.children_system)
    print(
        f"{round_no} rounds in {orders_done - started:.0f} s ({args.mode}, {args.senders} senders at once, "
        f"drop {args.drop_rate}, 503 {args.error_rate}, latency {args.latency_ms} ms): "
        f"{soak.processes} sender processes, {soak.kills} killed with kill -9, "
        f"exit codes {dict(sorted(soak.exit_codes.items()))}"
    )
    print(
        f"orders {result['orders']}, held by the sandbox {result['held']}: "
        f"lost {len(result['lost'])}, duplicated {len(result['duplicated'])}, not ours {result['strangers']}"
    )
    if result["lost"]:
        print(f"lost: {', '.join(result['lost'][:20])}")
    if result["duplicated"]:
        print(f"duplicated: {', '.join(f'{k} x{v}' for k, v in list(result['duplicated'].items())[:20])}")
    bad = bool(result["lost"] or result["duplicated"] or result["strangers"])
    if hooks is not None:
        print(
            f"webhooks for {args.webhook_seconds:.0f} s ({args.webhook_senders} posters, receiver killed with kill -9 "
            f"{hooks['kills']} times, cut {args.webhook_cut_rate}, redelivered {args.webhook_dup_rate}, "
            f"forged {args.webhook_forge_rate}): {hooks['events']} events, {hooks['deliveries']} deliveries, "
            f"{hooks['acked']} acknowledged: lost {len(hooks['lost'])}, duplicated {len(hooks['duplicated'])}, "
            f"never given to the hook {len(hooks['hook_missing'])} (still queued for it {hooks['hook_queued']}), "
            f"hook run again after a kill "
            f"{hooks['hook_repeated']}, stored but never acknowledged {len(hooks['strangers'])}"
        )
        for key in ("lost", "duplicated", "hook_missing"):
            if hooks[key]:
                print(f"{key}: {', '.join(hooks[key][:20])}")
        bad = bad or bool(hooks["lost"] or hooks["duplicated"] or hooks["hook_missing"])
    print(f"wall time {time.monotonic() - started:.0f} s; CPU of all processes {children_cpu:.0f} s")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
