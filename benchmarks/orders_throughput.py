"""Order batch throughput: 1,000 orders against a loopback sandbox with 50 ms latency per call.

Runs the real path (order builder, sqlite journal, exactly-once sender, batch runner, httpx client)
against ``poster_cli.sandbox`` served by uvicorn in a separate process, once with 1 order in flight
and once with 8, and prints orders per second, the speed-up, and the process memory (RSS) sampled
as the batch goes (it should stay flat: the runner keeps only a small result per order).

The client's default ``rate_limit`` setting (5 requests/s) would cap both runs at 5 orders/s; the
benchmark turns pacing off explicitly (the sandbox has no rate limit here) and says so.

    /work/venv/bin/python benchmarks/orders_throughput.py              # 1,000 orders, 1 vs 8
    /work/venv/bin/python benchmarks/orders_throughput.py --orders 200 --latency-ms 50

Exit status 1 when 8 in flight is not at least 6x faster than 1 in flight.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import socket
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ITEMS = ["poster:101", "poster:102", "poster:106", "poster:103/1001", "poster:176", "poster:193"]


def _serve(sock: socket.socket, latency_ms: int) -> None:
    import uvicorn

    from poster_cli.sandbox import FaultConfig, Sandbox, SandboxState

    app = Sandbox(SandboxState(), faults=FaultConfig(latency_ms=latency_ms))
    config = uvicorn.Config(app, log_level="critical", lifespan="off", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


async def _run(api_url: str, token: str, n: int, in_flight: int, journal: Path, tag: str) -> dict[str, Any]:
    from poster_cli.mapping import Mapping
    from poster_cli.menu import fetch_snapshot
    from poster_cli.orders.batch import run_batch
    from poster_cli.orders.build import ItemRequest, OrderBuilder, OrderRequest
    from poster_cli.orders.journal import OrderJournal
    from poster_cli.orders.send import OrderSender
    from poster_cli.poster.client import PosterClient

    # rate=None: no client-side pacing (the default setting, 5/s, would be the bottleneck).
    async with PosterClient(api_url, token, rate=None, timeout=30) as api:
        snapshot = await fetch_snapshot(api, api_url)
        builder = OrderBuilder(snapshot, Mapping(), default_spot=1)
        orders = [
            builder.build(
                OrderRequest(
                    order_id=f"{tag}-{i}",
                    phone=f"+38050{i:07d}",
                    paid=i % 2 == 0,
                    items=[
                        ItemRequest(ITEMS[i % len(ITEMS)], Decimal(1 + i % 3)),
                        ItemRequest(ITEMS[(i + 3) % len(ITEMS)]),
                    ],
                )
            )
            for i in range(n)
        ]
        sender = OrderSender(api, OrderJournal(journal))
        memory: list[float] = []
        done = 0

        def progress(_: Any) -> None:
            nonlocal done
            done += 1
            if done % max(1, n // 4) == 0:
                memory.append(_rss_mb())

        started, cpu = time.perf_counter(), time.process_time()
        results = await run_batch(orders, sender, concurrency=in_flight, on_result=progress)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    sent = sum(1 for r in results if r.outcome == "sent")
    return {
        "in_flight": in_flight,
        "sent": sent,
        "seconds": elapsed,
        "per_second": sent / elapsed,
        "rss_mb": memory,
        "cpu_ms_per_order": cpu * 1000 / max(1, n),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--low", type=int, default=1, help="orders in flight, slow run")
    parser.add_argument("--high", type=int, default=8, help="orders in flight, fast run")
    args = parser.parse_args()

    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted connections only when the
    # listening socket says it is TCP; without it every answer waits ~40 ms (Nagle + delayed ACK).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(sock, args.latency_ms), daemon=True)
    server.start()
    api_url = f"http://127.0.0.1:{port}/api"
    from poster_cli.sandbox import DEMO_TOKEN

    print(
        f"sandbox on {api_url} in its own process, {args.latency_ms} ms latency per call; "
        f"{args.orders} orders per run; client pacing OFF (rate_limit raised from the default 5/s)"
    )
    try:
        _wait_up(port)
        rows = []
        with tempfile.TemporaryDirectory() as tmp:
            for in_flight in (args.low, args.high):
                row = asyncio.run(
                    _run(
                        api_url, DEMO_TOKEN, args.orders, in_flight, Path(tmp) / f"j{in_flight}.sqlite", f"R{in_flight}"
                    )
                )
                rows.append(row)
                rss = ", ".join(f"{m:.1f}" for m in row["rss_mb"])
                print(
                    f"{row['in_flight']:>2} in flight: {row['sent']} sent in {row['seconds']:.1f} s = "
                    f"{row['per_second']:.1f} orders/s; client CPU {row['cpu_ms_per_order']:.1f} ms/order; "
                    f"RSS at 25/50/75/100%: {rss} MB"
                )
    finally:
        server.terminate()
        server.join(5)
    speedup = rows[1]["per_second"] / rows[0]["per_second"]
    growth = max(rows[1]["rss_mb"]) - min(rows[1]["rss_mb"])
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"machine load average (1/5/15 min): {load} on {os.cpu_count()} cores; the client's CPU per order "
        f"bounds the {args.high}-in-flight run, so a busy machine lowers the speed-up"
    )
    print(
        f"speed-up {args.high} vs {args.low} in flight: {speedup:.1f}x (target >= 6x); "
        f"RSS growth during the {args.high}-in-flight run: {growth:.1f} MB"
    )
    return 0 if speedup >= 6 else 1


def _wait_up(port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the sandbox did not start")


if __name__ == "__main__":
    sys.exit(main())
