"""In-process time of `Assistant.ask` over the development and blind questions.

    python benchmarks/ask_speed.py [--rounds 3] [--profile 25]

After a warm-up pass (the first answer of a process pays for the index and the pages of the
models it touches: benchmarks/cold_start.py measures that), each round asks every question of
tests/data/dev.yaml and tests/data/blind*.yaml once, in a new order, and prints p50/p99 by the
wall clock and by the thread's CPU time (which other processes on a busy machine disturb
less); then the range over rounds. --profile N adds a cProfile of one more pass: the N
functions with the most time of their own, and where `ask` spends its time by module.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import statistics
import time
from collections import defaultdict
from pathlib import Path

import yaml

from trdfaq import Assistant

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def questions() -> list[str]:
    """The one-off questions of the development and blind sets."""
    found = []
    for path in [DATA / "dev.yaml", *sorted(DATA.glob("blind*.yaml"))]:
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))
        found += [c["question"] for c in cases if "question" in c]
    return found


def by_module(stats: pstats.Stats) -> dict[str, float]:
    """Seconds of own time per source file (the trdfaq ones by module name)."""
    found: dict[str, float] = defaultdict(float)
    for (path, _, _), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        name = Path(path).name if "trdfaq" in path else "(other: stdlib, builtins)"
        found[name] += own
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    assistant = Assistant.load()
    asked = questions()
    for question in asked:
        assistant.ask(question)
    rng = random.Random(1)
    clocks = {"wall": time.perf_counter, "cpu": time.thread_time}
    found: dict[str, list[tuple[float, float]]] = {name: [] for name in clocks}
    for round_ in range(1, args.rounds + 1):
        times: dict[str, list[float]] = {name: [] for name in clocks}
        for question in rng.sample(asked, len(asked)):
            started = {name: clock() for name, clock in clocks.items()}
            assistant.ask(question)
            for name, clock in clocks.items():
                times[name].append((clock() - started[name]) * 1000)
        for name, values in times.items():
            values.sort()
            found[name].append((statistics.median(values), values[int(0.99 * len(values))]))
        wall, cpu = found["wall"][-1], found["cpu"][-1]
        print(
            f"round {round_}: {len(asked)} questions, p50 {wall[0]:.2f} ms wall"
            f" ({cpu[0]:.2f} CPU), p99 {wall[1]:.2f} ms wall ({cpu[1]:.2f} CPU)"
        )
    for name, runs in found.items():
        p50s, p99s = [p for p, _ in runs], [p for _, p in runs]
        print(
            f"Assistant.ask {name:<4} p50 {min(p50s):.2f}-{max(p50s):.2f} ms"
            f"  p99 {min(p99s):.2f}-{max(p99s):.2f} ms ({args.rounds} rounds)"
        )
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(lambda: [assistant.ask(q) for q in asked])
        stats = pstats.Stats(profile)
        total = sum(by_module(stats).values())
        print(f"\nown time by module, one pass under cProfile ({total:.2f} s):")
        for name, own in sorted(by_module(stats).items(), key=lambda kv: -kv[1])[:12]:
            print(f"  {own / total:6.1%}  {name}")
        print()
        stats.sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
