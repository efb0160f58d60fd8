"""Shipped word data: a general English word list and precomputed Snowball stems.

Both are sorted text files under data/ (see data/README.md for their origin), made at
development time by scripts/build_lexicon.py. A cold `trdfaq ask` looks a few words up in
them by binary search over the file's text, which costs one read and no parsing; code that
needs many words (building an index) loads them whole, once.

The stems are nltk's (tests/test_lexicon.py checks every one against nltk), so serving them
from here instead of nltk changes nothing but speed: nltk takes 0.4-0.7 s to import, more than
a whole cached `trdfaq ask`.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

WORDS_FILE = "english_words.txt"
STEMS_FILE = "stems.txt"


@cache
def _text(name: str) -> str:
    text = resources.files("trdfaq").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return text if text.endswith("\n") else text + "\n"


def find_line(text: str, key: str) -> str | None:
    """The rest of the line of sorted `text` whose first tab-separated field is `key`, if any.

    `text` is lines sorted by that field, each ending in a newline; the rest is "" for a line
    that is the key alone.
    """
    lo, hi = 0, len(text)
    while lo < hi:
        start = text.rfind("\n", 0, (lo + hi) // 2) + 1  # the line around the middle
        end = text.index("\n", start)
        tab = text.find("\t", start, end)
        found = text[start : end if tab < 0 else tab]
        if found == key:
            return "" if tab < 0 else text[tab + 1 : end]
        if found < key:
            lo = end + 1
        else:
            hi = start
    return None


def decode_stem(word: str, code: str) -> str:
    """A stem from its word and code: "" is the word itself, "n" drops n letters, "n+abc"
    drops n letters and adds "abc"."""
    if not code:
        return word
    cut, _, tail = code.partition("+")
    return word[: len(word) - int(cut)] + tail


def encode_stem(word: str, stem: str) -> str:
    """The code of a word's stem (see decode_stem)."""
    common = 0
    while common < min(len(word), len(stem)) and word[common] == stem[common]:
        common += 1
    cut, tail = len(word) - common, stem[common:]
    if not cut and not tail:
        return ""
    return f"{cut}+{tail}" if tail else str(cut)


def is_english_word(word: str) -> bool:
    """Whether a normalised token is a general English word (no possessives: "dad", not
    "dad's"); quick for a few words, as it parses nothing."""
    return find_line(_text(WORDS_FILE), word) is not None


@cache
def english_words() -> frozenset[str]:
    """The general English word list, whole (normalised as analysis.tokenize makes tokens)."""
    return frozenset(_text(WORDS_FILE).split())


def shipped_stem(word: str) -> str | None:
    """The precomputed Snowball stem of a word, if shipped (English words and the bundled
    corpus's words)."""
    if shipped_stems.cache_info().currsize:  # loaded whole already: a dict lookup
        return shipped_stems().get(word)
    code = find_line(_text(STEMS_FILE), word)
    return None if code is None else decode_stem(word, code)


@cache
def shipped_stems() -> dict[str, str]:
    """Every precomputed stem, by word (for building an index: many lookups)."""
    out = {}
    for line in _text(STEMS_FILE).splitlines():
        word, _, code = line.partition("\t")
        out[word] = decode_stem(word, code)
    return out
