"""Pausing Python's cycle collector while start-up builds objects that all stay alive.

Reading the cached index (~300,000 objects) allocates fast enough that the collector runs
every few hundred allocations, and each pass of its oldest generation walks everything built
so far (a sixth of a cold `trdfaq ask`); importing Textual and building the chat's first
screen are much the same. None of it is garbage, so pausing collection there only saves
time; it resumes afterwards as it was.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Within the block, no automatic collection (as it was afterwards; nesting is fine)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
