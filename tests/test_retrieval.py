"""The BM25 index: parity with rank-bm25, the IDF trap, empty corpus and empty query."""

from __future__ import annotations

import pickle
import random

import pytest

from trdfaq.corpus import Passage, Settings, Source
from trdfaq.retrieval import Concept, Index, reference_bm25


def _passages(n: int) -> list[Passage]:
    source = Source("s", "S", None, "test", "s.txt", "")
    return [Passage(f"p{i}", source, None, f"passage {i}", (), 0, 0) for i in range(n)]


def _random_documents(n: int, seed: int = 7) -> list[list[str]]:
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(400)]
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]  # Zipf-like
    return [rng.choices(vocabulary, weights, k=rng.randint(5, 60)) for _ in range(n)]


def _text_only(settings: Settings) -> Settings:
    return Settings(
        text_weight=1.0, section_weight=0.0, questions_weight=0.0, k1=settings.k1, b=settings.b
    )


@pytest.mark.parametrize("numpy_path", [False, True])
def test_top10_matches_rank_bm25_full_scoring(numpy_path: bool, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from trdfaq import retrieval

    monkeypatch.setattr(retrieval, "NUMPY_THRESHOLD", 0 if numpy_path else 10**9)
    documents = _random_documents(3000)
    settings = _text_only(Settings())
    index = Index.build(_passages(len(documents)), {"text": documents}, settings)
    reference = reference_bm25(documents, settings.k1, settings.b)
    rng = random.Random(3)
    for _ in range(50):
        query = rng.sample([f"w{i}" for i in range(120)], k=rng.randint(1, 5))
        concepts = [Concept(((t, 1.0),), 1.0) for t in query]
        ours = [(h.passage.id, h.score) for h in index.search(concepts, 10)]
        scores = reference.get_scores(query)
        theirs = sorted(range(len(documents)), key=lambda d: (-scores[d], d))[:10]
        assert [pid for pid, _ in ours] == [f"p{d}" for d in theirs if scores[d] > 0]
        for (_, score), d in zip(ours, theirs, strict=False):
            assert score == pytest.approx(scores[d], rel=1e-9)


def test_a_term_in_most_passages_still_counts() -> None:
    # BM25Okapi floors the IDF of a term found in half the documents or more; on a small
    # corpus that would rank the one passage that has both words no higher than the rest.
    documents = [["ketamine", "fast"], ["ketamine", "slow"], ["ketamine"], ["other"]]
    index = Index.build(_passages(4), {"text": documents}, _text_only(Settings()))
    hits = index.search([Concept((("ketamine", 1.0),), 1.0), Concept((("fast", 1.0),), 1.0)], 4)
    assert [h.passage.id for h in hits[:1]] == ["p0"]
    assert all(h.score > 0 for h in hits)
    assert {h.passage.id for h in hits} == {"p0", "p1", "p2"}


def test_coverage_is_the_share_of_query_concepts_matched() -> None:
    documents = [["ketamine", "fast"], ["ketamine"]]
    index = Index.build(_passages(2), {"text": documents}, _text_only(Settings()))
    hits = index.search([Concept((("ketamine", 1.0),), 1.0), Concept((("fast", 1.0),), 3.0)], 2)
    assert [(h.passage.id, h.coverage) for h in hits] == [("p0", 1.0), ("p1", 0.25)]


def test_empty_corpus_and_empty_query_return_nothing() -> None:
    empty = Index.build([], {"text": []}, Settings())
    assert empty.search([Concept((("x", 1.0),), 1.0)], 3) == []
    index = Index.build(_passages(2), {"text": [["a"], ["b"]]}, _text_only(Settings()))
    assert index.search([], 3) == []
    assert index.search([Concept((("zzz", 1.0),), 1.0)], 3) == []


def test_fields_are_weighted() -> None:
    passages = _passages(2)
    fields = {"text": [["memory"], ["other"]], "section": [[], []], "questions": [[], ["memory"]]}
    text_first = Index.build(passages, fields, Settings(text_weight=1.0, questions_weight=0.1))
    questions_first = Index.build(passages, fields, Settings(text_weight=0.1, questions_weight=1.0))
    query = [Concept((("memory", 1.0),), 1.0)]
    assert text_first.search(query, 1)[0].passage.id == "p0"
    assert questions_first.search(query, 1)[0].passage.id == "p1"


def test_merged_postings_take_each_passages_best_credit_and_are_remembered(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from trdfaq import retrieval

    monkeypatch.setattr(retrieval, "_MERGED_POSTINGS", 4)
    documents = [["ache", "pain"], ["pain"], ["ache"], ["other"]]
    index = Index.build(_passages(4), {"text": documents}, _text_only(Settings()))
    pain = Concept((("pain", 1.0), ("ache", 0.3)), 1.0, (1.0, 0.5))
    ids, parts, credits = index.merged(pain)
    assert ids == (0, 1, 2) and credits == (1.0, 1.0, 0.5)
    assert min(parts[0], parts[1]) > parts[2] > 0  # "ache" alone counts at 0.3
    assert index.merged(pain) is index.merged(pain)  # remembered
    size = len(pickle.dumps(index))
    other = Concept((("other", 1.0), ("ache", 0.3)), 1.0)
    first = index.merged(pain)
    index.merged(other)  # 3 + 2 postings: over the budget of 4, so the first is forgotten
    again = index.merged(pain)
    assert again == first and again is not first
    assert len(pickle.dumps(index)) == size  # the on-disk cache never holds them
    hits = index.search([pain], 4)
    assert {h.passage.id: h.coverage for h in hits} == {"p0": 1.0, "p1": 1.0, "p2": 0.5}
