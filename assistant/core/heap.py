"""Garbage collection for a process that holds one large, long-lived engine.

The loaded engine (catalog, Alphabetic Index, walker, ranker trees) is ~500,000 objects that live as long as
the process. Left in the collector's generations, every full collection walks all of them, and a note that
happens to trigger one waits for it. Frozen after the load, they are skipped; objects made while serving
are collected as before.
"""

from __future__ import annotations

import gc

# Allocations between generation-0 collections: a note makes tens of thousands of short-lived objects.
SERVING_GEN0_THRESHOLD = 20_000


def freeze_loaded_heap() -> int:
    """Collect once, move every surviving object out of the collector's reach, and return how many.

    Process-wide: call it where a server has finished loading, never inside the engine. Frozen objects are
    still freed when their last reference goes; only cycles among them would stay."""
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(SERVING_GEN0_THRESHOLD, gen1, gen2)
    return gc.get_freeze_count()
