"""The `trdfaq` command: a thin layer that turns domain errors into clean exits."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from . import __version__
from .errors import QuestionError, TrdfaqError

if TYPE_CHECKING:
    from .assistant import Assistant

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
# `trdfaq corpus check`: clean (or warnings only), warnings under --strict, errors.
CHECK_OK, CHECK_WARNINGS, CHECK_ERRORS = 0, 1, 2


class UsageError(TrdfaqError):
    """The command line itself is wrong (an unknown option, a missing argument)."""

    def __init__(self, message: str, parser: argparse.ArgumentParser) -> None:
        super().__init__(message)
        self.parser = parser


class Parser(argparse.ArgumentParser):
    """An argument parser that raises UsageError, so that main() reports it (as JSON under
    --json) instead of argparse printing and exiting on its own."""

    def error(self, message: str) -> NoReturn:
        """Raise the usage error for main() to report."""
        raise UsageError(message, self)


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
    parser = Parser(
        prog="trdfaq",
        description="Answers about treatment-resistant depression, quoted from published "
        "articles. Not medical advice.",
        epilog="Run `trdfaq COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    ask = commands.add_parser(
        "ask",
        help="answer one question",
        description="Answer one question. Quotes are optional: `trdfaq ask does ECT hurt`.",
    )
    ask.add_argument(
        "question", nargs="+", help="the question's words, or - to read it from standard input"
    )
    ask.add_argument("--json", action="store_true", help="print the answer (or the error) as JSON")
    ask.add_argument("--top-k", type=int, default=3, metavar="N", help="quote at most N passages")
    _corpus_option(ask)
    _region_option(ask)

    chat = commands.add_parser(
        "chat",
        help="interactive terminal chat",
        description="A full-screen chat. Needs a terminal: in scripts, use `trdfaq ask`.",
    )
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
    init = corpus_commands.add_parser(
        "init",
        help="start a corpus folder from a small working example",
        description="Copy a minimal working corpus (one short article, its passages and the "
        "assistant's words) into a new folder, to edit into your own.",
    )
    init.add_argument("dir", type=Path, help="the new corpus folder (must not exist, or be empty)")
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


PREPARING = "Preparing the index (first run only)…"


def _load(args: argparse.Namespace, *, announce: bool = False) -> Assistant:
    """The assistant for --corpus; with `announce`, say on stderr that the index is being
    built, when it is (the corpus is checked first, so a broken one gets its error alone)."""
    from .cache import announce_builds  # noqa: PLC0415
    from .loader import load_assistant  # noqa: PLC0415

    if not announce:
        return load_assistant(args.corpus)
    said = False

    def preparing() -> None:
        nonlocal said
        if not said:
            from .corpus import load_corpus  # noqa: PLC0415
            from .paths import bundled_corpus_dir  # noqa: PLC0415

            load_corpus(args.corpus if args.corpus is not None else bundled_corpus_dir())
            print(PREPARING, file=sys.stderr, flush=True)
            said = True

    with announce_builds(preparing):
        return load_assistant(args.corpus)


def _read_question(words: Sequence[str]) -> str:
    from .assistant import validate_question  # noqa: PLC0415

    raw = sys.stdin.read() if list(words) == ["-"] else " ".join(words)
    return validate_question(raw)


def cmd_ask(args: argparse.Namespace) -> int:
    """trdfaq ask."""
    if args.top_k < 1:
        raise QuestionError("--top-k must be at least 1")
    question = _read_question(args.question)
    assistant = _load(args, announce=not args.json)  # JSON users get JSON only
    # The index lives as long as this one answer: kept out of the collector's passes, which
    # would otherwise walk all of it while the answer is worked out (~10 ms of a cold ask).
    gc.freeze()
    answer = assistant.ask(question, region=args.region, top_k=args.top_k)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        from .render import render_answer  # noqa: PLC0415

        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        width = min(100, max(40, _terminal_width() - 2))
        print(render_answer(answer, assistant.prompts, color=color, width=width, top_k=args.top_k))
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
        categories = report.categories()
        print(
            json.dumps({"scores": scores, "categories": categories, "failures": failures}, indent=2)
        )
        return EXIT_OK
    for outcome in report.failures():
        turns = " → ".join(outcome.case.turns)
        print(f"FAIL {args.file}:{outcome.case.line}: [{outcome.case.kind}] {turns}: {outcome.why}")
    if report.failures():
        print()
    width = max(len(k) for k in scores)
    for name, value in scores.items():
        print(f"{name:<{width}}  {value}")
    categories = report.categories()
    if categories:
        width = max(len(k) for k in categories)
        print(f"\n{'tier/category':<{width}}  {'n':>4}  crisis   help")
        for name, row in categories.items():
            print(f"{name:<{width}}  {row['n']:>4}  {row['crisis']:>6.2f}  {row['help']:>5.2f}")
    return EXIT_OK


def cmd_chat(args: argparse.Namespace) -> int:
    """trdfaq chat."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise TrdfaqError(
            "chat needs a terminal (its input or output is redirected): "
            "in scripts and pipes, use `trdfaq ask QUESTION`"
        )
    from .tui import run_chat  # noqa: PLC0415 - textual only for this command

    # The chat shows its loading state at once and loads the assistant (and checks --region)
    # behind it.
    run_chat(lambda: _load(args), region=args.region)
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
    """trdfaq corpus init|check|stats|draft."""
    action: Callable[[argparse.Namespace], int] = CORPUS_COMMANDS[args.corpus_command]
    return action(args)


