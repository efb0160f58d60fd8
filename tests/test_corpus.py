"""The corpus loader: the bundled corpus is valid and verbatim; broken corpora fail clearly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trdfaq.corpus import find_span, load_corpus, normalise_space
from trdfaq.errors import CorpusError
from trdfaq.paths import bundled_corpus_dir

from .conftest import DATA


@pytest.fixture(scope="module")
def bundled():  # type: ignore[no-untyped-def]
    return load_corpus(bundled_corpus_dir())


def test_bundled_corpus_has_five_sources_and_many_passages(bundled) -> None:  # type: ignore[no-untyped-def]
    assert len(bundled.sources) == 5
    assert len(bundled.passages) >= 60
    assert {p.source.id for p in bundled.passages} == set(bundled.sources)


def test_every_passage_is_a_verbatim_span_at_its_recorded_offsets(bundled) -> None:  # type: ignore[no-untyped-def]
    for passage in bundled.passages:
        span = passage.source.text[passage.start : passage.end]
        assert normalise_space(span)[0] == normalise_space(passage.text)[0], passage.id


def test_passages_have_two_to_six_questions(bundled) -> None:  # type: ignore[no-untyped-def]
    for passage in bundled.passages:
        assert 2 <= len(passage.questions) <= 6, passage.id


PROMOTION = re.compile(
    r"\(\d{3}\)\s*\d{3}-\d{4}|book (an|your) appointment|contact us|call us|reviewed by|"
    r"shares:|leave a comment|you may also like|www\.|all rights reserved",
    re.IGNORECASE,
)


def test_no_promotional_or_contact_material_in_passages(bundled) -> None:  # type: ignore[no-untyped-def]
    offenders = [p.id for p in bundled.passages if PROMOTION.search(p.text)]
    assert offenders == []


def test_article_without_a_title_gets_a_descriptive_one(bundled) -> None:  # type: ignore[no-untyped-def]
    descriptive = [s for s in bundled.sources.values() if s.title_is_descriptive]
    assert [s.file for s in descriptive] == ["000_7979faaa5820ac44.txt"]


@pytest.mark.parametrize(
    ("text", "source", "expected"),
    [
        ("deep watering twice", "need deep watering  twice a", (5, 25)),
        ("a b", "x a\n\n b y", (2, 7)),
        ("missing", "not here", None),
        ("", "anything", None),
    ],
)
def test_find_span_matches_across_whitespace(
    text: str, source: str, expected: tuple[int, int] | None
) -> None:
    assert find_span(text, source) == expected


def _break(corpus: Path, file: str, old: str, new: str) -> None:
    path = corpus / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "where", "message"),
    [
        (
            "passages/garden.yaml",
            "  - id: garden-slugs",
            "  - id: [garden",
            "garden.yaml:",
            "invalid YAML",
        ),
        ("passages/garden.yaml", "    section: Pests\n", "", None, None),
        (
            "passages/garden.yaml",
            "    source: garden\n    section: Pests",
            "    section: Pests",
            "garden.yaml:10",
            "missing required key 'source'",
        ),
        (
            "passages/garden.yaml",
            "source: garden\n    section: Pests",
            "source: orchard\n    section: Pests",
            "garden.yaml:10",
            "unknown source id 'orchard'",
        ),
        (
            "passages/bicycle.yaml",
            "id: bicycle-tyres",
            "id: bicycle-chain",
            "bicycle.yaml:9",
            "duplicate passage id 'bicycle-chain'",
        ),
        (
            "passages/bicycle.yaml",
            "text: Check tyre pressure every week; soft tyres make punctures more likely.",
            "text: '  '",
            "bicycle.yaml:9",
            "'text' must not be empty",
        ),
        (
            "passages/bicycle.yaml",
            "soft tyres make",
            "flat tyres make",
            "bicycle.yaml:9",
            "not a verbatim span of sources/bicycle.txt",
        ),
        (
            "passages/bicycle.yaml",
            "    section: null\n    text: Keep",
            "    colour: red\n    section: null\n    text: Keep",
            "bicycle.yaml:2",
            "unknown key 'colour'",
        ),
        (
            "sources.yaml",
            "file: bicycle.txt",
            "file: tricycle.txt",
            "sources.yaml:8",
            "sources/tricycle.txt not found",
        ),
        (
            "glossary.yaml",
            "  - terms: [tyre]",
            "  - terms: []",
            "glossary.yaml:2",
            "at least one phrase",
        ),
    ],
)
def test_broken_corpus_fails_with_file_and_line(
    corpus_copy: Path, file: str, old: str, new: str, where: str | None, message: str | None
) -> None:
    _break(corpus_copy, file, old, new)
    if message is None:  # an optional key removed: still loads
        load_corpus(corpus_copy)
        return
    with pytest.raises(CorpusError) as caught:
        load_corpus(corpus_copy)
    text = str(caught.value)
    assert where in text
    assert message in text


def test_missing_corpus_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="corpus folder not found"):
        load_corpus(tmp_path / "nowhere")


def test_loader_records_offsets_in_the_source() -> None:
    corpus = load_corpus(DATA / "corpus")
    watering = next(p for p in corpus.passages if p.id == "garden-watering")
    assert watering.source.text[watering.start : watering.start + 8] == "Tomatoes"
    assert watering.source.text[watering.end - 6 : watering.end] == "roots."


def test_every_first_curated_question_is_a_question() -> None:
    # The first one is shown as a follow-up: a neutral, well-formed question.
    from trdfaq.paths import bundled_corpus_dir

    corpus = load_corpus(bundled_corpus_dir())
    assert all(p.questions[0].rstrip().endswith("?") for p in corpus.passages)
