"""BM25 retrieval over passages: an index of precomputed term impacts, built with rank-bm25.

rank_bm25 scores every document in Python for every query (~120 ms at 100k passages).
Its per-term contribution to a document's score does not depend on the query, so the index
computes it once per (term, passage, field) with rank_bm25's own statistics and stores it
in inverted lists; a query then only touches the passages that contain one of its terms.
The parity test checks the result against rank_bm25's full scoring of the same tokens.

rank_bm25's BM25Okapi floors the IDF of a term found in half the documents or more to a
small epsilon (its issues #29 and #39), so on a small corpus a word like "ketamine" can
count for nothing. The index uses the always-positive Lucene IDF instead.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from .corpus import Passage, Settings

if TYPE_CHECKING:
    from rank_bm25 import BM25Okapi

# From this many passages on, scoring uses numpy arrays instead of Python lists (measured
# by benchmarks/retrieval_scale.py: at 1,000 passages numpy is as quick, at 4,000 twice).
NUMPY_THRESHOLD = 1000
# Up to this many scored passages, sorting them all beats a heap for the best k.
_SORT_ALL = 300
# Merged postings remembered, at most (the Python path only; ~100 bytes each).
_MERGED_POSTINGS = 500_000


@dataclass(frozen=True, slots=True)
class Concept:
    """One idea in a query: the terms that express it, each with its query weight.

    A passage covers the concept as fully as the best term of it that it contains: wholly for
    a word of the question (weight 1 or more), partly for a glossary expansion or a term
    carried over from an earlier question (their weight, below 1).
    """

    terms: tuple[tuple[str, float], ...]
    weight: float  # how much it counts towards coverage (its IDF, scaled)
    credits: tuple[float, ...] | None = None  # per term; default min(1, its weight)

    def term_credits(self) -> tuple[float, ...]:
        """How fully each term covers the concept."""
        if self.credits is not None:
            return self.credits
        return tuple(min(1.0, weight) for _, weight in self.terms)


Merged = tuple[tuple[int, ...], tuple[float, ...], tuple[float, ...]]


class _Memo(dict[Concept, Merged]):
    """Merged postings by concept, all forgotten at once when they would pass a budget."""

    def __init__(self, budget: int) -> None:
        super().__init__()
        self.budget = budget
        self.size = 0

    def add(self, concept: Concept, merged: Merged) -> None:
        """Remember a concept's merged postings."""
        if self.size + len(merged[0]) > self.budget:
            self.clear()
            self.size = 0
        self[concept] = merged
        self.size += len(merged[0])


@dataclass(frozen=True, eq=False, slots=True)  # by identity: hits of one search are distinct
class Hit:
    """A passage retrieved for a query."""

    passage: Passage
    score: float  # bm25 x coverage ** coverage_exponent: what hits are ranked by
    coverage: float  # share of the query's concepts (IDF-weighted) the passage covers
    bm25: float  # the plain BM25 score


def lucene_idf(n_docs: int, doc_freq: int) -> float:
    """IDF that stays positive however common a term is: log(1 + (N - df + 0.5)/(df + 0.5))."""
    return math.log(1.0 + (n_docs - doc_freq + 0.5) / (doc_freq + 0.5))


def reference_bm25(documents: Sequence[Sequence[str]], k1: float, b: float) -> BM25Okapi:
    """rank_bm25's BM25Okapi with the Lucene IDF: the scoring the index reproduces."""
    from rank_bm25 import BM25Okapi  # noqa: PLC0415 - numpy is slow to import; build time only

    class LuceneBM25(BM25Okapi):  # type: ignore[misc]
        def _calc_idf(self, nd: dict[str, int]) -> None:
            for word, freq in nd.items():
                self.idf[word] = lucene_idf(self.corpus_size, freq)
            self.average_idf = sum(self.idf.values()) / max(len(self.idf), 1)

    return LuceneBM25([list(doc) for doc in documents], k1=k1, b=b)


