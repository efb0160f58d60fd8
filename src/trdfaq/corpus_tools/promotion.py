"""Promotion and boilerplate: the line patterns shared by `corpus draft` and `corpus check`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from ..errors import CorpusError

DATA_FILE = "data/promotion.yaml"
# Sentence punctuation: a line ending in one of these reads as text, not as a link or button.
_SENTENCE_END = re.compile(r"[.!?:;…][\"'”’)\]]*$")


@dataclass(frozen=True)
class Rule:
    """Patterns of one kind of promotional line, with the reason shown to editors."""

    reason: str
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Promotion:
    """The shipped promotion and boilerplate rules."""

    rules: tuple[Rule, ...]
    navigation_max_words: int

    def reason(self, line: str) -> str | None:
        """Why a line looks like promotion or boilerplate, or None when it does not."""
        for rule in self.rules:
            if any(pattern.search(line) for pattern in rule.patterns):
                return rule.reason
        return None

    def is_short_label(self, line: str) -> bool:
        """Whether a line is short and unpunctuated enough to be a link, button or heading."""
        words = line.split()
        return 0 < len(words) <= self.navigation_max_words and not _SENTENCE_END.search(line)


@cache
def promotion() -> Promotion:
    """Load the rules from the package's data/promotion.yaml."""
    where = resources.files("trdfaq").joinpath(DATA_FILE)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml, where built in: faster
    data = yaml.load(where.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - safe
    try:
        rules = tuple(
            Rule(
                str(item["reason"]),
                tuple(re.compile(p, re.IGNORECASE) for p in item["patterns"]),
            )
            for item in data["rules"]
        )
        return Promotion(rules, int(data["navigation_max_words"]))
    except (KeyError, TypeError, re.error) as exc:  # a broken package, not a user error
        raise CorpusError(f"malformed promotion rules: {exc}", str(where)) from None
