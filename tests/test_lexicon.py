"""Shipped word data: the English word list, and stems that are exactly nltk's."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trdfaq import analysis, lexicon, query
from trdfaq.analysis import nltk_stem, tokenize
from trdfaq.corpus import load_corpus
from trdfaq.engine import Engine
from trdfaq.lexicon import (
    decode_stem,
    encode_stem,
    english_words,
    find_line,
    is_english_word,
    shipped_stem,
    shipped_stems,
)
from trdfaq.paths import bundled_corpus_dir

REBUILD = "run `python scripts/build_lexicon.py` (see src/trdfaq/data/README.md)"


def test_every_shipped_stem_is_nltks() -> None:
    wrong = {w: s for w, s in shipped_stems().items() if nltk_stem(w) != s}
    assert not wrong, f"{len(wrong)} stems differ from nltk's, e.g. {list(wrong)[:5]}: {REBUILD}"


def test_the_word_list_is_normalised_tokens_sorted_and_without_possessives() -> None:
    text = lexicon._text(lexicon.WORDS_FILE)
    lines = text.splitlines()
    assert lines == sorted(set(lines)) and len(lines) > 70_000
    assert all(tokenize(w) == [w] and not w.endswith("'s") for w in lines)


@pytest.mark.parametrize(
    ("word", "english"),
    [
        ("depression", True),
        ("pancakes", True),
        ("won't", True),
        ("colour", True),  # British spellings too
        ("color", True),
        ("aardvark", True),  # the first line
        ("zoos", True),
        ("teh", False),
        ("depresion", False),
        ("definately", False),
        ("ketamine", False),  # not in a general list: the corpus knows it
        ("", False),
        ("zzzzzz", False),
    ],
)
def test_is_english_word(word: str, english: bool) -> None:
    assert is_english_word(word) is english
    assert (word in english_words()) is english


@pytest.mark.parametrize("probe", ["a", "ab", "abc", "abd", "b", "", "0", "zz", "aa"])
def test_find_line_finds_exactly_the_lines_keys(probe: str) -> None:
    lines = {"a": "1", "ab": "", "abc": "2+x", "b": "9"}
    text = "".join(f"{k}\t{v}\n" if v else f"{k}\n" for k, v in sorted(lines.items()))
    assert find_line(text, probe) == lines.get(probe)


@given(
    st.text(alphabet="abcdeiy'", min_size=1, max_size=12), st.text(alphabet="abcdeiy", max_size=12)
)
def test_stem_codes_round_trip(word: str, stem: str) -> None:
    assert decode_stem(word, encode_stem(word, stem)) == stem


def test_shipped_stems_are_served_alike_by_search_and_by_table() -> None:
    for word in ["depression", "treatments", "dying", "ketamine", "zzqx"]:
        assert shipped_stem(word) == shipped_stems().get(word)


def test_the_bundled_corpus_builds_without_nltk() -> None:
    code = (
        "import sys; sys.modules['nltk'] = None  # importing it now fails\n"
        "from trdfaq.corpus import load_corpus\n"
        "from trdfaq.engine import Engine\n"
        "from trdfaq.paths import bundled_corpus_dir\n"
        "Engine.build(load_corpus(bundled_corpus_dir()))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, f"the bundled corpus needs stems not shipped: {REBUILD}"


def test_shipped_stems_give_the_stem_table_nltk_would(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    corpus = load_corpus(bundled_corpus_dir())
    shipped = Engine.build(corpus).analyzer.stemmer.table
    monkeypatch.setattr(query, "stem_table", lambda *a: analysis.stem_table(*a, exhaustive=True))
    exhaustive = Engine.build(corpus).analyzer.stemmer.table
    assert dict(shipped) == dict(exhaustive), REBUILD
