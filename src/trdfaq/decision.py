"""Whether a passage answers a question: one learned decision over lexical and semantic evidence.

For a question, the candidates are the best passages by BM25 and the best by meaning (static
embeddings of the passage and of its curated questions). Each candidate gets a handful of
features, named in FEATURES, and a logistic model (weights in corpus/retrieval.yaml, fitted by
benchmarks/fit_decision.py on labelled questions) turns them into the probability that the
passage answers the question. That probability both ranks the candidates and decides whether
any is quoted: it replaces the coverage thresholds and the word lists that tried to tell a
harmless aside ("been on zoloft 2 yrs") from a subject the articles lack ("insurance").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import mul

from .corpus import FEATURES as CORPUS_FEATURES
from .corpus import GATE_FEATURES, Passage, Settings, Subjects
from .embedding import Vector
from .query import Query
from .retrieval import Hit

FEATURES = CORPUS_FEATURES  # defined with the settings that weigh them (corpus.py):
#   bm25               log(1 + BM25 score)
#   bm25_gap           how far below the question's best BM25 score (log scale)
#   coverage           IDF-weighted share of the question's ideas the passage has
#   unknown            content words of the question neither corpus nor glossary has
#   unknown_share      ...as a share of its content words
#   meaning_text       cosine similarity of the question to the passage's text
#   meaning_questions  ...to the centroid of the passage's curated questions
#   meaning_gap        how far below the question's best passage by meaning
#   lexical_rank       1 / rank by BM25 (0 when not a lexical candidate)
#   meaning_rank       1 / rank by meaning
#   subject_match      the question names a subject the passage is about
#   subject_miss       the question names subjects, none of them the passage's
#   aspect_match       probability that the question asks what the passage answers
#   uncovered          content words of the question the passage (with its questions) lacks
#   uncovered_share    ...as a share of its content words
# plus the mean embedding of those uncovered words, weighed by `decision_words`.


@dataclass(frozen=True, slots=True)
class Candidate:
    """A passage considered for a question, with its evidence and the model's verdict."""

    passage: Passage
    hit: Hit | None  # its BM25 hit, if it had one
    features: tuple[float, ...]
    words: Vector | None  # mean embedding of the question's words the passage lacks
    probability: float


@dataclass(frozen=True)
class Evidence:
    """What the decision needs to know about one question."""

    query: Query
    tokens: tuple[tuple[str, str], ...]  # (word, stem) of its content words
    hits: Sequence[Hit]
    meaning: Sequence[tuple[float, float]]  # (text, questions) similarity to each passage
    asked: frozenset[str]  # the subjects it names
    aspects: Mapping[str, float]  # what it asks about them, by probability
    word_vector: Callable[[str], Vector | None]
    vector: Vector | None = None  # the question's embedding
    hashed: Mapping[int, float] = field(default_factory=dict)  # ...and the question model's
    # hashed features (Engine.kinds reads both)


def subjects_of(
    query: Query, subjects: Subjects, phrases: Mapping[str, tuple[tuple[str, ...], ...]]
) -> frozenset[str]:
    """The subjects a question names: a subject's term (or a glossary synonym of it) is in it."""
    exact = {
        term
        for concept in query.concepts
        for (term, weight), credit in zip(concept.terms, concept.term_credits(), strict=True)
        if credit >= 1.0 and weight >= 0.3
    }
    return frozenset(
        s.id for s in subjects.subjects if any(set(p) <= exact for p in phrases.get(s.id, ()))
    )


def probability(
    weights: Mapping[str, float],
    words: Sequence[float],
    features: Sequence[float],
    vector: Vector | None,
) -> float:
    """The model's probability for one candidate."""
    z = _linear(weights, FEATURES, features)
    if vector is not None and words:
        z += sum(map(mul, words, vector))
    return _sigmoid(z)


def _linear(weights: Mapping[str, float], names: Sequence[str], values: Sequence[float]) -> float:
    """A logistic model's score: its bias plus each named input times its weight."""
    return weights.get("bias", 0.0) + sum(
        weights.get(name, 0.0) * value for name, value in zip(names, values, strict=True)
    )


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1.0 - 1e-4)
    return math.log(p / (1.0 - p))


def gate_features(
    best: float, second: float, kinds: Mapping[str, float]
) -> tuple[float, float, float]:
    """The inputs GATE_FEATURES names: the best candidate's probability (log-odds), the
    question model's probability that the articles answer the question (log-odds), and how
    far the best candidate stands above the next."""
    return (_logit(best), _logit(kinds.get("answer", 0.5)), best - second)


