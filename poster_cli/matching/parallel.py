"""Spreading a big pure computation over the machine's cores with forked worker processes.

A forked child shares the parent's memory copy-on-write, so the menu index reaches it for free;
only each child's answer travels back (pickled, through a pipe). Used for big jobs only, on Linux
(where fork is cheap and the default), and only when this process runs no other thread (forking a
threaded process can deadlock the child). A child that fails or is killed is made up for by the
parent, so the answer never depends on how many processes there were.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from typing import Callable, Generic, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_WORKERS = 4


def can_fork() -> bool:
    """Whether work may go to forked children here (Linux, more than one core, no other thread)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1 and len(os.sched_getaffinity(0)) > 1


def workers_for(count: int, min_per_worker: int) -> int:
    """How many processes ``count`` pieces of work are worth (1: do it here)."""
    if count < 2 * min_per_worker or not can_fork():
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), MAX_WORKERS, count // min_per_worker))


class Background(Generic[R]):
    """``work()`` started in a forked child at once; :meth:`result` waits for its answer, which
    is None when the child failed (the caller then does the work itself, and sees its error)."""

    def __init__(self, work: Callable[[], R]) -> None:
        self._child: tuple[int, int] | None = _fork(lambda _: [work()], ())
        self._answer: R | None = None

    def result(self) -> R | None:
        if self._child is not None:
            try:
                answer: list[R] | None = _collect(self._child)
                self._answer = answer[0] if answer else None
            finally:
                _reap(self._child)
                self._child = None
        return self._answer

    def cancel(self) -> None:
        """Stop the child if it still runs (after an error or an interruption here)."""
        if self._child is not None:
            _reap(self._child)
            self._child = None


def parallel_map(work: Callable[[Sequence[T]], list[R]], items: Sequence[T], workers: int) -> list[R]:
    """``work(items)``, with the items cut into ``workers`` slices, each slice but the first done
    by a forked child while this process does the first."""
    if workers < 2 or len(items) < 2:
        return work(items)
    bounds = [len(items) * k // workers for k in range(workers + 1)]
    slices = [items[bounds[k] : bounds[k + 1]] for k in range(workers)]
    children: list[tuple[int, int]] = []
    try:
        children = [_fork(work, part) for part in slices[1:]]
        result = work(slices[0])
        for part, child in zip(slices[1:], children):
            answer: list[R] | None = _collect(child)
            result.extend(answer if answer is not None and len(answer) == len(part) else work(part))
    finally:
        for child in children:
            _reap(child)
    return result


def _fork(work: Callable[[Sequence[T]], list[R]], part: Sequence[T]) -> tuple[int, int]:
    """Start a child doing ``work(part)``; returns its pid and the pipe its answer comes on."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_fd)
        return pid, read_fd
    status = 1
    try:  # the child: no cleanup handlers, no flushing of the parent's buffers, only os._exit
        os.close(read_fd)
        data = memoryview(pickle.dumps(work(part), protocol=pickle.HIGHEST_PROTOCOL))
        while data:
            data = data[os.write(write_fd, data) :]
        status = 0
    except BaseException:  # noqa: B036 - Ctrl-C or anything else: the parent does this part itself
        status = 1
    finally:
        os._exit(status)


def _collect(child: tuple[int, int]) -> list[R] | None:
    """The child's answer, or None when it failed."""
    pid, fd = child
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if status != 0:
        return None
    try:
        answer = pickle.loads(b"".join(chunks))
    except Exception:
        return None
    return answer if isinstance(answer, list) else None


def _reap(child: tuple[int, int]) -> None:
    """Close the pipe and make sure the child is gone (after an interruption it may still run)."""
    pid, fd = child
    try:
        os.close(fd)
    except OSError:
        pass
    try:
        if os.waitpid(pid, os.WNOHANG) == (0, 0):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    except ChildProcessError:
        pass
