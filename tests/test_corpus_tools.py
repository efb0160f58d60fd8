"""trdfaq corpus draft, check and stats: from an article to answers, and every check's case."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import trdfaq
from trdfaq.cli import main
from trdfaq.corpus import find_span, load_corpus, normalise_space
from trdfaq.corpus_tools import draft_article, read_article
from trdfaq.corpus_tools.markup import html_blocks, inline_markdown, markdown_blocks
from trdfaq.corpus_tools.promotion import promotion
from trdfaq.paths import bundled_corpus_dir

from .conftest import DATA

ARTICLES = DATA / "articles"
FORMATS = ["txt", "md", "html"]
TITLE = "Sleep Hygiene Basics"
SECTIONS = [
    None,
    "Keep a Regular Schedule",
    "Keep a Regular Schedule",
    "Caffeine and Alcohol",
    "A Bedroom for Sleep",
    "When to Ask for Help",
]
BEDROOM = (
    "A few changes to the bedroom can make sleep come more easily:\n"
    "• Keep the room cool, dark and quiet\n"
    "• Put phones and screens away an hour before bed\n"
    "• Use the bed only for sleep and rest"
)
PHONE = ("Book now: call 555-0142 to see our sleep team.", "phone number")
SHARES = ("0 Shares", "share counter or buttons")
BIO = ("Dr. Jane Example holds over ten years of experience in sleep medicine.", "author bio")
# (line in the written source text, text, reason) of what each format's draft leaves out.
LEFT_OUT = {
    "txt": [
        (1, "Home | Articles | Sleep | Contact", "navigation"),
        (5, "We use cookies to improve your experience on this site. Accept all", "cookie banner"),
        (29, *PHONE),
        (31, *SHARES),
        (33, *BIO),
        (35, "Related Articles", "links to other pages"),
    ],
    "html": [(25, *PHONE), (27, *SHARES), (29, *BIO)],  # nav and banner are outside <main>
}
LEFT_OUT["md"] = LEFT_OUT["txt"]


def trdfaq_run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real command line, in a subprocess, importing this checkout's trdfaq."""
    package_root = str(Path(trdfaq.__file__).resolve().parents[1])
    path = os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "trdfaq", *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": path},
        timeout=120,
    )


def draft_sleep(fmt: str, corpus: Path, source_id: str = "sleep", **options: object) -> Path:
    """Draft a fixture article in-process; the passages file written."""
    report = draft_article(
        ARTICLES / f"sleep.{fmt}",
        corpus,
        source_id,
        title=str(options.get("title", TITLE)),
        publisher="Example Sleep Clinic",
        force=bool(options.get("force", False)),
    )
    return report.passages_file


def fill_in_questions(passages_file: Path) -> None:
    """What the editor does: two questions for each drafted passage."""
    lines = []
    passage_id = ""
    for line in passages_file.read_text(encoding="utf-8").splitlines():
        found = re.match(r"  - id: (\S+)", line)
        passage_id = found.group(1) if found else passage_id
        if line == "    questions: []":
            topic = " ".join(passage_id.split("-")[1:])
            line = f"    questions:\n      - what about {topic}?\n      - tell me about {topic}"
        lines.append(line)
    passages_file.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --------------------------------------------------------------------- draft, end to end


