"""From a question to weighted search concepts: stems, typo correction, glossary expansion."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property

from .analysis import (
    Speller,
    Stemmer,
    edit_distance,
    is_english_word,
    shorthand,
    snowball_stem,
    stem_table,
    stopwords,
    tokenize,
)
from .corpus import GlossaryEntry, Settings
from .retrieval import Concept, Index

# Stemmed glossary phrase -> (index term, loose?) pairs it expands to.
Expansions = dict[tuple[str, ...], tuple[tuple[str, bool], ...]]

# Words a question starts with; a known word one typo away from one of these, in first
# place, is taken as a misspelling of it.
_QUESTION_WORDS = frozenset(
    {
        "does",
        "do",
        "how",
        "what",
        "why",
        "when",
        "where",
        "which",
        "who",
        "can",
        "are",
        "is",
        "should",
        "will",
        "would",
        "could",
    }
)


def _possessive(token: str, stopwords: frozenset[str]) -> str:
    """A word without its possessive "'s" ("my dad's" is about "dad"); "it's" stays."""
    return token[:-2] if token.endswith("'s") and token not in stopwords else token


@cache
def _by_length(words: frozenset[str]) -> tuple[str, ...]:
    """Words of two letters or more, shortest first (the order typos are matched in)."""
    return tuple(sorted((w for w in words if len(w) >= 2), key=lambda w: (len(w), w)))


# Glossary phrase concepts an Engine remembers, at most.
_PHRASES_REMEMBERED = 10_000


@dataclass(frozen=True, slots=True)
class Query:
    """A question made ready for the index."""

    text: str
    concepts: tuple[Concept, ...]
    stems: frozenset[str]  # the question's own content stems, after typo correction
    corrections: tuple[tuple[str, str], ...] = ()  # (typed, understood as)
    # Whether it has a word the corpus (or its glossary) knows: something to answer about.
    topical: bool = True
    # Content words neither the corpus nor its glossary has ("zoloft" aside, "insurance"): the
    # decision model weighs them (a harmless aside, or a subject the articles lack).
    unknown: tuple[str, ...] = ()

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
            # Scaled in weight, not in credit: the earlier topic counts for less, but a
            # passage that has it covers it fully.
            Concept(
                tuple((t, w * weight) for t, w in c.terms),
                c.weight * weight,
                c.term_credits(),
            )
            for c in previous.concepts
            if not {t for t, _ in c.terms} & self.stems
        )
        return Query(
            self.text,
            self.concepts + carried,
            self.stems,
            self.corrections,
            self.topical or previous.topical,
            self.unknown,
        )


class Analyzer:
    """Turns text into stems the way the index was built, and questions into Queries."""

    def __init__(
        self,
        stems: dict[str, str],
        speller_words: Sequence[str],
        expansions: Expansions,
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
        spelt_out = {w for words in shorthand().values() for w in words}
        words = {t for tokens in token_lists + phrases for t in tokens}
        words |= stopwords() | spelt_out
        table = {word: snowball_stem(word) for word in words}  # inflections come below
        documents = [[table[t] for t in tokens if t not in stopwords()] for tokens in token_lists]
        vocabulary = {s for doc in documents for s in doc}
        # Add the inflections that land in the vocabulary or on a glossary word ("zaps" for
        # the glossary's "zap").
        table = stem_table(words, vocabulary | {table[t] for p in phrases for t in p})
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

    def _compile_glossary(self, glossary: Sequence[GlossaryEntry]) -> Expansions:
        """Stemmed phrase -> the index terms it expands to, each marked loose or exact."""
        expansions: dict[tuple[str, ...], dict[str, bool]] = {}
        for entry in glossary:
            every = (*entry.terms, *entry.also)
            pairs = [(entry.also, entry.terms)] if entry.one_way else [(every, every)]
            for sources, targets in pairs:
                for phrase in sources:
                    key = tuple(self._stem(t) for t in tokenize(phrase))
                    if not key:
                        continue
                    added = expansions.setdefault(key, {})
                    for target in targets:
                        for stem in self.content_stems(target):
                            if stem in self.vocabulary and stem not in key:
                                # exact wins if a phrase is both a synonym and a loose word
                                added[stem] = added.get(stem, True) and entry.one_way
        return {key: tuple(sorted(terms.items())) for key, terms in expansions.items() if terms}

    def _stem(self, token: str) -> str:
        return self.stemmer.stem(token) or token

    def stem_of(self, word: str) -> str:
        """A word's stem as the index has it (the word itself if it is outside the index)."""
        return self._stem(word)

    def content_stems(self, text: str) -> list[str]:
        """The stems of a text's non-stopword tokens."""
        return [self._stem(t) for t in tokenize(text) if t not in self.stopwords]

    def query(
        self,
        question: str,
        index: Index,
        settings: Settings,
        phrases: dict[tuple[str, ...], Concept] | None = None,
    ) -> Query:
        """Analyse a question: correct typos, stem, expand through the glossary.

        `phrases` remembers the concepts of glossary phrases for this index and settings:
        questions share most of theirs ("side effects", "treatment-resistant depression").
        """
        short = shorthand()
        tokens = [
            word
            for token in tokenize(question)
            for word in short.get(token, (_possessive(token, self.stopwords),))
        ]
        stems: list[str] = []
        corrections: list[tuple[str, str]] = []
        for i, token in enumerate(tokens):
            function_word = self._misspelt_function_word(tokens, i)
            if function_word is not None:
                corrections.append((token, function_word))
                tokens[i] = token = function_word
            if token in self.stopwords:
                stems.append(self.stemmer.table.get(token, token))
                continue
            stem = self.stemmer.stem(token)
            # Only a token that is no English word is taken for a typo: "wont" is not "won",
            # "share" not "shape", "services" not "series".
            if (stem is None or not self._known(stem)) and not is_english_word(token):
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
            key = (*stems[start:end], "|", *own)
            concept = phrases.get(key) if phrases is not None else None
            if concept is None:
                concept = self._phrase_concept(own, expansion, index, settings)
                if phrases is not None:
                    if len(phrases) >= _PHRASES_REMEMBERED:
                        phrases.clear()
                    phrases[key] = concept
            concepts.append(concept)
        counts: dict[str, int] = {}
        for i in content:
            if i not in used:
                counts[stems[i]] = counts.get(stems[i], 0) + 1
        for stem, count in counts.items():
            concepts.append(Concept(((stem, float(count)),), self._weight(stem, index, settings)))
        own_stems = frozenset(stems[i] for i in content)
        known = [s for s in own_stems if self._known(s) and not _number(s)]
        unknown = tuple(sorted(s for s in own_stems if not self._known(s) and not _number(s)))
        return Query(question, tuple(concepts), own_stems, tuple(corrections), bool(known), unknown)

    def _known(self, stem: str) -> bool:
        """Whether the corpus or its glossary has a stem."""
        return stem in self.vocabulary or stem in self._phrase_words

    def _misspelt_function_word(self, tokens: list[str], i: int) -> str | None:
        """The stopword a short token is a typo of ("wat" -> "what"), if it clearly is one.

        A short word neither the corpus nor the word lists know, or a question's first word
        that is one typo away from a question word ("dose ketamine help?"), is taken as that
        stopword, so that it is neither searched for nor counted against the question's
        coverage.
        """
        token = tokens[i]
        if token in self.stopwords or not 2 <= len(token) <= 5 or not token.isalpha():
            return None
        stem = self.stemmer.table.get(token)
        known = (stem is not None and self._known(stem)) or is_english_word(token)
        if known and not (i == 0 and len(tokens) > 1 and tokens[1] != "of"):
            return None
        candidates = _QUESTION_WORDS if known else self.stopwords
        for word in _by_length(candidates):
            # Only into a word: never into a contraction's fragment ("lol" is not "ll").
            if not is_english_word(word) and word not in _QUESTION_WORDS:
                continue
            if word[0] == token[0] and edit_distance(token, word, 1) <= 1:
                return word
        return None

    def _phrase_concept(
        self,
        own: list[str],
        expansion: tuple[tuple[str, bool], ...],
        index: Index,
        settings: Settings,
    ) -> Concept:
        """A glossary phrase as one concept: its own words, then what it expands to.

        Expansions are searched at a lower weight than the words typed, except synonyms
        standing in for a word the corpus does not have (a brand name, a British spelling,
        "shock" in "shock therapy"), which are searched as if typed. Loose expansions only
        partly cover the idea.
        """
        stands_in = not all(s in index for s in own)
        terms: dict[str, tuple[float, float]] = {s: (1.0, 1.0) for s in own}
        for stem, loose in expansion:
            weight = 1.0 if stands_in and not loose else settings.expansion_weight
            credit = settings.loose_credit if loose else settings.expansion_credit
            terms.setdefault(stem, (weight, credit))
        return Concept(
            tuple((t, w) for t, (w, _) in terms.items()),
            max(self._weight(s, index, settings) for s in own),
            tuple(c for _, c in terms.values()),
        )

    def _weight(self, stem: str, index: Index, settings: Settings) -> float:
        """How much a term counts towards coverage: its IDF, at least `coverage_floor`.

        In a corpus about one subject its own words ("depression") are in most passages and
        so have almost no IDF, yet they are what makes a question in scope, hence the floor.
        A word the corpus lacks weighs `unknown_weight`: whether it is a harmless aside or a
        subject the articles lack is the decision model's to judge (decision.py), from the
        whole question. Numbers count little: an age, a year, a count of pills.
        """
        if stem in index:
            weight = max(index.term_idf(stem), settings.coverage_floor)
        else:
            weight = settings.unknown_weight
        return weight * (settings.number_factor if _number(stem) else 1.0)

    def _phrases(self, stems: list[str]) -> list[tuple[int, int, tuple[tuple[str, bool], ...]]]:
        """Glossary phrases found in a stem sequence: longest first, not overlapping."""
        heads = self._heads
        starts = [i for i, stem in enumerate(stems) if stem in heads]
        found: list[tuple[int, int, tuple[tuple[str, bool], ...]]] = []
        taken: set[int] = set()
        for length in range(min(self.longest_phrase, len(stems)), 0, -1):
            for start in starts:
                span = range(start, start + length)
                if start + length > len(stems) or taken.intersection(span):
                    continue
                expansion = self.expansions.get(tuple(stems[start : start + length]))
                if expansion is not None:
                    found.append((start, start + length, expansion))
                    taken.update(span)
        return sorted(found)

    @cached_property
    def _phrase_words(self) -> frozenset[str]:
        """The stems of the glossary's phrases: known words, though no passage has them."""
        return frozenset(stem for phrase in self.expansions for stem in phrase)

    @cached_property
    def _heads(self) -> frozenset[str]:
        """The stems glossary phrases start with."""
        return frozenset(phrase[0] for phrase in self.expansions)


def _number(stem: str) -> bool:
    return any(ch.isdigit() for ch in stem)