def answerable(found: Sequence[Candidate], kinds: Mapping[str, float], settings: Settings) -> bool:
    """Whether the best candidate is quoted as the answer.

    It must reach `answer_threshold`; and where the corpus has a question model, the gate
    (a logistic model over `gate_features`, fitted by benchmarks/fit_decision.py) must say the
    question is one the articles answer: a passage near "is ketamine addictive?" is about
    ketamine, and the question model knows the articles never say whether it is addictive.
    `kinds`: the question model's probabilities (Engine.kinds; empty without one).
    """
    if not found or found[0].probability < settings.answer_threshold:
        return False
    if not kinds:
        return True
    second = found[1].probability if len(found) > 1 else 0.0
    values = gate_features(found[0].probability, second, kinds)
    return _sigmoid(_linear(settings.gate, GATE_FEATURES, values)) >= settings.gate_threshold


def candidate_inputs(found: Sequence[Candidate], count: int) -> list[float]:
    """The features of the best `count` candidates in order, zeros where there are fewer: what
    a question model trained with them reads beside the question."""
    values: list[float] = []
    for i in range(count):
        values += found[i].features if i < len(found) else (0.0,) * len(FEATURES)
    return values


def _uncovered(evidence: Evidence, stems: frozenset[str]) -> list[str]:
    """The question's content words a passage lacks (directly or through a glossary synonym)."""
    covered = {
        term
        for concept in evidence.query.concepts
        if any(t in stems for t, _ in concept.terms)
        for term, _ in concept.terms
    }
    return [word for word, stem in evidence.tokens if stem not in stems and stem not in covered]


def _mean(vectors: Sequence[Vector | None]) -> Vector | None:
    found = [v for v in vectors if v is not None]
    if not found:
        return None
    return tuple([sum(column) / len(found) for column in zip(*found, strict=True)])


def candidates(
    passages: Sequence[Passage],
    stems: Mapping[str, frozenset[str]],
    evidence: Evidence,
    settings: Settings,
) -> list[Candidate]:
    """The candidates for a question, best first (ties: corpus order).

    `stems` holds each passage's content stems over all its fields (text, section, curated
    questions).
    """
    hits, meaning = evidence.hits, evidence.meaning
    order = {p.id: i for i, p in enumerate(passages)}
    lexical = {h.passage.id: (rank, h) for rank, h in enumerate(hits[: settings.candidates], 1)}
    by_meaning = sorted(range(len(passages)), key=lambda i: (-max(meaning[i]), i))
    semantic = {passages[i].id: rank for rank, i in enumerate(by_meaning[: settings.candidates], 1)}
    top_bm25 = math.log1p(hits[0].bm25) if hits else 0.0
    top_meaning = max((max(m) for m in meaning), default=0.0)
    content = len(evidence.tokens) or 1
    unknown = len(evidence.query.unknown)
    risky = evidence.aspects.get("risks", 0.0) >= settings.risk_question
    # What the question most likely asks about, when the aspect model is this sure of it.
    aspect = max(evidence.aspects, key=evidence.aspects.__getitem__, default=None)
    if aspect is not None and evidence.aspects[aspect] < settings.aspect_guard:
        aspect = None
    found = []
    means: dict[tuple[str, ...], Vector | None] = {}  # candidates often lack the same words
    for passage_id in dict.fromkeys([*lexical, *semantic]):
        passage = passages[order[passage_id]]
        rank, hit = lexical.get(passage_id, (0, None))
        bm25 = math.log1p(hit.bm25) if hit else 0.0
        text, questions = meaning[order[passage_id]]
        about = set(passage.subjects)
        missing = _uncovered(evidence, stems[passage_id])
        key = tuple(missing)
        if key not in means:
            means[key] = _mean([evidence.word_vector(w) for w in missing])
        words = means[key]
        features = (
            bm25,
            top_bm25 - bm25,
            hit.coverage if hit else 0.0,
            float(unknown),
            unknown / content,
            text,
            questions,
            top_meaning - max(text, questions),
            1.0 / rank if rank else 0.0,
            1.0 / semantic[passage_id] if passage_id in semantic else 0.0,
            1.0 if evidence.asked & about else 0.0,
            1.0 if evidence.asked and not evidence.asked & about else 0.0,
            sum(evidence.aspects.get(a, 0.0) for a in passage.aspects),
            float(len(missing)),
            len(missing) / content,
        )
        p = probability(settings.decision, settings.decision_words, features, words)
        if not passage.aspects:
            pass  # a corpus that does not label what its passages answer has no guard
        elif risky and "risks" not in passage.aspects:
            p = 0.0  # a question about risks is never answered with what only speaks of benefits
        elif aspect is not None and aspect not in passage.aspects:
            p = 0.0  # nor one plainly about dosing, cost, speed... with what speaks of another
        found.append(Candidate(passage, hit, features, words, p))
    found.sort(key=lambda c: (-c.probability, order[c.passage.id]))
    return found
