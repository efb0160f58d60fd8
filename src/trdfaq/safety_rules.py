"""Loading prompts/safety.yaml into SafetyRules: patterns, terms, and the gates that let a
message skip the rules it cannot trigger. Only needed when the rules are (re)built."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from .errors import PromptError
from .safety import _STEM, CATEGORIES, Rule, RuleGroup, SafetyRules, _padded, normalise
from .yamlfile import Record, top_record

_GROUP_KEYS = ("id", "category", "patterns", "phrases", "alone", "dose")
_TERM_REF = re.compile(r"(?<!\\)\{([a-z_]+)\}")

# --- speed gate ----------------------------------------------------------------------------
# A rule is tried only if, for each of its gates, some word of the message starts with a stem
# in that gate (a stem ending in a space must be the whole word): every match has such a word.
# Gates are read off the pattern: literal words and required groups of alternatives that
# follow a space ("i (?:want|wish) to die" has the gates {"want", "wish"} and {"die "}).
# A pattern that offers none is always tried. SafetyRules.live() indexes rules by their
# rarest gate, so a message only pays for the rules its words let through.
_ATOM = re.compile(r"\\.|\[(?:\\.|[^\]])+\]|.", re.DOTALL)
_QUANT = re.compile(r"(?:[?*+]|\{\d*,?\d*\})\??")
# Words too common for a gate to save anything (as 4-letter stems).
_COMMON_WORDS = (
    "a i me my the to and he she her his they them their it is of in on for you do be can abou "
    "want goin take thin thou said says sayi good look read trie try tryi have has had will "
    "woul coul shou just not no so what how this that with at was are get got feel like know "
    "all out up now one some been need make from if or but when then"
)
_COMMON = frozenset(_COMMON_WORDS.split())
Atoms = tuple[tuple[str, str], ...]


def _close(src: str, i: int) -> int | None:
    """Index of the ")" that closes the "(" at i."""
    depth = 0
    for m in _ATOM.finditer(src, i):
        depth += {"(": 1, ")": -1}.get(m.group(), 0)
        if depth == 0:
            return m.start()
    return None


@functools.cache  # terms repeat, so the same groups come up again and again
def _branches(src: str) -> tuple[Atoms, ...] | None:
    """The top-level alternatives of a regex, each as (atom, quantifier) pairs."""
    branches: list[list[tuple[str, str]]] = [[]]
    i = 0
    while i < len(src):
        atom = _ATOM.match(src, i)
        end = _close(src, i) if src[i] == "(" else (atom.end() if atom else i + 1) - 1
        if end is None:
            return None
        quant = _QUANT.match(src, end + 1)
        item = (src[i : end + 1], quant.group() if quant else "")
        branches[-1:] = [branches[-1], []] if item[0] == "|" else [[*branches[-1], item]]
        i = quant.end() if quant else end + 1
    return tuple(map(tuple, branches))


def _gates(src: str) -> tuple[frozenset[str], ...]:
    """The gates of src, a pattern matched at a word start."""
    branches = _branches(src) or ()
    if len(branches) == 1:
        return tuple(sorted(set(_branch_stems(branches[0])), key=_rarity, reverse=True))
    return tuple(filter(None, [_stems(src)]))


@functools.cache
def _stems(src: str) -> frozenset[str] | None:
    """Stems one of which starts a word of every match of src (itself matched at a word start)."""
    found = [max(_branch_stems(b), key=_rarity, default=None) for b in _branches(src) or [()]]
    known = [f for f in found if f is not None]
    return frozenset[str]().union(*known) if len(known) == len(found) else None


def _branch_stems(atoms: Atoms) -> list[frozenset[str]]:
    options: list[frozenset[str]] = []
    word: str | None = ""  # the literal word being read, if it began at a word start
    for atom, quant in [*atoms, ("", "")]:  # the end closes the last word (not as a whole word)
        if atom.startswith(("(?=", "(?!", "(?<")):
            continue  # zero width
        if word is not None and len(atom) == 1 and atom.isalnum():
            if not quant:
                word += atom
                continue
            word += atom if quant[0] == "+" else ""
        if word:  # a short word that must end here is matched whole: "od " is not "odd"
            whole = atom in (" ", "\\b") and not quant and len(word) < _STEM
            options.append(frozenset((word + " " if whole else word[:_STEM],)))
        group = atom.startswith("(?:") and word == ""
        if group and not (quant[:1] in ("?", "*") or quant.startswith(("{0", "{,"))):
            inner = _stems(atom[3:-1])
            options += [inner] if inner else []
        # After a group whose every alternative ends in a space, a word starts again.
        ends = group and all(b and b[-1] == (" ", "") for b in _branches(atom[3:-1]) or ((),))
        word = "" if (atom == " " and not quant) or ends else None
    return options


def _rarity(stems: frozenset[str]) -> tuple[int, int, int]:
    """Higher for stems less likely to be in a message: no common words, few and long."""
    return -len(stems & _COMMON), -len(stems), min(map(len, stems))


def _compile(source: str, terms: dict[str, str], rec: Record, line: int | None) -> Rule:
    def term(match: re.Match[str]) -> str:
        if match.group(1) not in terms:
            raise PromptError(f"{rec.what}: unknown term {{{match.group(1)}}}", rec.path, line)
        return terms[match.group(1)]

    source = _TERM_REF.sub(term, source)
    full = f" (?:{source})"  # the leading space anchors the rule at a word start
    try:
        re.compile(full)  # only to report a bad pattern now, at its line
        return Rule(full, _gates(source))
    except re.error as exc:
        message = f"{rec.what}: bad regular expression {source[:80]!r}: {exc}"
        raise PromptError(message, rec.path, line) from None


def _with_lines(rec: Record, key: str) -> list[tuple[str, int | None]]:
    lines = list(getattr(rec.data.get(key), "item_lines", []))
    values = rec.strings(key, optional=True)
    return list(zip(values, lines + [rec.line] * (len(values) - len(lines)), strict=True))


def _load_terms(top: Record) -> dict[str, str]:
    terms: dict[str, str] = {}
    for rec in top.records("terms", "term", optional=True):
        name = next(iter(rec.data), "")
        if len(rec.data) != 1 or not re.fullmatch(r"[a-z_]+", str(name)) or name in terms:
            raise rec.fail("must be one new 'name: pattern' pair, the name in a-z and _")
        terms[name] = _TERM_REF.sub(lambda m: terms.get(m.group(1), m.group()), rec.req(name))
        _compile(terms[name], terms, rec, rec.line)
    return terms


def _load_group(rec: Record, terms: dict[str, str]) -> RuleGroup:
    rec.only(_GROUP_KEYS)
    group_id, category = rec.req("id"), rec.req("category")
    rec.what = f"group {group_id!r}"
    if category not in CATEGORIES:
        raise rec.fail(f"unknown category {category!r} (expected one of: {', '.join(CATEGORIES)})")
    if rec.flag("alone") and category != "imminent":
        raise rec.fail("'alone' is only for imminent groups")
    if rec.flag("dose") and category != "medical_advice":
        raise rec.fail("'dose' is only for medical_advice groups")
    phrases = [
        (re.escape(_padded(normalise(p)).strip()) + r"(?![a-z0-9])", line)
        for p, line in _with_lines(rec, "phrases")
    ]
    sources = _with_lines(rec, "patterns") + phrases
    if not sources:
        raise rec.fail("needs 'patterns' or 'phrases'")
    rules = tuple(_compile(source, terms, rec, line) for source, line in sources)
    return RuleGroup(group_id, category, rules, rec.flag("alone"), rec.flag("dose"))


def load(path: Path) -> SafetyRules:
    """Load and compile prompts/safety.yaml; any mistake is a PromptError naming file and line."""
    top = top_record(path, PromptError, "safety rules")
    top.only(("terms", "groups"))
    terms = _load_terms(top)
    groups: list[RuleGroup] = []
    for rec in top.records("groups", "group"):
        groups.append(_load_group(rec, terms))
        if groups[-1].id in {g.id for g in groups[:-1]}:
            raise rec.fail("duplicate id")
    return SafetyRules(tuple(groups))