def field_impacts(
    documents: Sequence[Sequence[str]], k1: float, b: float
) -> dict[str, dict[int, float]]:
    """Each term's BM25 contribution to each document that contains it, per rank_bm25."""
    impacts: dict[str, dict[int, float]] = {}
    if not documents or not any(documents):
        return impacts
    bm25 = reference_bm25(documents, k1, b)
    for doc_id, freqs in enumerate(bm25.doc_freqs):
        norm = k1 * (1 - b + b * bm25.doc_len[doc_id] / bm25.avgdl)
        for term, tf in freqs.items():
            weight = bm25.idf[term] * tf * (k1 + 1) / (tf + norm)
            impacts.setdefault(term, {})[doc_id] = weight
    return impacts


class Index:
    """Inverted lists of precomputed BM25 impacts over the passages' weighted fields."""

    def __init__(
        self,
        passages: Sequence[Passage],
        postings: dict[str, tuple[array[int], array[float]]],
        idf: dict[str, float],
    ) -> None:
        self.passages = tuple(passages)
        self.postings = postings
        self.idf = idf
        self.max_idf = lucene_idf(len(self.passages), 0) if self.passages else 1.0

    @classmethod
    def build(
        cls,
        passages: Sequence[Passage],
        fields: Mapping[str, Sequence[Sequence[str]]],
        settings: Settings,
    ) -> Index:
        """Index passages from their analysed fields ({"text": [[stem, ...], ...], ...})."""
        weights = {
            "text": settings.text_weight,
            "section": settings.section_weight,
            "questions": settings.questions_weight,
        }
        combined: dict[str, dict[int, float]] = {}
        for name, documents in fields.items():
            weight = weights[name]
            if weight <= 0:
                continue
            for term, docs in field_impacts(documents, settings.k1, settings.b).items():
                target = combined.setdefault(term, {})
                for doc_id, impact in docs.items():
                    target[doc_id] = target.get(doc_id, 0.0) + weight * impact
        postings = {
            term: (array("I", sorted(docs)), array("d", (docs[d] for d in sorted(docs))))
            for term, docs in combined.items()
        }
        doc_freq: Counter[str] = Counter()
        for doc_id in range(len(passages)):
            doc_freq.update({t for documents in fields.values() for t in documents[doc_id]})
        idf = {term: lucene_idf(len(passages), df) for term, df in doc_freq.items()}
        return cls(passages, postings, idf)

    def __contains__(self, term: str) -> bool:
        return term in self.postings

    def term_idf(self, term: str) -> float:
        """A term's IDF over whole passages; terms the index lacks count as the rarest."""
        return self.idf.get(term, self.max_idf)

    def search(
        self, concepts: Sequence[Concept], k: int, coverage_exponent: float = 0.0
    ) -> list[Hit]:
        """The k best passages, by BM25 times coverage ** coverage_exponent (ties: corpus order).

        With coverage_exponent 0 this is plain BM25 ranking; above 0 it prefers passages that
        cover all of a question to ones that repeat a part of it (a coordination factor).
        """
        if not self.passages or not concepts or k <= 0:
            return []
        total = sum(c.weight for c in concepts)
        if total <= 0:
            return []
        if len(self.passages) >= NUMPY_THRESHOLD:
            ranked = self._search_numpy(concepts, k, total, coverage_exponent)
        else:
            ranked = self._search_python(concepts, k, total, coverage_exponent)
        return [
            Hit(self.passages[d], score, min(1.0, covered), bm25)
            for d, score, covered, bm25 in ranked
            if score > 0
        ]

    def _search_python(
        self, concepts: Sequence[Concept], k: int, total: float, exponent: float
    ) -> list[tuple[int, float, float, float]]:
        n = len(self.passages)
        scores = [0.0] * n
        covered = [0.0] * n
        for concept in concepts:
            unit = concept.weight / total
            if len(concept.terms) == 1:  # the common case: its postings as they are
                (term, query_weight), share = concept.terms[0], concept.term_credits()[0]
                found = self.postings.get(term)
                if found is not None:
                    part = share * unit
                    for doc_id, impact in zip(*found, strict=True):
                        scores[doc_id] += query_weight * impact
                        covered[doc_id] += part
                continue
            ids, parts, credits = self.merged(concept)
            for doc_id, part, credit in zip(ids, parts, credits, strict=True):
                scores[doc_id] += part
                covered[doc_id] += credit * unit
        if exponent:
            final = [(-s * covered[d] ** exponent, d) for d, s in enumerate(scores) if s]
        else:
            final = [(-s, d) for d, s in enumerate(scores) if s]
        # Best score first, then corpus order. sorted() runs in C: quicker below a few hundred.
        best = sorted(final)[:k] if len(final) <= _SORT_ALL else heapq.nsmallest(k, final)
        return [(d, -s, covered[d], scores[d]) for s, d in best]

    def merged(self, concept: Concept) -> Merged:
        """A concept's postings merged: the passages with any of its terms, in corpus order,
        each with its part of the BM25 score and how fully it covers the concept.

        Remembered by concept: questions share most of their phrases (the same few dozen
        treatments and worries), and a glossary phrase's terms may have 100s of postings
        between them that merge to a few dozen passages. (Search uses this for concepts of
        several terms; a one-term concept's postings serve as they are.)
        """
        found = self._merged.get(concept)
        if found is not None:
            return found
        scores: dict[int, float] = {}
        credit: dict[int, float] = {}
        get_score = scores.get
        # A passage's credit is that of the best term of the concept it has: set from the
        # lowest credit up, so that higher ones overwrite.
        for share, (term, query_weight) in sorted(
            zip(concept.term_credits(), concept.terms, strict=True)
        ):
            postings = self.postings.get(term)
            if postings is None:
                continue
            for doc_id, impact in zip(*postings, strict=True):
                scores[doc_id] = get_score(doc_id, 0.0) + query_weight * impact
            credit.update(dict.fromkeys(postings[0], share))
        ids = tuple(sorted(scores))
        found = (ids, tuple(scores[d] for d in ids), tuple(credit[d] for d in ids))
        self._merged.add(concept, found)
        return found

    @cached_property
    def _merged(self) -> _Memo:
        return _Memo(_MERGED_POSTINGS)

    def __getstate__(self) -> dict[str, object]:
        """What pickling keeps (the on-disk cache): not the merged postings remembered."""
        state = self.__dict__.copy()
        state.pop("_merged", None)
        return state

    def _search_numpy(
        self, concepts: Sequence[Concept], k: int, total: float, exponent: float
    ) -> list[tuple[int, float, float, float]]:
        import numpy as np  # noqa: PLC0415 - only large corpora pay for numpy

        n = len(self.passages)
        scores = np.zeros(n, dtype=np.float64)
        covered = np.zeros(n, dtype=np.float64)
        for concept in concepts:
            credit = np.zeros(n, dtype=np.float64)
            for (term, query_weight), share in zip(
                concept.terms, concept.term_credits(), strict=True
            ):
                found = self.postings.get(term)
                if found is None:
                    continue
                ids = np.frombuffer(found[0], dtype=np.uint32)
                scores[ids] += query_weight * np.frombuffer(found[1], dtype=np.float64)
                credit[ids] = np.maximum(credit[ids], share)
            covered += credit * (concept.weight / total)
        final = scores * covered**exponent if exponent else scores
        candidates = np.flatnonzero(final > 0)
        if len(candidates) > k:
            kth = np.partition(final[candidates], len(candidates) - k)[len(candidates) - k]
            candidates = candidates[final[candidates] >= kth]  # keeps ties at the boundary
        order = sorted(candidates.tolist(), key=lambda d: (-final[d], d))[:k]
        return [(d, float(final[d]), float(covered[d]), float(scores[d])) for d in order]
