"""Crisis and medical-advice detection: pure functions from a message to an Assessment.

The rules are data (prompts/safety.yaml); this module only normalises text and runs them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import PromptError
from .yamlfile import Record, top_record

# Categories whose matches mean the writer is in danger; third_party means someone else is.
SELF_CATEGORIES = ("self_intent", "self_harm", "overdose", "slang")
CATEGORIES = (
    *SELF_CATEGORIES,
    "third_party",
    "reported_speech",
    "history",
    "imminent",
    "topic_mention",
    "medical_advice",
    "benign",
    "informational",
)
_GROUP_KEYS = ("id", "category", "patterns", "phrases", "alone")
_TERM_REF = re.compile(r"(?<!\\)\{([a-z_]+)\}")
# Between a reporting verb and the words it reports: spaces, quotes, a colon.
_QUOTE_GAP = re.compile(r"[ '\":]{0,6}")

_APOSTROPHES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u02bc": "'", "\u00b4": "'", "`": "'", "\uff07": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
    }
)  # fmt: skip
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "!": "i", "$": "s"}
_LEET_CHAR = re.compile(r"(?<=[a-z])[013457@!$](?=[a-z])")
_RUN_OF_3 = re.compile(r"([^\W\d_])\1{2,}")
_SPACES = re.compile(r"\s+")
_WOULD_VERBS = (
    r"be|rather|like|love|prefer|want|do|die|kill|end|go|never|just|sooner|really|honestly|"
    r"probably|totally|gladly|happily|take|try|stop|say|feel|not"
)
_CONTRACTIONS = (
    (r"\bi'?m\b", "i am"),
    (r"\bi'?ve\b", "i have"),
    (r"\bi'll\b", "i will"),
    (rf"\bi'?d (?=(?:{_WOULD_VERBS})\b)", "i would "),
    (r"\bi'd\b", "i had"),
    (r"\bcan'?t\b", "cannot"),
    (r"\bwon'?t\b", "will not"),
    (r"\bain'?t\b", "am not"),
    (r"\b(do|does|did|is|are|was|were|would|should|could|has|have|had|must|need)n'?t\b", r"\1 not"),
    (r"\b(you|they|we)'re\b", r"\1 are"),
    (r"\b(you|they)re\b", r"\1 are"),
    (r"\b(it|that|what|there|here|who|where|how)'s\b", r"\1 is"),
    (r"\b(that|what|there|who)s\b", r"\1 is"),
    (r"\b(she|he)s\b", r"\1's"),
    (r"\bgonna\b", "going to"),
    (r"\bwanna\b", "want to"),
    (r"\bgotta\b", "got to"),
    (r"\btryna\b", "trying to"),
    (r"\bkinda\b", "kind of"),
    (r"\bdunno\b", "do not know"),
    (r"\bidk\b", "i do not know"),
    (r"\b(?:cuz|coz|cos|bc)\b", "because"),
    (r"\brn\b", "right now"),
    (r"\b(?:tonite|2nite|2night|tn)\b", "tonight"),
    (r"\b(?:tmrw|tmr|tmrrw|2moro|2morrow)\b", "tomorrow"),
    (r"\bu\b", "you"),
    (r"\bur\b", "your"),
    (r"\bpl[sz]\b", "please"),
    (r"\bppl\b", "people"),
    (r"\babt\b", "about"),
    (r"\bw/", "with "),
)
_CONTRACTION_RES = tuple((re.compile(p), r) for p, r in _CONTRACTIONS)


def _drop_char(ch: str) -> bool:
    """Control, format (zero-width, direction marks), surrogate and unassigned characters go."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn")


def _clean(message: str) -> str:
    text = unicodedata.normalize("NFKC", message.translate(_APOSTROPHES)).translate(_APOSTROPHES)
    text = "".join(" " if ch.isspace() else ch for ch in text if ch.isspace() or not _drop_char(ch))
    text = unicodedata.normalize("NFKC", text.casefold())
    return _LEET_CHAR.sub(lambda m: _LEET[m.group()], text)


