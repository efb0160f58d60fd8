"""The BM25 index: parity with rank-bm25 on every code path, the IDF trap, empty corpus and
empty query, field weights, coverage, merged postings."""

from __future__ import annotations

import math
import pickle
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

import pytest
from rank_bm25 import BM25Okapi

from trdfaq import retrieval
from trdfaq.corpus import Passage, Settings, Source
from trdfaq.retrieval import Concept, Index


def _passages(n: int) -> list[Passage]:
    source = Source("s", "S", None, "test", "s.txt", "")
    return [Passage(f"p{i}", source, None, f"passage {i}", (), 0, 0) for i in range(n)]


def _random_documents(n: int, seed: int = 7, vocabulary: int = 400) -> list[list[str]]:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(vocabulary)]
    weights = [1 / (rank + 1) for rank in range(len(words))]  # Zipf-like
    return [rng.choices(words, weights, k=rng.randint(5, 60)) for _ in range(n)]


def _text_only(settings: Settings) -> Settings:
    return replace(
        Settings.bundled(),
        text_weight=1.0,
        section_weight=0.0,
        questions_weight=0.0,
        k1=settings.k1,
        b=settings.b,
    )


class Reference:
    """rank_bm25's BM25Okapi, one per field, through its public API, with Lucene's IDF.

    The index replaces BM25Okapi's IDF (floored to an epsilon for terms in half the documents
    or more) by Lucene's; everything else (term-frequency saturation, length normalisation,
    the sum over query terms) is rank_bm25's own. Coverage and the coverage factor are worked
    out here from the documents, plainly.
    """

    def __init__(self, fields: dict[str, list[list[str]]], weights: dict[str, float]) -> None:
        settings = Settings.bundled()
        self.fields = {name: docs for name, docs in fields.items() if weights[name] > 0}
        self.weights = weights
        self.models = {}
        for name, docs in self.fields.items():
            model = BM25Okapi(docs, k1=settings.k1, b=settings.b)
            n, df = len(docs), Counter(t for doc in docs for t in set(doc))
            model.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
            self.models[name] = model
        self.n = len(next(iter(fields.values())))
        self.words = [
            set().union(*(docs[d] for docs in self.fields.values())) for d in range(self.n)
        ]
        self._term_scores: dict[str, list[float]] = {}

    def term_scores(self, term: str) -> list[float]:
        """Each document's BM25 score for a one-word query, summed over weighted fields."""
        if term not in self._term_scores:
            total = [0.0] * self.n
            for name, model in self.models.items():
                for d, score in enumerate(model.get_scores([term]).tolist()):
                    total[d] += self.weights[name] * score
            self._term_scores[term] = total
        return self._term_scores[term]

    def rank(
        self, concepts: Sequence[Concept], k: int, exponent: float
    ) -> list[tuple[int, float, float, float]]:
        """(passage, score, coverage, bm25) of the k best, as Index.search ranks them."""
        total = sum(c.weight for c in concepts)
        scores, covered = [0.0] * self.n, [0.0] * self.n
        for concept in concepts:
            for term, query_weight in concept.terms:
                for d, score in enumerate(self.term_scores(term)):
                    scores[d] += query_weight * score
            for d in range(self.n):
                credits = [
                    share
                    for (term, _), share in zip(concept.terms, concept.term_credits(), strict=True)
                    if term in self.words[d]
                ]
                covered[d] += concept.weight / total * max(credits, default=0.0)
        final = [s * covered[d] ** exponent if exponent else s for d, s in enumerate(scores)]
        order = sorted((d for d in range(self.n) if final[d] > 0), key=lambda d: (-final[d], d))
        return [(d, final[d], min(1.0, covered[d]), scores[d]) for d in order[:k]]


def _queries(rng: random.Random, count: int) -> list[list[Concept]]:
    """Concepts like a question's: words (some typed twice), and glossary-like phrases of
    several terms with lower weights and credits."""
    out = []
    words = [f"w{i}" for i in range(150)] + ["absent"]
    for _ in range(count):
        concepts = []
        for term in rng.sample(words, k=rng.randint(1, 5)):
            # typed once or twice, or carried over from an earlier question at half weight
            concepts.append(
                Concept(((term, rng.choice([1.0, 1.0, 2.0, 0.5])),), rng.uniform(0.2, 3))
            )
        if rng.random() < 0.5:
            terms = rng.sample(words, k=rng.randint(2, 3))
            concepts.append(
                Concept(
                    tuple((t, w) for t, w in zip(terms, (1.0, 0.3, 0.3), strict=False)),
                    rng.uniform(0.2, 3),
                    tuple(c for _, c in zip(terms, (1.0, 0.5, 1.0), strict=False)),
                )
            )
        out.append(concepts)
    return out


_FIELDS = {
    "text": _random_documents(1500),
    "section": _random_documents(1500, seed=8, vocabulary=40),
    "questions": _random_documents(1500, seed=9),
}
_WEIGHTS = {"text": 1.0, "section": 0.0, "questions": 0.6}


@pytest.fixture(scope="module")
def reference() -> Reference:
    return Reference(_FIELDS, _WEIGHTS)


