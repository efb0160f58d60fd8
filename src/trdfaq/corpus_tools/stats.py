"""Corpus statistics: the corpus in numbers, and passages their own questions miss."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..analysis import tokenize
from ..corpus import PASSAGES_DIR, Corpus, Passage


@dataclass(frozen=True)
class Miss:
    """A passage none of whose questions retrieves it first, and what each retrieves instead."""

    passage: Passage
    firsts: tuple[tuple[str, str | None], ...]  # (question, id of the passage retrieved first)


@dataclass(frozen=True)
class Stats:
    """Counts and spreads describing a corpus."""

    sources: int
    passages_per_source: dict[str, int]
    questions: tuple[int, ...]  # per passage
    words: tuple[int, ...]  # per passage
    vocabulary: int  # distinct stems in passage texts, sections and questions
    glossary_entries: int
    misses: tuple[Miss, ...]


def corpus_stats(corpus: Corpus) -> Stats:
    """Statistics of a loaded corpus (builds its search engine: needs nltk and rank-bm25)."""
    from ..engine import Engine  # noqa: PLC0415 - heavy imports, only for this command

    engine = Engine.build(corpus)
    # A passage's own questions are searched with it, so they find it by their own words; the
    # misses are judged on the passages' text alone, where a question the text doesn't answer
    # shows.
    bare = replace(corpus, passages=tuple(replace(p, questions=()) for p in corpus.passages))
    text_only = Engine.build(bare)
    misses = []
    for passage in corpus.passages:
        firsts = []
        for question in passage.questions:
            hits = text_only.search(text_only.analyse(question), k=1)
            firsts.append((question, hits[0].passage.id if hits else None))
        if firsts and all(first != passage.id for _, first in firsts):
            misses.append(Miss(passage, tuple(firsts)))
    per_source = Counter(p.source.id for p in corpus.passages)
    return Stats(
        sources=len(corpus.sources),
        passages_per_source={s: per_source.get(s, 0) for s in corpus.sources},
        questions=tuple(len(p.questions) for p in corpus.passages),
        words=tuple(len(tokenize(p.text)) for p in corpus.passages),
        vocabulary=len(engine.analyzer.vocabulary),
        glossary_entries=len(corpus.glossary),
        misses=tuple(misses),
    )


def spread(values: Sequence[int]) -> str:
    """`min 2, median 4.5, max 6`, or `-` for no values."""
    if not values:
        return "-"
    return f"min {min(values)}, median {statistics.median(values):g}, max {max(values)}"


def format_stats(stats: Stats) -> list[str]:
    """The report, as lines of plain aligned text."""
    rows: list[tuple[str, str]] = [
        ("sources", f"{stats.sources}"),
        ("passages", f"{len(stats.words)}"),
    ]
    rows += [(f"  {source}", f"{n}") for source, n in stats.passages_per_source.items()]
    rows += [
        ("questions per passage", spread(stats.questions)),
        ("words per passage", spread(stats.words)),
        ("vocabulary (distinct stems)", f"{stats.vocabulary:,}"),
        ("glossary entries", f"{stats.glossary_entries}"),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [f"{label:<{width}}  {value}" for label, value in rows]
    lines += ["", f"passages that none of their own questions retrieves first: {len(stats.misses)}"]
    for miss in stats.misses:
        p = miss.passage
        lines.append(f"  {p.id} ({PASSAGES_DIR}/{p.file}:{p.line})")
        lines += [f"    {question!r} -> {first or 'nothing'}" for question, first in miss.firsts]
    return lines
