"""Show how the abstention threshold separates answerable from out-of-scope questions.

    python benchmarks/calibrate.py tests/data/dev.yaml tests/data/heldout.yaml tests/data/calibration.yaml

For every case it prints the best passage's coverage and BM25 score, then the range of
`min_coverage` (with the configured `min_score`) that rejects every out-of-scope question while
abstaining on no answerable one, and the midpoint: the value corpus/retrieval.yaml should hold.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from trdfaq import Assistant
from trdfaq.evaluate import load_cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--verbose", action="store_true", help="print every case")
    args = parser.parse_args()
    assistant = Assistant.load()
    engine = assistant.engine
    settings = engine.corpus.settings
    inside: list[tuple[float, float, str]] = []
    outside: list[tuple[float, float, str]] = []
    for path in args.files:
        for case in load_cases(path):
            if case.kind not in ("answer", "out_of_scope") or len(case.turns) > 1:
                continue
            if assistant.ask(case.question).message in {
                e.reply for e in assistant.prompts.small_talk
            }:
                continue  # small talk is answered before retrieval
            hits = engine.search(engine.analyse(case.question), 1)
            top = (hits[0].coverage, hits[0].bm25) if hits else (0.0, 0.0)
            (inside if case.kind == "answer" else outside).append((*top, case.question))
    if args.verbose:
        for name, rows in (("answerable", inside), ("out of scope", outside)):
            print(f"{name}:")
            for coverage, score, question in sorted(rows):
                print(f"  coverage {coverage:.2f}  bm25 {score:6.2f}  {question}")
    print(f"answerable: {len(inside)}  out of scope: {len(outside)}")
    print(
        f"now: min_coverage {settings.min_coverage}, min_score {settings.min_score}: "
        f"{_errors(inside, outside, settings.min_coverage, settings.min_score)} errors"
    )
    coverage, score, errors = best_thresholds(inside, outside)
    print(
        f"best: min_coverage {coverage:.2f}, min_score {score:.1f}: {errors} errors "
        "(the middle of the widest band of thresholds with the fewest errors)"
    )


Row = tuple[float, float, str]


def _errors(inside: list[Row], outside: list[Row], coverage: float, score: float) -> int:
    """Answerable questions abstained on plus out-of-scope questions answered."""
    rejected = sum(c < coverage or s < score for c, s, _ in inside)
    accepted = sum(c >= coverage and s >= score for c, s, _ in outside)
    return rejected + accepted


def best_thresholds(inside: list[Row], outside: list[Row]) -> tuple[float, float, int]:
    """The (min_coverage, min_score) pair with fewest errors, centred in its feasible band."""
    coverages = [round(0.30 + 0.01 * i, 2) for i in range(41)]
    scores = [round(0.1 * i, 1) for i in range(101)]
    table = {(c, s): _errors(inside, outside, c, s) for c in coverages for s in scores}
    fewest = min(table.values())
    best = [key for key, errors in table.items() if errors == fewest]
    # Centre: per coverage, the middle of the score band; then the middle coverage.
    middle_coverage = sorted({c for c, _ in best})[len({c for c, _ in best}) // 2]
    band = sorted(s for c, s in best if c == middle_coverage)
    return middle_coverage, band[len(band) // 2], fewest


if __name__ == "__main__":
    main()