def _expand(text: str) -> str:
    for pattern, replacement in _CONTRACTION_RES:
        text = pattern.sub(replacement, text)
    return _SPACES.sub(" ", text).strip()


def normalise(message: str) -> str:
    """Fold case, quotes, invisible characters, letter runs, leetspeak and contractions."""
    return _expand(_RUN_OF_3.sub(r"\1\1", _clean(message)))


def _variants(message: str) -> tuple[str, ...]:
    """The normalised message, plus the variant with letter runs squeezed to one if it differs."""
    cleaned = _clean(message)
    two = _expand(_RUN_OF_3.sub(r"\1\1", cleaned))
    one = _expand(_RUN_OF_3.sub(r"\1", cleaned))
    return (two,) if one == two else (two, one)


_SPLIT_HYPHEN = re.compile(r"[-_\u2010-\u2015]+")
_SPLIT_PUNCT = re.compile(r"([^\w\s'])|(?<![^\W\d_])'|'(?![^\W\d_])|(?<=\d)(?=[^\W\d_])")


def _padded(text: str) -> str:
    """The text the rules see: punctuation set apart, hyphens as spaces, a space at each end."""
    text = _SPLIT_PUNCT.sub(lambda m: f" {m.group()} " if m.group() else " ", _SPLIT_HYPHEN.sub(" ", text))
    return f" {_SPACES.sub(' ', text).strip()} "


@dataclass(frozen=True)
class RuleGroup:
    """One named group of patterns from safety.yaml."""

    id: str
    category: str
    regexes: tuple[re.Pattern[str], ...]
    alone: bool = False


@dataclass(frozen=True)
class SafetyRules:
    """The compiled rule groups, in file order."""

    groups: tuple[RuleGroup, ...]

    def of(self, *categories: str) -> tuple[RuleGroup, ...]:
        """The groups in the given categories."""
        return tuple(g for g in self.groups if g.category in categories)


def _expand_terms(source: str, terms: dict[str, str], fail: Record, line: int | None) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in terms:
            raise PromptError(f"{fail.what}: unknown term {{{name}}}", fail.path, line)
        return terms[name]

    return _TERM_REF.sub(replace, source)


def _compile(source: str, rec: Record, line: int | None) -> re.Pattern[str]:
    # The leading space anchors every rule at a word start and gives re a literal prefix to scan for.
    try:
        return re.compile(f" (?:{source})")
    except re.error as exc:
        raise PromptError(f"{rec.what}: bad regular expression {source!r}: {exc}", rec.path, line) from None


def _item_lines(rec: Record, key: str) -> list[int | None]:
    items = rec.data.get(key) or []
    lines: list[int | None] = list(getattr(items, "item_lines", []))
    return lines + [rec.line] * (len(items) - len(lines))


def _load_terms(top: Record) -> dict[str, str]:
    terms: dict[str, str] = {}
    for rec in top.records("terms", "term", optional=True):
        if len(rec.data) != 1:
            raise rec.fail("must be one 'name: pattern' pair")
        name = next(iter(rec.data))
        if not re.fullmatch(r"[a-z_]+", str(name)) or name in terms:
            raise rec.fail(f"term name {name!r} must be new and lower-case letters and underscores")
        source = _expand_terms(rec.req(name), terms, rec, rec.line)
        _compile(source, rec, rec.line)
        terms[name] = source
    return terms


def _load_group(rec: Record, terms: dict[str, str]) -> RuleGroup:
    rec.only(_GROUP_KEYS)
    group_id, category = rec.req("id"), rec.req("category")
    if category not in CATEGORIES:
        raise rec.fail(f"unknown category {category!r} (expected one of: {', '.join(CATEGORIES)})")
    rec.what = f"group {group_id!r}"
    alone = rec.bool("alone")
    if alone and category != "imminent":
        raise rec.fail("'alone' is only for imminent groups")
    sources = [(p, ln) for p, ln in zip(rec.strings("patterns", optional=True), _item_lines(rec, "patterns"))]
    phrases = zip(rec.strings("phrases", optional=True), _item_lines(rec, "phrases"))
    sources += [(re.escape(_padded(normalise(p)).strip()) + r"(?![a-z0-9])", ln) for p, ln in phrases]
    if not sources:
        raise rec.fail("needs 'patterns' or 'phrases'")
    regexes = tuple(_compile(_expand_terms(s, terms, rec, ln), rec, ln) for s, ln in sources)
    return RuleGroup(group_id, category, regexes, alone)


