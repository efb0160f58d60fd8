"""Crisis and medical-advice detection: pure functions from a message to an Assessment.

The rules are data (prompts/safety.yaml, which documents how they combine); this module only
normalises text, compiles the rules and runs them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .safety_model import Classifiers, Reading

# Categories whose matches mean the writer is in danger; third_party means someone else is.
SELF_CATEGORIES = ("self_intent", "self_harm", "overdose", "slang")
OTHER_CATEGORIES = ("third_party", "reported_speech", "history", "imminent", "topic_mention")
CATEGORIES = (
    *SELF_CATEGORIES,
    *OTHER_CATEGORIES,
    "check_in",
    "medical_advice",
    "benign",
    "informational",
)
# What may sit between a reporting verb and the words it reports: "my son said: i ...",
# "she says she really ...", "he told me that he does ...".
_QUOTE_GAP = re.compile(
    r"(?: [\":])*(?: that)?(?: (?:i|he|she|they))?(?: (?:s|is|are|was|does|did|has|keeps|just"
    r"|really|honestly|actually|still|so|am|would|will))?"
)

# --- normalising ---------------------------------------------------------------------------
_QUOTES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u00b4": "'", "`": "'", "\uff07": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
}  # fmt: skip
_DROP = frozenset(("Cc", "Cf", "Cs", "Co", "Cn"))


class _CharTable(dict[int, "str | None"]):
    """A str.translate table filled on demand: one kind of quote and space, no invisibles."""

    def __missing__(self, code: int) -> str | None:
        ch = chr(code)
        value = " " if ch.isspace() else None if unicodedata.category(ch) in _DROP else ch
        if len(self) < 20_000:  # bounded: a message of every code point cannot grow it forever
            self[code] = value
        return value


_CHARS = _CharTable({ord(k): v for k, v in _QUOTES.items()})
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "!": "i", "$": "s"}
_LEET_ANY = re.compile(r"[013457@!$]")
_LEET_CHAR = re.compile(r"[013457@!$](?<=[a-z].)(?=[a-z])")
_ANY_RUN_OF_3 = re.compile(r"(.)\1\1")  # a cheap first look: most messages have none
_RUN_OF_3 = re.compile(r"([^\W\d_])\1{2,}")
_WORD_EDGES = str.maketrans(dict.fromkeys('.,!?;:"()[]{}<>*~', " "))
_DIGIT = re.compile(r"\d")
_NOT = ("do", "does", "did", "is", "are", "was", "were", "would", "should", "could", "has")
_SHORT_FORMS = {
    **{f"{w}n't": f"{w} not" for w in (*_NOT, "have", "had", "must", "need")},
    **{f"{w}nt": f"{w} not" for w in (*_NOT, "have", "had", "must", "need")},
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
_WOULD = "be|rather|like|love|prefer|want|do|die|kill|end|go|never|just|sooner|really|not|feel"
_ID = re.compile(rf"(?<![\w'])i'?d(?= (?:{_WOULD})\b)")


def _clean(message: str) -> str:
    if message.isascii() and message.isprintable():  # the common case, and much quicker
        text = message.replace("`", "'").lower()
    else:
        text = unicodedata.normalize("NFKC", message.translate(_CHARS)).translate(_CHARS)
        text = unicodedata.normalize("NFKC", text.casefold())
    return _LEET_CHAR.sub(lambda m: _LEET[m.group()], text) if _LEET_ANY.search(text) else text


def _expand(text: str) -> str:
    words = set(text.translate(_WORD_EDGES).split())
    text = _ID.sub("i would", text) if "id" in words or "i'd" in words else text
    for short in words.intersection(_SHORT_FORMS):  # each starts with a literal: a quick search
        text = _short_form(short).sub(_SHORT_FORMS[short], text)
    return " ".join(text.split())


@functools.cache
def _short_form(short: str) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(short)}(?<![\w']{re.escape(short)})(?![\w'])")


def _squeeze(text: str, keep: str) -> str:
    return _RUN_OF_3.sub(keep, text) if _ANY_RUN_OF_3.search(text) else text


def normalise(message: str) -> str:
    """Fold case, quotes, invisible characters, letter runs, leetspeak and contractions."""
    return _expand(_squeeze(_clean(message), r"\1\1"))


def _variants(message: str) -> tuple[str, ...]:
    """The normalised message, and the one with letter runs squeezed to one letter if it differs."""
    cleaned = _clean(message)
    two, one = _squeeze(cleaned, r"\1\1"), _squeeze(cleaned, r"\1")
    return (_expand(two),) if one == two else (_expand(two), _expand(one))


_SPACED = "-_'\u2010\u2011\u2012\u2013\u2014\u2015"  # hyphens, dashes, apostrophes
_DIGIT_LETTER = re.compile(r"(\d)(?=[^\W\d_])")


class _PaddingTable(dict[int, str]):
    """A str.translate table filled on demand: hyphens and apostrophes become spaces, other
    punctuation (anything neither a word character nor a space) is set apart by spaces."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in _SPACED:
            value = " "
        elif ch.isalnum() or ch.isspace():
            value = ch
        else:
            value = f" {ch} "
        if len(self) < 20_000:  # bounded, like _CharTable
            self[code] = value
        return value


