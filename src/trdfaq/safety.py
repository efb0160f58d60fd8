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
# Between a reporting verb and the words it reports: quotes, a colon, "i", an adverb.
_QUOTE_GAP = re.compile(
    r"(?: [\":])*(?: i)?(?: (?:just|really|honestly|literally|actually|seriously|kind of|still|so|am))?"
)

_QUOTES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u00b4": "'", "`": "'", "\uff07": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
}  # fmt: skip
_DROP = frozenset(("Cc", "Cf", "Cs", "Co", "Cn"))


class _CharTable(dict[int, "str | None"]):
    """A str.translate table filled on demand: quotes unified, spaces unified, invisibles dropped."""

    def __missing__(self, code: int) -> str | None:
        ch = chr(code)
        value = " " if ch.isspace() else None if unicodedata.category(ch) in _DROP else ch
        if len(self) < 20_000:  # bounded: a message of every code point cannot grow it forever
            self[code] = value
        return value


_CHARS = _CharTable({ord(k): v for k, v in _QUOTES.items()})
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "!": "i", "$": "s"}
_LEET_ANY = re.compile(r"[013457@!$]")
_LEET_CHAR = re.compile(r"(?<=[a-z])[013457@!$](?=[a-z])")
_ANY_RUN_OF_3 = re.compile(r"(.)\1\1")  # a cheap first look; most messages have none
_RUN_OF_3 = re.compile(r"([^\W\d_])\1{2,}")
_WORD_EDGES = str.maketrans({c: " " for c in '.,!?;:"()[]{}<>*~'})
_SPACES = re.compile(r"\s+")
_NOT = ["do", "does", "did", "is", "are", "was", "were", "would", "should", "could", "has", "have", "had", "must", "need"]
_SHORT_FORMS = {
    **{f"{w}n't": f"{w} not" for w in _NOT},
    **{f"{w}nt": f"{w} not" for w in _NOT},
    "i'm": "i am", "im": "i am", "i've": "i have", "ive": "i have", "i'll": "i will",
    "i'd": "i had", "can't": "cannot", "cant": "cannot", "won't": "will not", "wont": "will not",
    "ain't": "am not", "you're": "you are", "youre": "you are", "they're": "they are",
    "theyre": "they are", "we're": "we are", "it's": "it is", "that's": "that is",
    "thats": "that is", "what's": "what is", "whats": "what is", "there's": "there is",
    "theres": "there is", "here's": "here is", "who's": "who is", "where's": "where is",
    "how's": "how is", "shes": "she's", "hes": "he's", "gonna": "going to", "wanna": "want to",
    "gotta": "got to", "tryna": "trying to", "kinda": "kind of", "dunno": "do not know",
    "idk": "i do not know", "cuz": "because", "coz": "because", "cos": "because",
    "bc": "because", "rn": "right now", "tonite": "tonight", "2nite": "tonight",
    "2night": "tonight", "tn": "tonight", "tmrw": "tomorrow", "tmr": "tomorrow",
    "tmrrw": "tomorrow", "2moro": "tomorrow", "2morrow": "tomorrow", "u": "you", "ur": "your",
    "pls": "please", "plz": "please", "ppl": "people", "abt": "about", "w/": "with",
}  # fmt: skip
# "i'd"/"id" is "i would" only before these; otherwise "i'd" is "i had" and "id" stays (an ID).
_WOULD_VERBS = (
    "be|rather|like|love|prefer|want|do|die|kill|end|go|never|just|sooner|really|honestly|"
    "probably|totally|gladly|happily|take|try|stop|say|feel|not"
)
_SHORT_FORM = re.compile(
    rf"(?<![\w'])(?:(?P<would>i'?d)(?= (?:{_WOULD_VERBS})\b)|"
    + "(?P<short>"
    + "|".join(re.escape(k) for k in sorted(_SHORT_FORMS, key=len, reverse=True))
    + r"))(?![\w'])"
)


def _expand_short(match: re.Match[str]) -> str:
    return "i would" if match.group("would") else _SHORT_FORMS[match.group("short")]


