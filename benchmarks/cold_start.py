"""Whole-process time of a cold `trdfaq ask`, beside `python -c pass`.

    python benchmarks/cold_start.py [--runs 15]

Each command runs once as a warm-up (which also fills the derived-data cache), then --runs
times; the script prints the median and the spread. Bounded: a few seconds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

QUESTIONS = [
    "can nutrition affect treatment response?",
    "does ECT hurt your memory?",
    "how do I make pancakes?",  # out of scope: words the corpus lacks
]


def timed(command: list[str], runs: int) -> list[float]:
    """Wall-clock seconds of each of `runs` runs, after one warm-up run."""
    subprocess.run(command, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return times


def report(label: str, times: list[float]) -> None:
    """One line: median and range in milliseconds."""
    ms = [t * 1000 for t in times]
    print(
        f"{label:<52} median {statistics.median(ms):6.1f} ms  (min {min(ms):.1f}, max {max(ms):.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    report("python -c pass", timed([sys.executable, "-c", "pass"], args.runs))
    report("python -c 'import trdfaq'", timed([sys.executable, "-c", "import trdfaq"], args.runs))
    for question in QUESTIONS:
        command = [sys.executable, "-m", "trdfaq", "ask", question]
        report(f"trdfaq ask {question!r}", timed(command, args.runs))
    report(
        "trdfaq ask --json (first question)",
        timed([sys.executable, "-m", "trdfaq", "ask", "--json", QUESTIONS[0]], args.runs),
    )


if __name__ == "__main__":
    main()
