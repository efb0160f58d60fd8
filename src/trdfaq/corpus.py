"""The corpus: sources, curated passages, glossary and retrieval settings, loaded strictly."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CorpusError

FEATURES = (  # the decision model's inputs (decision.py documents each)
    "bm25",
    "bm25_gap",
    "coverage",
    "unknown",
    "unknown_share",
    "meaning_text",
    "meaning_questions",
    "meaning_gap",
    "lexical_rank",
    "meaning_rank",
    "subject_match",
    "subject_miss",
    "aspect_match",
    "uncovered",
    "uncovered_share",
)

GATE_FEATURES = ("best", "asks", "margin")  # the answer gate's inputs (decision.gate_features)
# The settings that are blocks of model weights: what their inputs are called, and which.
WEIGHTED = {"decision": ("decision feature", FEATURES), "gate": ("gate feature", GATE_FEATURES)}

if TYPE_CHECKING:
    from .yamlfile import Record

SOURCES_FILE = "sources.yaml"
GLOSSARY_FILE = "glossary.yaml"
SETTINGS_FILE = "retrieval.yaml"
SUBJECTS_FILE = "subjects.yaml"
PASSAGES_DIR = "passages"
SOURCES_DIR = "sources"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")  # source and passage ids
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Source:
    """One published article."""

    id: str
    title: str
    publisher: str | None
    kind: str
    file: str
    text: str
    title_is_descriptive: bool = False
    url: str | None = None  # where it was published, when known
    published: str | None = None  # its publication date, as the article gives it
    accessed: str | None = None  # when the text was copied
    promotes: str | None = None  # what it promotes ("ketamine clinics"), when it does

    @property
    def shown_title(self) -> str:
        """The title as shown with a quote: an article without a title of its own says so."""
        return f"Untitled article ({self.title})" if self.title_is_descriptive else self.title


@dataclass(frozen=True)
class Passage:
    """A curated, verbatim span of a source, with the questions it answers."""

    id: str
    source: Source
    section: str | None
    text: str
    questions: tuple[str, ...]
    start: int  # character offsets of the span in source.text
    end: int
    file: str = ""
    line: int = 0
    subjects: tuple[str, ...] = ()  # ids from subjects.yaml
    aspects: tuple[str, ...] = ()  # what it answers about them (subjects.yaml `aspects`)


@dataclass(frozen=True)
class GlossaryEntry:
    """Phrases that mean the same: the articles' `terms` and the words people use (`also`)."""

    terms: tuple[str, ...]
    also: tuple[str, ...]
    one_way: bool = False
    line: int = 0


@dataclass(frozen=True)
class Subject:
    """A thing passages are about (a treatment, the condition), named by the articles' terms."""

    id: str
    label: str
    terms: tuple[str, ...]
    line: int = 0


@dataclass(frozen=True)
class Subjects:
    """The corpus's subjects, and the aspects of them a passage may answer."""

    subjects: tuple[Subject, ...] = ()
    aspects: dict[str, str] = field(default_factory=dict)  # id -> what it means

    def get(self, subject_id: str) -> Subject | None:
        """A subject by id."""
        return next((s for s in self.subjects if s.id == subject_id), None)


@dataclass(frozen=True)
class Settings:
    """Every ranking number of a corpus, from its retrieval.yaml (the one source: no defaults
    here; a corpus without the file takes the bundled corpus's)."""

    # BM25 over three fields (text, section heading, curated questions).
    text_weight: float
    section_weight: float
    questions_weight: float
    k1: float
    b: float
    # Glossary expansions: searched at expansion_weight; how fully a synonym or a looser
    # word covers the idea it stands for.
    expansion_weight: float
    expansion_credit: float
    loose_credit: float
    # BM25 x coverage ** coverage_exponent ranks the lexical candidates.
    coverage_exponent: float
    coverage_floor: float  # least weight of a word in coverage (the corpus's own words)
    unknown_weight: float  # weight in coverage of a word the corpus lacks
    context_weight: float  # a follow-up's earlier topic, relative to its own words
    number_factor: float  # how much a number counts in coverage, against a word
    candidates: int  # passages each signal (BM25, meaning) puts forward to the decision
    risk_question: float  # P(asks about risks) from which only a passage on risks answers
    aspect_guard: float  # P(asks about aspect A) from which only a passage on A answers
    # The decision model (decision.py): its weights, and the probabilities at which a passage
    # is quoted as the answer, a further passage is quoted too, and a quote is shown folded.
    decision: dict[str, float]
    # ...and over the mean embedding of the question's words the passage lacks (which kinds
    # of missing word matter: "addictive" does, "situations" does not).
    decision_words: tuple[float, ...]
    answer_threshold: float
    # The answer gate (decision.answerable), for a corpus with a question model: its weights
    # over GATE_FEATURES, and the probability from which the best passage is quoted.
    gate: dict[str, float]
    gate_threshold: float
    more_threshold: float
    fold_threshold: float
    corroboration_overlap: float  # shared words for another source to "say the same"
    kinship: float  # shared words for a passage to be offered as a follow-up

    @classmethod
    def bundled(cls) -> Settings:
        """The bundled corpus's settings."""
        from .paths import bundled_corpus_dir  # noqa: PLC0415

        return _load_settings(bundled_corpus_dir() / SETTINGS_FILE)


