"""The search engine over one corpus: analyzer and index, built once and cached."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

from .analysis import sentence_spans
from .corpus import Corpus, Passage, Settings
from .query import Analyzer, Query
from .retrieval import Concept, Hit, Index


def passage_fields(passage: Passage) -> tuple[str, str, str]:
    """The texts of a passage's indexed fields: text, section, questions."""
    return passage.text, passage.section or "", "\n".join(passage.questions)


@dataclass
class Engine:
    """Finds the passages of a corpus that answer a question."""

    corpus: Corpus
    analyzer: Analyzer
    index: Index
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
        return cls(corpus, analyzer, index)

    def with_settings(self, settings: Settings) -> Engine:
        """The same corpus and analyzer, re-indexed with other retrieval settings."""
        corpus = replace(self.corpus, settings=settings)
        texts = [passage_fields(p) for p in corpus.passages]
        fields = {
            name: [self.analyzer.content_stems(t[f]) for t in texts]
            for f, name in enumerate(("text", "section", "questions"))
        }
        return Engine(corpus, self.analyzer, Index.build(corpus.passages, fields, settings))

    def analyse(self, question: str) -> Query:
        """A question made ready for search."""
        return self.analyzer.query(question, self.index, self.corpus.settings, self._phrases)

    @cached_property
    def _phrases(self) -> dict[tuple[str, ...], Concept]:
        return {}

    def __getstate__(self) -> dict[str, object]:
        """What pickling keeps (the on-disk cache): not the phrases remembered."""
        state = self.__dict__.copy()
        state.pop("_phrases", None)
        return state

    def search(self, query: Query, k: int = 10) -> list[Hit]:
        """The k best passages for a query."""
        return self.index.search(query.concepts, k, self.corpus.settings.coverage_exponent)