@pytest.mark.parametrize("fmt", FORMATS)
def test_draft_then_questions_then_check_then_ask(fmt: str, tmp_path: Path) -> None:
    corpus = tmp_path / "clinic"
    result = trdfaq_run(
        "corpus", "draft", str(ARTICLES / f"sleep.{fmt}"), "--id", "sleep", "--title", TITLE,
        "--publisher", "Example Sleep Clinic", "--corpus", str(corpus),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "6 draft passages" in result.stdout
    assert f"trdfaq corpus check {corpus}" in result.stdout

    fill_in_questions(corpus / "passages" / "sleep.yaml")
    result = trdfaq_run("corpus", "check", "--strict", str(corpus))
    assert (result.returncode, result.stdout) == (0, "corpus OK: 1 source, 6 passages\n")

    result = trdfaq_run(
        "ask", "--corpus", str(corpus), "--json", "how long does caffeine stay in your body?"
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["status"] == "answered"
    quote = answer["answers"][0]
    assert quote["passage_id"] == "sleep-caffeine-stays-body-many"
    assert quote["quote"].startswith("Caffeine stays in the body for many hours.")
    source_text = (corpus / "sources" / "sleep.txt").read_text(encoding="utf-8")
    assert find_span(quote["quote"], source_text) is not None


@pytest.mark.parametrize("fmt", FORMATS)
def test_draft_leaves_out_promotion_and_lists_it_for_review(fmt: str, tmp_path: Path) -> None:
    text = draft_sleep(fmt, tmp_path).read_text(encoding="utf-8")
    listed = re.findall(r'^# Left out \(review\): line (\d+): "(.*)" \((.*)\)$', text, re.M)
    assert [(int(n), line, why) for n, line, why in listed] == LEFT_OUT[fmt]
    passages = "\n".join(p["text"] for p in _passages(tmp_path))
    for word in ("555-0142", "Shares", "years of experience", "cookies", "Related", "Home"):
        assert word not in passages


@pytest.mark.parametrize("fmt", FORMATS)
def test_draft_sections_lists_and_chunks(fmt: str, tmp_path: Path) -> None:
    draft_sleep(fmt, tmp_path)
    passages = _passages(tmp_path)
    assert [p["section"] for p in passages] == SECTIONS
    assert BEDROOM in [p["text"] for p in passages]  # the list stays with its lead-in
    schedule = [p["text"] for p in passages if p["section"] == "Keep a Regular Schedule"]
    assert schedule[0].startswith("Going to bed") and schedule[0].endswith("place of worry.")
    assert schedule[1].startswith("If you cannot sleep")  # 5 sentences: split 3 + 2
    assert all(p["questions"] == [] and p["source"] == "sleep" for p in passages)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_drafted_text_is_a_verbatim_span(fmt: str, tmp_path: Path) -> None:
    draft_sleep(fmt, tmp_path)
    source_text = (tmp_path / "sources" / "sleep.txt").read_text(encoding="utf-8")
    for passage in _passages(tmp_path):
        assert find_span(passage["text"], source_text) is not None, passage["id"]
    corpus = load_corpus(tmp_path)
    assert [p.text for p in corpus.passages] == [p["text"] for p in _passages(tmp_path)]


def test_html_scripts_styles_menus_and_footer_are_dropped(tmp_path: Path) -> None:
    draft_sleep("html", tmp_path)
    text = (tmp_path / "sources" / "sleep.txt").read_text(encoding="utf-8")
    assert text.startswith("Sleep Hygiene Basics\n\nGood sleep is one")
    for word in ("dataLayer", "trackShares", "font-family", "Home", "cookies", "©", "|"):
        assert word not in text
    assert "it’s known" in text  # &rsquo; decoded


def test_draft_appends_to_sources_yaml_keeping_it_intact(corpus_copy: Path) -> None:
    before = (corpus_copy / "sources.yaml").read_text(encoding="utf-8")
    draft_sleep("txt", corpus_copy)
    after = (corpus_copy / "sources.yaml").read_text(encoding="utf-8")
    assert after == before + (
        "  - id: sleep\n    title: Sleep Hygiene Basics\n    publisher: Example Sleep Clinic\n"
        "    kind: article\n    file: sleep.txt\n"
    )
    assert set(load_corpus(corpus_copy).sources) == {"garden", "bicycle", "sleep"}


def test_force_replaces_the_source_entry_in_place(corpus_copy: Path) -> None:
    draft_sleep("txt", corpus_copy, "garden", force=True, title="Sleep: the Basics")
    text = (corpus_copy / "sources.yaml").read_text(encoding="utf-8")
    assert text.startswith("# A tiny corpus for tests: two short made-up articles.\nsources:\n")
    assert '  - id: garden\n    title: "Sleep: the Basics"\n' in text
    assert "Looking After a Vegetable Garden" not in text
    assert text.count("- id: ") == 2 and "  - id: bicycle\n" in text


def test_draft_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    args = ["corpus", "draft", str(ARTICLES / "sleep.txt"), "--id", "sleep", "--title", TITLE,
            "--publisher", "", "--corpus", str(tmp_path)]  # fmt: skip
    assert trdfaq_run(*args).returncode == 0
    passages = tmp_path / "passages" / "sleep.yaml"
    passages.write_text("edited by hand\n")
    shutil.copy(tmp_path / "sources.yaml", tmp_path / "sources.orig")
    (tmp_path / "sources.yaml").write_text("sources:\n")  # the id is no longer listed
    result = trdfaq_run(*args)
    assert result.returncode == 2
    sources_txt = tmp_path / "sources" / "sleep.txt"
    assert result.stderr == f"trdfaq: {sources_txt}: already exists: use --force to replace it\n"
    assert passages.read_text() == "edited by hand\n"

    shutil.copy(tmp_path / "sources.orig", tmp_path / "sources.yaml")
    result = trdfaq_run(*args)
    assert result.returncode == 2
    assert result.stderr == (
        f"trdfaq: {tmp_path / 'sources.yaml'}:2: source id 'sleep' already exists: "
        "use --force to replace it\n"
    )
    assert trdfaq_run(*args, "--force").returncode == 0
    assert passages.read_text().startswith("# Draft passages")


def test_draft_defaults_to_a_corpus_folder_in_the_current_folder(tmp_path: Path) -> None:
    result = trdfaq_run(
        "corpus", "draft", str(ARTICLES / "sleep.md"), "--id", "sleep", "--title", TITLE,
        "--publisher", "Example", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "corpus" / "passages" / "sleep.yaml").is_file()
    assert "trdfaq corpus check corpus" in result.stdout


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.txt", None, "file not found"),
        ("article.pdf", b"%PDF-1.4", "unknown file type '.pdf': use one of .htm, .html,"),
        ("empty.txt", b"  \n\n", "no text found in the article"),
        ("scripts.html", b"<script>var x = 1;</script><nav>Home</nav>", "no text found"),
        ("latin1.txt", "Caf\xe9 au lait".encode("latin-1"), "not UTF-8 text (invalid"),
    ],
)
def test_draft_errors_are_one_line_and_exit_2(
    name: str, content: bytes | None, message: str, tmp_path: Path
) -> None:
    article = tmp_path / name
    if content is not None:
        article.write_bytes(content)
    result = trdfaq_run(
        "corpus", "draft", str(article), "--id", "x", "--title", "T", "--publisher", "P",
        "--corpus", str(tmp_path / "corpus"),
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith(f"trdfaq: {article}: {message}")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "corpus").exists()