@dataclass(frozen=True)
class Corpus:
    """Everything retrieval and answers need from a corpus folder."""

    root: str
    sources: dict[str, Source]
    passages: tuple[Passage, ...]
    glossary: tuple[GlossaryEntry, ...] = ()
    settings: Settings = field(default_factory=Settings.bundled)
    subjects: Subjects = field(default_factory=Subjects)


def normalise_space(text: str) -> tuple[str, list[int]]:
    """Collapse whitespace runs to one space; also return each kept character's original index."""
    chars: list[str] = []
    index: list[int] = []
    in_space = True  # drops leading whitespace
    for i, char in enumerate(text):
        if char.isspace():
            if not in_space:
                chars.append(" ")
                index.append(i)
            in_space = True
        else:
            chars.append(char)
            index.append(i)
            in_space = False
    if chars and chars[-1] == " ":
        chars.pop()
        index.pop()
    return "".join(chars), index


@lru_cache(maxsize=64)
def _normalised_source(source_text: str) -> tuple[str, list[int]]:
    return normalise_space(source_text)


def find_span(text: str, source_text: str) -> tuple[int, int] | None:
    """Where `text` stands in `source_text`, whitespace runs matching any whitespace run."""
    needle, _ = normalise_space(text)
    haystack, index = _normalised_source(source_text)
    at = haystack.find(needle) if needle else -1
    if at < 0:
        return None
    return index[at], index[at + len(needle) - 1] + 1


def load_corpus(root: Path) -> Corpus:
    """Load and validate a corpus folder; any problem raises CorpusError naming file and line."""
    from .yamlfile import load_yaml, top_record  # noqa: PLC0415 - yaml only on a cache miss

    root = Path(root)
    if not root.is_dir():
        raise CorpusError("corpus folder not found (give a folder laid out like corpus/)", root)
    sources = _load_sources(root)
    subjects = _load_subjects(root / SUBJECTS_FILE)
    passages: list[Passage] = []
    seen: dict[str, str] = {}
    files = sorted((root / PASSAGES_DIR).glob("*.yaml"))
    if not files:
        raise CorpusError("no passage files (*.yaml) found", root / PASSAGES_DIR)
    for path in files:
        top = top_record(path, CorpusError, "passages file", loader=load_yaml)
        top.only({"passages"})
        for record in top.records("passages", "passage"):
            passage = _passage(record, sources, path, subjects)
            if passage.id in seen:
                raise record.fail(
                    f"duplicate passage id {passage.id!r} (also in {seen[passage.id]})"
                )
            seen[passage.id] = f"{path.name}:{record.line}"
            passages.append(passage)
    glossary = _load_glossary(root / GLOSSARY_FILE)
    settings = _load_settings(root / SETTINGS_FILE)
    return Corpus(str(root), sources, tuple(passages), glossary, settings, subjects)


def _load_sources(root: Path) -> dict[str, Source]:
    from .yamlfile import top_record  # noqa: PLC0415

    path = root / SOURCES_FILE
    top = top_record(path, CorpusError, "sources file")
    top.only({"sources"})
    sources: dict[str, Source] = {}
    for record in top.records("sources", "source"):
        record.only(
            {
                "id",
                "title",
                "title_is_descriptive",
                "publisher",
                "kind",
                "file",
                "url",
                "published",
                "accessed",
                "promotes",
            }
        )
        source_id = record.req("id")
        if not ID_PATTERN.match(source_id):
            raise record.fail(f"id {source_id!r} must be lowercase letters, digits and hyphens")
        if source_id in sources:
            raise record.fail(f"duplicate source id {source_id!r}")
        name = record.req("file")
        text_path = root / SOURCES_DIR / name
        if Path(name).name != name:
            raise record.fail(f"file {name!r} must be a plain file name under {SOURCES_DIR}/")
        try:
            text = text_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise record.fail(f"source text {SOURCES_DIR}/{name} not found") from None
        except UnicodeDecodeError:
            raise record.fail(f"source text {SOURCES_DIR}/{name} is not UTF-8") from None
        sources[source_id] = Source(
            id=source_id,
            title=record.req("title").strip(),
            publisher=(record.text("publisher", optional=True) or "").strip() or None,
            kind=record.req("kind").strip(),
            file=name,
            text=text,
            title_is_descriptive=record.flag("title_is_descriptive"),
            url=record.text("url", optional=True),
            published=record.text("published", optional=True),
            accessed=record.text("accessed", optional=True),
            promotes=record.text("promotes", optional=True),
        )
    if not sources:
        raise CorpusError("no sources listed", path, top.line)
    return sources


