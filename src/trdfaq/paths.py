"""Where the bundled corpus and prompts are, installed or in a source checkout."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    installed = _PACKAGE / name  # put there by the wheel build (pyproject.toml)
    if installed.is_dir():
        return installed
    return _PACKAGE.parent.parent / name  # src/trdfaq -> repository root


def bundled_corpus_dir() -> Path:
    """The corpus shipped with trdfaq."""
    return _bundled("corpus")


def bundled_prompts_dir() -> Path:
    """The prompts shipped with trdfaq."""
    return _bundled("prompts")


def cache_dir() -> Path:
    """Where derived index data is cached: $TRDFAQ_CACHE_DIR, else the user cache folder."""
    explicit = os.environ.get("TRDFAQ_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "trdfaq"


def config_dir() -> Path:
    """Where the chat keeps its preferences: $XDG_CONFIG_HOME/trdfaq, else ~/.config/trdfaq."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "trdfaq"