def test_draft_rejects_a_bad_id(tmp_path: Path) -> None:
    result = trdfaq_run(
        "corpus", "draft", str(ARTICLES / "sleep.txt"), "--id", "Sleep Tips", "--title", "T",
        "--publisher", "P", "--corpus", str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == (
        "trdfaq: --id 'Sleep Tips': use lowercase letters, digits and hyphens\n"
    )


# ----------------------------------------------------------------------------- extraction


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        ("See [your GP](https://nhs.uk) *soon*.", "See your GP soon."),
        ("**Bold** and __strong__ and `code`", "Bold and strong and code"),
        ("![photo](a.jpg)Text", "Text"),
        ("5 \\* 3 &amp; more", "5 * 3 & more"),
        ("snake_case_word stays", "snake_case_word stays"),
    ],
)
def test_inline_markdown(markdown: str, plain: str) -> None:
    assert inline_markdown(markdown) == plain


def test_markdown_blocks() -> None:
    source = "Title\n=====\n\nText that\nwraps.\n\n1. One\n2. Two\n   more\n\n---\n\n> Quoted\n"
    assert markdown_blocks(source) == [
        ("heading", "Title", 1),
        ("paragraph", "Text that wraps.", 0),
        ("item", "1. One", 0),
        ("item", "2. Two more", 0),
        ("paragraph", "Quoted", 0),
    ]


def test_html_blocks() -> None:
    source = (
        "<body><div hidden>Popup</div><h3>Steps</h3><ol start='3'><li>First<li>Second</ol>"
        "<div role='navigation'><div>Menu</div></div><p>Done&nbsp;now<br>Next line</p></body>"
    )
    assert html_blocks(source) == [
        ("heading", "Steps", 3),
        ("item", "3. First", 0),
        ("item", "4. Second", 0),
        ("paragraph", "Done now", 0),
        ("paragraph", "Next line", 0),
    ]


