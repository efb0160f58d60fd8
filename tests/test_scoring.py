"""BM25 as pure functions: rank_bm25's scores with Lucene's IDF, and the IDF trap avoided."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest
from rank_bm25 import BM25Okapi

from trdfaq.scoring import field_impacts, impact_matrix, lucene_idf


def test_lucene_idf_stays_positive_for_a_term_in_every_document() -> None:
    assert lucene_idf(10, 10) > 0
    assert lucene_idf(10, 1) > lucene_idf(10, 5) > lucene_idf(10, 10)
    assert lucene_idf(10, 3) == pytest.approx(math.log(1 + 7.5 / 3.5))


def test_field_impacts_are_rank_bm25_scores_of_one_word_queries() -> None:
    rng = random.Random(5)
    words = [f"w{i}" for i in range(30)]
    documents = [rng.choices(words, k=rng.randint(1, 25)) for _ in range(200)]
    k1, b = 1.3, 0.6
    reference = BM25Okapi(documents, k1=k1, b=b)
    df = Counter(t for doc in documents for t in set(doc))
    reference.idf = {t: lucene_idf(len(documents), f) for t, f in df.items()}  # public attribute
    impacts = field_impacts(documents, k1, b)
    assert set(impacts) == set(df)
    for term in words[:10]:
        expected = reference.get_scores([term]).tolist()
        got = [impacts.get(term, {}).get(d, 0.0) for d in range(len(documents))]
        assert got == pytest.approx(expected, rel=1e-12)


def test_an_empty_field_has_no_impacts_but_its_terms_elsewhere_keep_their_idf() -> None:
    assert field_impacts([[], []], 1.2, 0.75) == {}
    matrix = impact_matrix(
        {"text": [["a"], ["b"]], "questions": [[], []]}, {"text": 1.0, "questions": 1.0}, 1.2, 0.75
    )
    assert sorted(matrix.rows) == ["a", "b"]
    assert matrix.postings("a") is not None and matrix.postings("zzz") is None
