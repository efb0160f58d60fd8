"""An assistant with its corpus folder's own words: the one way front ends load one.

Assistant.load reads the bundled prompts; a corpus folder's assistant.yaml (its greeting,
examples and about text) is laid over them here, so that a custom corpus never greets
people about another subject. Without that file this is Assistant.load itself.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .assistant import Assistant
from .paths import bundled_corpus_dir
from .prompts import read_corpus_words


def load_assistant(corpus_dir: Path | str | None = None, *, use_cache: bool = True) -> Assistant:
    """The assistant over a corpus folder (default: the bundled one), in that corpus's words."""
    folder = Path(corpus_dir) if corpus_dir is not None else bundled_corpus_dir()
    words = read_corpus_words(folder)  # first: a mistake in it is found before any index build
    assistant = Assistant.load(corpus_dir, use_cache=use_cache)
    if words:
        assistant.prompts = replace(assistant.prompts, **words)  # type: ignore[arg-type]
    return assistant