def test_plain_text_headings_items_and_wrapped_lines(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(
        "1. Numbered Heading\n\nA long wrapped line of text with no full stop at the end\n"
        "Continues here. Another.\n\n1. first\n2. second\n"
    )
    blocks = [(b.kind, b.text, b.line) for b in read_article(article).blocks]
    assert blocks == [
        ("heading", "1. Numbered Heading", 1),
        ("paragraph", "A long wrapped line of text with no full stop at the end Continues "
         "here. Another.", 3),
        ("item", "1. first", 6),
        ("item", "2. second", 7),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("📞 Call (855) 263-1487 today", "phone number"),
        ("Call 0800 123 4567 for details", "phone number"),
        ("Book an appointment online", "booking prompt"),
        ("Contact us for a consultation", "contact prompt"),
        ("0 Shares:", "share counter or buttons"),
        ("Leave a Comment", "comments"),
        ("You May Also Like", "links to other pages"),
        ("Subscribe to our newsletter", "newsletter"),
        ("This site uses cookies.", "cookie banner"),
        ("© 2024 Clinic. All Rights Reserved.", "legal notice"),
        ("Reviewed by: Sasha Antoun", "byline"),
        ("Sasha holds over six years of experience in care.", "author bio"),
        ("Home › Blog › Sleep", "navigation"),
        ("If you feel unsafe, call 999 or go to A&E now.", None),
        ("Book an appointment with your GP if it lasts.", None),
        ("Avoid cookies and sugary snacks before bed.", None),
        ("Symptoms lasted 10-30 days in 13.92 percent of people.", None),
    ],
)
def test_promotion_patterns(line: str, reason: str | None) -> None:
    assert promotion().reason(line) == reason


# ---------------------------------------------------------------------------------- check


@pytest.fixture
def clean_corpus(corpus_copy: Path) -> Path:
    """The tiny corpus, which checks clean even with --strict."""
    return corpus_copy


def check(corpus: Path, capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, str]:
    """Run `trdfaq corpus check` in-process: exit status and output."""
    status = main(["corpus", "check", str(corpus), *options])
    return status, capsys.readouterr().out


