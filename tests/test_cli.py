"""The command line, run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DATA

# The console script pip installed beside this Python: the command users run.
TRDFAQ = str(Path(sys.executable).with_name("trdfaq"))


def trdfaq(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TRDFAQ, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_ask_prints_quote_then_source_then_disclaimer() -> None:
    result = trdfaq("ask", "can nutrition affect treatment response?")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "> " in out
    first_quote = out.index("> ")
    source = out.index("  — ")
    disclaimer = out.index("not medical advice")
    assert first_quote < source < disclaimer
    assert "\033[" not in out  # not a terminal: plain text


def test_ask_json_prints_the_answer_dict() -> None:
    result = trdfaq("ask", "--json", "--top-k", "2", "does ECT affect memory?")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == "answered"
    assert 1 <= len(data["answers"]) <= 2
    assert data["disclaimer"]


def test_ask_reads_the_question_from_stdin() -> None:
    result = trdfaq("ask", "--json", "-", stdin="what is vagus nerve stimulation?\n")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["question"] == "what is vagus nerve stimulation?"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["ask", ""], None, "the question is empty"),
        (["ask", "   "], None, "the question is empty"),
        (["ask", "-"], "", "the question is empty"),
        (["ask", "x" * 1001], None, "keep it under 1,000"),
        (["ask", "--top-k", "0", "hi"], None, "--top-k must be at least 1"),
        (["ask", "--region", "XX", "hi"], None, "unknown region 'XX'"),
        (["ask", "--corpus", "/nonexistent/corpus", "hi"], None, "corpus folder not found"),
        (["eval", "/nonexistent/dev.yaml"], None, "file not found"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], stdin: str | None, message: str) -> None:
    result = trdfaq(*args, stdin=stdin)
    assert result.returncode == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_broken_corpus_names_file_and_line(corpus_copy: Path) -> None:
    path = corpus_copy / "passages" / "bicycle.yaml"
    path.write_text(path.read_text().replace("soft tyres", "flat tyres"))
    result = trdfaq("ask", "--corpus", str(corpus_copy), "tyres")
    assert result.returncode == 2
    assert f"{path}:9: passage 'bicycle-tyres': text is not a verbatim span" in result.stderr
    assert "Traceback" not in result.stderr


def test_ask_with_another_corpus_folder() -> None:
    result = trdfaq("ask", "--json", "--corpus", str(DATA / "corpus"), "should I oil my bike chain")
    assert json.loads(result.stdout)["answers"][0]["passage_id"] == "bicycle-chain"


def test_no_color_is_honoured_even_on_a_terminal() -> None:
    code = (
        "import sys, os; sys.stdout.isatty = lambda: True\n"
        "from trdfaq.cli import main; main(['ask', 'what is TMS?'])"
    )
    colored = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": ""},
    )
    plain = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert "\033[" in colored.stdout
    assert "\033[" not in plain.stdout


def test_eval_prints_scores_and_json() -> None:
    result = trdfaq("eval", "--json", str(DATA / "dev.yaml"))
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)["scores"]
    assert {
        "hit@1",
        "hit@3",
        "mrr@5",
        "out_of_scope_rejected",
        "refused",
        "crisis_recall",
        "false_alarms",
    } <= set(scores)
    text = trdfaq("eval", str(DATA / "dev.yaml")).stdout
    assert "hit@3" in text


def test_python_dash_m_and_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "trdfaq", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "ask" in result.stdout and "chat" in result.stdout and "serve" in result.stdout


def test_bare_command_prints_help_and_exits_0() -> None:
    result = trdfaq()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: trdfaq")
    assert "ask" in result.stdout and "chat" in result.stdout and "corpus" in result.stdout
    assert result.stderr == ""


def test_version_is_the_installed_distributions() -> None:
    from importlib.metadata import version

    result = trdfaq("--version")
    assert result.returncode == 0
    assert result.stdout == f"trdfaq {version('trdfaq')}\n"


@pytest.mark.parametrize(
    "args",
    [
        ["ask", "does", "ECT", "affect", "memory?"],
        ["ask", "--top-k", "1", "does", "ECT", "affect", "memory?"],
        ["ask", "does", "ECT", "--top-k", "1", "affect", "memory?"],
        ["ask", "does", "ECT", "affect", "memory?", "--top-k", "1"],
    ],
)
def test_ask_joins_unquoted_words_wherever_the_options_are(args: list[str]) -> None:
    result = trdfaq(*args, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["question"] == "does ECT affect memory?"
    assert data["status"] == "answered"


def test_ask_refuses_an_unknown_option_among_the_words() -> None:
    result = trdfaq("ask", "what", "is", "--colour", "ECT")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "unrecognized option --colour (quote the question" in result.stderr
    assert "Traceback" not in result.stderr


def test_chat_refuses_when_stdin_is_not_a_terminal() -> None:
    result = subprocess.run(
        [TRDFAQ, "chat"], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("trdfaq: chat needs a terminal")
    assert len(result.stderr.splitlines()) == 1


def test_chat_refuses_when_only_stdout_is_redirected() -> None:
    import pty

    controller, terminal = pty.openpty()
    try:
        result = subprocess.run(
            [TRDFAQ, "chat"], stdin=terminal, capture_output=True, text=True, timeout=60
        )
    finally:
        os.close(terminal)
        os.close(controller)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("trdfaq: chat needs a terminal")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["ask", "--json"], None, "the following arguments are required: question"),
        (["ask", "--json", ""], None, "the question is empty"),
        (["ask", "--json", "-"], "", "the question is empty"),
        (["ask", "--json", "--top-k", "x", "hi"], None, "argument --top-k: invalid int value"),
        (["ask", "--json", "--top-k", "0", "hi"], None, "--top-k must be at least 1"),
        (["ask", "--json", "--region", "XX", "hi"], None, "unknown region 'XX'"),
        (["ask", "--json", "--corpus", "/nonexistent/corpus", "hi"], None, "corpus folder not"),
        (["ask", "--json", "hi", "--nope"], None, "unrecognized option --nope"),
        (["eval", "--json", "/nonexistent/dev.yaml"], None, "file not found"),
    ],
)
def test_json_errors_are_json_on_stderr(args: list[str], stdin: str | None, message: str) -> None:
    result = trdfaq(*args, stdin=stdin)
    assert result.returncode == 2
    assert result.stdout == ""  # stdout holds answers only
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    error = json.loads(lines[0])
    assert list(error) == ["error"]
    assert message in error["error"]


def test_json_error_for_a_broken_corpus_names_file_and_line(corpus_copy: Path) -> None:
    path = corpus_copy / "passages" / "bicycle.yaml"
    path.write_text(path.read_text().replace("soft tyres", "flat tyres"))
    result = trdfaq("ask", "--json", "--corpus", str(corpus_copy), "tyres")
    assert result.returncode == 2
    assert json.loads(result.stderr)["error"].startswith(f"{path}:9: passage 'bicycle-tyres'")


def test_crisis_json_and_plain_text_put_resources_first() -> None:
    data = json.loads(trdfaq("ask", "--json", "I want to end my life").stdout)
    assert data["status"] == "crisis"
    assert data["answers"] == []
    assert data["crisis"]["resources"]
    out = trdfaq("ask", "I want to end my life").stdout
    first_line = out.splitlines()[0]
    assert first_line.startswith("Call or text 988 now")
    assert "I'm really glad you told me" in out.splitlines()[1]
    assert "quoted from published articles" not in out
    assert "> " not in out  # no quote


def test_region_option_orders_resources() -> None:
    out = trdfaq("ask", "--region", "UK", "I want to end my life").stdout
    assert out.index("Samaritans") < out.index("findahelpline")
    assert "988" not in out
