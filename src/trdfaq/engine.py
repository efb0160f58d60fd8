"""The search engine over one corpus: analyzer and index, built once and cached."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

from .analysis import question_weighted, sentence_spans, tokenize
from .corpus import Corpus, Passage, Settings
from .decision import Candidate, Evidence, candidate_inputs, candidates, subjects_of
from .embedding import Embedder, Vector, cosine
from .query import Analyzer, Query
from .retrieval import Concept, Hit, Index
from .textclf import Model, features

# A corpus folder may ship a model of the questions its articles answer (the bundled one's:
# benchmarks/train_questions.py); without one, the passage probabilities alone decide.
QUESTION_MODEL = "questions.clf"


@dataclass(frozen=True)
class Meaning:
    """Each passage's embeddings: of its text, and the centroid of its curated questions."""

    embedder: Embedder
    texts: tuple[Vector | None, ...]
    questions: tuple[Vector | None, ...]

    @classmethod
    def build(cls, passages: tuple[Passage, ...], embedder: Embedder) -> Meaning:
        """Embed every passage (index build time)."""
        return cls(
            embedder,
            tuple(embedder.embed(p.text) for p in passages),
            tuple(_centroid(embedder.embed_many(p.questions)) for p in passages),
        )

    def similarities(self, vector: Vector | None) -> list[tuple[float, float]]:
        """(text, questions) cosine similarity of a question's embedding to each passage."""
        if vector is None:
            return [(0.0, 0.0)] * len(self.texts)
        return [
            (cosine(vector, t) if t else 0.0, cosine(vector, q) if q else 0.0)
            for t, q in zip(self.texts, self.questions, strict=True)
        ]


def _centroid(vectors: list[Vector | None]) -> Vector | None:
    """The unit-length mean of some unit vectors (None if there are none)."""
    found = [v for v in vectors if v is not None]
    if not found:
        return None
    total = [sum(values) for values in zip(*found, strict=True)]
    norm = sum(x * x for x in total) ** 0.5
    return tuple(x / norm for x in total) if norm else None


@cache
def aspect_model() -> Model:
    """The question-aspect classifier shipped in the package (benchmarks/train_aspects.py)."""
    return Model.load(Path(str(resources.files("trdfaq").joinpath("data/aspect.clf"))))


def passage_fields(passage: Passage) -> tuple[str, str, str]:
    """The texts of a passage's indexed fields: text, section, questions."""
    return passage.text, passage.section or "", "\n".join(passage.questions)


