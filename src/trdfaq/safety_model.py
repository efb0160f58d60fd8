"""The learned layer of the safety check: classifiers trained on thousands of messages written
by people who never saw the rules (tests/data/safety/, benchmarks/train_safety.py).

The rules (prompts/safety.yaml) are precise but only know the phrasings they were written
for; the classifiers generalise to wordings nobody wrote a rule for. A message is a crisis if
the rules OR the classifier say so (safety.assess combines them); the thresholds are set by
cross-validation across writers and recorded in the model file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
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
    features: Mapping[int, float]

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
        models = cls(*(Model.load(root / f"{name}.clf") for name in names))
        if (
            len(
                {
                    m.buckets
                    for m in (
                        models.tier,
                        models.imminent,
                        models.other,
                        models.language,
                        models.advice,
                    )
                }
            )
            != 1
        ):
            raise ValueError(f"{root}: the safety models must share one feature size")
        return models

    def read(self, text: str) -> Reading:
        """Score a (normalised) message."""
        found = features(text, self.tier.buckets)
        tier = self.tier.probabilities(found)
        return Reading(
            check_in=tier["check_in"],
            crisis=tier["crisis"],
            help_threshold=float(self.tier.meta["help"]),  # type: ignore[arg-type]
            crisis_threshold=float(self.tier.meta["crisis"]),  # type: ignore[arg-type]
            confirm_threshold=float(self.tier.meta["confirm"]),  # type: ignore[arg-type]
            models=self,
            features=found,
        )


@cache
def shipped() -> Classifiers:
    """The package's own models, loaded once per process."""
    return Classifiers.load()
