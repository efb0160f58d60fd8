"""Custom corpora: `trdfaq corpus init`, a corpus folder's own words (assistant.yaml), and
corpus_tools staying library code."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import trdfaq
from trdfaq import CorpusError
from trdfaq.corpus_tools import draft_article, init_corpus
from trdfaq.loader import load_assistant
from trdfaq.prompts import CORPUS_WORDS_FILE

from .conftest import DATA

TRDFAQ = str(Path(sys.executable).with_name("trdfaq"))
TEMPLATE_TEXT = (
    "Save the article as a plain-text, Markdown or HTML file. Then run trdfaq corpus draft"
)


def run(
    *args: str, cwd: Path | None = None, cache: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **({"TRDFAQ_CACHE_DIR": str(cache)} if cache else {})}
    return subprocess.run(
        [TRDFAQ, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=180, check=False
    )


@pytest.fixture
def started(tmp_path: Path) -> Path:
    """A corpus folder made by `trdfaq corpus init`."""
    folder = tmp_path / "my-corpus"
    result = run("corpus", "init", str(folder))
    assert result.returncode == 0, result.stderr
    return folder


# ------------------------------------------------------------------------------ corpus init


def test_init_writes_a_corpus_that_passes_the_strict_check(started: Path) -> None:
    assert sorted(str(p.relative_to(started)) for p in started.rglob("*") if p.is_file()) == [
        "assistant.yaml",
        "passages/example.yaml",
        "sources.yaml",
        "sources/example.txt",
    ]
    result = run("corpus", "check", "--strict", str(started))
    assert result.returncode == 0, result.stdout
    assert result.stdout == "corpus OK: 1 source, 5 passages\n"


def test_the_started_corpus_answers_from_its_own_article(started: Path) -> None:
    import json

    result = run(
        "ask", "--json", "--corpus", str(started), "how", "do", "I", "add", "an", "article?"
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["status"] == "answered"
    assert answer["answers"][0]["passage_id"] == "example-adding"
    assert answer["answers"][0]["quote"].startswith(TEMPLATE_TEXT)
    assert TEMPLATE_TEXT in (started / "sources" / "example.txt").read_text(encoding="utf-8")


def test_init_prints_the_next_steps(tmp_path: Path) -> None:
    result = run("corpus", "init", "fresh", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert 'trdfaq ask --corpus fresh "how do I add an article?"' in result.stdout
    assert "trdfaq corpus check --strict fresh" in result.stdout


def test_init_accepts_an_empty_folder_and_refuses_a_used_one(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert init_corpus(empty)
    result = run("corpus", "init", str(empty))
    assert result.returncode == 2
    assert result.stderr == f"trdfaq: {empty}: already exists and is not an empty folder\n"
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    assert run("corpus", "init", str(a_file)).returncode == 2
    assert a_file.read_text() == "x"


# ----------------------------------------------------------------- the corpus's own words


def test_a_corpus_speaks_its_own_words(started: Path) -> None:
    bundled = load_assistant()
    own = load_assistant(started)
    assert own.prompts.greeting.startswith("Hello. I answer questions by quoting the articles")
    assert own.prompts.greeting != bundled.prompts.greeting
    assert own.prompts.examples == (
        "How do I add an article?",
        "How many questions should each passage have?",
        "What does corpus check do?",
    )
    assert "not medical advice" in own.prompts.about
    assert own.prompts.name == "My FAQ"
    assert own.prompts.disclaimer == bundled.prompts.disclaimer  # not the corpus's to change
    assert own.prompts.crisis == bundled.prompts.crisis


def test_no_answer_offers_the_corpus_topics_in_its_words(started: Path) -> None:
    answer = load_assistant(started).ask("how do I bake sourdough bread?")
    assert answer.status == "no_match"
    assert answer.follow_ups == (
        "How do I add an article?",
        "How many questions should each passage have?",
        "What does corpus check do?",
    )
    assert answer.message is not None
    assert "treatment-resistant" not in answer.message
    assert "articles in this corpus" in answer.message


def test_a_corpus_without_assistant_yaml_keeps_the_bundled_words() -> None:
    assert not (DATA / "corpus" / CORPUS_WORDS_FILE).exists()
    assert load_assistant(DATA / "corpus").prompts == load_assistant().prompts


BAD_WORDS = [
    ("unknown key", "greetng: Hi.\n", 4, "unknown key 'greetng' (did you mean 'greeting'?)"),
    ("missing key", None, 1, "missing required key 'greeting'"),
    ("two examples", "examples: [How do I add an article?, What does corpus check do?]\n", 4,
     "'examples' must list 3 to 5 questions, not 2"),
    ("examples not a list", "examples: How do I add an article?\n", 4,
     "'examples' must be a list of questions"),
    ("empty about", "about: ''\n", 4, "'about' must be non-empty text"),
    ("bad YAML", "greeting: [unclosed\n", 5, "invalid YAML"),
]  # fmt: skip


def _write_words(folder: Path, replacement: str | None) -> Path:
    """assistant.yaml with a good name and greeting, then one key replaced or dropped."""
    good = {
        "greeting": "greeting: Hi.\n",
        "examples": "examples:\n  - How do I add an article?\n  - What does corpus check do?\n"
        "  - How many questions should each passage have?\n",
        "about": "about: Quotes only.\n",
    }
    text = "# A corpus's words.\nname: Mine\n\n"
    key = None if replacement is None else replacement.split(":")[0]
    if key in good or replacement is None:
        good.pop(key or "greeting")
    if replacement is not None:
        text += replacement
    text += "".join(good.values())
    path = folder / CORPUS_WORDS_FILE
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("replacement", "line", "message"),
    [case[1:] for case in BAD_WORDS],
    ids=[case[0] for case in BAD_WORDS],
)
def test_bad_assistant_yaml_is_one_line_naming_file_and_line(
    started: Path, replacement: str | None, line: int, message: str, tmp_path: Path
) -> None:
    path = _write_words(started, replacement)
    with pytest.raises(CorpusError) as caught:
        load_assistant(started)
    assert (caught.value.path, caught.value.line) == (str(path), line)
    assert message in caught.value.message
    # A cold cache: the mistake is found before the index is built, and reported alone.
    result = run("ask", "--corpus", str(started), "how do I add an article?", cache=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"trdfaq: {path}:{line}: ")
    assert len(result.stderr.splitlines()) == 1
    check = run("corpus", "check", str(started))
    assert check.returncode == 2
    assert f"{path}:{line}: error: " in check.stdout


def test_check_warns_of_an_example_the_corpus_does_not_answer(started: Path) -> None:
    path = started / CORPUS_WORDS_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("What does corpus check do?", "How do I bake bread?"))
    line = path.read_text(encoding="utf-8").splitlines().index("  - How do I bake bread?") + 1
    result = run("corpus", "check", str(started))
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].startswith(
        f"{path}:{line}: warning: example 'How do I bake bread?' gets no answer from this corpus"
    )
    assert run("corpus", "check", "--strict", str(started)).returncode == 1


# ------------------------------------------------------------ corpus_tools is a library


CORPUS_TOOLS = Path(trdfaq.__file__).parent / "corpus_tools"


@pytest.mark.parametrize("module", sorted(CORPUS_TOOLS.glob("*.py")), ids=lambda p: p.name)
def test_corpus_tools_has_no_command_line_code(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            assert not {"argparse", "sys"} & set(names), f"{module.name}:{node.lineno}"
            assert "cli" not in (getattr(node, "module", None) or "").split(".")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id != "print", f"{module.name}:{node.lineno} prints"
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            # Generated files may tell editors which command to run; no error names a flag.
            if node.value.startswith("#"):
                continue
            assert not any(
                word.startswith("--") and word[2:3].isalpha() for word in node.value.split()
            ), f"{module.name}:{node.lineno} names a flag: {node.value!r}"


def test_library_errors_name_no_flags(tmp_path: Path) -> None:
    article = DATA / "articles" / "sleep.txt"
    with pytest.raises(CorpusError, match=r"^source id 'Sleep Tips': use lowercase") as bad_id:
        draft_article(article, tmp_path / "c", "Sleep Tips", title="T", publisher=None)
    with pytest.raises(CorpusError, match="the source's title must not be empty"):
        draft_article(article, tmp_path / "c", "sleep", title=" ", publisher=None)
    draft_article(article, tmp_path / "c", "sleep", title="T", publisher=None)
    with pytest.raises(CorpusError) as exists:
        draft_article(article, tmp_path / "c", "sleep", title="T", publisher=None)
    for caught in (bad_id, exists):
        assert "--" not in str(caught.value)


# ------------------------------------------------------- every front end speaks them


def test_the_chat_greets_in_the_corpus_words(started: Path) -> None:
    # docs_startup waits, in a real terminal, for the first six words of the greeting that
    # load_assistant gives this corpus ("Hello. I answer questions by quoting"), which the
    # bundled greeting does not share.
    startup = Path(__file__).with_name("docs_startup.py")
    result = subprocess.run(
        [sys.executable, str(startup), TRDFAQ, "chat", "--corpus", str(started)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (
        load_assistant(started).prompts.greeting.split()[:6]
        != (load_assistant().prompts.greeting.split()[:6])
    )


def test_the_web_api_speaks_the_corpus_words(started: Path) -> None:
    import json
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [TRDFAQ, "serve", "--corpus", str(started), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        info = None
        for _ in range(600):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/info", timeout=5) as r:
                    info = json.load(r)
                break
            except OSError:
                assert server.poll() is None, "the server stopped"
                time.sleep(0.2)
        assert info is not None
        assert info["greeting"] == load_assistant(started).prompts.greeting
        assert info["examples"][0] == "How do I add an article?"
        assert info["name"] == "My FAQ"
    finally:
        server.terminate()
        server.wait(timeout=30)
