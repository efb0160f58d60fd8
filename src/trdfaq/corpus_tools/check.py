"""Corpus checks: everything the loader checks, and the curation smells it does not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..analysis import normalise, stopwords, tokenize
from ..corpus import (
    GLOSSARY_FILE,
    PASSAGES_DIR,
    SOURCES_FILE,
    Corpus,
    GlossaryEntry,
    Passage,
    load_corpus,
    normalise_space,
)
from ..errors import CorpusError, TrdfaqError
from ..prompts import CORPUS_WORDS_FILE, example_lines
from .promotion import promotion

MIN_QUESTIONS, MAX_QUESTIONS = 2, 6
MIN_WORDS, MAX_WORDS = 8, 120
NEAR_DUPLICATE = 0.7  # share of distinct content words (Jaccard); the bundled corpus peaks at 0.41
_PUNCTUATION = re.compile(r"[^\w\s']+")


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, reported as `file:line: error|warning: message`."""

    path: str
    line: int  # 0 when the problem is about the whole file
    level: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.level}: {self.message}"


def check_corpus(root: Path) -> tuple[list[Problem], Corpus | None]:
    """All problems of a corpus folder, sorted by file and line (and the corpus, if it loads)."""
    try:
        corpus = load_corpus(root)
    except CorpusError as exc:
        return [Problem(exc.path or str(root), exc.line or 0, "error", exc.message)], None
    checks = (
        _unused_sources,
        _questions,
        _lengths,
        _lead_ins,
        _labels,
        _duplicates,
        _promotion,
        _glossary,
        _glossary_answers,
        _assistant_words,
    )
    problems = [problem for check in checks for problem in check(root, corpus)]
    return sorted(problems), corpus


def summary(problems: list[Problem], corpus: Corpus | None) -> str:
    """`corpus OK: 2 sources, 4 passages`, or `1 error, 2 warnings`."""
    if not problems and corpus is not None:
        return (
            f"corpus OK: {_count(len(corpus.sources), 'source')}, "
            f"{_count(len(corpus.passages), 'passage')}"
        )
    errors = sum(p.level == "error" for p in problems)
    return f"{_count(errors, 'error')}, {_count(len(problems) - errors, 'warning')}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _at(root: Path, passage: Passage) -> str:
    return str(root / PASSAGES_DIR / passage.file)


def _warn(root: Path, passage: Passage, message: str) -> Problem:
    return Problem(_at(root, passage), passage.line, "warning", f"passage {passage.id!r} {message}")


def _where(root: Path, passage: Passage) -> str:
    return f"{passage.id!r} ({PASSAGES_DIR}/{passage.file}:{passage.line})"


def _unused_sources(root: Path, corpus: Corpus) -> Iterator[Problem]:
    from ..yamlfile import load_yaml  # noqa: PLC0415

    used = {p.source.id for p in corpus.passages}
    path = root / SOURCES_FILE
    items = load_yaml(path, CorpusError)["sources"]
    for item, line in zip(items, items.item_lines, strict=True):
        if item["id"] not in used:
            yield Problem(
                str(path),
                line,
                "warning",
                f"source {item['id']!r} is not quoted by any "
                "passage: draft passages for it, or remove it",
            )


def _questions(root: Path, corpus: Corpus) -> Iterator[Problem]:
    # The same question on passages of different sources is how corroborating passages are
    # curated (see compose.corroborations); within one source it leaves retrieval guessing.
    asked: dict[tuple[str, str], Passage] = {}
    for passage in corpus.passages:
        n = len(passage.questions)
        if n == 0:
            yield _warn(root, passage, "has no questions: add 2 to 6 that people would type")
        elif n < MIN_QUESTIONS:
            yield _warn(root, passage, "has only 1 question: add at least one more (2 to 6)")
        elif n > MAX_QUESTIONS:
            yield _warn(root, passage, f"has {n} questions: keep the {MAX_QUESTIONS} most typical")
        own: set[str] = set()
        for question in passage.questions:
            key = " ".join(_PUNCTUATION.sub(" ", normalise(question)).split())
            other = asked.get((passage.source.id, key))
            if key in own:
                yield _warn(root, passage, f"asks {question!r} twice")
            elif other is not None:
                yield _warn(
                    root,
                    passage,
                    f"asks {question!r}, as does passage "
                    f"{_where(root, other)} of the same source: keep it in one only",
                )
            own.add(key)
            asked.setdefault((passage.source.id, key), passage)