_PADDING = _PaddingTable()


def _padded(text: str) -> str:
    """The text the rules see: punctuation set apart, hyphens and apostrophes as spaces."""
    text = text.translate(_PADDING)
    text = _DIGIT_LETTER.sub(r"\1 ", text) if _DIGIT.search(text) else text
    return " " + " ".join(text.split()) + " "


# Message words are cut to this many letters to find the rules they could trigger.
_STEM = 4
# Words whose gate stems are remembered, at most.
_WORDS_REMEMBERED = 50_000


# --- loading -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    """One pattern and its gates (a stem of each must start a word of the message)."""

    source: str
    gates: tuple[frozenset[str], ...]

    @property
    def regex(self) -> re.Pattern[str]:
        """The compiled pattern.

        Compiled on first use, not when the rules load: the rules are cached on disk with the
        index, and compiling all 300 patterns would cost a cold `trdfaq ask` half a second,
        while a message only ever needs the few whose gates it passes.
        """
        return _compiled(self.source)


@functools.cache
def _compiled(source: str) -> re.Pattern[str]:
    return re.compile(source)


@dataclass(frozen=True)
class RuleGroup:
    """One named group of patterns from safety.yaml."""

    id: str
    category: str
    rules: tuple[Rule, ...]
    alone: bool = False
    dose: bool = False  # asks for a dose or amount: no passage gives one, so no quote


_Flat = tuple[str, Rule, tuple[frozenset[str], ...]]


