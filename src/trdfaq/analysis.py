"""Text analysis: tokens, stopwords, Snowball stems, typo correction.

This is the only module that imports nltk, and it does so lazily: nltk takes 0.4-0.7 s to
import, more than a whole cached `trdfaq ask`. Stems come from nltk's Snowball stemmer, but
precomputed: the stems of general English words and of the bundled corpus's words ship with
trdfaq (lexicon.py), and the stems of a corpus's words are cached with its index. nltk is
imported only for a word outside both whose stem could be in the index (a typo, mostly).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache, lru_cache
from importlib import import_module, resources
from importlib.util import find_spec
from pathlib import Path
from types import ModuleType
from typing import Any, overload

from .lexicon import english_words, is_english_word, shipped_stem, shipped_stems

__all__ = [  # the word list lives in lexicon.py; analysis is where text tools are found
    "english_words",
    "is_english_word",
]

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
# Runs of letters or digits, with inner apostrophes ("doesn't", "brain's").
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# Snowball leaves a word's stem as a prefix of the word, bar its last letter (checked over
# the 74k words of Debian's wamerican list), except for these irregular forms.
_IRREGULAR = (
    "dying",
    "lying",
    "tying",
    "skies",
    "skis",
    "idly",
    "gently",
    "ugly",
    "early",
    "only",
    "singly",
    "sky",
    "news",
    "howe",
    "atlas",
    "cosmos",
    "bias",
    "andes",
)
_MAX_SUFFIX = 10
_MIN_KEYED_STEM = 4
_MEMO_SIZE = 4096
_INFLECTIONS = (
    "s",
    "es",
    "ed",
    "ing",
    "er",
    "ers",
    "ly",
    "ness",
    "ment",
    "ments",
    "ion",
    "ions",
    "ive",
    "ity",
    "al",
    "ally",
    "ation",
    "ations",
    "ful",
    "less",
    "ism",
)


def _word_list(name: str) -> frozenset[str]:
    text = resources.files("trdfaq").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@cache
def stopwords() -> frozenset[str]:
    """The shipped English stopword list."""
    return _word_list("stopwords.txt")


@cache
def shorthand() -> dict[str, tuple[str, ...]]:
    """Chat shorthand and the words it stands for (see data/shorthand.txt)."""
    text = resources.files("trdfaq").joinpath("data/shorthand.txt").read_text(encoding="utf-8")
    pairs = (line.split() for line in text.splitlines() if not line.startswith("#"))
    return {words[0]: tuple(words[1:]) for words in pairs if words}


def normalise(text: str) -> str:
    """Unicode NFKC, case-folded, with apostrophe variants unified."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)


# Sentence ends, and line breaks (each bullet of a list is its own line).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


@lru_cache(maxsize=4096)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Character spans of the sentences (and list items) of a text."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return tuple(spans)


def question_weighted(text: str) -> str:
    """A message of several sentences with the ones that ask (ending in "?") written again
    after it, so that what is asked weighs twice the story around it ("My husband has tried
    three antidepressants. His psychiatrist mentioned ketamine. How is that supposed to
    work?"). The story stays: it often names what "that" is. A message with no "?" is left as
    it is: its last sentence may be an aside ("... sorry for the long message, I'm tired").
    On the labelled questions of several sentences, the best passage was right for 0.69 of
    them, 0.73 so.
    """
    sentences = [text[start:end].strip() for start, end in sentence_spans(text)]
    asking = [s for s in sentences if s.endswith("?")]
    if len([s for s in sentences if s]) < 2 or not asking:
        return text
    return "\n".join([text, *asking])


def tokenize(text: str) -> list[str]:
    """Split text into normalised word tokens."""
    return _TOKEN.findall(normalise(text))


@cache
def _snowball() -> Callable[[str], str]:
    return _snowball_class()("english").stem  # type: ignore[no-any-return]