def _lengths(root: Path, corpus: Corpus) -> Iterator[Problem]:
    for passage in corpus.passages:
        words = len(tokenize(passage.text))
        if words > MAX_WORDS:
            yield _warn(
                root,
                passage,
                f"is long ({words} words): split it into passages of one "
                f"topic each (at most about {MAX_WORDS} words)",
            )
        elif words < MIN_WORDS:
            yield _warn(
                root,
                passage,
                f"is very short ({words} words): join it to a neighbouring "
                f"passage (at least {MIN_WORDS} words)",
            )


def _duplicates(root: Path, corpus: Corpus) -> Iterator[Problem]:
    passages = corpus.passages
    texts = [normalise_space(p.text)[0].casefold() for p in passages]
    stop = stopwords()
    words = [frozenset(t for t in tokenize(p.text) if t not in stop) for p in passages]
    for j, later in enumerate(passages):
        for i in range(j):
            earlier = passages[i]
            if texts[i] == texts[j]:
                yield Problem(
                    _at(root, later),
                    later.line,
                    "error",
                    f"passage {later.id!r} has the same text as passage {_where(root, earlier)}",
                )
            elif texts[j] in texts[i] or texts[i] in texts[j]:
                inner, outer = (later, earlier) if texts[j] in texts[i] else (earlier, later)
                yield _warn(
                    root, inner, f"is contained in passage {_where(root, outer)}: keep one of them"
                )
            elif (
                earlier.source is later.source
                and earlier.start < later.end
                and (later.start < earlier.end)
            ):
                yield _warn(
                    root,
                    later,
                    f"overlaps passage {_where(root, earlier)}: quote each part of the source once",
                )
            elif words[i] and words[j]:
                shared = len(words[i] & words[j]) / len(words[i] | words[j])
                if shared >= NEAR_DUPLICATE:
                    yield _warn(
                        root,
                        later,
                        f"is nearly the same as passage "
                        f"{_where(root, earlier)} ({shared:.0%} of words shared)",
                    )


def _lead_ins(root: Path, corpus: Corpus) -> Iterator[Problem]:
    for passage in corpus.passages:
        if passage.text.rstrip().endswith(":"):
            yield _warn(
                root,
                passage,
                "ends on a lead-in (':') with nothing after it: add what it introduces, "
                "or cut the line",
            )


def _labels(root: Path, corpus: Corpus) -> Iterator[Problem]:
    if not corpus.subjects.subjects:
        return  # a corpus without subjects.yaml does not label its passages
    for passage in corpus.passages:
        if not passage.subjects:
            yield _warn(root, passage, "names no subjects: say what it is about (subjects.yaml)")
        if not passage.aspects:
            yield _warn(
                root, passage, "names no aspects: say what it answers about them (subjects.yaml)"
            )


def _promotion(root: Path, corpus: Corpus) -> Iterator[Problem]:
    rules = promotion()
    for passage in corpus.passages:
        for line in passage.text.splitlines():
            reason = rules.reason(line)
            if reason:
                shown = line if len(line) <= 80 else line[:79] + "…"
                yield _warn(
                    root, passage, f"has a line that looks like promotion ({reason}): {shown!r}"
                )


