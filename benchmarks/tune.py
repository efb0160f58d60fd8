"""Grid-search retrieval settings on evaluation files and print the best few.

    python benchmarks/tune.py tests/data/dev.yaml tests/data/heldout.yaml

Each setting is judged by `trdfaq eval`'s figures summed over the files; the index is rebuilt
per field-weight setting, the analyzer (the slow part) once. Bounded: a few hundred settings.
"""

from __future__ import annotations

import argparse
import itertools
import time
from dataclasses import replace
from pathlib import Path

from trdfaq import Assistant
from trdfaq.evaluate import evaluate, load_cases

GRID = {
    "questions_weight": [0.5, 0.7, 1.0],
    "section_weight": [0.1, 0.3],
    "k1": [0.9, 1.2, 1.5],
    "b": [0.3, 0.5, 0.75],
    "expansion_weight": [0.2, 0.3, 0.5],
    "coverage_exponent": [0.5, 1.0, 2.0],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    base = Assistant.load()
    cases = [case for path in args.files for case in load_cases(path)]
    results = []
    started = time.perf_counter()
    names = list(GRID)
    for values in itertools.product(*GRID.values()):
        settings = replace(base.engine.corpus.settings, **dict(zip(names, values, strict=True)))
        assistant = replace(base, engine=base.engine.with_settings(settings))
        scores = evaluate(assistant, cases).scores()
        key = (
            scores["hit@1"]
            + scores["hit@3"]
            + scores["out_of_scope_rejected"]
            - 2.0 * scores["refused"]
        )
        results.append((key, scores, dict(zip(names, values, strict=True))))
    results.sort(key=lambda r: -r[0])
    print(f"{len(results)} settings in {time.perf_counter() - started:.0f} s")
    for key, scores, values in results[: args.top]:
        print(
            f"{key:.3f} h1={scores['hit@1']:.3f} h3={scores['hit@3']:.3f} "
            f"oos={scores['out_of_scope_rejected']:.2f} refused={scores['refused']:.3f} {values}"
        )


if __name__ == "__main__":
    main()
