"""From a question to weighted search concepts: stems, typo correction, glossary expansion."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .analysis import Speller, Stemmer, stem_table, stopwords, tokenize
from .corpus import GlossaryEntry
from .retrieval import Concept, Index


@dataclass(frozen=True)
class Query:
    """A question made ready for the index."""

    text: str
    concepts: tuple[Concept, ...]
    stems: frozenset[str]  # the question's own content stems, after typo correction
    corrections: tuple[tuple[str, str], ...] = ()  # (typed, understood as)

    def weights(self) -> dict[str, float]:
        """Each search term with its largest weight in the query."""
        out: dict[str, float] = {}
        for concept in self.concepts:
            for term, weight in concept.terms:
                out[term] = max(weight, out.get(term, 0.0))
        return out

    def with_context(self, previous: Query, weight: float) -> Query:
        """This query, plus the concepts of an earlier one at a reduced weight."""
        carried = tuple(
            Concept(tuple((t, w * weight) for t, w in c.terms), c.weight * weight)
            for c in previous.concepts
            if not {t for t, _ in c.terms} & self.stems
        )
        return Query(self.text, self.concepts + carried, self.stems, self.corrections)


class Analyzer:
    """Turns text into stems the way the index was built, and questions into Queries."""

    def __init__(
        self,
        stems: dict[str, str],
        speller_words: Sequence[str],
        expansions: dict[tuple[str, ...], tuple[str, ...]],
        vocabulary: Iterable[str],
    ) -> None:
        self.vocabulary = frozenset(vocabulary)
        self.stemmer = Stemmer(stems, self.vocabulary)
        self.speller = Speller(tuple(speller_words))
        self.expansions = expansions
        self.longest_phrase = max((len(p) for p in expansions), default=0)
        self.stopwords = stopwords()

    @classmethod
    def build(
        cls, texts: Iterable[str], glossary: Sequence[GlossaryEntry]
    ) -> tuple[Analyzer, list[list[str]]]:
        """An analyzer for a corpus, with each text's content stems (same order as `texts`)."""
        token_lists = [tokenize(text) for text in texts]
        phrases = [tokenize(p) for e in glossary for p in (*e.terms, *e.also)]
        words = {t for tokens in token_lists + phrases for t in tokens} | stopwords()
        table = stem_table(words)
        documents = [
            [table[t] for t in tokens if t not in stopwords()] for tokens in token_lists
        ]
        vocabulary = {s for doc in documents for s in doc}
        table = stem_table(words, vocabulary)  # adds the inflections that land in vocabulary
        frequency: dict[str, int] = {}
        for tokens in token_lists:
            for token in tokens:
                if token.isalpha() and token not in stopwords():
                    frequency[token] = frequency.get(token, 0) + 1
        speller_words = sorted(frequency, key=lambda w: (-frequency[w], w))
        analyzer = cls(table, speller_words, {}, vocabulary)
        analyzer.expansions = analyzer._compile_glossary(glossary)
        analyzer.longest_phrase = max((len(p) for p in analyzer.expansions), default=0)
        return analyzer, documents

    def _compile_glossary(
        self, glossary: Sequence[GlossaryEntry]
    ) -> dict[tuple[str, ...], tuple[str, ...]]:
        expansions: dict[tuple[str, ...], set[str]] = {}
        for entry in glossary:
            groups = [(entry.also, entry.terms)]
            if not entry.one_way:
                every = (*entry.terms, *entry.also)
                groups = [(every, every)]
            for sources, targets in groups:
                for phrase in sources:
                    key = tuple(self._stem(t) for t in tokenize(phrase))
                    if not key:
                        continue
                    added = expansions.setdefault(key, set())
                    for target in targets:
                        added.update(self.content_stems(target))
        return {
            key: tuple(sorted((stems - set(key)) & self.vocabulary))
            for key, stems in expansions.items()
            if (stems - set(key)) & self.vocabulary
        }

    def _stem(self, token: str) -> str:
        return self.stemmer.stem(token) or token

    def content_stems(self, text: str) -> list[str]:
        """The stems of a text's non-stopword tokens."""
        return [self._stem(t) for t in tokenize(text) if t not in self.stopwords]

    def query(self, question: str, index: Index, expansion_weight: float) -> Query:
        """Analyse a question: correct typos, stem, expand through the glossary."""
        tokens = tokenize(question)
        stems: list[str] = []
        corrections: list[tuple[str, str]] = []
        for token in tokens:
            if token in self.stopwords:
                stems.append(self.stemmer.table.get(token, token))
                continue
            stem = self.stemmer.stem(token)
            if stem is None or stem not in self.vocabulary:
                fixed = self.speller.correct(token)
                if fixed is not None and fixed != token:
                    corrections.append((token, fixed))
                    stem = self._stem(fixed)
            stems.append(stem or token)
        content = [i for i, t in enumerate(tokens) if t not in self.stopwords]
        concepts: list[Concept] = []
        used: set[int] = set()
        for start, end, expansion in self._phrases(stems):
            own = [stems[i] for i in range(start, end) if i in content]
            if not own:
                continue
            used.update(range(start, end))
            terms = {s: 1.0 for s in own}
            for stem in expansion:
                terms.setdefault(stem, expansion_weight)
            weight = max(index.term_idf(s) for s in own)
            concepts.append(Concept(tuple(terms.items()), weight))
        counts: dict[str, int] = {}
        for i in content:
            if i not in used:
                counts[stems[i]] = counts.get(stems[i], 0) + 1
        for stem, count in counts.items():
            concepts.append(Concept(((stem, float(count)),), index.term_idf(stem)))
        own_stems = frozenset(stems[i] for i in content)
        return Query(question, tuple(concepts), own_stems, tuple(corrections))

    def _phrases(self, stems: list[str]) -> list[tuple[int, int, tuple[str, ...]]]:
        """Glossary phrases found in a stem sequence: longest first, not overlapping."""
        found: list[tuple[int, int, tuple[str, ...]]] = []
        taken: set[int] = set()
        for length in range(min(self.longest_phrase, len(stems)), 0, -1):
            for start in range(len(stems) - length + 1):
                span = range(start, start + length)
                if taken.intersection(span):
                    continue
                expansion = self.expansions.get(tuple(stems[start : start + length]))
                if expansion is not None:
                    found.append((start, start + length, expansion))
                    taken.update(span)
        return sorted(found)

    def state(self) -> dict[str, object]:
        """Plain data for the on-disk cache."""
        return {
            "stems": self.stemmer.table,
            "speller_words": self.speller.words,
            "expansions": self.expansions,
            "vocabulary": self.vocabulary,
        }
