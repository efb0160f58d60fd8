"""The assistant's own words (prompts/*.yaml), loaded strictly into frozen dataclasses."""

from __future__ import annotations

import difflib
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CorpusError, PromptError, TrdfaqError

if TYPE_CHECKING:
    from .yamlfile import Record

ASSISTANT_FILE = "assistant.yaml"
CRISIS_FILE = "crisis.yaml"
SAFETY_FILE = "safety.yaml"
# A corpus folder's own words (its greeting, examples and about text), in place of the
# bundled ones: an assistant over a clinic's sleep articles should not greet people about TRD.
CORPUS_WORDS_FILE = "assistant.yaml"
CORPUS_WORDS_REQUIRED = ("greeting", "examples", "about")
CORPUS_WORDS_OPTIONAL = ("name", "tagline", "placeholder", "no_match")
LINK_KINDS = frozenset({"call", "text", "chat", "web"})
# The front ends' own words (assistant.yaml `labels`): every one required, no others allowed.
LABELS = frozenset(
    {
        # every front end
        "source",
        "section",
        "publisher_unknown",
        "corroborated",
        "follow_ups",
        "topics",
        "folded",
        # trdfaq ask
        "also",
        # the terminal chat
        "searching",
        "disclaimer_short",
        "open_source",
        "help_title",
        "keys_title",
        "about_title",
        "close_hint",
        "key_enter",
        "key_arrows",
        "key_tab",
        "key_open",
        "key_copy",
        "copy_quote",
        "copied",
        "command_copy_about",
        "key_escape",
        "key_commands",
        "command_help",
        "command_help_about",
        "command_crisis",
        "command_crisis_about",
        "command_clear",
        "command_clear_about",
        "command_region",
        "command_region_about",
        "command_open_about",
        # the web widget
        "open_chat",
        "ask",
        "question_label",
        "close",
        "get_help",
        "hide",
        "retry",
        "examples_title",
        "thinking",
        "also_said",
        "crisis_title",
        "you_asked",
        "answer",
        "network_error",
        "too_many",
        "subtitle",
        "footer",
        "in_crisis",
        "offline_crisis",
        "still_working",
        "busy",
        "timeout",
        "server_error",
        "context_lost",
        "too_long",
        "more_quotes",
        "new_answer",
    }
)
# Labels the front ends fill in with str.format, and the fields each may use.
LABEL_FIELDS = {
    "corroborated": frozenset({"n"}),
    "command_help_about": frozenset({"name"}),
    "too_long": frozenset({"n", "count"}),
    "more_quotes": frozenset({"n"}),
    "command_region": frozenset({"name"}),
}


@dataclass(frozen=True)
class SmallTalk:
    """Greetings, thanks and the like, with the reply they get instead of a quote."""

    id: str
    phrases: tuple[str, ...]
    reply: str


@dataclass(frozen=True)
class Link:
    """One way to reach a resource: a tel:, sms: or https: address."""

    kind: str
    label: str
    href: str


@dataclass(frozen=True)
class Resource:
    """A crisis line or emergency number."""

    id: str
    name: str
    contact: str
    regions: tuple[str, ...]
    links: tuple[Link, ...]
    emergency: bool = False


@dataclass(frozen=True)
class Headline:
    """A region's first line of the crisis reply: a line to call now; the emergency number first."""

    now: str
    imminent: str


@dataclass(frozen=True)
class CrisisPrompts:
    """The crisis reply's wording and resources."""

    message_self: str
    message_other: str
    message_check_in: str
    message_resources: str
    check_in_question: str
    check_in_note: str
    check_in_answered: str
    note_self: str
    note_other: str
    closing: str
    disclaimer: str
    default_region: str
    headlines: dict[str, Headline]
    region_names: dict[str, str]
    region_aliases: dict[str, str]
    resources: tuple[Resource, ...]


@dataclass(frozen=True)
class Prompts:
    """Everything the assistant says in its own words."""

    name: str
    tagline: str
    greeting: str
    placeholder: str
    examples: tuple[str, ...]
    disclaimer: str
    disclaimer_unquoted: str
    no_match: str
    not_covered: str
    related_label: str
    which_subject: str
    empty_question: str
    small_talk: tuple[SmallTalk, ...]
    medical_advice: str
    general_info_lead: str
    crisis_footer: str
    labels: dict[str, str]
    about: str
    privacy: str  # added to `about` when questions are not logged
    privacy_logged: str  # ...and this when the operator turned logging on
    crisis: CrisisPrompts

    def about_text(self, *, logged: bool = False) -> str:
        """What trdfaq is, with what it does with questions (true of this run)."""
        return f"{self.about} {self.privacy_logged if logged else self.privacy}"


