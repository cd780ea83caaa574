"""A batch of orders: validate all, then send the valid ones, up to N at a time, exactly once.

The report (``--json``), kept stable for scripts::

    {"sent":    [{"order_id": "A-1", "incoming_order_id": 17}, ...],   # created by this run
     "skipped": [{"order_id": "A-0", "incoming_order_id": 16}, ...],   # in Poster from an earlier run
     "failed":  [{"order_id": "A-2", "reason": "..."}, ...]}          # invalid, refused or unconfirmed

A failed entry's ``order_id`` is null for a row that had none. Error 700 slows the whole batch: the
tasks share the client and its :class:`~poster_cli.poster.ratelimit.RatePacer`.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from poster_cli.errors import EXIT_ATTENTION, EXIT_OK
from poster_cli.orders.build import BuiltOrder, OrderBuilder, OrderInvalid, OrderRequest
from poster_cli.orders.files import FileProblem, ParsedBatch
from poster_cli.orders.fingerprint import request_fingerprint, same_order
from poster_cli.orders.journal import FAILED, JournalEntry, OrderJournal
from poster_cli.orders.send import SENT, SKIPPED, OrderConflict, OrderSender, SendResult


@dataclass
class Validated:
    """The valid orders of a file still to send, the ones already in Poster (``done``: skipped
    whatever the menu says now), and every problem found (file, line, reason)."""

    orders: list[BuiltOrder] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    done: list[JournalEntry] = field(default_factory=list)

    @property
    def invalid_ids(self) -> list[str | None]:
        seen: dict[str | None, None] = {}
        for p in self.problems:
            seen.setdefault(p.order_id)
        return list(seen)


def validate(parsed: ParsedBatch, builder: OrderBuilder, name: str, journal: OrderJournal | None = None) -> Validated:
    """Build every order the file parsed into; collect the builder's problems with their place.

    With the ``journal``, an order already in Poster is not built again: the same site order
    (:mod:`poster_cli.orders.fingerprint`: items, counts, options, phone, paid... never today's
    prices or menu) goes to ``done``; another order under a known id is an
    :class:`~poster_cli.orders.send.OrderConflict` for the whole file (exit 2), raised before
    anything is sent.
    """
    result = Validated(problems=list(parsed.problems))
    clashes: list[JournalEntry] = []
    for req in parsed.orders:
        entry = journal.get(req.order_id) if journal is not None else None
        if entry is not None and entry.in_poster and entry.request_hash is not None:
            if entry.request_hash == request_fingerprint(req):
                result.done.append(entry)
            else:
                clashes.append(entry)
            continue
        try:
            built = builder.build(req)
        except OrderInvalid as err:
            if entry is not None and entry.in_poster:  # journaled before fingerprints: cannot compare
                result.done.append(entry)
                result.warnings.append(
                    f"{_where(name, req, req.line)}: {req.order_id} is already in Poster; not sent again"
                )
                continue
            for p in err.problems:
                result.problems.append(FileProblem(_where(name, req, p.line), p.message, req.order_id))
            continue
        if entry is not None and entry.state != FAILED and not same_order(entry, built.body, built.request_hash):
            clashes.append(entry)
            continue
        if entry is not None and entry.in_poster:
            result.done.append(entry)
            continue
        result.orders.append(built)
        result.warnings.extend(f"{_where(name, req, req.line)}: {w}" for w in built.warnings)
    if clashes:
        raise OrderConflict(clashes)
    result.problems.sort(key=_file_position)
    return result


def _file_position(p: FileProblem) -> tuple[int, int]:
    """Where a problem is in its file: ``orders.csv:7`` (line 7), or ``orders.json orders[2]``
    (order 2, also for a place inside it such as ``orders[2].items[10]``)."""
    import re

    line = re.search(r":(\d+)$", p.where)
    if line:
        return (0, int(line.group(1)))
    order = re.findall(r" orders\[(\d+)\]", p.where)
    return (0, int(order[-1])) if order else (1, 0)


def _where(name: str, req: OrderRequest, line: int | None) -> str:
    if line is not None:
        return f"{name}:{line}"
    return f"{name} {req.where}" if req.where else name


@dataclass
class BatchReport:
    sent: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, r: SendResult) -> None:
        if r.outcome == SENT:
            self.sent.append({"order_id": r.order_id, "incoming_order_id": r.incoming_order_id})
        elif r.outcome == SKIPPED:
            self.skipped.append({"order_id": r.order_id, "incoming_order_id": r.incoming_order_id})
        else:
            self.failed.append({"order_id": r.order_id, "reason": r.reason or r.outcome})
        self.warnings.extend(f"{r.order_id}: {w}" for w in r.warnings)

    def add_done(self, entries: Sequence[JournalEntry]) -> None:
        """Orders an earlier run got into Poster: skipped."""
        for e in entries:
            self.skipped.append({"order_id": e.order_id, "incoming_order_id": e.incoming_order_id})

    def add_invalid(self, problems: Sequence[FileProblem]) -> None:
        by_order: dict[str | None, list[str]] = {}
        for p in problems:
            by_order.setdefault(p.order_id, []).append(str(p))
        for order_id, reasons in by_order.items():
            if order_id is None:
                self.failed.extend({"order_id": None, "reason": r} for r in reasons)
            else:
                self.failed.append({"order_id": order_id, "reason": "; ".join(reasons)})

    @property
    def exit_code(self) -> int:
        return EXIT_ATTENTION if self.failed else EXIT_OK

    def sort(self, file_order: Sequence[str]) -> None:
        """Each list in the order the file gives its orders (concurrent sends finish in any order)."""
        position = {order_id: i for i, order_id in reversed(list(enumerate(file_order)))}

        def key(d: dict[str, Any]) -> int:
            return position.get(d["order_id"], len(position))

        for items in (self.sent, self.skipped, self.failed):
            items.sort(key=key)

    def to_json(self) -> dict[str, Any]:
        return {"sent": self.sent, "skipped": self.skipped, "failed": self.failed}


def resume_first(orders: Sequence[BuiltOrder], journal: OrderJournal) -> list[BuiltOrder]:
    """Orders a killed run left pending (maybe in Poster) go first: they are settled before new
    work starts."""

    def key(o: BuiltOrder) -> int:
        entry = journal.get(o.order_id)
        return 0 if entry is not None and entry.maybe_in_poster else 1

    return sorted(orders, key=key)


async def run_batch(
    orders: Sequence[BuiltOrder],
    sender: OrderSender,
    *,
    concurrency: int = 4,
    on_result: Callable[[SendResult], None] | None = None,
) -> list[SendResult]:
    """Send ``orders`` with up to ``concurrency`` in flight; an authentication error stops all.
    Poster's recent orders are listed once first (:meth:`OrderSender.check_poster`)."""
    await sender.check_poster(orders, journal_lost=sender.journal.lost)
    queue = deque(resume_first(orders, sender.journal))
    results: list[SendResult] = []

    async def worker() -> None:
        while queue:
            order = queue.popleft()
            result = await sender.send(order)
            results.append(result)
            if on_result is not None:
                on_result(result)

    tasks = [asyncio.create_task(worker()) for _ in range(max(1, min(concurrency, len(queue))))]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return results