def _edit(relative: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(corpus: Path) -> None:
        path = corpus / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def _append(relative: str, text: str) -> Callable[[Path], None]:
    def append(corpus: Path) -> None:
        with (corpus / relative).open("a", encoding="utf-8") as handle:
            handle.write(text)

    return append


def _add_source(source_id: str, text: str) -> Callable[[Path], None]:
    def add(corpus: Path) -> None:
        entry = f"  - id: {source_id}\n    title: T\n    kind: k\n    file: {source_id}.txt\n"
        _append("sources.yaml", entry)(corpus)
        (corpus / "sources" / f"{source_id}.txt").write_text(text, encoding="utf-8")

    return add


def _quoted(passage_id: str, sentence: str) -> Callable[[Path], None]:
    """A garden passage quoting a sentence that is added to the garden article first."""

    def add(corpus: Path) -> None:
        _append("sources/garden.txt", f"\n{sentence}\n")(corpus)
        _passage(passage_id, "garden", f'"{sentence}"')(corpus)

    return add


def _passage(passage_id: str, source: str, text: str, *questions: str) -> Callable[[Path], None]:
    asked = "".join(f"      - {q}\n" for q in questions or (f"{passage_id} a?", f"{passage_id} b?"))
    entry = f"  - id: {passage_id}\n    source: {source}\n    section: null\n"
    entry += f"    text: {text}\n    questions:\n{asked}"

    def add(corpus: Path) -> None:
        path = corpus / "passages" / f"{source}.yaml"
        head = "" if path.exists() else "passages:\n"
        _append(path.relative_to(corpus).as_posix(), head + entry)(corpus)

    return add


COPY = "Keep your chain clean and lightly oiled. A dry chain wears out the gears fast."
LONG = " ".join(f"Spoke number {n} of the wheel needs checking for tension." for n in range(14))
BICYCLE = "passages/bicycle.yaml"
CHAIN_AT = "(passages/bicycle.yaml:2)"
CASES = [
    (
        "not verbatim",
        _edit(BICYCLE, "lightly oiled", "well oiled"),
        "passages/bicycle.yaml:2: error: passage 'bicycle-chain': text is not a verbatim span of "
        "sources/bicycle.txt: quote the source's exact words (only whitespace may differ)",
        2, 2,
    ),
    (
        "unknown source",
        _edit(BICYCLE, "source: bicycle", "source: bike"),
        "passages/bicycle.yaml:2: error: passage 'bicycle-chain': unknown source id 'bike' "
        "(not in sources.yaml)",
        2, 2,
    ),
    (
        "invalid yaml",
        _edit(BICYCLE, "    questions:\n      - how do I look", "    questions: [\n      - how"),
        "passages/bicycle.yaml:7: error: invalid YAML: did not find expected node content",
        2, 2,
    ),
    (
        "unused source",
        _add_source("extra", "Extra text."),
        "sources.yaml:14: warning: source 'extra' is not quoted by any passage: draft passages "
        "for it, or remove it",
        0, 1,
    ),
    (
        "no questions",
        _edit(BICYCLE, "    questions:\n      - how often should I pump my tyres?\n"
              "      - why do I keep getting flat tyres?", "    questions: []"),
        "passages/bicycle.yaml:9: warning: passage 'bicycle-tyres' has no questions: add 2 to 6 "
        "that people would type",
        0, 1,
    ),
    (
        "one question",
        _edit(BICYCLE, "      - why do I keep getting flat tyres?\n", ""),
        "passages/bicycle.yaml:9: warning: passage 'bicycle-tyres' has only 1 question: add at "
        "least one more (2 to 6)",
        0, 1,
    ),
    (
        "seven questions",
        _append(BICYCLE, "".join(f"      - is tyre question {n} ok?\n" for n in range(5))),
        "passages/bicycle.yaml:9: warning: passage 'bicycle-tyres' has 7 questions: keep the 6 "
        "most typical",
        0, 1,
    ),
    (
        "question twice in a passage",
        _append(BICYCLE, "      - Why do I keep getting flat tyres\n"),
        "passages/bicycle.yaml:9: warning: passage 'bicycle-tyres' asks 'Why do I keep getting "
        "flat tyres' twice",
        0, 1,
    ),
    (
        "question of another passage of the source",
        _append(BICYCLE, "      - how do I look after my bike chain?\n"),
        "passages/bicycle.yaml:9: warning: passage 'bicycle-tyres' asks 'how do I look after my "
        f"bike chain?', as does passage 'bicycle-chain' {CHAIN_AT} of the same source: keep it "
        "in one only",
        0, 1,
    ),
    (
        "very short",
        _edit(BICYCLE, "every week; soft tyres make punctures more likely.", "every week;"),
        "passages/bicycle.yaml:9: warning: passage 'bicycle-tyres' is very short (5 words): join "
        "it to a neighbouring passage (at least 8 words)",
        0, 1,
    ),
    (
        "long",
        lambda c: (_append("sources/bicycle.txt", LONG + "\n")(c), _passage("bicycle-spokes",
                   "bicycle", LONG)(c)),
        "passages/bicycle.yaml:16: warning: passage 'bicycle-spokes' is long (140 words): split "
        "it into passages of one topic each (at most about 120 words)",
        0, 1,
    ),
    (
        "same text",
        _passage("bicycle-again", "bicycle", "Keep the chain clean and lightly  oiled. A dry "
                 "chain wears out the gears quickly."),
        "passages/bicycle.yaml:16: error: passage 'bicycle-again' has the same text as passage "
        f"'bicycle-chain' {CHAIN_AT}",
        2, 2,
    ),
    (
        "contained",
        _passage("bicycle-dry", "bicycle", "A dry chain wears out the gears quickly."),
        "passages/bicycle.yaml:16: warning: passage 'bicycle-dry' is contained in passage "
        f"'bicycle-chain' {CHAIN_AT}: keep one of them",
        0, 1,
    ),
    (
        "overlapping",
        _edit(BICYCLE, "text: Check tyre", "text: quickly. Check tyre"),
        "passages/bicycle.yaml:9: warning: passage 'bicycle-tyres' overlaps passage "
        f"'bicycle-chain' {CHAIN_AT}: quote each part of the source once",
        0, 1,
    ),
    (
        "nearly the same",
        lambda c: (_add_source("copy", COPY)(c), _passage("copy-chain", "copy", COPY)(c)),
        "passages/copy.yaml:2: warning: passage 'copy-chain' is nearly the same as passage "
        f"'bicycle-chain' {CHAIN_AT} (80% of words shared)",
        0, 1,
    ),
    (
        "promotion",
        _passage("garden-club", "garden", "Call us on 555-0100 to join the club!"),
        "passages/garden.yaml:20: warning: passage 'garden-club' has a line that looks like "
        "promotion (phone number): 'Call us on 555-0100 to join the club!'",
        0, 1,
    ),
    (
        "hype",
        _quoted("garden-best", "A groundbreaking way to grow lettuce in any garden."),
        "passages/garden.yaml:20: warning: passage 'garden-best' has a line that looks like "
        "promotion (hype): 'A groundbreaking way to grow lettuce in any garden.'",
        0, 1,
    ),
    (
        "clinic as authority",
        _quoted("garden-clinic", "The Green Valley Plant Clinic says copper works."),
        "passages/garden.yaml:20: warning: passage 'garden-clinic' has a line that looks like "
        "promotion (a clinic named as the authority): "
        "'The Green Valley Plant Clinic says copper works.'",
        0, 1,
    ),
    (
        "dangling lead-in",
        _quoted("garden-list", "Try these three ways to stop slugs eating lettuce:"),
        "passages/garden.yaml:20: warning: passage 'garden-list' ends on a lead-in (':') with "
        "nothing after it: add what it introduces, or cut the line",
        0, 1,
    ),
    (
        "duplicate glossary phrase",
        _append("glossary.yaml", "  - terms: [chain]\n    also: [drive chain]\n"),
        "glossary.yaml:9: warning: glossary phrase 'chain' is also in the entry at line 4: "
        "keep it in one entry",
        0, 1,
    ),
    (
        "glossary term",
        _append("glossary.yaml", "  - terms: [unicycle, chains]\n    also: [monocycle]\n"),
        "glossary.yaml:9: warning: glossary term 'unicycle' does not occur in any passage (after "
        "stemming): fix its spelling, or remove it",
        0, 1,
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("break_it", "expected", "status", "strict_status"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_check_reports_each_problem_at_its_file_and_line(
    clean_corpus: Path,
    capsys: pytest.CaptureFixture[str],
    break_it: Callable[[Path], object],
    expected: str,
    status: int,
    strict_status: int,
) -> None:
    break_it(clean_corpus)
    code, out = check(clean_corpus, capsys)
    lines = out.splitlines()
    assert len(lines) == 2, out  # the one problem, then the summary
    assert lines[0] == f"{clean_corpus}/{expected}"
    assert lines[1] == ("1 error, 0 warnings" if status == 2 else "0 errors, 1 warning")
    assert code == status
    assert check(clean_corpus, capsys, "--strict")[0] == strict_status


def test_check_clean_corpus(clean_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `also` phrases (tire, snails) need not occur; `terms` match after stemming (tyre/tyres).
    assert check(clean_corpus, capsys, "--strict") == (0, "corpus OK: 2 sources, 4 passages\n")


def test_check_collects_every_problem(
    clean_corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chosen = {"unused source", "no questions", "long", "same text", "promotion", "glossary term"}
    for name, break_it, *_ in CASES:
        if name in chosen:
            break_it(clean_corpus)
    code, out = check(clean_corpus, capsys)
    assert code == 2
    assert out.splitlines()[-1] == "1 error, 5 warnings"


def test_same_question_for_passages_of_different_sources_is_fine(
    clean_corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _append("passages/garden.yaml", "      - should I oil my chain?\n")(clean_corpus)
    assert check(clean_corpus, capsys, "--strict")[0] == 0


def test_check_as_a_subprocess_and_on_the_bundled_corpus(clean_corpus: Path) -> None:
    _edit(BICYCLE, "      - why do I keep getting flat tyres?\n", "")(clean_corpus)
    assert trdfaq_run("corpus", "check", str(clean_corpus)).returncode == 0
    assert trdfaq_run("corpus", "check", "--strict", str(clean_corpus)).returncode == 1
    bundled = trdfaq_run("corpus", "check")  # no DIR: the bundled corpus
    assert bundled.returncode == 0, bundled.stdout
    assert bundled.stdout.splitlines()[-1].startswith(("corpus OK: 5 sources", "0 errors"))


# ---------------------------------------------------------------------------------- stats


def test_stats_of_the_tiny_corpus() -> None:
    result = trdfaq_run("corpus", "stats", str(DATA / "corpus"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for pattern in (
        r"sources\s+2", r"passages\s+4", r"  garden\s+2", r"  bicycle\s+2",
        r"questions per passage\s+min 2, median 2, max 2",
        r"words per passage\s+min 11, median 15, max 23",
        r"vocabulary \(distinct stems\)\s+\d+", r"glossary entries\s+3",
        r"passages that none of their own questions retrieves first: 0",
    ):  # fmt: skip
        assert any(re.fullmatch(pattern, line) for line in lines), pattern


def test_stats_lists_passages_their_own_questions_miss(corpus_copy: Path) -> None:
    _edit(
        BICYCLE,
        "      - how often should I pump my tyres?\n      - why do I keep getting flat tyres?",
        "      - how do I oil a dry chain?\n      - do gears wear out?",
    )(corpus_copy)
    lines = trdfaq_run("corpus", "stats", str(corpus_copy)).stdout.splitlines()
    assert lines[-4:] == [
        "passages that none of their own questions retrieves first: 1",
        "  bicycle-tyres (passages/bicycle.yaml:9)",
        "    'how do I oil a dry chain?' -> bicycle-chain",
        "    'do gears wear out?' -> bicycle-chain",
    ]


def _passages(corpus: Path) -> list[dict[str, object]]:
    import yaml

    data = yaml.safe_load((corpus / "passages" / "sleep.yaml").read_text(encoding="utf-8"))
    passages: list[dict[str, object]] = data["passages"]
    return passages


def test_normalised_text_of_fixture_articles_agrees_across_formats(tmp_path: Path) -> None:
    texts = set()
    for fmt in FORMATS:
        draft_sleep(fmt, tmp_path / fmt)
        texts.add(tuple(normalise_space(str(p["text"]))[0] for p in _passages(tmp_path / fmt)))
    assert len(texts) == 1


def test_check_flags_a_passage_whose_aspects_are_missing(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(bundled_corpus_dir(), corpus)
    path = corpus / "passages" / "pointhealth.yaml"
    text = path.read_text(encoding="utf-8")
    labels = "    aspects: [outlook, overview]\n"
    assert labels in text
    path.write_text(text.replace(labels, "", 1), encoding="utf-8")
    result = trdfaq_run("corpus", "check", "--strict", str(corpus))
    assert result.returncode == 1
    assert "passage 'ph-final-thoughts' names no aspects: say what it answers" in result.stdout


def test_every_corroboration_the_corpus_can_show_states_the_same_claim() -> None:
    import yaml

    from trdfaq import Assistant

    assistant = Assistant.load()
    labelled = {
        frozenset((item["a"], item["b"])): item["same_claim"]
        for item in yaml.safe_load((DATA / "corroboration.yaml").read_text(encoding="utf-8"))
    }
    overlap = assistant.engine.corpus.settings.corroboration_overlap
    passages = assistant.engine.corpus.passages
    shown = [
        frozenset((a.id, b.id))
        for i, a in enumerate(passages)
        for b in passages[i + 1 :]
        if a.source.id != b.source.id
        and max(assistant.likeness(a, b), assistant.likeness(b, a)) >= overlap
    ]
    assert shown, "no corroboration left to show"
    unlabelled = [sorted(pair) for pair in shown if pair not in labelled]
    assert not unlabelled, f"label these pairs in tests/data/corroboration.yaml: {unlabelled}"
    assert all(labelled[pair] for pair in shown), [sorted(p) for p in shown if not labelled[p]]


def test_check_flags_a_glossary_entry_that_turns_a_passage_question_elsewhere(
    tmp_path: Path,
) -> None:
    # "family history" as a term of genetics (a false synonym, found by this check and
    # removed) sent "is treatment resistant depression genetic" to a risk-factor list.
    corpus = tmp_path / "corpus"
    shutil.copytree(bundled_corpus_dir(), corpus)
    path = corpus / "glossary.yaml"
    text = path.read_text(encoding="utf-8")
    entry = "  - terms: [genetics, genetic factors, genetic variations, genetic vulnerabilities]"
    assert entry in text
    path.write_text(text.replace(entry, entry[:-1] + ", family history]", 1), encoding="utf-8")
    result = trdfaq_run("corpus", "check", "--strict", str(corpus))
    assert result.returncode == 1
    assert (
        "passage 'ma-trd-causes' the glossary expansion of 'genet' turns its question "
        "'is treatment resistant depression genetic' to passage 'ph-risk-factors'"
    ) in result.stdout
