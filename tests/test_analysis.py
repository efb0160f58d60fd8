"""Text analysis: tokens, stopwords, stems served without nltk, typo correction."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trdfaq.analysis import (
    Speller,
    Stemmer,
    edit_distance,
    question_weighted,
    snowball_stem,
    stem_table,
    stopwords,
    tokenize,
)


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Does ECT hurt your memory?", ["does", "ect", "hurt", "your", "memory"]),
        ("the brain’s glutamate system", ["the", "brain's", "glutamate", "system"]),
        ("treatment-resistant depression", ["treatment", "resistant", "depression"]),
        ("5 days/week, 10-30%", ["5", "days", "week", "10", "30"]),
        ("ＲＴＭＳ", ["rtms"]),
        ("", []),
        ("?!…", []),
    ],
)
def test_tokenize(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


def test_tokenize_agrees_with_nltk_regexp_tokenizer() -> None:
    from nltk.tokenize import RegexpTokenizer

    from trdfaq.analysis import _TOKEN, normalise

    text = "Ketamine’s rapid action: within hours—or days (13.92 percent); isn't it?"
    assert tokenize(text) == RegexpTokenizer(_TOKEN.pattern).tokenize(normalise(text))


def test_stopwords_are_shipped_and_exclude_domain_words() -> None:
    words = stopwords()
    assert {"the", "what", "is", "would", "don't"} <= words
    assert not {"often", "fast", "safe", "memory", "work", "long"} & words


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("depression", "depress"),
        ("treatments", "treatment"),
        ("stimulating", "stimul"),
        ("dying", "die"),
        ("ketamine", "ketamin"),
    ],
)
def test_snowball_stems(word: str, stem: str) -> None:
    assert snowball_stem(word) == stem


def test_stem_table_includes_inflections_that_land_in_the_vocabulary() -> None:
    table = stem_table(["stimulate", "relief"], vocabulary={"stimul", "relief"})
    assert table["stimulating"] == "stimul"
    assert table["stimulates"] == "stimul"


def test_stemmer_skips_words_that_cannot_match_and_stems_the_rest_exactly() -> None:
    stemmer = Stemmer({}, ["ketamin", "memori"])
    assert (
        stemmer.stem("pancakez") is None
    )  # not English, and no vocabulary stem could come from it
    assert stemmer.stem("pancakes") == "pancak"  # English: its shipped stem
    assert stemmer.stem("memories") == "memori"  # not in the table: stemmed by nltk
    for word in ["ketamines", "memorial", "memorise"]:
        stem = stemmer.stem(word)
        assert stem is None or stem == snowball_stem(word)


def test_the_table_serves_shipped_stems_without_holding_them() -> None:
    stemmer = Stemmer({"ketamine": "ketamin"}, ["ketamin"])
    assert stemmer.table.get("ketamine") == "ketamin"
    assert stemmer.table.get("bicycles") == "bicycl"  # shipped
    assert stemmer.table.get("zzqx") is None and stemmer.table.get("zzqx", "zzqx") == "zzqx"
    assert dict(pickle.loads(pickle.dumps(stemmer.table))) == {"ketamine": "ketamin"}


def test_everyday_english_is_stemmed_without_nltk() -> None:
    code = (
        "import sys; sys.modules['nltk'] = None  # importing it now fails\n"
        "from trdfaq.analysis import Stemmer, tokenize\n"
        "stemmer = Stemmer({}, ['pregnanc', 'babi', 'safe'])\n"
        'text = "pregnant and my depression is bad again, is it safe for the baby? wondering"\n'
        "print([stemmer.stem(t) for t in tokenize(text)])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    stems = [
        snowball_stem(t)
        for t in tokenize(
            "pregnant and my depression is bad again, is it safe for the baby? wondering"
        )
    ]
    assert result.stdout.strip() == str(stems)


def test_stems_of_made_up_words_are_not_kept_without_bound() -> None:
    # A server sees endless new words; what it stems on the way is remembered, within bounds.
    stemmer = Stemmer({"memory": "memori"}, ["memori"])
    for n in range(10_000):
        assert stemmer.stem(f"memori{n:x}") is not None  # could match: stemmed by nltk
    assert stemmer.table == {"memory": "memori"}
    assert len(stemmer._learned) <= 4096


def test_could_match_never_misses_a_vocabulary_stem() -> None:
    words = [
        "relieving",
        "therapies",
        "stimulation",
        "augmenting",
        "psychedelics",
        "dying",
        "happily",
        "generalizations",
        "conditional",
        "hopefulness",
    ]
    vocabulary = [snowball_stem(w) for w in words]
    stemmer = Stemmer({}, vocabulary)
    assert all(stemmer.could_match(w) for w in words if w != "dying")


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("depresion", "depression", 1),
        ("ketamin", "ketamine", 1),
        ("teh", "the", 1),
        ("psilocibin", "psilocybin", 1),
        ("abc", "xyz", 3),
        ("same", "same", 0),
    ],
)
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b, limit=5) == distance


def test_edit_distance_stops_early_above_the_limit() -> None:
    assert edit_distance("electroconvulsive", "psilocybin", limit=2) == 3


@pytest.mark.parametrize(
    ("typed", "fixed"),
    [
        ("depresion", "depression"),
        ("ketamnie", "ketamine"),
        ("psilocibin", "psilocybin"),
        ("ect", None),
        ("pancakes", None),
        ("antidepresants", "antidepressants"),
    ],
)
def test_speller_maps_misspellings_to_known_words(typed: str, fixed: str | None) -> None:
    speller = Speller(("depression", "ketamine", "psilocybin", "antidepressants", "pain"))
    assert speller.correct(typed) == fixed


def test_analysis_needs_no_nltk_data_or_network(tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import nltk; nltk.download = None\n"
        "from trdfaq.analysis import snowball_stem, tokenize, stopwords\n"
        "assert snowball_stem('stimulation') == 'stimul'\n"
        "assert 'the' in stopwords()\n"
        "print(tokenize('ok'))"
    )
    env = {"NLTK_DATA": str(tmp_path / "none"), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    if "PYTHONPATH" in os.environ:  # a source checkout rather than an install
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@given(st.text(alphabet="abcde", max_size=7), st.text(alphabet="abcde", max_size=7))
def test_the_one_edit_fast_path_agrees_with_the_full_distance(a: str, b: str) -> None:
    assert (edit_distance(a, b, limit=1) <= 1) == (edit_distance(a, b, limit=3) <= 1)


_LEAN_SNOWBALL = """
import sys
from trdfaq.analysis import nltk_stem
words = ["differance", "sucess", "situations", "generously", "zapping"]
lean = [nltk_stem(w) for w in words]
assert "nltk.collocations" not in sys.modules and "scipy" not in sys.modules, "nltk loaded whole"
import nltk  # a later import of the whole package still works
from nltk.stem.snowball import SnowballStemmer
assert nltk.SnowballStemmer is SnowballStemmer
print(lean == [SnowballStemmer("english").stem(w) for w in words])
"""


def test_snowball_is_loaded_without_the_rest_of_nltk() -> None:
    # nltk's package __init__ imports all of nltk (and scipy): 0.4-2.5 s for one stem.
    done = subprocess.run(
        [sys.executable, "-c", _LEAN_SNOWBALL], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "True"


@pytest.mark.parametrize(
    ("text", "weighted"),
    [
        ("what is TMS?", "what is TMS?"),  # one sentence: as it is
        (
            "My husband tried three pills. His doctor mentioned ketamine. How does that work?",
            "My husband tried three pills. His doctor mentioned ketamine. How does that work?"
            "\nHow does that work?",
        ),
        (  # every asking sentence, in order
            "Is ECT safe? My mum is 78. Will it affect her memory? Thanks",
            "Is ECT safe? My mum is 78. Will it affect her memory? Thanks"
            "\nIs ECT safe?\nWill it affect her memory?",
        ),
        (  # no question mark: which sentence asks is not known, so none weighs more
            "what is ketamine. sorry for the long message, I'm tired",
            "what is ketamine. sorry for the long message, I'm tired",
        ),
    ],
)
def test_what_a_message_asks_weighs_twice_its_story(text: str, weighted: str) -> None:
    assert question_weighted(text) == weighted


@given(st.text(max_size=300))
def test_question_weighting_keeps_the_whole_message(text: str) -> None:
    assert question_weighted(text).startswith(text)