def cmd_corpus_init(args: argparse.Namespace) -> int:
    """trdfaq corpus init: copy the starter corpus, then say what to do next."""
    from .corpus_tools import init_corpus  # noqa: PLC0415

    written = init_corpus(args.dir)
    print(f"Created {args.dir} with a small example corpus ({_count(len(written), 'file')}).")
    print(f'Try it:  trdfaq ask --corpus {args.dir} "how do I add an article?"')
    print(f"Check it after each edit:  trdfaq corpus check --strict {args.dir}")
    return EXIT_OK


def cmd_corpus_check(args: argparse.Namespace) -> int:
    """trdfaq corpus check: print the problems and a summary; exit 0, 1 (--strict) or 2."""
    from .corpus_tools import check_corpus, summary  # noqa: PLC0415
    from .paths import bundled_corpus_dir  # noqa: PLC0415

    root: Path = args.dir if args.dir is not None else bundled_corpus_dir()
    problems, corpus = check_corpus(root)
    for problem in problems:
        print(problem)
    print(summary(problems, corpus))
    if any(p.level == "error" for p in problems):
        return CHECK_ERRORS
    return CHECK_WARNINGS if problems and args.strict else CHECK_OK


def cmd_corpus_stats(args: argparse.Namespace) -> int:
    """trdfaq corpus stats."""
    from .corpus import load_corpus  # noqa: PLC0415
    from .corpus_tools import corpus_stats, format_stats  # noqa: PLC0415
    from .paths import bundled_corpus_dir  # noqa: PLC0415

    root: Path = args.dir if args.dir is not None else bundled_corpus_dir()
    corpus = load_corpus(root)
    print(f"corpus {root}")
    for line in format_stats(corpus_stats(corpus)):
        print(line)
    return EXIT_OK


def cmd_corpus_draft(args: argparse.Namespace) -> int:
    """trdfaq corpus draft: print what was written and the next step."""
    from .corpus import ID_PATTERN  # noqa: PLC0415
    from .corpus_tools import draft_article  # noqa: PLC0415
    from .errors import ExistsError  # noqa: PLC0415

    if not ID_PATTERN.match(args.source_id):
        raise TrdfaqError(f"--id {args.source_id!r}: use lowercase letters, digits and hyphens")
    for flag, value in (("--title", args.title), ("--kind", args.kind)):
        if not value.strip():
            raise TrdfaqError(f"{flag} must not be empty")
    corpus_dir: Path = args.corpus if args.corpus is not None else Path("corpus")
    try:
        report = draft_article(
            args.article,
            corpus_dir,
            args.source_id,
            title=args.title,
            publisher=args.publisher,
            kind=args.kind,
            force=args.force,
        )
    except ExistsError as exc:
        raise ExistsError(f"{exc.message}: use --force to replace it", exc.path, exc.line) from None
    sections = {p.section for p in report.passages if p.section}
    drafted = f"{_count(len(report.passages), 'draft passage')} under "
    drafted += f"{_count(len(sections), 'heading')}"
    if report.left_out:
        left = _count(len(report.left_out), "line")
        drafted += f"; {left} left out as promotion or boilerplate (listed at the top: review them)"
    rows = [
        (str(report.source_text), "the article's text: passages quote it word for word"),
        (str(report.sources_yaml), f"source entry {args.source_id!r}"),
        (str(report.passages_file), drafted),
    ]
    if report.created_corpus:
        print(f"Created the corpus folder {corpus_dir}")
    width = max(len(path) for path, _ in rows)
    print(f"Drafted {args.source_id!r} from {args.article}:")
    for path, what in rows:
        print(f"  {path:<{width}}  {what}")
    print(
        f"Next: fill in 2 to 6 questions for each passage in {report.passages_file}, "
        f"then run: trdfaq corpus check {corpus_dir}"
    )
    return EXIT_OK


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


CORPUS_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "init": cmd_corpus_init,
    "check": cmd_corpus_check,
    "stats": cmd_corpus_stats,
    "draft": cmd_corpus_draft,
}


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "ask": cmd_ask,
    "chat": cmd_chat,
    "serve": cmd_serve,
    "eval": cmd_eval,
    "corpus": cmd_corpus,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Every error is one line on stderr, `trdfaq: ...`; under --json it is `{"error": "..."}`
    on stderr instead, so that stdout holds only answers.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    as_json = _wants_json(argv)
    try:
        args = _parse(parser, argv)
        if args.command is None:
            parser.print_help()
            return EXIT_OK
        return COMMANDS[args.command](args)
    except UsageError as exc:
        if as_json:
            _json_error(exc.message)
        else:
            exc.parser.print_usage(sys.stderr)
            print(f"{exc.parser.prog}: error: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    except TrdfaqError as exc:
        if as_json:
            _json_error(str(exc))
        else:
            print(f"trdfaq: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): exit quietly, as other tools do.
        sys.stderr.close()
        return EXIT_FAIL


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Parse argv; the words of an unquoted question after an option join the question."""
    args, extra = parser.parse_known_args(argv)
    if extra and args.command == "ask":
        options = [word for word in extra if word.startswith("-") and word != "-"]
        if options:
            raise UsageError(
                f"unrecognized option {options[0]} (quote the question if one of its words "
                "starts with -)",
                parser,
            )
        args.question = [*args.question, *extra]
    elif extra:
        raise UsageError(f"unrecognized arguments: {' '.join(extra)}", parser)
    return args


def _wants_json(argv: list[str]) -> bool:
    """Whether --json was given (before any `--`), even if the rest does not parse."""
    end = argv.index("--") if "--" in argv else len(argv)
    return "--json" in argv[:end]


def _json_error(message: str) -> None:
    print(json.dumps({"error": message}, ensure_ascii=False), file=sys.stderr)


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
