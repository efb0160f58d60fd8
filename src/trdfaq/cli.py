"""The `trdfaq` command: a thin layer that turns domain errors into clean exits."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import QuestionError, TrdfaqError

if TYPE_CHECKING:
    from .assistant import Assistant

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _corpus_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--corpus", metavar="DIR", type=Path, help="corpus folder (default: the bundled one)"
    )


def _region_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--region",
        metavar="CODE",
        help="your region for crisis resources: US, UK, IE, EU or INTL (default: all)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="trdfaq",
        description="Answers about treatment-resistant depression, quoted from published "
        "articles. Not medical advice.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    ask = commands.add_parser("ask", help="answer one question", description="Answer one question.")
    ask.add_argument("question", help="the question, or - to read it from standard input")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument("--top-k", type=int, default=3, metavar="N", help="quote at most N passages")
    _corpus_option(ask)
    _region_option(ask)

    chat = commands.add_parser("chat", help="interactive terminal chat")
    _corpus_option(chat)
    _region_option(chat)

    serve = commands.add_parser("serve", help="run the HTTP API and the web widget")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="URL",
        help="an origin whose pages may call the API (repeatable)",
    )
    serve.add_argument("--workers", type=int, default=1, metavar="N")
    serve.add_argument(
        "--rate-limit",
        type=int,
        default=60,
        metavar="N",
        help="requests per minute per client (0: no limit)",
    )
    serve.add_argument(
        "--read-timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="close a connection whose request is not all in by then (default: 10)",
    )
    serve.add_argument(
        "--log-questions",
        action="store_true",
        help="log question text (off by default, for privacy)",
    )
    _corpus_option(serve)

    evaluate = commands.add_parser("eval", help="score the assistant on an evaluation file")
    evaluate.add_argument("file", type=Path, help="a YAML case file (see shared/eval/dev.yaml)")
    evaluate.add_argument("--json", action="store_true", help="print the scores as JSON")
    _corpus_option(evaluate)

    corpus = commands.add_parser("corpus", help="tools for editing the corpus")
    corpus_commands = corpus.add_subparsers(dest="corpus_command", metavar="ACTION", required=True)
    check = corpus_commands.add_parser("check", help="validate a corpus folder")
    check.add_argument("dir", nargs="?", type=Path, help="corpus folder (default: the bundled one)")
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    stats = corpus_commands.add_parser("stats", help="corpus statistics")
    stats.add_argument("dir", nargs="?", type=Path, help="corpus folder (default: the bundled one)")
    draft = corpus_commands.add_parser("draft", help="draft passages from an article")
    draft.add_argument("article", type=Path, help="a .txt, .md or .html article")
    draft.add_argument(
        "--id",
        required=True,
        dest="source_id",
        help="the new source's id: lowercase letters, digits and hyphens",
    )
    draft.add_argument("--title", required=True, help="the article's title")
    draft.add_argument(
        "--publisher", required=True, help="who published it (empty if the article names no one)"
    )
    draft.add_argument("--kind", default="article", help="what sort of publication it is")
    draft.add_argument("--force", action="store_true", help="overwrite existing files")
    draft.add_argument(
        "--corpus",
        metavar="DIR",
        type=Path,
        help="corpus folder to add the article to (default: ./corpus)",
    )
    return parser


def _load(args: argparse.Namespace) -> Assistant:
    from .assistant import Assistant  # noqa: PLC0415

    return Assistant.load(args.corpus)


def _read_question(raw: str) -> str:
    from .assistant import validate_question  # noqa: PLC0415

    if raw == "-":
        raw = sys.stdin.read()
    return validate_question(raw)


def cmd_ask(args: argparse.Namespace) -> int:
    """trdfaq ask."""
    if args.top_k < 1:
        raise QuestionError("--top-k must be at least 1")
    question = _read_question(args.question)
    assistant = _load(args)
    answer = assistant.ask(question, region=args.region, top_k=args.top_k)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        from .render import render_answer  # noqa: PLC0415

        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        width = min(100, max(40, _terminal_width() - 2))
        print(render_answer(answer, assistant.prompts, color=color, width=width))
    return EXIT_OK


def _terminal_width() -> int:
    import shutil  # noqa: PLC0415

    return shutil.get_terminal_size((80, 24)).columns


def cmd_eval(args: argparse.Namespace) -> int:
    """trdfaq eval."""
    from .evaluate import evaluate, load_cases  # noqa: PLC0415

    cases = load_cases(args.file)
    report = evaluate(_load(args), cases)
    scores = report.scores()
    if args.json:
        failures = [
            {"line": o.case.line, "turns": list(o.case.turns), "kind": o.case.kind, "why": o.why}
            for o in report.failures()
        ]
        print(json.dumps({"scores": scores, "failures": failures}, indent=2))
        return EXIT_OK
    for outcome in report.failures():
        turns = " → ".join(outcome.case.turns)
        print(f"FAIL {args.file}:{outcome.case.line}: [{outcome.case.kind}] {turns}: {outcome.why}")
    if report.failures():
        print()
    width = max(len(k) for k in scores)
    for name, value in scores.items():
        print(f"{name:<{width}}  {value}")
    return EXIT_OK


def cmd_chat(args: argparse.Namespace) -> int:
    """trdfaq chat."""
    from .tui import run_chat  # noqa: PLC0415 - textual only for this command

    assistant = _load(args)
    region = assistant.region(args.region)
    run_chat(assistant, region=region)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """trdfaq serve."""
    from .web.server import serve  # noqa: PLC0415 - starlette/uvicorn only for this command

    serve(
        host=args.host,
        port=args.port,
        corpus_dir=args.corpus,
        allow_origins=args.allow_origin,
        workers=args.workers,
        rate_limit=args.rate_limit,
        log_questions=args.log_questions,
        read_timeout=args.read_timeout,
    )
    return EXIT_OK


def cmd_corpus(args: argparse.Namespace) -> int:
    """trdfaq corpus check|stats|draft."""
    from . import corpus_tools  # noqa: PLC0415

    action: Callable[[argparse.Namespace], int] = getattr(
        corpus_tools, f"cmd_{args.corpus_command}"
    )
    return action(args)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "ask": cmd_ask,
    "chat": cmd_chat,
    "serve": cmd_serve,
    "eval": cmd_eval,
    "corpus": cmd_corpus,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except TrdfaqError as exc:
        print(f"trdfaq: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): exit quietly, as other tools do.
        sys.stderr.close()
        return EXIT_FAIL


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
