"""An on-disk cache of derived data, rebuilt automatically when its input files change.

The key is each input file's path, size and modification time (as git's index does), so
checking it costs one stat per file, not a read. Entries are pickles written atomically
(temporary file, then rename): a crash never leaves a half-written entry behind, and a
folder that cannot be written to just means no caching. Only corpus and prompt data is
cached, never anything a user typed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from .paths import cache_dir

T = TypeVar("T")
FORMAT = 1  # bump when the cached data's shape changes
KEEP = 32  # entries kept; older ones are removed
IGNORED_SUFFIXES = frozenset({".pyc", ".tmp", ".swp"})


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


def cached(key: str, build: Callable[[], T], enabled: bool = True) -> T:
    """The cached value for `key`, or `build()` stored under it."""
    if not enabled:
        return build()
    path = cache_dir() / f"{key}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)  # type: ignore[no-any-return]  # noqa: S301 - our own file
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
        pass
    value = build()
    _store(path, value)
    return value


def _store(path: Path, value: object) -> None:
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
            tmp = handle.name
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        tmp = None
        _prune(path.parent)
    except OSError:
        pass  # a read-only cache folder only costs speed
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _prune(folder: Path) -> None:
    """Keep the most recently written entries only."""
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)
