"""BM25 as named pure functions, and the term-major impact matrix the index serves.

The scoring is Okapi BM25 as rank_bm25's BM25Okapi computes it (tests/test_retrieval.py
checks it against rank_bm25 as the reference), with one change: BM25Okapi floors the IDF of a
term found in half the documents or more to a small epsilon (its issues #29 and #39), so on a
small corpus a word like "ketamine" could count for nothing; here the IDF is Lucene's, which
stays positive.

A term's contribution to a document's score (its impact) does not depend on the query, so it
is computed once per (term, passage), summed over the weighted fields, and stored term by term
(CSR, term-major: each term's passages in corpus order with their impacts). Two builders make
the same matrix: plain Python for small corpora (no numpy to import on a cold start) and numpy
for large ones.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

Fields = Mapping[str, Sequence[Sequence[str]]]


def lucene_idf(n_docs: int, doc_freq: int) -> float:
    """IDF that stays positive however common a term is: log(1 + (N - df + 0.5)/(df + 0.5))."""
    return math.log(1.0 + (n_docs - doc_freq + 0.5) / (doc_freq + 0.5))


def length_norm(doc_len: float, avg_len: float, k1: float, b: float) -> float:
    """BM25's document-length normalisation: k1 * (1 - b + b * |d| / avgdl)."""
    return k1 * (1.0 - b + b * doc_len / avg_len)


def saturation(tf: float, norm: float, k1: float) -> float:
    """BM25's term-frequency saturation: tf * (k1 + 1) / (tf + norm)."""
    return tf * (k1 + 1.0) / (tf + norm)


def field_impacts(
    documents: Sequence[Sequence[str]], k1: float, b: float
) -> dict[str, dict[int, float]]:
    """Each term's BM25 impact on each document of one field that contains it."""
    impacts: dict[str, dict[int, float]] = {}
    total = sum(map(len, documents))
    if not total:
        return impacts
    avg_len = total / len(documents)
    counts = [Counter(doc) for doc in documents]
    doc_freq: Counter[str] = Counter(chain.from_iterable(counts))
    idf = {term: lucene_idf(len(documents), df) for term, df in doc_freq.items()}
    for doc_id, (doc, freqs) in enumerate(zip(documents, counts, strict=True)):
        norm = length_norm(len(doc), avg_len, k1, b)
        for term, tf in freqs.items():
            impacts.setdefault(term, {})[doc_id] = idf[term] * saturation(tf, norm, k1)
    return impacts


@dataclass(frozen=True, eq=False, slots=True)
class ImpactMatrix:
    """Term-major sparse matrix of BM25 impacts, in stdlib arrays (numpy can view them as is).

    Row `rows[term]` holds the passages `doc_ids[indptr[row]:indptr[row + 1]]` (ascending) and
    their impacts; `idf[row]` is the term's IDF over whole passages (all fields together). A
    term of a field weighted 0 has an IDF but an empty row.
    """

    n_docs: int
    rows: dict[str, int]
    indptr: array[int]  # "q", one more than rows
    doc_ids: array[int]  # "I"
    impacts: array[float]  # "d" (float64: exact, and still smaller than bm25s's index)
    idf: array[float]  # "d"

    def postings(self, term: str) -> tuple[array[int], array[float]] | None:
        """A term's passages and impacts, or None if no weighted field has it."""
        row = self.rows.get(term)
        if row is None:
            return None
        start, end = self.indptr[row], self.indptr[row + 1]
        if start == end:
            return None
        return self.doc_ids[start:end], self.impacts[start:end]


def impact_matrix(
    fields: Fields, weights: Mapping[str, float], k1: float, b: float
) -> ImpactMatrix:
    """The impact matrix of weighted fields ({"text": [[stem, ...], ...], ...}), in Python."""
    n_docs = max((len(docs) for docs in fields.values()), default=0)
    combined: dict[str, dict[int, float]] = {}
    for name, documents in fields.items():
        weight = weights[name]
        if weight <= 0:
            continue
        for term, docs in field_impacts(documents, k1, b).items():
            target = combined.setdefault(term, {})
            for doc_id, impact in docs.items():
                target[doc_id] = target.get(doc_id, 0.0) + weight * impact
    doc_freq: Counter[str] = Counter()
    for doc_id in range(n_docs):
        doc_freq.update({t for documents in fields.values() for t in documents[doc_id]})
    terms = sorted(doc_freq)
    indptr, doc_ids, impacts = array("q", [0]), array("I"), array("d")
    for term in terms:
        docs = combined.get(term, {})
        ordered = sorted(docs)
        doc_ids.extend(ordered)
        impacts.extend(docs[d] for d in ordered)
        indptr.append(len(doc_ids))
    idf = array("d", (lucene_idf(n_docs, doc_freq[t]) for t in terms))
    rows = {term: row for row, term in enumerate(terms)}
    return ImpactMatrix(n_docs, rows, indptr, doc_ids, impacts, idf)


def impact_matrix_numpy(
    fields: Fields, weights: Mapping[str, float], k1: float, b: float
) -> ImpactMatrix:
    """The same matrix as `impact_matrix`, built with numpy."""
    import numpy as np  # noqa: PLC0415 - large corpora only

    n_docs = max((len(docs) for docs in fields.values()), default=0)
    vocabulary = sorted(set(chain.from_iterable(chain.from_iterable(fields.values()))))
    rows = {term: row for row, term in enumerate(vocabulary)}
    keys, values, seen = [], [], []
    for name, documents in fields.items():
        lengths = np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))
        tokens = np.fromiter(
            map(rows.__getitem__, chain.from_iterable(documents)),
            dtype=np.int64,
            count=int(lengths.sum()),
        )
        if not len(tokens):
            continue
        # One key per (term, document): sorted, they are the matrix in term-major order.
        key, tf = np.unique(
            tokens * n_docs + np.repeat(np.arange(len(documents)), lengths), return_counts=True
        )
        seen.append(key)
        if weights[name] <= 0:
            continue
        term, doc = np.divmod(key, n_docs)
        field_df = np.bincount(term, minlength=len(vocabulary))
        idf = np.log(1.0 + (len(documents) - field_df + 0.5) / (field_df + 0.5))
        norm = k1 * (1.0 - b + b * lengths / lengths.mean())
        keys.append(key)
        values.append(weights[name] * idf[term] * (tf * (k1 + 1.0) / (tf + norm[doc])))
    if len(keys) == 1:
        key, impact = keys[0], values[0]
    elif keys:
        key, where = np.unique(np.concatenate(keys), return_inverse=True)
        impact = np.bincount(where, weights=np.concatenate(values))
    else:
        key, impact = np.zeros(0, dtype=np.int64), np.zeros(0)
    term, doc = np.divmod(key, n_docs)
    indptr = np.zeros(len(vocabulary) + 1, dtype=np.int64)
    np.cumsum(np.bincount(term, minlength=len(vocabulary)), out=indptr[1:])
    # A passage counts once towards a term's document frequency, whichever fields have it.
    pairs = seen[0] if len(seen) == 1 else np.unique(np.concatenate(seen or [key]))
    doc_freq = np.bincount(pairs // n_docs, minlength=len(vocabulary))
    idf = np.log(1.0 + (n_docs - doc_freq + 0.5) / (doc_freq + 0.5))
    return ImpactMatrix(
        n_docs,
        rows,
        array("q", indptr.tobytes()),
        array("I", doc.astype(np.uint32).tobytes()),
        array("d", impact.astype(np.float64).tobytes()),
        array("d", idf.tobytes()),
    )