def _clean(message: str) -> str:
    text = unicodedata.normalize("NFKC", message.translate(_CHARS)).translate(_CHARS)
    text = unicodedata.normalize("NFKC", text.casefold())
    return _LEET_CHAR.sub(lambda m: _LEET[m.group()], text) if _LEET_ANY.search(text) else text


def _expand(text: str) -> str:
    words = set(text.translate(_WORD_EDGES).split())
    if not words.isdisjoint(_SHORT_FORMS) or "id" in words:
        text = _SHORT_FORM.sub(_expand_short, text)
    return _SPACES.sub(" ", text).strip()


def _squeeze(text: str, keep: str) -> str:
    return _RUN_OF_3.sub(keep, text) if _ANY_RUN_OF_3.search(text) else text


def normalise(message: str) -> str:
    """Fold case, quotes, invisible characters, letter runs, leetspeak and contractions."""
    return _expand(_squeeze(_clean(message), r"\1\1"))


def _variants(message: str) -> tuple[str, ...]:
    """The normalised message, plus the variant with letter runs squeezed to one if it differs."""
    cleaned = _clean(message)
    two, one = _squeeze(cleaned, r"\1\1"), _squeeze(cleaned, r"\1")
    return (_expand(two),) if one == two else (_expand(two), _expand(one))


_HYPHENS = re.compile(r"[-_'\u2010-\u2015]+")
_PUNCT = re.compile(r"([^\w\s'])")
_DIGIT_LETTER = re.compile(r"(\d)(?=[^\W\d_])")


def _padded(text: str) -> str:
    """The text the rules see: punctuation set apart, hyphens and apostrophes as spaces."""
    text = _HYPHENS.sub(" ", _PUNCT.sub(r" \1 ", text))
    text = _SPACES.sub(" ", _DIGIT_LETTER.sub(r"\1 ", text)).strip()
    return f" {text} "


# Speed gate. A rule is tried only if some word of the message starts with a stem that every
# match must contain at a word start. Stems are read off the pattern: its literal words and
# required groups of alternatives that follow a space ("i (?:want|wish) to die" -> {"die"}),
# choosing the rarest such element. A pattern that gives no such element is always tried.
_STEM = 4
_ATOM = re.compile(r"\\.|\[(?:\\.|[^\]])+\]|.", re.DOTALL)
_QUANT = re.compile(r"(?:[?*+]|\{\d*,?\d*\})\??")


def _close(src: str, i: int) -> int | None:
    """Index of the ")" matching the "(" at i."""
    depth = 0
    for m in _ATOM.finditer(src, i):
        depth += {"(": 1, ")": -1}.get(m.group(), 0)
        if depth == 0:
            return m.start()
    return None


def _atoms(src: str) -> list[tuple[str, str]] | None:
    """(atom, quantifier) pairs of a regex; None if a group does not close."""
    out, i = [], 0
    while i < len(src):
        end = _close(src, i) if src[i] == "(" else _ATOM.match(src, i).end() - 1  # type: ignore[union-attr]
        if end is None:
            return None
        quant = _QUANT.match(src, end + 1)
        out.append((src[i : end + 1], quant.group() if quant else ""))
        i = quant.end() if quant else end + 1
    return out


def _branches(src: str) -> list[list[tuple[str, str]]] | None:
    """The top-level alternatives of a regex, each as (atom, quantifier) pairs."""
    atoms = _atoms(src)
    if atoms is None:
        return None
    branches: list[list[tuple[str, str]]] = [[]]
    for atom, quant in atoms:
        branches[-1:] = [branches[-1], []] if atom == "|" else [[*branches[-1], (atom, quant)]]
    return branches


def _stems(src: str) -> frozenset[str] | None:
    """Stems one of which starts a word of every match of src (which starts at a word start)."""
    found = [_branch_stems(b) for b in _branches(src) or [[("(", "")]]]
    return frozenset().union(*[f for f in found if f is not None]) if None not in found else None