@pytest.mark.parametrize(
    ("exponent", "cover_all"),
    # With the coverage factor, numpy looks coverage up for a few candidates or works it out
    # for all passages, by how many candidates there are: both ways, and the usual choice.
    [(0.0, 0.25), (0.5, 0.25), (0.5, 0.0), (0.5, math.inf)],
)
@pytest.mark.parametrize(
    ("build_with_numpy", "search_with_numpy"),
    [(False, False), (True, True), (False, True), (True, False)],
)
def test_top10_matches_rank_bm25_on_every_code_path(
    build_with_numpy: bool,
    search_with_numpy: bool,
    exponent: float,
    cover_all: float,
    reference,
    monkeypatch,
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(retrieval, "_COVER_ALL", cover_all)
    settings = replace(
        Settings.bundled(), text_weight=1.0, section_weight=0.0, questions_weight=0.6
    )
    monkeypatch.setattr(retrieval, "NUMPY_THRESHOLD", 0 if build_with_numpy else 10**9)
    index = Index.build(_passages(1500), _FIELDS, settings)
    monkeypatch.setattr(retrieval, "NUMPY_THRESHOLD", 0 if search_with_numpy else 10**9)
    for concepts in _queries(random.Random(3), 25):
        ours = [
            (h.passage.id, h.score, h.coverage, h.bm25)
            for h in index.search(concepts, 10, exponent)
        ]
        theirs = reference.rank(concepts, 10, exponent)
        assert [pid for pid, *_ in ours] == [f"p{d}" for d, *_ in theirs]
        for (_, *got), (_, *expected) in zip(ours, theirs, strict=True):
            assert got == pytest.approx(expected, rel=1e-9)


def test_the_two_builders_make_the_same_matrix(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    fields = {"text": _random_documents(300), "section": [["h1"]] * 300, "questions": [[]] * 300}
    settings = replace(
        Settings.bundled(), text_weight=1.0, section_weight=0.0, questions_weight=0.5
    )
    small = Index.build(_passages(300), fields, settings).matrix
    monkeypatch.setattr(retrieval, "NUMPY_THRESHOLD", 0)
    large = Index.build(_passages(300), fields, settings).matrix
    assert small.rows == large.rows and "h1" in small.rows  # in an unweighted field only
    assert small.indptr == large.indptr and small.doc_ids == large.doc_ids
    assert list(large.impacts) == pytest.approx(list(small.impacts), rel=1e-12)
    assert list(large.idf) == pytest.approx(list(small.idf), rel=1e-12)


def test_a_pickled_index_searches_the_same(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(retrieval, "NUMPY_THRESHOLD", 0)
    documents = _random_documents(500)
    index = Index.build(_passages(500), {"text": documents}, _text_only(Settings.bundled()))
    query = [Concept((("w3", 1.0),), 1.0), Concept((("w40", 1.0),), 2.0)]
    before = [(h.passage.id, h.score) for h in index.search(query, 10, 0.5)]  # fills _arrays
    again = pickle.loads(pickle.dumps(index))
    assert "_arrays" not in again.__dict__
    assert [(h.passage.id, h.score) for h in again.search(query, 10, 0.5)] == before


def test_a_term_in_most_passages_still_counts() -> None:
    # BM25Okapi floors the IDF of a term found in half the documents or more; on a small
    # corpus that would rank the one passage that has both words no higher than the rest.
    documents = [["ketamine", "fast"], ["ketamine", "slow"], ["ketamine"], ["other"]]
    index = Index.build(_passages(4), {"text": documents}, _text_only(Settings.bundled()))
    hits = index.search([Concept((("ketamine", 1.0),), 1.0), Concept((("fast", 1.0),), 1.0)], 4)
    assert [h.passage.id for h in hits[:1]] == ["p0"]
    assert all(h.score > 0 for h in hits)
    assert {h.passage.id for h in hits} == {"p0", "p1", "p2"}


def test_coverage_is_the_share_of_query_concepts_matched() -> None:
    documents = [["ketamine", "fast"], ["ketamine"]]
    index = Index.build(_passages(2), {"text": documents}, _text_only(Settings.bundled()))
    hits = index.search([Concept((("ketamine", 1.0),), 1.0), Concept((("fast", 1.0),), 3.0)], 2)
    assert [(h.passage.id, h.coverage) for h in hits] == [("p0", 1.0), ("p1", 0.25)]


@pytest.mark.parametrize("numpy_path", [False, True])
def test_empty_corpus_and_empty_query_return_nothing(numpy_path: bool, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(retrieval, "NUMPY_THRESHOLD", 0 if numpy_path else 10**9)
    empty = Index.build([], {"text": []}, Settings.bundled())
    assert empty.search([Concept((("x", 1.0),), 1.0)], 3) == []
    index = Index.build(_passages(2), {"text": [["a"], ["b"]]}, _text_only(Settings.bundled()))
    assert index.search([], 3) == []
    assert index.search([Concept((("zzz", 1.0),), 1.0)], 3) == []


def test_fields_are_weighted() -> None:
    passages = _passages(2)
    fields = {"text": [["memory"], ["other"]], "section": [[], []], "questions": [[], ["memory"]]}
    text_first = Index.build(
        passages, fields, replace(Settings.bundled(), text_weight=1.0, questions_weight=0.1)
    )
    questions_first = Index.build(
        passages, fields, replace(Settings.bundled(), text_weight=0.1, questions_weight=1.0)
    )
    query = [Concept((("memory", 1.0),), 1.0)]
    assert text_first.search(query, 1)[0].passage.id == "p0"
    assert questions_first.search(query, 1)[0].passage.id == "p1"


def test_merged_postings_take_each_passages_best_credit_and_are_remembered(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(retrieval, "_MERGED_POSTINGS", 4)
    documents = [["ache", "pain"], ["pain"], ["ache"], ["other"]]
    index = Index.build(_passages(4), {"text": documents}, _text_only(Settings.bundled()))
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
