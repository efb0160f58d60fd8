"""Sweep the abstention settings over eval sets: answers found against out-of-scope rejected.

    python benchmarks/sweep.py --unlisted 4,3,2,1.5 --min-coverage 0.54,0.5 \
        tests/data/{dev,heldout,fresh,calibration}.yaml tests/data/blind*.yaml

For each pair of `unlisted_weight` (what a word the corpus lacks, and no list names, counts
towards a question's coverage) and `min_coverage`, it prints the answerable questions with the
expected passage in the top 3, the false abstentions and the out-of-scope questions rejected,
summed over the files. corpus/retrieval.yaml keeps the pair that rejects as many out-of-scope
questions as the current one while answering the most.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
from pathlib import Path

from trdfaq import Assistant
from trdfaq.evaluate import Case, evaluate, load_cases


def numbers(text: str) -> list[float]:
    """A comma-separated list of numbers."""
    return [float(part) for part in text.split(",")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--unlisted", type=numbers, default=[4.0, 3.0, 2.0, 1.5])
    parser.add_argument("--min-coverage", type=numbers, default=[0.54, 0.5])
    args = parser.parse_args()
    assistant = Assistant.load(use_cache=False)
    engine = assistant.engine
    base = engine.corpus.settings
    sets: list[list[Case]] = [load_cases(path) for path in args.files]
    answerable = sum(c.kind == "answer" for cases in sets for c in cases)
    outside = sum(c.kind == "out_of_scope" for cases in sets for c in cases)
    print(f"{len(args.files)} files: {answerable} answerable, {outside} out of scope")
    print(f"{'unlisted':>8} {'min_cov':>7} {'hit@3':>9} {'abstained':>9} {'rejected':>9}")
    for unlisted, min_coverage in itertools.product(args.unlisted, args.min_coverage):
        settings = dataclasses.replace(base, unlisted_weight=unlisted, min_coverage=min_coverage)
        object.__setattr__(engine.corpus, "settings", settings)  # a frozen dataclass
        engine._phrases.clear()  # glossary phrase concepts carry the old weights
        hits = abstained = rejected = 0
        for cases in sets:
            scores = evaluate(assistant, cases).scores()
            n_answer = sum(c.kind == "answer" for c in cases)
            n_outside = sum(c.kind == "out_of_scope" for c in cases)
            hits += round(scores["hit@3"] * n_answer)
            abstained += int(scores["false_abstentions"])
            rejected += round(scores["out_of_scope_rejected"] * n_outside)
        print(
            f"{unlisted:>8} {min_coverage:>7} {hits:>4}/{answerable:<4} {abstained:>9} "
            f"{rejected:>4}/{outside:<4}",
            flush=True,
        )


if __name__ == "__main__":
    main()