def _glossary_answers(root: Path, corpus: Corpus) -> Iterator[Problem]:
    """A glossary expansion that turns a passage's own curated question to another passage
    (by BM25) that has only the expansion, not the words typed: without it the question finds
    its passage, with it the other. A false synonym ("panic attacks" = anxiety) does that; a
    true one, between two passages that both have the words, does not."""
    if not corpus.glossary:
        return
    from dataclasses import replace  # noqa: PLC0415

    from ..engine import Engine  # noqa: PLC0415 - heavy imports, only with a glossary
    from ..retrieval import Concept  # noqa: PLC0415

    engine = Engine.build(corpus)
    for passage in corpus.passages:
        for question in passage.questions:
            query = engine.analyse(question)
            hits = engine.search(query, k=1)
            if not hits or hits[0].passage.id == passage.id:
                continue
            for n, concept in enumerate(query.concepts):
                own = [i for i, (_, weight) in enumerate(concept.terms) if weight >= 1.0]
                if not own or len(own) == len(concept.terms):
                    continue  # nothing the glossary added
                credits = concept.term_credits()
                bare = Concept(
                    tuple(concept.terms[i] for i in own),
                    concept.weight,
                    tuple(credits[i] for i in own),
                )
                concepts = (*query.concepts[:n], bare, *query.concepts[n + 1 :])
                winner = engine.field_stems(hits[0].passage)
                if any(concept.terms[i][0] in winner for i in own):
                    continue  # the other passage has the words typed too: two answers compete
                without = engine.search(replace(query, concepts=concepts), k=1)
                if without and without[0].passage.id == passage.id:
                    typed = " ".join(concept.terms[i][0] for i in own)
                    yield _warn(
                        root,
                        passage,
                        f"the glossary expansion of {typed!r} turns its question {question!r} "
                        f"to passage {hits[0].passage.id!r}: check that glossary entry "
                        "(a false synonym?)",
                    )


def _glossary(root: Path, corpus: Corpus) -> Iterator[Problem]:
    if not corpus.glossary:
        return
    from .stems import stem_words  # noqa: PLC0415 - nltk, only when there is a glossary

    stop = stopwords()
    texts = [p.text for p in corpus.passages] + [p.section or "" for p in corpus.passages]
    terms = [(entry, term) for entry in corpus.glossary for term in entry.terms]
    tokens = [[t for t in tokenize(text) if t not in stop] for text in texts]
    phrases = [[t for t in tokenize(term) if t not in stop] for _, term in terms]
    stems = stem_words({t for group in (tokens, phrases) for seq in group for t in seq})
    haystack = "\n".join(" " + " ".join(stems[t] for t in seq) + " " for seq in tokens)
    path = str(root / GLOSSARY_FILE)
    first: dict[str, GlossaryEntry] = {}
    for entry in corpus.glossary:
        for said in (*entry.terms, *entry.also):
            other = first.setdefault(" ".join(said.casefold().split()), entry)
            if other is not entry:
                yield Problem(
                    path,
                    entry.line,
                    "warning",
                    f"glossary phrase {said!r} is also in the entry at line {other.line}: "
                    "keep it in one entry",
                )
    for (entry, term), phrase in zip(terms, phrases, strict=True):
        needle = " " + " ".join(stems[t] for t in phrase) + " "
        if phrase and needle not in haystack:
            yield Problem(
                path,
                entry.line,
                "warning",
                f"glossary term {term!r} does not occur in "
                "any passage (after stemming): fix its spelling, or remove it",
            )


def _assistant_words(root: Path, corpus: Corpus) -> Iterator[Problem]:
    """assistant.yaml loads, and each of its example questions gets an answer from the corpus
    (an example that gets none would be offered again as a topic under "no answer")."""
    path = root / CORPUS_WORDS_FILE
    if not path.is_file():
        return
    from ..loader import load_assistant  # noqa: PLC0415 - builds the engine: only when needed

    try:
        assistant = load_assistant(root)
    except TrdfaqError as exc:
        yield Problem(exc.path or str(path), exc.line or 0, "error", exc.message)
        return
    for question, line in zip(assistant.prompts.examples, example_lines(root), strict=True):
        answer = assistant.ask(question)
        if not answer.answers:
            yield Problem(
                str(path),
                line,
                "warning",
                f"example {question!r} gets no answer from this corpus ({answer.status}): "
                "ask it as a passage's questions do, or change it",
            )