def _snowball_class() -> Any:
    """nltk's SnowballStemmer, without running nltk's package `__init__` when nltk is not
    loaded yet: that imports all of nltk (and scipy, where installed), 0.4-2.5 s, for one
    module whose own imports take 20-50 ms. The same module and class, so the same stems;
    the stand-in parents are removed afterwards, so a later `import nltk` loads it whole."""
    if "nltk" in sys.modules:
        from nltk.stem.snowball import SnowballStemmer  # noqa: PLC0415

        return SnowballStemmer
    spec = find_spec("nltk")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("nltk is not installed")
    root = Path(next(iter(spec.submodule_search_locations)))
    stand_ins = {"nltk": root, "nltk.stem": root / "stem", "nltk.corpus": None}
    for name, folder in stand_ins.items():
        module = sys.modules[name] = ModuleType(name)
        if folder is None:  # snowball reads nltk.corpus.stopwords only with ignore_stopwords
            module.stopwords = None  # type: ignore[attr-defined]
        else:
            module.__path__ = [str(folder)]
    try:
        return import_module("nltk.stem.snowball").SnowballStemmer
    finally:
        for name in stand_ins:
            del sys.modules[name]


def nltk_stem(word: str) -> str:
    """The Snowball (English) stem of one normalised token, computed by nltk (the reference)."""
    return _snowball()(word)


def snowball_stem(word: str) -> str:
    """The Snowball (English) stem of one normalised token: shipped if precomputed, else nltk's."""
    found = shipped_stem(word)
    return found if found is not None else _snowball()(word)


def inflections(word: str) -> set[str]:
    """Common English inflections of a word, to pre-stem the forms people may type."""
    bases = {word}
    if word.endswith("e"):
        bases.add(word[:-1])
    if word.endswith("y"):
        bases.add(word[:-1] + "i")
    if len(word) > 2 and word[-1] not in "aeiouwxy" and word[-2] in "aeiou":
        bases.add(word + word[-1])
    forms = {base + suffix for base in bases for suffix in _INFLECTIONS}
    for suffix in ("s", "es", "ed", "ing", "ly", "ness", "ment", "ion", "ation", "al", "er"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            root = word[: -len(suffix)]
            forms.update((root, root + "e", root + "y"))
    return forms


class StemTable(dict[str, str]):
    """A corpus's stems by word; `get` also serves the shipped stems (lexicon.py), which are
    not copied in (nor pickled with the index)."""

    @overload  # type: ignore[override]
    def get(self, word: str, default: None = None) -> str | None: ...
    @overload
    def get(self, word: str, default: str) -> str: ...

    def get(self, word: str, default: str | None = None) -> str | None:
        """The stem of `word`, from this table or the shipped ones, else `default`."""
        found = dict.get(self, word)
        if found is None:
            found = shipped_stem(word)
        return default if found is None else found


class Stemmer:
    """Snowball stems served from precomputed tables, falling back to nltk when needed."""

    def __init__(self, table: Mapping[str, str], vocabulary: Iterable[str]) -> None:
        self.table = StemTable(table)
        # Stems worked out for words outside the table: in memory only, and bounded, so that
        # a server fed endless made-up words does not grow.
        self._learned: dict[str, str] = {}
        # Stems keyed by all but their last letter: a word whose stem is in the vocabulary
        # starts with such a key (see _IRREGULAR), so a word starting with none of them
        # cannot match anything and needs no stemming. Stems under 4 letters would make keys
        # that half the language starts with; the forms of those short words that people
        # type are in the precomputed table instead (see `stem_table`).
        self._keys: dict[str, int] = {}
        for stem in vocabulary:
            if len(stem) >= _MIN_KEYED_STEM:
                key = stem[:-1]
                self._keys[key] = max(self._keys.get(key, 0), len(stem))

    def could_match(self, word: str) -> bool:
        """Whether `word` might stem to a vocabulary stem (cheap, may say yes wrongly)."""
        for end in range(len(word) + 1):
            longest = self._keys.get(word[:end])
            if longest is not None and len(word) - _MAX_SUFFIX <= longest <= len(word) + 1:
                return True
        return False

    def stem(self, word: str) -> str | None:
        """The stem of `word`, or None when it is certainly outside the vocabulary."""
        found = self.table.get(word) or self._learned.get(word)
        if found is not None:
            return found
        if len(word) <= 2 or word.isdigit():
            return word  # Snowball leaves these as they are
        if not self.could_match(word):
            return None
        found = snowball_stem(word)
        if len(self._learned) >= _MEMO_SIZE:
            self._learned.clear()
        self._learned[word] = found
        return found


def stem_table(
    words: Iterable[str], vocabulary: set[str] | None = None, *, exhaustive: bool = False
) -> dict[str, str]:
    """Stems of `words` and of their inflections whose stem is in `vocabulary`.

    Inflections are taken from the shipped stems (English words, and the forms of the bundled
    corpus's words that land in its vocabulary: see scripts/build_lexicon.py), so that no
    nltk is needed for them; `exhaustive` stems every inflection with nltk instead (slow:
    tens of thousands of made-up forms), which is how the shipped stems are made.
    """
    known = shipped_stems()
    table = {word: known.get(word) or nltk_stem(word) for word in set(words) | set(_IRREGULAR)}
    stems = set(table.values()) if vocabulary is None else vocabulary
    for word in list(table):
        if not word.isalpha():
            continue
        for form in inflections(word):
            if form in table:  # (not `- table.keys()`: that copies the table for every word)
                continue
            stem = nltk_stem(form) if exhaustive else known.get(form)
            if stem in stems:
                table[form] = stem
    return table


def _within_one(a: str, b: str) -> bool:
    """Whether one substitution, insertion, deletion or adjacent swap turns a into b."""
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        if a[i + 1 :] == b[i + 1 :]:
            return True
        swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]
        return swapped and a[i + 2 :] == b[i + 2 :]
    return len(b) - len(a) == 1 and a[i:] == b[i + 1 :]


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, or limit+1 once above limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    if limit == 1:
        return 1 if _within_one(a, b) else 2
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def typo_limit(word: str) -> int:
    """How many edits a misspelling of a word this long may have."""
    if len(word) < 5 or not word.isalpha():
        return 0
    return 1 if len(word) < 8 else 2


