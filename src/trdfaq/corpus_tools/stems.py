"""Snowball stems for `corpus check`, cached on disk so that most checks need no nltk.

Importing nltk takes ~0.3 s, most of a check's time. The stems of a given set of words are
cached under a key made from the words themselves: editing questions (the usual edit
between two checks) leaves the passages' words, and so the key, unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from ..analysis import snowball_stem
from ..cache import cached

_VERSION = "1"


def stem_words(words: Iterable[str]) -> dict[str, str]:
    """The Snowball stem of each word."""
    ordered = sorted(set(words))
    digest = hashlib.sha256("\n".join([_VERSION, *ordered]).encode()).hexdigest()[:32]
    return cached(f"check-stems-{digest}", lambda: {word: snowball_stem(word) for word in ordered})
