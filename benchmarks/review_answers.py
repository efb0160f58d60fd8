"""Render trdfaq's replies to a list of questions as markdown, for a clinician's review.

    python benchmarks/review_answers.py tests/data/blind/review40d.yaml > benchmarks/review/review40d_answers.md

The file: a YAML list of question strings (tests/data/blind/review40*.yaml). Each reply is
written as a reader sees it: its status, the crisis block first when there is one, the
assistant's own message, each quote with its source (and whether it is folded), the related
quotes of a not-covered reply under their label, the suggested questions, and the disclaimer.
(Until session 7 the suggested questions were left out: the fourth reviewer noted a no-match
message that points to "topics like the ones below" with nothing below.) The reviewer reads only
this file and the five articles (benchmarks/README.md, "Clinician review").
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from trdfaq import Assistant  # noqa: E402
from trdfaq.answer import Answer, Quote  # noqa: E402


def source(quote: Quote) -> str:
    """ "Title" (publisher; section: ...), as the plain-text answer names it."""
    s = quote.source
    parts = [s.publisher or "no publisher named"]
    if s.section:
        parts.append(f"section: {s.section}")
    return f'"{s.title}" ({"; ".join(parts)})'


def blockquote(text: str) -> str:
    return "> " + text


def render(n: int, answer: Answer, labels: dict[str, str]) -> str:
    """One reply as markdown."""
    lines = [f"## {n}. {answer.question}", f"status: {answer.status}"]
    if answer.crisis is not None:
        c = answer.crisis
        lines.append(f"crisis block first: {c.headline}")
        lines.append(c.message)
        lines += [f"- {r.name}: {r.contact} ({r.region})" for r in c.resources]
        if c.question:
            lines.append(c.question)
    if answer.message:
        lines.append(f"assistant's own message: {answer.message}")
    for i, quote in enumerate(answer.answers, 1):
        folded = " (folded, less close)" if quote.folded else ""
        lines.append(f"quote {i}{folded} from {source(quote)}:")
        lines.append(blockquote(quote.quote))
    if answer.related is not None and answer.related.quotes:
        lines.append(answer.related.label)
        lines += [blockquote(q.quote) for q in answer.related.quotes]
    if answer.follow_ups:  # as the plain-text answer shows them (render.py)
        title = labels["topics" if answer.status == "no_match" else "follow_ups"]
        lines.append(f"{title}: " + " / ".join(answer.follow_ups))
    if answer.footer:
        lines.append(f"footer: {answer.footer}")
    lines.append(f"disclaimer: {answer.disclaimer}")
    return "\n".join(lines)


def main() -> None:
    path = Path(sys.argv[1])
    questions = yaml.safe_load(path.read_text(encoding="utf-8"))
    assistant = Assistant.load()
    print(f"# trdfaq's replies to {len(questions)} fresh questions ({path.as_posix()}, first run)")
    for n, question in enumerate(questions, 1):
        print()
        print(render(n, assistant.ask(question), assistant.prompts.labels))


if __name__ == "__main__":
    main()