def _ends_at_word_start(group: str) -> bool:
    """Whether every alternative of a "(?:...)" group ends with a plain space."""
    return all(b and b[-1] == (" ", "") for b in _branches(group[3:-1]) or [[]])


def _branch_stems(atoms: list[tuple[str, str]]) -> frozenset[str] | None:
    options: list[frozenset[str]] = []
    word: str | None = ""  # the literal word being read, if it began at a word start
    for atom, quant in [*atoms, (" ", "")]:
        if atom.startswith(("(?=", "(?!", "(?<")):
            continue  # zero width
        if word is not None and len(atom) == 1 and atom.isalnum():
            if not quant:
                word += atom
                continue
            word += atom if quant[0] == "+" else ""
        if word:
            options.append(frozenset((word[:_STEM],)))
        optional = quant[:1] in ("?", "*") or quant.startswith(("{0", "{,"))
        if word == "" and atom.startswith("(?:") and not optional:
            inner = _stems(atom[3:-1])
            options += [inner] if inner else []
        keeps_start = word == "" and atom.startswith("(?:") and _ends_at_word_start(atom)
        word = "" if (atom == " " and not quant) or keeps_start else None
    return max(options, key=_rarity, default=None)


# Words so common that a gate on them saves nothing.
_COMMON = frozenset(
    ["a", "i", "me", "my", "the", "to", "and", "he", "she", "her", "his", "they", "them", "their", "it", "is", "of", "in", "on", "for", "you", "do", "be"]
)


def _rarity(stems: frozenset[str]) -> tuple[bool, int, int]:
    return stems.isdisjoint(_COMMON), min(map(len, stems)), -len(stems)


@dataclass(frozen=True)
class Rule:
    """One compiled pattern and the stems that gate it (None: always tried)."""

    regex: re.Pattern[str]
    stems: frozenset[str] | None


@dataclass(frozen=True)
class RuleGroup:
    """One named group of patterns from safety.yaml."""

    id: str
    category: str
    rules: tuple[Rule, ...]
    alone: bool = False


@dataclass(frozen=True)
class SafetyRules:
    """The compiled rule groups, in file order."""

    groups: tuple[RuleGroup, ...]

    def of(self, *categories: str) -> tuple[RuleGroup, ...]:
        """The groups in the given categories."""
        return tuple(g for g in self.groups if g.category in categories)


def _expand_terms(source: str, terms: dict[str, str], rec: Record, line: int | None) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group(1) not in terms:
            raise PromptError(f"{rec.what}: unknown term {{{match.group(1)}}}", rec.path, line)
        return terms[match.group(1)]

    return _TERM_REF.sub(replace, source)


def _compile(source: str, rec: Record, line: int | None) -> Rule:
    # The leading space anchors every rule at a word start and gives re a literal to scan for.
    try:
        return Rule(re.compile(f" (?:{source})"), _stems(source))
    except re.error as exc:
        raise PromptError(
            f"{rec.what}: bad regular expression {source!r}: {exc}", rec.path, line
        ) from None


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
        terms[name] = _expand_terms(rec.req(name), terms, rec, rec.line)
        _compile(terms[name], rec, rec.line)
    return terms


def _load_group(rec: Record, terms: dict[str, str]) -> RuleGroup:
    rec.only(_GROUP_KEYS)
    group_id, category = rec.req("id"), rec.req("category")
    if category not in CATEGORIES:
        raise rec.fail(f"unknown category {category!r} (expected one of: {', '.join(CATEGORIES)})")
    rec.what = f"group {group_id!r}"
    alone = rec.flag("alone")
    if alone and category != "imminent":
        raise rec.fail("'alone' is only for imminent groups")
    sources = list(
        zip(rec.strings("patterns", optional=True), _item_lines(rec, "patterns"), strict=True)
    )
    phrases = zip(rec.strings("phrases", optional=True), _item_lines(rec, "phrases"), strict=True)
    sources += [
        (re.escape(_padded(normalise(p)).strip()) + r"(?![a-z0-9])", ln) for p, ln in phrases
    ]
    if not sources:
        raise rec.fail("needs 'patterns' or 'phrases'")
    rules = tuple(_compile(_expand_terms(s, terms, rec, ln), rec, ln) for s, ln in sources)
    return RuleGroup(group_id, category, rules, alone)


