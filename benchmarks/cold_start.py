"""Whole-process time of a cold `trdfaq ask` over 30 everyday questions, beside `python -c pass`.

    python benchmarks/cold_start.py [--rounds 3] [--first-runs 3]

The questions are the kind people type: personal context, brand names, typos, asides, a few
out of scope; most carry a word the corpus never uses. After one warm-up that fills the
derived-data cache, each round asks every question once, in a new order; a round gives the
median over the questions and the slowest question. The script prints each round, then the
range over rounds. "First run after install" asks a question with an empty cache folder,
--first-runs times (a different question each time), and checks that each of those, and
none of the warm runs, says "Preparing the index (first run only)…" on stderr. Bounded: about
a minute.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

QUESTIONS = [
    "pregnant and my depression's bad again, is ECT safe for the baby",
    "does ECT affect memory?",
    "been on zoloft 2 yrs and nothing changed, what now?",
    "how quickly does ketamine kick in",
    "my psychiatrist mentioned rTMS, does it hurt?",
    "is esketamine nasal spray covered by insurance",
    "what counts as treatment resistant depression",
    "can lithium be added to my antidepressant",
    "hi, quick question: how long does a course of TMS last? thanks so much",
    "my mum has tried four different pills, what else is there",
    "are psychedelics like psilocybin legal for depression",
    "wat is the sucess rate of electroconvulsive therapy",
    "could thyroid medicine boost my antidepressant",
    "what was VNS first invented for",
    "in what situations would someone get ECT",
    "does exercise or diet make any difference",
    "will I have to stay overnight in hospital for ECT",
    "is it normal to feel worse before feeling better on meds",
    "how do I make pancakes?",
    "can teenagers get ketamine treatment",
    "whats the differance between TMS and ECT",
    "does deep brain stimulation involve surgery",
    "my husband's anxiety is through the roof since starting venlafaxine",
    "what side effects should I watch for with aripiprazole augmentation",
    "is there any genetic test that tells which antidepressant will work",
    "can I drive home after a ketamine infusion",
    "how many sessions of transcranial magnetic stimulation do people usually need",
    "I've been depressed for years and nothing works, is there still hope?",
    "do they put you to sleep for electroshock",
    "is wellbutrin better than lexapro for tiredness",
]


PREPARING = "Preparing the index (first run only)…"
said: dict[str, int] = {"warm": 0, "first": 0}  # runs that printed PREPARING


def run(command: list[str], env: dict[str, str], kind: str = "warm") -> tuple[float, float]:
    """Wall-clock seconds and peak memory (MiB) of one run of a command."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {stderr.strip()}")
    said[kind] += PREPARING in stderr
    return elapsed, usage.ru_maxrss / 1024


def ask(question: str) -> list[str]:
    """The command line of one cold `trdfaq ask`."""
    return [sys.executable, "-m", "trdfaq", "ask", question]


def line(label: str, ms: list[float], extra: str = "") -> None:
    """One line: median and range in milliseconds."""
    print(
        f"{label:<44} median {statistics.median(ms):6.1f} ms"
        f"  (min {min(ms):6.1f}, max {max(ms):6.1f}){extra}"
    )


def span(values: list[float]) -> str:
    """A range of milliseconds, as "a-b ms"."""
    return f"{min(values):.0f}-{max(values):.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--first-runs", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(1)
    # pip compiles bytecode when it installs a package: let the warm-up write it here too
    # (an editable install, or PYTHONDONTWRITEBYTECODE, would compile every module every run).
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as folder:
        env = {**base, "TRDFAQ_CACHE_DIR": os.path.join(folder, "warm")}
        for label, command in [
            ("python -c pass", [sys.executable, "-c", "pass"]),
            ("python -c 'import trdfaq'", [sys.executable, "-c", "import trdfaq"]),
        ]:
            run(command, env)  # writes the bytecode
            line(label, [run(command, env)[0] * 1000 for _ in range(5)])

        run(ask(QUESTIONS[0]), env, "first")  # fills the cache
        said["first"] = 0
        medians, worst, memory = [], [], []
        for round_ in range(1, args.rounds + 1):
            times: dict[str, float] = {}
            for question in rng.sample(QUESTIONS, len(QUESTIONS)):
                elapsed, peak = run(ask(question), env)
                times[question] = elapsed * 1000
                memory.append(peak)
            slowest = max(times, key=times.__getitem__)
            medians.append(statistics.median(times.values()))
            worst.append(times[slowest])
            print(
                f"round {round_}: median {medians[-1]:6.1f} ms over {len(times)} questions;"
                f" slowest {times[slowest]:6.1f} ms {slowest!r}"
            )
        print(
            f"trdfaq ask, {len(QUESTIONS)} questions: median {span(medians)}, slowest question"
            f" {span(worst)} ({args.rounds} rounds); peak memory"
            f" {min(memory):.0f}-{max(memory):.0f} MiB"
        )

        first = []
        for n in range(args.first_runs):
            fresh = {**base, "TRDFAQ_CACHE_DIR": os.path.join(folder, f"first{n}")}
            question = QUESTIONS[(7 * n) % len(QUESTIONS)]
            first.append(run(ask(question), fresh, "first")[0] * 1000)
            print(f"first run after install {n + 1}: {first[-1]:6.1f} ms {question!r}")
        print(f"first run after install (empty cache): {span(first)} ({args.first_runs} runs)")
        warm_runs = args.rounds * len(QUESTIONS)
        print(
            f"  said {PREPARING!r}: {said['first']} of {args.first_runs} first runs, "
            f"{said['warm']} of {warm_runs} warm runs"
        )
        if said["first"] != args.first_runs or said["warm"]:
            raise SystemExit("the first-run line was missing from a first run, or shown warm")


if __name__ == "__main__":
    main()
