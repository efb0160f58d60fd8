"""Robustness to harmless asides: does wrapping a question in everyday words change its answer?

    python benchmarks/perturb.py tests/data/dev.yaml tests/data/heldout.yaml tests/data/blind*.yaml

Every `answer` case answered right at rank 1 is asked again wrapped in each aside below
(greetings, thanks, apologies, personal context that changes nothing about what is asked).
Prints the share still right at rank 1 and the share refused (no quote), overall and per
aside. Target (issue 12): at least 95% kept and at most 2% refused.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from trdfaq import Assistant  # noqa: E402
from trdfaq.evaluate import judge, load_cases  # noqa: E402

ASIDES = (
    "hi, quick question: {q}",
    "hello! {q}",
    "{q} thanks so much in advance",
    "{q} thank you",
    "sorry if this is a dumb question but {q}",
    "{q} (been on zoloft 2 yrs)",
    "my doctor mentioned this last week. {q}",
    "{q} asking for my mum",
    "ok so {q}",
    "{q} just curious",
    "I've had depression for 10 years and nothing has worked. {q}",
    "{q} sorry for the long message, I'm tired",
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    assistant = Assistant.load()
    cases = [
        c
        for path in args.files
        for c in load_cases(path)
        if c.kind == "answer" and len(c.turns) == 1
    ]
    right = [c for c in cases if judge(c, assistant.ask(c.question, top_k=5)).rank == 1]
    print(f"{len(right)} of {len(cases)} single-turn answer cases right at rank 1")
    kept: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    for case in right:
        for aside in ASIDES:
            answer = assistant.ask(aside.format(q=case.question), top_k=5)
            outcome = judge(case, answer)
            kept[aside] += outcome.rank == 1
            refused[aside] += not answer.answers
    total = len(right) * len(ASIDES)
    print(
        f"kept right at rank 1: {sum(kept.values()) / total:.3f}   refused: {sum(refused.values()) / total:.3f}"
    )
    for aside in ASIDES:
        print(
            f"  {kept[aside] / len(right):.2f} kept  {refused[aside] / len(right):.2f} refused  {aside}"
        )


if __name__ == "__main__":
    main()