def load_safety_rules(path: Path) -> SafetyRules:
    """Load and compile prompts/safety.yaml; any mistake is a PromptError naming file and line."""
    top = top_record(path, PromptError, "safety rules")
    top.only(("terms", "groups"))
    terms = _load_terms(top)
    groups, seen = [], set()
    for rec in top.records("groups", "group"):
        group = _load_group(rec, terms)
        if group.id in seen:
            raise rec.fail(f"duplicate group id {group.id!r}")
        seen.add(group.id)
        groups.append(group)
    return SafetyRules(tuple(groups))


@dataclass(frozen=True)
class Assessment:
    """What a message shows about danger and advice; see safety.yaml for the rules."""

    crisis: bool
    about_other: bool
    imminent: bool
    mentions_topic: bool
    medical_advice: bool
    rules: tuple[str, ...]


Span = tuple[int, int]


def _spans(groups: Iterable[RuleGroup], text: str, fired: list[str]) -> list[tuple[str, Span]]:
    found = [(g.id, m.span()) for g in groups for rx in g.regexes for m in rx.finditer(text)]
    fired.extend(dict.fromkeys(gid for gid, _ in found))
    return found


def _any(groups: Iterable[RuleGroup], text: str, fired: list[str]) -> bool:
    hits = [g.id for g in groups if any(rx.search(text) for rx in g.regexes)]
    fired.extend(hits)
    return bool(hits)


def _overlaps(span: Span, others: list[Span]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in others)


def _mask(text: str, groups: Iterable[RuleGroup], fired: list[str]) -> str:
    """Blank out what the groups match (same length, so offsets stay put)."""
    for group in groups:
        for rx in group.regexes:
            masked = rx.sub(lambda m: " " * len(m.group()), text)
            if masked != text:
                fired.append(group.id)
                text = masked
    return text


def _assess_text(text: str, rules: SafetyRules, fired: list[str]) -> tuple[bool, bool, bool, bool, bool]:
    text = _mask(text, rules.of("benign"), fired)
    topic = _any(rules.of("topic_mention"), text, fired)
    advice = _any(rules.of("medical_advice"), text, fired)
    text = _mask(text, rules.of("informational"), fired)
    self_groups = rules.of(*SELF_CATEGORIES) + tuple(g for g in rules.of("imminent") if g.alone)
    own = _spans(self_groups, text, fired)
    past = [s for _, s in _spans(rules.of("history"), text, fired)]
    others = [s for _, s in _spans(rules.of("third_party"), text, fired) if not _overlaps(s, past)]
    speech_ends = [e for _, (_, e) in _spans(rules.of("reported_speech"), text, fired)]

    def reported(span: Span) -> bool:
        return any(0 <= span[0] - e <= 6 and _QUOTE_GAP.fullmatch(text, e, span[0]) for e in speech_ends)

    live = [s for _, s in own if not _overlaps(s, past)]
    self_danger = any(not _overlaps(s, others) and not reported(s) for s in live)
    other_danger = bool(others) or any(reported(s) for s in live)
    crisis = self_danger or other_danger
    imminent = crisis and _any(rules.of("imminent"), text, fired)
    topic = topic or crisis or bool(own) or bool(past)
    return crisis, other_danger and not self_danger, imminent, topic, advice


def assess(message: str, rules: SafetyRules) -> Assessment:
    """Decide whether a message shows danger, to whom and how soon, and whether it asks for advice."""
    fired: list[str] = []
    flags = [_assess_text(_padded(v), rules, fired) for v in _variants(message)]
    crisis, about_other, imminent, topic, advice = (any(col) for col in zip(*flags, strict=True))
    if crisis and not all(f[1] for f in flags if f[0]):
        about_other = False
    return Assessment(crisis, about_other, imminent, topic, advice, tuple(dict.fromkeys(fired)))
