"""Python's cycle collector paused while a big JSON document becomes objects.

Decoding a 10,000-product menu makes hundreds of thousands of dicts, lists and strings, none of
them in a reference cycle. The collector still runs every few hundred new objects and, as the heap
grows, walks the whole of it again and again: a third of the time `pull` spent decoding and
parsing the menu (``benchmarks/pull_speed.py``). Reference counting frees objects as usual while
the collector waits; it is switched back on when the block ends, also when the block raises.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def gc_paused(*, keep: bool = False) -> Iterator[None]:
    """No cycle collection inside the block; nested blocks leave it to the outermost one.

    ``keep``: for a command whose objects live until it ends (a pulled menu). What exists when the
    block ends is frozen (:func:`gc.freeze`): the collector never walks it again, neither at its
    next pass (which would walk every object the block made) nor at exit. Not for a server.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if keep:
            gc.freeze()
        gc.enable()
