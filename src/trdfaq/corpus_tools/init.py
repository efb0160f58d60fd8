"""A new corpus folder from the starter corpus shipped with trdfaq (data/corpus_template)."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from ..errors import CorpusError, ExistsError

TEMPLATE = "data/corpus_template"


def init_corpus(target: Path) -> list[Path]:
    """Copy the starter corpus (one small article, its passages, the assistant's words) into
    a new or empty folder; the files written, in order."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ExistsError("already exists and is not an empty folder", target)
    written: list[Path] = []
    try:
        _copy(resources.files("trdfaq").joinpath(TEMPLATE), target, written)
    except OSError as exc:
        raise CorpusError(f"cannot write: {exc.strerror}", exc.filename or target) from None
    return written


def _copy(source: Traversable, target: Path, written: list[Path]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for item in sorted(source.iterdir(), key=lambda t: t.name):
        if item.name.startswith(".") or item.name == "__pycache__":
            continue
        if item.is_dir():
            _copy(item, target / item.name, written)
        else:
            path = target / item.name
            path.write_bytes(item.read_bytes())
            written.append(path)
