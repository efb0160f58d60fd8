"""The learned layer of the safety check: classifiers trained on thousands of messages written
by people who never saw the rules (tests/data/safety/, benchmarks/train_safety.py).

The rules (prompts/safety.yaml) are precise but only know the phrasings they were written
for; the classifiers generalise to wordings nobody wrote a rule for. A message is a crisis if
the rules OR the classifier say so (safety.assess combines them); the thresholds are set by
cross-validation across writers and recorded in the model file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

from .textclf import Model, features


@dataclass(frozen=True)
class Reading:
    """What the classifiers make of one message; the heads a decision may not need (whether
    danger is imminent, whose it is, the language) are scored when first asked for."""

    check_in: float  # probability the message is worrying but not clearly a crisis
    crisis: float  # probability it shows a current danger
    help_threshold: float  # resources first when check_in + crisis reaches this
    crisis_threshold: float  # the full crisis reply when crisis reaches this
    confirm_threshold: float  # a rule's crisis stands when check_in + crisis reaches this
    models: Classifiers
    features: Mapping[int, float]  # of the whole message
    text: str  # the (normalised) message, for reading its sentences when a rule needs it

    @cached_property
    def local(self) -> float:
        """The most worrying help probability of the whole message or any one sentence of a
        long one (read only when a rule's crisis is to be confirmed)."""
        found = self.check_in + self.crisis
        for part in windows(self.text):
            tier = self.models.tier.probabilities(features(part, self.models.tier.buckets))
            found = max(found, tier["check_in"] + tier["crisis"])
        return found

    @property
    def confirms(self) -> bool:
        """Whether a crisis the rules found stands: the classifier, reading the whole message
        and each sentence of a long one, does not all but rule it out ("I never wanted to
        hurt myself")."""
        return self.local >= self.confirm_threshold

    @property
    def is_crisis(self) -> bool:
        """The full crisis reply."""
        return self.crisis >= self.crisis_threshold

    @property
    def needs_help(self) -> bool:
        """Resources first (a check-in at least)."""
        return self.check_in + self.crisis >= self.help_threshold

    @property
    def imminent(self) -> float:
        """(For a crisis) the probability that the danger is imminent."""
        return self.models.imminent.probabilities(self.features)["imminent"]

    @property
    def other(self) -> float:
        """The probability that the person at risk is someone else."""
        return self.models.other.probabilities(self.features)["other"]

    @property
    def language(self) -> str:
        """The message's likeliest language: en, es, fr, de, it or pt."""
        found = self.models.language.probabilities(self.features)
        return max(found, key=found.__getitem__)

    @property
    def advice(self) -> float:
        """The probability that it asks for a personal medication decision."""
        return self.models.advice.probabilities(self.features)["advice"]


@dataclass(frozen=True)
class Classifiers:
    """The shipped safety models (all over the same hashed features)."""

    tier: Model
    imminent: Model
    other: Model
    language: Model
    advice: Model

    @classmethod
    def load(cls, folder: Path | None = None) -> Classifiers:
        """The models in a folder (default: the ones shipped in the package)."""
        root = folder or Path(str(resources.files("trdfaq").joinpath("data/safety")))
        names = ("tier", "imminent", "other", "language", "advice")
        loaded = [Model.load(root / f"{name}.clf") for name in names]
        if len({model.buckets for model in loaded}) != 1:
            raise ValueError(f"{root}: the safety models must share one feature size")
        return cls(*loaded)

    def read(self, text: str) -> Reading:
        """Score a (normalised) message as a whole. Each sentence of a long one is also read
        on its own, but only to judge a crisis the rules found in it: read alone, the
        sentences of an ordinary long story pass for a crisis all too often (blind set rB),
        while a rule's crisis sentence at the end of a long story is lost in the whole."""
        whole = features(text, self.tier.buckets)
        tier = self.tier.probabilities(whole)
        return Reading(
            check_in=tier["check_in"],
            crisis=tier["crisis"],
            help_threshold=float(self.tier.meta["help"]),  # type: ignore[arg-type]
            crisis_threshold=float(self.tier.meta["crisis"]),  # type: ignore[arg-type]
            confirm_threshold=float(self.tier.meta["confirm"]),  # type: ignore[arg-type]
            models=self,
            features=whole,
            text=text,
        )


WINDOW_WORDS = 40
_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])\s+")


def windows(text: str) -> list[str]:
    """The parts of a long message (over WINDOW_WORDS words) read on their own to judge a rule's
    crisis: each sentence, and a long run of words without a full stop in half-overlapping
    chunks of WINDOW_WORDS. A crisis sentence in the middle of a long story weighs little among
    the whole message's features (even beside one other sentence); on its own it does not."""
    if len(text.split()) <= WINDOW_WORDS:
        return []
    step = WINDOW_WORDS // 2
    parts = []
    for sentence in _SENTENCE_END.split(text):
        words = sentence.split()
        if len(words) <= WINDOW_WORDS:
            parts.append(sentence)
        else:
            parts += [
                " ".join(words[i : i + WINDOW_WORDS]) for i in range(0, len(words) - step, step)
            ]
    return [part for part in parts if part.strip()]


@cache
def shipped() -> Classifiers:
    """The package's own models, loaded once per process."""
    return Classifiers.load()