@dataclass
class Engine:
    """Finds the passages of a corpus that answer a question."""

    corpus: Corpus
    analyzer: Analyzer
    index: Index
    meaning: Meaning
    # Content stems of every passage text and sentence, computed once: answers need them
    # for highlights and corroboration on every question.
    passage_stems: dict[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.passage_stems:
            for passage in self.corpus.passages:
                texts = [passage.text] + [
                    passage.text[s:e] for s, e in sentence_spans(passage.text)
                ]
                for text in texts:
                    self.passage_stems[text] = frozenset(self.analyzer.content_stems(text))

    def stems(self, text: str) -> frozenset[str]:
        """The content stems of a text (precomputed for passages and their sentences)."""
        found = self.passage_stems.get(text)
        return found if found is not None else frozenset(self.analyzer.content_stems(text))

    @classmethod
    def build(cls, corpus: Corpus) -> Engine:
        """Analyse and index a loaded corpus (needs nltk and rank-bm25)."""
        texts = [text for p in corpus.passages for text in passage_fields(p)]
        analyzer, stems = Analyzer.build(texts, corpus.glossary)
        fields = {
            name: [stems[3 * i + f] for i in range(len(corpus.passages))]
            for f, name in enumerate(("text", "section", "questions"))
        }
        index = Index.build(corpus.passages, fields, corpus.settings)
        engine = cls(corpus, analyzer, index, Meaning.build(corpus.passages, Embedder.load()))
        _ = engine._field_stems  # worked out now, so that it is cached with the index
        return engine

    def with_settings(self, settings: Settings) -> Engine:
        """The same corpus and analyzer, re-indexed with other retrieval settings."""
        corpus = replace(self.corpus, settings=settings)
        texts = [passage_fields(p) for p in corpus.passages]
        fields = {
            name: [self.analyzer.content_stems(t[f]) for t in texts]
            for f, name in enumerate(("text", "section", "questions"))
        }
        index = Index.build(corpus.passages, fields, settings)
        return Engine(corpus, self.analyzer, index, self.meaning)

    def analyse(self, question: str) -> Query:
        """A question made ready for search."""
        return self.analyzer.query(question, self.index, self.corpus.settings, self._phrases)

    @cached_property
    def _phrases(self) -> dict[tuple[str, ...], Concept]:
        return {}

    def __getstate__(self) -> dict[str, object]:
        """What pickling keeps (the on-disk cache): not the phrases remembered; each
        passage's field stems, which every first answer needs (5 ms to work out)."""
        state = self.__dict__.copy()
        state.pop("_phrases", None)
        state.pop("_subject_phrases", None)
        state.pop("question_model", None)
        return state

    def subjects_of(self, query: Query) -> frozenset[str]:
        """The corpus subjects a question names (by the subjects' terms or their synonyms)."""
        return subjects_of(query, self.corpus.subjects, self._subject_phrases)

    @cached_property
    def _subject_phrases(self) -> dict[str, tuple[tuple[str, ...], ...]]:
        return {
            s.id: tuple(tuple(self.analyzer.content_stems(t)) for t in s.terms)
            for s in self.corpus.subjects.subjects
        }

    @cached_property
    def question_model(self) -> Model | None:
        """The corpus's model of the questions its articles answer, if it has one."""
        path = Path(self.corpus.root) / QUESTION_MODEL
        return Model.load(path) if path.is_file() else None

    def evidence(
        self, text: str, query: Query, hits: list[Hit], meaning_of: str, asked: frozenset[str]
    ) -> Evidence:
        """What the decision weighs for a question (`meaning_of`: the text to embed, and for a
        follow-up what the question model reads: "is it safe in pregnancy?" after ECT)."""
        tokens = tuple(
            (word, self.analyzer.stem_of(word))
            for word in tokenize(text)
            if word not in self.analyzer.stopwords and word.isalpha()
        )
        aspects = aspect_model()
        found = features(text, aspects.buckets)
        vector = self.embed(meaning_of)
        model = self.question_model
        hashed: dict[int, float] = {}
        if model is not None:
            # The aspect model's hashed features, when the question model's are the same.
            same = meaning_of == text and model.hashed == aspects.buckets
            hashed = found if same else features(meaning_of, model.hashed)
        return Evidence(
            query=query,
            tokens=tokens,
            hits=hits,
            meaning=self.meaning.similarities(vector),
            asked=asked,
            aspects=aspects.probabilities(found),
            word_vector=self.meaning.embedder.embed,
            vector=vector,
            hashed=hashed,
        )

    def kinds(self, evidence: Evidence, found: list[Candidate]) -> dict[str, float]:
        """How likely the articles are to answer the question, by the corpus's question model
        (answer / not_covered / out_of_scope; empty without one). It reads the question's
        hashed features and, if it was trained with them, its embedding and the features of
        its best candidates (`candidates` in the model's meta): whether "can ECT cause memory
        loss?" is answered depends on what the best passage says, not on the words alone."""
        model = self.question_model
        if model is None:
            return {}
        dense: list[float] | None = None
        if model.dense:
            count = int(model.meta.get("candidates", 0))  # type: ignore[call-overload]
            vector = evidence.vector or (0.0,) * self.meaning.embedder.dim
            dense = [*vector, *candidate_inputs(found, count)]
        return model.probabilities(model.inputs(evidence.hashed, dense))

    def rank(self, text: str) -> list[Candidate]:
        """The candidates for a question asked on its own, best first, as the assistant ranks
        them."""
        text = question_weighted(text)
        query = self.analyse(text)
        hits = self.search(query, k=10)
        return self.decide(self.evidence(text, query, hits, text, self.subjects_of(query)))

    def decide(self, evidence: Evidence) -> list[Candidate]:
        """The candidate passages for a question, best first, each with the probability that
        it answers the question (decision.py)."""
        return candidates(self.corpus.passages, self._field_stems, evidence, self.corpus.settings)

    def field_stems(self, passage: Passage) -> frozenset[str]:
        """A passage's content stems over all its fields (text, section, curated questions)."""
        return self._field_stems[passage.id]

    @cached_property
    def _field_stems(self) -> dict[str, frozenset[str]]:
        """Each passage's content stems over all its fields."""
        return {
            p.id: frozenset(self.analyzer.content_stems(" ".join(passage_fields(p))))
            for p in self.corpus.passages
        }

    def embed(self, text: str) -> Vector | None:
        """A question's embedding."""
        return self.meaning.embedder.embed(text)

    def search(self, query: Query, k: int = 10) -> list[Hit]:
        """The k best passages for a query."""
        return self.index.search(query.concepts, k, self.corpus.settings.coverage_exponent)