def load_prompts(root: Path) -> Prompts:
    """Load prompts/assistant.yaml and prompts/crisis.yaml; problems raise PromptError."""
    from .yamlfile import top_record  # noqa: PLC0415 - yaml only on a cache miss

    path = Path(root) / ASSISTANT_FILE
    top = top_record(path, PromptError, "assistant prompts")
    keys = {
        "name",
        "tagline",
        "greeting",
        "placeholder",
        "examples",
        "disclaimer",
        "disclaimer_unquoted",
        "no_match",
        "not_covered",
        "related_label",
        "which_subject",
        "empty_question",
        "small_talk",
        "medical_advice",
        "general_info_lead",
        "crisis_footer",
        "labels",
        "about",
        "privacy",
        "privacy_logged",
    }
    top.only(keys)
    small_talk = []
    for record in top.records("small_talk", "small talk entry"):
        record.only({"id", "phrases", "reply"})
        small_talk.append(
            SmallTalk(record.req("id"), record.strings("phrases"), _text(record, "reply"))
        )
    labels = _labels(top)
    examples = top.strings("examples")
    if not 3 <= len(examples) <= 5:
        raise top.fail("'examples' must list 3 to 5 questions")
    return Prompts(
        name=top.req("name"),
        tagline=_text(top, "tagline"),
        greeting=_text(top, "greeting"),
        placeholder=_text(top, "placeholder"),
        examples=examples,
        disclaimer=_text(top, "disclaimer"),
        disclaimer_unquoted=_text(top, "disclaimer_unquoted"),
        no_match=_text(top, "no_match"),
        not_covered=_subject_text(top, "not_covered"),
        related_label=_subject_text(top, "related_label"),
        which_subject=_text(top, "which_subject"),
        empty_question=_text(top, "empty_question"),
        small_talk=tuple(small_talk),
        medical_advice=_text(top, "medical_advice"),
        general_info_lead=_text(top, "general_info_lead"),
        crisis_footer=_text(top, "crisis_footer"),
        labels=labels,
        about=_text(top, "about"),
        privacy=_text(top, "privacy"),
        privacy_logged=_text(top, "privacy_logged"),
        crisis=_load_crisis(Path(root) / CRISIS_FILE),
    )


def read_corpus_words(corpus_dir: Path | str) -> dict[str, str | tuple[str, ...]]:
    """The greeting, examples, about text (and, if given, name, tagline, placeholder and
    no-match reply) of a corpus folder's assistant.yaml, by Prompts field; {} without one.

    Problems raise CorpusError naming the file and line.
    """
    path = Path(corpus_dir) / CORPUS_WORDS_FILE
    if not path.is_file():
        return {}
    from .yamlfile import line_of, top_record  # noqa: PLC0415 - yaml only when there is one

    top = top_record(path, CorpusError, CORPUS_WORDS_FILE)
    _only_at_line(top, path, {*CORPUS_WORDS_REQUIRED, *CORPUS_WORDS_OPTIONAL})
    for key in CORPUS_WORDS_REQUIRED:
        if key not in top.data:
            raise CorpusError(
                f"missing required key {key!r} (needs {', '.join(CORPUS_WORDS_REQUIRED)})", path, 1
            )
    words: dict[str, str | tuple[str, ...]] = {}
    for key in (*CORPUS_WORDS_REQUIRED, *CORPUS_WORDS_OPTIONAL):
        if key not in top.data or key == "examples":
            continue
        try:
            words[key] = _text(top, key)
        except TrdfaqError:
            line = _key_line(path, key)
            raise CorpusError(f"{key!r} must be non-empty text", path, line) from None
    line = line_of(top.data["examples"]) or _key_line(path, "examples")
    try:
        examples = top.strings("examples")
    except TrdfaqError:
        raise CorpusError("'examples' must be a list of questions", path, line) from None
    if not 3 <= len(examples) <= 5:
        raise CorpusError(f"'examples' must list 3 to 5 questions, not {len(examples)}", path, line)
    words["examples"] = tuple(" ".join(e.split()) for e in examples)
    return words


def example_lines(corpus_dir: Path | str) -> list[int]:
    """The line of each example question in a corpus folder's assistant.yaml."""
    from .yamlfile import load_yaml  # noqa: PLC0415

    data = load_yaml(Path(corpus_dir) / CORPUS_WORDS_FILE, CorpusError)
    return list(getattr(data.get("examples"), "item_lines", []))


def _only_at_line(top: Record, path: Path, allowed: set[str]) -> None:
    """Reject unknown keys, at the unknown key's own line."""
    unknown = sorted(str(key) for key in top.data if key not in allowed)
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(allowed), n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"expected {', '.join(sorted(allowed))}"
        raise CorpusError(f"unknown key {unknown[0]!r} ({hint})", path, _key_line(path, unknown[0]))


def _key_line(path: Path, key: str) -> int:
    """The line where a top-level key is written (1 if it cannot be found)."""
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if pattern.match(line):
            return number
    return 1


def _text(record: Record, key: str) -> str:
    return " ".join(record.req(key).split())