@dataclass(frozen=True)
class SafetyRules:
    """The compiled rule groups, in file order."""

    groups: tuple[RuleGroup, ...]

    def of(self, *categories: str) -> tuple[RuleGroup, ...]:
        """The groups in the given categories."""
        if categories not in self._of:
            self._of[categories] = tuple(g for g in self.groups if g.category in categories)
        return self._of[categories]

    def ids(self, *categories: str) -> frozenset[str]:
        """Ids of the groups in the given categories."""
        return frozenset(g.id for g in self.of(*categories))

    @functools.cached_property
    def stages(self) -> dict[str, frozenset[str]]:
        """The group ids each step of an assessment runs, by category, worked out once.

        "own" is every category of danger to the writer, with the imminent groups marked
        `alone` (acts in progress, which say enough by themselves); "dose" the medical-advice
        groups marked `dose`.
        """
        stages = {category: self.ids(category) for category in CATEGORIES}
        acts = frozenset(g.id for g in self.of("imminent") if g.alone)
        stages["own"] = self.ids(*SELF_CATEGORIES) | acts
        stages["dose"] = frozenset(g.id for g in self.of("medical_advice") if g.dose)
        return stages

    def live(self, words: Iterable[str]) -> dict[str, list[re.Pattern[str]]]:
        """The patterns, by group id in file order, whose gates all pass for these words."""
        _, always, flat = self._index
        stems: set[str] = set()
        candidates = set(always)
        for word in words:
            opened, rules = self._opened_by(word)
            stems.update(opened)
            candidates.update(rules)
        live: dict[str, list[re.Pattern[str]]] = {}
        patterns = self._patterns
        for n in sorted(candidates):
            group_id, rule, rest = flat[n]
            if rest and any(map(stems.isdisjoint, rest)):
                continue
            pattern = patterns[n]
            if pattern is None:
                pattern = patterns[n] = rule.regex
            live.setdefault(group_id, []).append(pattern)
        return live

    def _opened_by(self, word: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """The gate stems a word opens (its first letters, or all of it if it is short), and
        the rules (by number) whose first gate it opens.

        Remembered by word (messages share most of their words), up to _WORDS_REMEMBERED.
        """
        found = self._seen.get(word)
        if found is None:
            by_stem = self._index[0]
            keys = {word[:n] for n in range(1, _STEM + 1)}
            if len(word) < _STEM:
                keys.add(word + " ")
            opened = tuple(keys & self._gate_index_stems)
            rules = tuple({n for stem in opened for n in by_stem.get(stem, ())})
            if len(self._seen) >= _WORDS_REMEMBERED:
                self._seen.clear()
            found = self._seen[word] = (opened, rules)
        return found

    @functools.cached_property
    def _seen(self) -> dict[str, tuple[tuple[str, ...], tuple[int, ...]]]:
        return {}

    @functools.cached_property
    def _patterns(self) -> list[re.Pattern[str] | None]:
        """Each rule's compiled pattern, by number, once it has been needed."""
        return [None] * len(self._index[2])

    @functools.cached_property
    def _gate_index_stems(self) -> frozenset[str]:
        """Every stem of every gate of every rule."""
        return frozenset(s for g in self.groups for r in g.rules for gate in r.gates for s in gate)

    @functools.cached_property
    def _of(self) -> dict[tuple[str, ...], tuple[RuleGroup, ...]]:
        return {}

    @functools.cached_property
    def _index(self) -> tuple[dict[str, list[int]], list[int], list[_Flat]]:
        """Rules (numbered in file order) by the stems of their first gate; the ungated ones."""
        flat = [(g.id, r, r.gates[1:]) for g in self.groups for r in g.rules]
        gates = [r.gates for g in self.groups for r in g.rules]
        by_stem: dict[str, list[int]] = {}
        for n, first in enumerate(g[0] if g else () for g in gates):
            for stem in first:
                by_stem.setdefault(stem, []).append(n)
        return by_stem, [n for n, g in enumerate(gates) if not g], flat


def load_safety_rules(path: Path) -> SafetyRules:
    """Load and check prompts/safety.yaml; problems raise PromptError naming file and line."""
    from .safety_rules import load  # noqa: PLC0415 - yaml and rule analysis only on a cache miss

    return load(path)


# --- assessing -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Assessment:
    """What a message shows about danger and advice; see safety.yaml for the rules."""

    crisis: bool  # danger to the writer or to someone else: never answer with a quote
    check_in: bool  # worrying, not clearly a crisis: resources and a question first, then answer
    about_other: bool  # the person in danger is someone else: reply for the person helping
    imminent: bool  # a method, time, place or act in progress: lead with the emergency number
    mentions_topic: bool  # suicide or self-harm is mentioned at all: add a one-line footer
    medical_advice: bool  # asks for personal medication advice
    asks_dose: bool  # asks how much to take: answered with the notice alone, no quote
    rules: tuple[str, ...]  # ids of the rule groups that fired, for tests and debugging
    # What the learned layer made of it (None: rules only), and the message's language.
    reading: Reading | None = None
    language: str = "en"


Span = tuple[int, int]


class _Scan:
    """One padded variant of a message, the patterns its words let through, what fired."""

    def __init__(self, text: str, rules: SafetyRules, fired: list[str]) -> None:
        self.text, self.fired = text, fired
        self.live = rules.live(set(text.split()))

    def _live(self, groups: frozenset[str]) -> list[tuple[str, list[re.Pattern[str]]]]:
        """The live patterns of these groups, by group, in file order."""
        return [(group, patterns) for group, patterns in self.live.items() if group in groups]

    def spans(self, groups: frozenset[str]) -> list[Span]:
        found: list[Span] = []
        for group, patterns in self._live(groups):
            hits = [m.span() for rx in patterns for m in rx.finditer(self.text)]
            self.fired += [group] if hits else []
            found += hits
        return found

    def any(self, groups: frozenset[str]) -> bool:
        hits = [
            g for g, patterns in self._live(groups) if any(rx.search(self.text) for rx in patterns)
        ]
        self.fired += hits
        return bool(hits)

    def mask(self, groups: frozenset[str]) -> None:
        """Blank out what the groups match (same length, so offsets stay put)."""
        for group, patterns in self._live(groups):
            for rx in patterns:
                masked = rx.sub(lambda m: " " * len(m.group()), self.text)
                self.fired += [group] if masked != self.text else []
                self.text = masked


def _overlaps(span: Span, others: list[Span]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in others)


def _assess_text(scan: _Scan, rules: SafetyRules) -> tuple[bool, bool, bool, bool]:
    stages = rules.stages
    scan.mask(stages["benign"])
    scan.any(stages["check_in"])
    topic = scan.any(stages["topic_mention"])
    advice = scan.any(stages["medical_advice"])
    scan.mask(stages["informational"])
    own = scan.spans(stages["own"])
    others = scan.spans(stages["third_party"])
    if not own and not others:
        return False, False, topic, advice
    past = scan.spans(stages["history"])
    ends = [end for _, end in scan.spans(stages["reported_speech"])]

    def reported(span: Span) -> bool:  # the words right after "my son texted me:"
        gaps = (scan.text[end : span[0]] for end in ends if 0 <= span[0] - end <= 24)
        return any(_QUOTE_GAP.fullmatch(gap) for gap in gaps)

    own = [s for s in own if not _overlaps(s, past)]
    others = [s for s in others if not _overlaps(s, past)] + [s for s in own if reported(s)]
    self_danger = any(not _overlaps(s, others) for s in own)
    crisis = self_danger or bool(others)
    return crisis, crisis and not self_danger, True, advice


def assess(message: str, rules: SafetyRules, models: Classifiers | None = None) -> Assessment:
    """Decide whether a message shows danger, whose and how soon, and if it asks for advice.

    The rules decide first; with `models`, the classifiers catch what they miss: a crisis if
    either says so, a check-in if either finds the message worrying.
    """
    found = assess_rules(message, rules)
    if models is None or not any(ch.isalpha() for ch in message):
        return found  # no word to read ("?!?", "123"): the classifier has nothing to go on
    reading = models.read(normalise(message))
    # A rule's crisis stands unless the classifier all but rules it out ("I never wanted to
    # hurt myself"); then the message still gets the resources first, as a check-in.
    confirmed = found.crisis and reading.confirms
    crisis = confirmed or reading.is_crisis
    learned_only = crisis and not found.crisis
    return Assessment(
        crisis=crisis,
        check_in=not crisis and (found.crisis or found.check_in or reading.needs_help),
        about_other=reading.other >= 0.5 if learned_only else found.about_other,
        imminent=found.imminent or (learned_only and reading.imminent >= 0.5),
        mentions_topic=found.mentions_topic or reading.needs_help,
        # The advice head tells a personal decision ("can I go from 75 to 225mg?") from a
        # question about what something is (held-out: precision 0.97, recall 0.94; the rules
        # alone 1.00 and 0.33).
        medical_advice=reading.advice >= 0.5,
        asks_dose=found.asks_dose,
        rules=found.rules,
        reading=reading,
        language=reading.language if crisis or reading.needs_help or found.check_in else "en",
    )


def assess_rules(message: str, rules: SafetyRules) -> Assessment:
    """The rules' decision alone."""
    fired: list[str] = []
    scans = [_Scan(_padded(variant), rules, fired) for variant in _variants(message)]
    flags = [_assess_text(scan, rules) for scan in scans]
    crisis, _, topic, advice = (any(col) for col in zip(*flags, strict=True))
    about_other = crisis and all(f[1] for f in flags if f[0])
    imminent = crisis and any(scan.any(rules.stages["imminent"]) for scan in scans)
    asks_dose = advice and not rules.stages["dose"].isdisjoint(fired)
    check_in = not crisis and not rules.stages["check_in"].isdisjoint(fired)
    rules_fired = tuple(dict.fromkeys(fired))
    return Assessment(
        crisis, check_in, about_other, imminent, topic, advice, asks_dose, rules_fired
    )
