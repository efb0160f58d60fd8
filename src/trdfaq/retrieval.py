"""BM25 retrieval over passages: the k best for a query's concepts, with a coverage factor.

The index is a term-major matrix of precomputed BM25 impacts (see scoring.py, which owns the
formula; rank_bm25 is the reference it is tested against): a query only touches the passages
that contain one of its terms. Small corpora are searched in plain Python, so that a cold
`trdfaq ask` never imports numpy; from NUMPY_THRESHOLD passages on, numpy sums the postings
with one bincount and picks the best k with a partition (selection.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from .corpus import Passage, Settings
from .scoring import Fields, ImpactMatrix, impact_matrix, impact_matrix_numpy, lucene_idf
from .selection import top_k_array, top_k_items

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# From this many passages on, the index is built and searched with numpy (measured by
# benchmarks/retrieval_scale.py: at 1,000 passages numpy is as quick, at 4,000 twice).
NUMPY_THRESHOLD = 1000
# Above this many (candidate, term) lookups per passage, coverage is worked out for every
# passage at once rather than looked up for each candidate.
_COVER_ALL = 0.25
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
# A concept's share of the coverage, and the postings and credit of each of its terms found.
Span = tuple[float, list[tuple["npt.NDArray[np.uint32]", float]]]


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


class Index:
    """The passages and the matrix of their BM25 impacts, searched by concepts."""

    def __init__(self, passages: Sequence[Passage], matrix: ImpactMatrix) -> None:
        self.passages = tuple(passages)
        self.matrix = matrix
        self.max_idf = lucene_idf(len(self.passages), 0) if self.passages else 1.0

    @classmethod
    def build(cls, passages: Sequence[Passage], fields: Fields, settings: Settings) -> Index:
        """Index passages from their analysed fields ({"text": [[stem, ...], ...], ...})."""
        weights = {
            "text": settings.text_weight,
            "section": settings.section_weight,
            "questions": settings.questions_weight,
        }
        large = len(passages) >= max(NUMPY_THRESHOLD, 1)
        build = impact_matrix_numpy if large else impact_matrix
        return cls(passages, build(fields, weights, settings.k1, settings.b))

    def __contains__(self, term: str) -> bool:
        return self.matrix.postings(term) is not None

    def term_idf(self, term: str) -> float:
        """A term's IDF over whole passages; terms the index lacks count as the rarest."""
        row = self.matrix.rows.get(term)
        return self.max_idf if row is None else self.matrix.idf[row]

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
                found = self.matrix.postings(term)
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
            final = ((d, s * covered[d] ** exponent) for d, s in enumerate(scores) if s)
        else:
            final = ((d, s) for d, s in enumerate(scores) if s)
        return [(d, s, covered[d], scores[d]) for d, s in top_k_items(final, k)]

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
            postings = self.matrix.postings(term)
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

    @cached_property
    def _arrays(self) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.float64]]:
        """The matrix's passages and impacts as numpy arrays (views, not copies)."""
        import numpy as np  # noqa: PLC0415 - only large corpora pay for numpy

        return (
            np.frombuffer(self.matrix.doc_ids, dtype=np.uint32),
            np.frombuffer(self.matrix.impacts, dtype=np.float64),
        )

    def __getstate__(self) -> dict[str, object]:
        """What pickling keeps (the on-disk cache): not what is worked out on first use."""
        state = self.__dict__.copy()
        state.pop("_merged", None)
        state.pop("_arrays", None)
        return state

    def _search_numpy(
        self, concepts: Sequence[Concept], k: int, total: float, exponent: float
    ) -> list[tuple[int, float, float, float]]:
        import numpy as np  # noqa: PLC0415 - only large corpora pay for numpy

        doc_ids, impacts = self._arrays
        rows, indptr = self.matrix.rows, self.matrix.indptr
        scores = np.zeros(len(self.passages), dtype=impacts.dtype)
        spans: list[Span] = []
        for concept in concepts:
            found = []
            for (term, query_weight), share in zip(
                concept.terms, concept.term_credits(), strict=True
            ):
                row = rows.get(term)
                if row is None or indptr[row] == indptr[row + 1]:
                    continue
                start, end = indptr[row], indptr[row + 1]
                part = impacts[start:end]
                # A term's passages are distinct, but add.at is quicker than fancy += anyway.
                np.add.at(
                    scores, doc_ids[start:end], part if query_weight == 1 else part * query_weight
                )
                found.append((doc_ids[start:end], share))
            spans.append((concept.weight / total, found))
        terms = sum(len(found) for _, found in spans)
        if not terms:
            return []
        if not exponent:
            best = top_k_array(scores, k, floor=0.0)
            return self._ranked(best, scores[best], scores, spans)
        # A passage's coverage is at most the sum of each concept's best credit, so its final
        # score at most its BM25 x `scale`. The best few by BM25 set a bar (the k-th best final
        # score among them): only passages whose BM25 could reach it need their coverage.
        scale = sum(unit * max((c for _, c in found), default=0.0) for unit, found in spans)
        scale **= exponent
        first = top_k_array(scores, 4 * k, floor=0.0)
        final = scores[first] * self._coverage_of(first, spans) ** exponent
        candidates = first
        if len(first) == 4 * k:  # else these are all the passages with a score
            bar = np.partition(final, len(final) - k)[len(final) - k] / scale if scale else 0.0
            if bar <= 0:
                return self._ranked_all(scores, spans, k, exponent)
            # (a hair below the bar: a passage exactly at it may tie, and division rounds)
            candidates = np.flatnonzero(scores >= bar * (1 - 1e-9))
            if len(candidates) * terms > _COVER_ALL * len(scores):  # then quicker: cover all
                return self._ranked_all(scores, spans, k, exponent)
            final = scores[candidates] * self._coverage_of(candidates, spans) ** exponent
        order = np.lexsort((candidates, -final))[:k]
        return self._ranked(candidates[order], final[order], scores, spans)

    def _ranked_all(
        self, scores: npt.NDArray[np.float64], spans: list[Span], k: int, exponent: float
    ) -> list[tuple[int, float, float, float]]:
        """The k best by BM25 x coverage ** exponent, with the coverage of every passage."""
        import numpy as np  # noqa: PLC0415

        covered = np.zeros(len(scores))
        for unit, found in spans:
            if len(found) == 1:  # the common case: a term's passages are distinct
                np.add.at(covered, found[0][0], unit * found[0][1])
            elif found:
                credit = np.zeros(len(scores))
                for postings, share in found:
                    np.maximum.at(credit, postings, share)
                covered += unit * credit
        final = scores * covered**exponent
        best = top_k_array(final, k, floor=0.0)
        return self._ranked(best, final[best], scores, spans)

    def _ranked(
        self,
        best: npt.NDArray[np.intp],
        final: npt.NDArray[np.floating],
        scores: npt.NDArray[np.floating],
        spans: list[Span],
    ) -> list[tuple[int, float, float, float]]:
        """(passage, score, coverage, bm25) of the best passages, as plain numbers."""
        cover = self._coverage_of(best, spans)
        return list(
            zip(best.tolist(), final.tolist(), cover.tolist(), scores[best].tolist(), strict=True)
        )

    @staticmethod
    def _coverage_of(docs: npt.NDArray[np.intp], spans: list[Span]) -> npt.NDArray[np.float64]:
        """The coverage of a few passages, looked up in each concept's postings."""
        import numpy as np  # noqa: PLC0415

        covered = np.zeros(len(docs))
        wanted = docs.astype(np.uint32)  # as the postings are: searchsorted would copy them
        for unit, found in spans:
            credit = np.zeros(len(docs))
            for postings, share in found:
                at = np.minimum(np.searchsorted(postings, wanted), len(postings) - 1)
                credit = np.where(postings[at] == wanted, np.maximum(credit, share), credit)
            covered += unit * credit
        return covered
