"""Matching's bulk work with Python's cyclic garbage collector paused.

A full run holds millions of small container objects at once (standardised rows, scored pairs, clusters).
Each full pass of the collector walks all of them, and allocating millions more keeps triggering passes: at a
million records that was a third of a run's time, spent finding no garbage. Matching makes no reference
cycles of its own, so reference counting frees everything as usual while the collector rests.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the collector for the block; resume it after only if it was running (blocks may nest)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