def load_safety_rules(path: Path) -> SafetyRules:
    """Load and compile prompts/safety.yaml; any mistake is a PromptError naming file and line."""
    top = top_record(path, PromptError, "safety rules")
    top.only(("terms", "groups"))
    terms = _load_terms(top)
    groups: list[RuleGroup] = []
    for rec in top.records("groups", "group"):
        groups.append(_load_group(rec, terms))
        if groups[-1].id in {g.id for g in groups[:-1]}:
            raise rec.fail(f"duplicate group id {groups[-1].id!r}")
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


class _Scan:
    """One padded message variant, with the word stems present for gating, and the groups that fired."""

    def __init__(self, text: str, fired: list[str]) -> None:
        self.text, self.fired = text, fired
        self.stems = {w[:n] for w in set(text.split()) for n in range(1, _STEM + 1)}

    def _live(self, group: RuleGroup) -> list[re.Pattern[str]]:
        return [
            r.regex for r in group.rules if r.stems is None or not r.stems.isdisjoint(self.stems)
        ]

    def spans(self, groups: Iterable[RuleGroup]) -> list[Span]:
        found: list[Span] = []
        for group in groups:
            hits = [m.span() for rx in self._live(group) for m in rx.finditer(self.text)]
            self.fired.extend([group.id] if hits else [])
            found += hits
        return found

    def any(self, groups: Iterable[RuleGroup]) -> bool:
        hits = [g.id for g in groups if any(rx.search(self.text) for rx in self._live(g))]
        self.fired.extend(hits)
        return bool(hits)

    def mask(self, groups: Iterable[RuleGroup]) -> None:
        """Blank out what the groups match (same length, so offsets stay put)."""
        for group in groups:
            for rx in self._live(group):
                masked = rx.sub(lambda m: " " * len(m.group()), self.text)
                if masked != self.text:
                    self.fired.append(group.id)
                    self.text = masked


def _overlaps(span: Span, others: list[Span]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in others)


def _assess_text(scan: _Scan, rules: SafetyRules) -> tuple[bool, bool, bool, bool, bool]:
    scan.mask(rules.of("benign"))
    topic = scan.any(rules.of("topic_mention"))
    advice = scan.any(rules.of("medical_advice"))
    scan.mask(rules.of("informational"))
    own = scan.spans(rules.of(*SELF_CATEGORIES) + tuple(g for g in rules.of("imminent") if g.alone))
    others = scan.spans(rules.of("third_party"))
    if not own and not others:
        return False, False, False, topic, advice
    past = scan.spans(rules.of("history"))
    others = [s for s in others if not _overlaps(s, past)]
    speech_ends = [end for _, end in scan.spans(rules.of("reported_speech"))]

    def reported(span: Span) -> bool:
        gaps = (scan.text[end : span[0]] for end in speech_ends if 0 <= span[0] - end <= 24)
        return any(_QUOTE_GAP.fullmatch(gap) for gap in gaps)

    live = [s for s in own if not _overlaps(s, past)]
    self_danger = any(not _overlaps(s, others) and not reported(s) for s in live)
    other_danger = bool(others) or any(reported(s) for s in live)
    crisis = self_danger or other_danger
    imminent = crisis and scan.any(rules.of("imminent"))
    return crisis, other_danger and not self_danger, imminent, True, advice


def assess(message: str, rules: SafetyRules) -> Assessment:
    """Decide whether a message shows danger, to whom and how soon, and whether it asks for advice."""
    fired: list[str] = []
    flags = [_assess_text(_Scan(_padded(v), fired), rules) for v in _variants(message)]
    crisis, about_other, imminent, topic, advice = (any(col) for col in zip(*flags, strict=True))
    if crisis and not all(f[1] for f in flags if f[0]):
        about_other = False
    return Assessment(crisis, about_other, imminent, topic, advice, tuple(dict.fromkeys(fired)))