class Speller:
    """Maps an unknown word to the closest known word (by edit distance, then frequency)."""

    def __init__(self, words: Sequence[str]) -> None:
        self.words = tuple(words)  # known words, most frequent first
        self._memo: dict[str, str | None] = {}
        # Known words by (first letter, length): a misspelling rarely touches the first
        # letter, so only a few buckets need comparing.
        self._buckets: dict[tuple[str, int], list[tuple[int, str]]] = {}
        for rank, word in enumerate(self.words):
            self._buckets.setdefault((word[0], len(word)), []).append((rank, word))

    def correct(self, word: str) -> str | None:
        """The closest known word within the typo limit, or None."""
        if word in self._memo:
            return self._memo[word]
        found = self._closest(word)
        if len(self._memo) >= _MEMO_SIZE:  # in memory only, bounded; never written anywhere
            self._memo.clear()
        self._memo[word] = found
        return found

    def _closest(self, word: str) -> str | None:
        limit = typo_limit(word)
        if not limit:
            return None
        best: tuple[int, int, str] | None = None
        firsts = {word[0], word[1]}  # word[1]: the first two letters swapped
        for first in firsts:
            for length in range(len(word) - limit, len(word) + limit + 1):
                for rank, known in self._buckets.get((first, length), ()):
                    if first != word[0] and not known.startswith(word[1::-1]):
                        continue
                    distance = edit_distance(word, known, limit)
                    if distance <= limit and (best is None or (distance, rank) < best[:2]):
                        best = (distance, rank, known)
        return None if best is None else best[2]
