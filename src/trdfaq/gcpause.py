"""Pausing Python's cycle collector while start-up builds objects that all stay alive.

Importing the package (some 45 dataclasses) and reading the cached index (~300,000 objects)
allocate fast enough that the collector runs every few hundred allocations, and each older
generation's pass walks everything built so far: a fifth of a cold `trdfaq ask`. None of it
is garbage, so pausing collection there only saves time; it resumes afterwards as it was.
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