def _passage(record: Record, sources: dict[str, Source], path: Path, subjects: Subjects) -> Passage:
    record.only({"id", "source", "section", "text", "questions", "subjects", "aspects"})
    passage_id = record.req("id")
    record.what = f"passage {passage_id!r}"
    if not ID_PATTERN.match(passage_id):
        raise record.fail("id must be lowercase letters, digits and hyphens")
    source_id = record.req("source")
    source = sources.get(source_id)
    if source is None:
        raise record.fail(f"unknown source id {source_id!r} (not in {SOURCES_FILE})")
    text = record.req("text").strip()
    span = find_span(text, source.text)
    if span is None:
        raise record.fail(
            f"text is not a verbatim span of {SOURCES_DIR}/{source.file}: quote the source's "
            "exact words (only whitespace may differ)"
        )
    section = record.text("section", optional=True)
    questions = record.strings("questions", optional=True)
    about = record.strings("subjects", optional=True)
    for subject in about:
        if subjects.get(subject) is None:
            raise record.fail(f"unknown subject {subject!r} (not in {SUBJECTS_FILE})")
    aspects = record.strings("aspects", optional=True)
    for aspect in aspects:
        if aspect not in subjects.aspects:
            known = ", ".join(subjects.aspects) or f"none: {SUBJECTS_FILE} lists no aspects"
            raise record.fail(f"unknown aspect {aspect!r} (known: {known})")
    return Passage(
        id=passage_id,
        source=source,
        section=section.strip() if section else None,
        text=text,
        questions=tuple(q.strip() for q in questions),
        start=span[0],
        end=span[1],
        file=path.name,
        line=record.line or 0,
        subjects=tuple(about),
        aspects=tuple(aspects),
    )


def _load_subjects(path: Path) -> Subjects:
    """subjects.yaml, if the corpus has one (without it, passages name no subjects)."""
    from .yamlfile import Record, top_record  # noqa: PLC0415

    if not path.exists():
        return Subjects()
    top = top_record(path, CorpusError, "subjects file")
    top.only({"subjects", "aspects"})
    found: list[Subject] = []
    for record in top.records("subjects", "subject"):
        record.only({"id", "label", "terms"})
        subject_id = record.req("id")
        if not ID_PATTERN.match(subject_id.replace("_", "-")):
            raise record.fail(f"id {subject_id!r} must be lowercase letters, digits and _")
        if any(s.id == subject_id for s in found):
            raise record.fail(f"duplicate subject id {subject_id!r}")
        terms = record.strings("terms")
        if not terms:
            raise record.fail("'terms' must list the articles' words for the subject")
        found.append(Subject(subject_id, record.req("label").strip(), terms, record.line or 0))
    value = top.data.get("aspects")
    aspects = Record(value, path, CorpusError, "aspects", top.line)
    if not isinstance(value, dict) or not value:
        raise aspects.fail("'aspects' must map each aspect id to what it means")
    return Subjects(tuple(found), {str(k): aspects.req(str(k)) for k in value})


def _load_glossary(path: Path) -> tuple[GlossaryEntry, ...]:
    from .yamlfile import top_record  # noqa: PLC0415

    if not path.exists():
        return ()
    top = top_record(path, CorpusError, "glossary")
    top.only({"entries"})
    entries = []
    for record in top.records("entries", "glossary entry"):
        record.only({"terms", "also", "one_way"})
        terms = record.strings("terms")
        if not terms:
            raise record.fail("'terms' must list at least one phrase")
        entries.append(
            GlossaryEntry(
                terms=terms,
                also=record.strings("also", optional=True),
                one_way=record.flag("one_way"),
                line=record.line or 0,
            )
        )
    return tuple(entries)


def _weights(record: Record) -> dict[str, float]:
    """A block of model weights (`decision`, `gate`): a number for `bias` and each input."""
    what, inputs = WEIGHTED[record.what]
    unknown = sorted(set(map(str, record.data)) - {"bias", *inputs})
    if unknown:
        raise record.fail(f"unknown {what}(s): {', '.join(unknown)}")
    return {str(k): record.number(str(k)) for k in record.data}


@lru_cache(maxsize=8)
def _load_settings(path: Path) -> Settings:
    from .yamlfile import Record, top_record  # noqa: PLC0415

    if not path.exists():
        return Settings.bundled()
    top = top_record(path, CorpusError, "retrieval settings")
    names = Settings.__dataclass_fields__
    top.only(names)
    missing = sorted(set(names) - set(top.data))
    if missing:
        raise top.fail(f"missing setting(s): {', '.join(missing)} (see the bundled retrieval.yaml)")
    values: dict[str, object] = {}
    for name in names:
        if name in WEIGHTED:
            values[name] = _weights(Record(top.data[name], path, CorpusError, name, top.line))
            continue
        if name == "decision_words":
            weights = top.data[name]
            if not isinstance(weights, list) or not all(
                isinstance(w, (int, float)) and not isinstance(w, bool) for w in weights
            ):
                raise top.fail("'decision_words' must be a list of numbers")
            values[name] = tuple(float(w) for w in weights)
            continue
        values[name] = int(top.number(name)) if name == "candidates" else top.number(name)
        if values[name] < 0:  # type: ignore[operator]
            raise top.fail(f"{name!r} must not be negative")
    return Settings(**values)  # type: ignore[arg-type]
