"""Time of the per-message safety check (safety.assess with the shipped rules and models).

    python benchmarks/safety_speed.py [--rounds 3]

Messages: the held-out safety set (tests/data/safety/heldout.yaml, 900 messages as people
write them, long and short, several languages) and the everyday questions of the evaluation
sets. Each round times every message once, in-process after a warm-up pass; the script
prints p50/p99 of the whole check, of the rules alone and of the classifiers alone, and of
the classifiers scored with numpy instead of plain Python, then the range over rounds; by the
wall clock and by the thread's CPU time (which other processes on a busy machine disturb
less). Bounded: about a minute.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from trdfaq.analysis import normalise
from trdfaq.paths import bundled_prompts_dir
from trdfaq.prompts import SAFETY_FILE
from trdfaq.safety import assess, assess_rules, load_safety_rules
from trdfaq.safety_model import shipped
from trdfaq.textclf import features

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def messages() -> list[str]:
    """The held-out safety messages and the evaluation sets' questions."""
    found = [m["text"] for m in yaml.safe_load((DATA / "safety" / "heldout.yaml").read_text())]
    for path in sorted(DATA.glob("*.yaml")):
        cases = yaml.safe_load(path.read_text())
        if isinstance(cases, list):
            found += [c["question"] for c in cases if isinstance(c, dict) and "question" in c]
    return found


def percentiles(
    check: Callable[[str], object], texts: list[str], clock: Callable[[], float]
) -> tuple[float, float]:
    """p50 and p99 in milliseconds of one call per text, by a clock."""
    times = []
    for text in texts:
        started = clock()
        check(text)
        times.append((clock() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.99 * len(times)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rules = load_safety_rules(bundled_prompts_dir() / SAFETY_FILE)
    models = shipped()
    texts = messages()
    tier = models.tier

    def numpy_read(text: str) -> object:
        return tier.logits_numpy(features(normalise(text), tier.buckets))

    checks: dict[str, Callable[[str], object]] = {
        "safety.assess (rules + classifiers)": lambda t: assess(t, rules, models),
        "rules alone (assess_rules)": lambda t: assess_rules(t, rules),
        "classifiers alone (Classifiers.read)": lambda t: models.read(normalise(t)),
        "  of which features": lambda t: features(normalise(t), tier.buckets),
        "tier model scored with numpy": numpy_read,
    }
    for check in checks.values():  # warm-up: compiles the rules' patterns, maps the models
        for text in texts:
            check(text)
    rng = random.Random(1)
    clocks = {"wall": time.perf_counter, "cpu": time.thread_time}
    found = {(label, clock): [] for label in checks for clock in clocks}
    lengths = sorted(map(len, texts))
    print(f"{len(texts)} messages, {statistics.median(lengths):.0f} characters median")
    for round_ in range(1, args.rounds + 1):
        order = rng.sample(texts, len(texts))
        for label, check in checks.items():
            for name, clock in clocks.items():
                found[label, name].append(percentiles(check, order, clock))
        first = found[next(iter(checks)), "wall"][-1][0], found[next(iter(checks)), "cpu"][-1][0]
        print(f"round {round_}: safety.assess p50 {first[0]:.3f} ms wall, {first[1]:.3f} ms CPU")
    for (label, clock), runs in found.items():
        p50s, p99s = [p for p, _ in runs], [p for _, p in runs]
        print(
            f"{label:<38} {clock:<4} p50 {min(p50s):.3f}-{max(p50s):.3f} ms"
            f"  p99 {min(p99s):.3f}-{max(p99s):.3f} ms"
        )


if __name__ == "__main__":
    main()