def _subject_text(record: Record, key: str) -> str:
    """A text in which the front ends put a subject's name at {subject}."""
    text = _text(record, key)
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError as exc:
        raise record.fail(f"{key!r}: {exc}") from None
    if fields != {"subject"}:
        raise record.fail(f"{key!r} must use {{subject}} once, and no other field")
    return text


def _labels(top: Record) -> dict[str, str]:
    """The `labels` mapping: exactly the keys in LABELS, each non-empty text."""
    from .yamlfile import Record  # noqa: PLC0415 - yaml only on a cache miss

    if top.data.get("labels") is None:
        raise top.fail("missing required key 'labels'")
    record = Record(top.data["labels"], top.path, PromptError, "labels", top.line)
    unknown = sorted(str(key) for key in record.data if key not in LABELS)
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(LABELS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise record.fail(f"unknown label {unknown[0]!r}{hint}")
    missing = sorted(LABELS - set(record.data))
    if missing:
        raise record.fail(f"missing label(s): {', '.join(missing)}")
    labels = {key: _text(record, key) for key in sorted(LABELS)}
    for key, allowed in LABEL_FIELDS.items():
        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(labels[key]) if f is not None}
        except ValueError as exc:  # a lone { or }
            raise record.fail(f"{key!r}: {exc}") from None
        for field in sorted(fields - allowed):
            names = ", ".join(f"{{{name}}}" for name in sorted(allowed))
            raise record.fail(f"{key!r} may use only {names}, not {{{field}}}")
    return labels


def _load_crisis(path: Path) -> CrisisPrompts:
    from .yamlfile import top_record  # noqa: PLC0415

    top = top_record(path, PromptError, "crisis prompts")
    texts = (
        "message_self",
        "message_other",
        "message_check_in",
        "message_resources",
        "check_in_question",
        "check_in_note",
        "check_in_answered",
        "note_self",
        "note_other",
        "closing",
        "disclaimer",
    )
    top.only({*texts, "default_region", "headlines", "region_names", "region_aliases", "resources"})
    names = _mapping(top, "region_names")
    headlines = _headlines(top, names)
    default_region = top.req("default_region").strip().upper()
    if default_region not in names:
        raise top.fail(f"default_region {default_region!r} is not in region_names")
    aliases = _mapping(top, "region_aliases")
    for alias, target in aliases.items():
        if target not in names:
            raise top.fail(f"region alias {alias!r} points to unknown region {target!r}")
    resources = []
    for record in top.records("resources", "resource"):
        record.only({"id", "name", "contact", "regions", "links", "emergency"})
        regions = tuple(r.upper() for r in record.strings("regions"))
        for region in regions:
            if region not in names:
                raise record.fail(f"unknown region {region!r} (not in region_names)")
        links = []
        for link in record.records("links", "link"):
            link.only({"kind", "label", "href"})
            kind = link.req("kind")
            if kind not in LINK_KINDS:
                raise link.fail(f"kind must be one of {', '.join(sorted(LINK_KINDS))}")
            href = link.req("href")
            if not href.startswith(("tel:", "sms:", "https://")):
                raise link.fail("href must start with tel:, sms: or https://")
            links.append(Link(kind, link.req("label"), href))
        resources.append(
            Resource(
                id=record.req("id"),
                name=record.req("name"),
                contact=record.req("contact"),
                regions=regions,
                links=tuple(links),
                emergency=record.flag("emergency"),
            )
        )
    if not resources:
        raise top.fail("'resources' must list at least one resource")
    return CrisisPrompts(
        **{key: _text(top, key) for key in texts},
        default_region=default_region,
        headlines=headlines,
        region_names=names,
        region_aliases=aliases,
        resources=tuple(resources),
    )


def _headlines(top: Record, names: dict[str, str]) -> dict[str, Headline]:
    """`headlines`: for every region, the line to call now and the one when danger is imminent."""
    from .yamlfile import Record  # noqa: PLC0415 - yaml only on a cache miss

    value = top.data.get("headlines")
    if not isinstance(value, dict):
        raise top.fail("'headlines' must map each region to {now: ..., imminent: ...}")
    headlines = {}
    for code, item in value.items():
        record = Record(item, top.path, PromptError, f"headline {code!r}", top.line)
        if str(code).upper() not in names:
            raise record.fail(f"unknown region {code!r} (not in region_names)")
        record.only({"now", "imminent"})
        headlines[str(code).upper()] = Headline(_text(record, "now"), _text(record, "imminent"))
    missing = sorted(set(names) - set(headlines))
    if missing:
        raise top.fail(f"'headlines' lacks region(s): {', '.join(missing)}")
    return headlines


def _mapping(record: Record, key: str) -> dict[str, str]:
    value = record.data.get(key)
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise record.fail(f"{key!r} must map codes to text")
    return {k.upper(): v.strip() for k, v in value.items()}
