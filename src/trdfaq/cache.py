"""An on-disk cache of derived data, rebuilt automatically when its input files change.

The key is each input file's path, size and modification time (as git's index does), so
checking it costs one stat per file, not a read. Entries are pickles written atomically
(temporary file, then rename): a crash never leaves a half-written entry behind, and a
folder that cannot be written to just means no caching. Any entry that does not read back
as one of ours, under its own key (random bytes, a truncated file, some other pickle), is a
miss and is rebuilt. Only corpus and prompt data is cached, never anything a user typed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TypeVar, cast

from .paths import cache_dir

T = TypeVar("T")
FORMAT = 2  # bump when the cached data's shape changes
KEEP = 32  # entries kept; older ones are removed
IGNORED_SUFFIXES = frozenset({".pyc", ".tmp", ".swp"})
MAGIC = "trdfaq-cache"  # first item of every entry's envelope: (MAGIC, FORMAT, key, value)
# Called (once per cached() call) just before a value is built because it was not cached.
_ON_BUILD: ContextVar[Callable[[], None] | None] = ContextVar("on_build", default=None)


def input_files(folder: Path) -> list[Path]:
    """The files under a folder that derived data depends on."""
    return sorted(
        p
        for p in Path(folder).rglob("*")
        if p.is_file()
        and p.suffix not in IGNORED_SUFFIXES
        and not any(
            part.startswith(".") or part == "__pycache__" for part in p.relative_to(folder).parts
        )
    )


def cache_key(folders: Iterable[Path], salt: str) -> str:
    """A key that changes whenever any input file is added, removed or modified."""
    digest = hashlib.sha256(f"{FORMAT}\0{salt}".encode())
    for folder in folders:
        folder = Path(folder).resolve()
        digest.update(f"\0{folder}".encode())
        for path in input_files(folder):
            stat = path.stat()
            digest.update(f"\0{path}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:32]


@contextmanager
def announce_builds(callback: Callable[[], None]) -> Iterator[None]:
    """Within the block, call `callback` before building anything that was not cached
    (so that a front end can say why the first run is slow); never on a cache hit."""
    token = _ON_BUILD.set(callback)
    try:
        yield
    finally:
        _ON_BUILD.reset(token)


def cached(key: str, build: Callable[[], T], enabled: bool = True) -> T:
    """The cached value for `key`, or `build()` stored under it."""
    path = cache_dir() / f"{key}.pickle"
    if enabled:
        found, value = _load(path, key)
        if found:
            return cast(T, value)
    announce = _ON_BUILD.get()
    if announce is not None:
        announce()
    built = build()
    if enabled:
        _store(path, key, built)
    return built


def _load(path: Path, key: str) -> tuple[bool, object]:
    """(True, value) for a readable entry of ours under `key`; (False, None) for anything else."""
    try:
        with path.open("rb") as handle:
            envelope = pickle.load(handle)  # noqa: S301 - our own file, checked below
    except Exception:  # whatever a damaged file raises, it is a miss
        return False, None
    if isinstance(envelope, tuple) and len(envelope) == 4 and envelope[:3] == (MAGIC, FORMAT, key):
        return True, envelope[3]
    return False, None


def _store(path: Path, key: str, value: object) -> None:
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
            tmp = handle.name
            pickle.dump((MAGIC, FORMAT, key, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        tmp = None
        _prune(path.parent)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        # A read-only or full cache folder, or a value pickle cannot write (TypeError and
        # AttributeError are what it raises for locks and local functions): only speed is lost.
        pass
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _prune(folder: Path) -> None:
    """Keep the most recently written entries only."""
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)
