"""Article text extraction from .txt, .md and .html files, as plain text and its blocks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import TrdfaqError

Kind = Literal["heading", "paragraph", "item"]
FORMATS = dict.fromkeys((".txt", ".text"), "txt") | dict.fromkeys((".md", ".markdown"), "md")
FORMATS |= dict.fromkeys((".html", ".htm"), "html")
BULLET = "•"
_BULLET_LINE = re.compile(r"^\s*[•·▪◦‣∙●○■□➢➤►✓✔*+-]\s+\S")
_NUMBER_LINE = re.compile(r"^\s*\d{1,3}[.)]\s+\S")
_TERMINAL = re.compile(r"[.!?:;…][\"'”’)\]]*$")
_HEADING_END = re.compile(r"[.,;:!…]$")
HEADING_MAX_WORDS = 12  # a plain-text line longer than this is never taken for a heading
# Text is hard-wrapped where no line of a run of lines is longer than WRAP_WIDTH; there an
# unpunctuated line at least WRAPPED_SHARE of the run's longest carries on into the next.
WRAP_WIDTH, WRAPPED_SHARE = 100, 0.6


@dataclass(frozen=True)
class Block:
    """A heading, paragraph or list item, as a span of the article's plain text."""

    kind: Kind
    start: int
    end: int
    line: int  # 1-based line of `start`
    text: str  # the span with whitespace runs collapsed
    level: int = 0  # heading level from the markup; 0 when guessed from plain text


@dataclass(frozen=True)
class Article:
    """An article's plain text (what sources/<id>.txt holds) and its blocks, in order."""

    text: str
    blocks: tuple[Block, ...]
    format: str


def read_article(path: Path) -> Article:
    """Read a .txt, .md or .html article; TrdfaqError (naming the file) for any problem."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        suffix = path.suffix or "(none)"
        raise TrdfaqError(f"unknown file type {suffix!r}: use one of {known}", path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise TrdfaqError("file not found", path) from None
    except IsADirectoryError:
        raise TrdfaqError("is a folder, not an article file", path) from None
    except OSError as exc:
        raise TrdfaqError(f"cannot read: {exc.strerror}", path) from None
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TrdfaqError(
            f"not UTF-8 text ({exc.reason} at byte {exc.start}): save it as UTF-8 and try again",
            path,
        ) from None
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    if fmt == "txt":
        article = Article(source, tuple(plain_blocks(source)), fmt)
    else:
        from .markup import html_blocks, markdown_blocks  # noqa: PLC0415

        parts = markdown_blocks(source) if fmt == "md" else html_blocks(source)
        article = render(parts, fmt)
    if not article.blocks:
        raise TrdfaqError("no text found in the article", path)
    return article


def collapse(text: str) -> str:
    """Whitespace runs as single spaces, no leading or trailing space."""
    return " ".join(text.split())


def render(parts: Iterable[tuple[Kind, str, int]], fmt: str) -> Article:
    """Plain text from (kind, text, level) parts: blank lines between blocks, items one a line."""
    out: list[str] = []
    blocks: list[Block] = []
    at, line = 0, 1
    previous: Kind | None = None
    for kind, raw, level in parts:
        text = collapse(raw)
        if not text:
            continue
        if previous is not None:
            gap = "\n" if kind == "item" and previous == "item" else "\n\n"
            out.append(gap)
            at += len(gap)
            line += gap.count("\n")
        blocks.append(Block(kind, at, at + len(text), line, text, level))
        out.append(text)
        at += len(text)
        previous = kind
    return Article("".join(out) + "\n" if out else "", tuple(blocks), fmt)


def plain_blocks(text: str) -> list[Block]:
    """The blocks of a plain-text article, with headings and list items guessed from layout."""
    lines: list[tuple[int, int, int]] = []  # (start, end, line number) of non-blank lines
    at = 0
    for number, raw in enumerate(text.split("\n"), 1):
        stripped = raw.strip()
        if stripped:
            start = at + len(raw) - len(raw.lstrip())
            lines.append((start, start + len(stripped), number))
        else:
            lines.append((-1, -1, number))
        at += len(raw) + 1
    widths = _run_widths(lines)
    blocks: list[Block] = []
    open_para: list[tuple[int, int, int]] = []

    def close() -> None:
        """End the paragraph (or heading) being read."""
        if open_para:
            start, _, number = open_para[0]
            end = open_para[-1][1]
            span = collapse(text[start:end])
            heading = len(open_para) == 1 and _looks_like_heading(span)
            kind: Kind = "heading" if heading else "paragraph"
            blocks.append(Block(kind, start, end, number, span))
            open_para.clear()

    for i, (start, end, number) in enumerate(lines):
        if start < 0:
            close()
            continue
        line = text[start:end]
        if _is_item(line, i, lines, text):
            close()
            blocks.append(Block("item", start, end, number, collapse(line)))
            continue
        previous = text[open_para[-1][0] : open_para[-1][1]] if open_para else ""
        if open_para and not _continues(previous, line, widths[i]):
            close()
        open_para.append((start, end, number))
    close()
    return blocks


def _is_item(line: str, i: int, lines: list[tuple[int, int, int]], text: str) -> bool:
    if _BULLET_LINE.match(line):
        return True
    if not _NUMBER_LINE.match(line):
        return False
    # "1. Electroconvulsive Therapy" alone is a numbered heading; numbered lines that
    # follow one another (blank lines aside) are a list.
    neighbours = [lines[j] for j in _nearest_nonblank(lines, i)]
    return any(_NUMBER_LINE.match(text[s:e]) for s, e, _ in neighbours)


def _nearest_nonblank(lines: list[tuple[int, int, int]], i: int) -> list[int]:
    found = []
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(lines) and lines[j][0] < 0:
            j += step
        if 0 <= j < len(lines):
            found.append(j)
    return found


def _run_widths(lines: list[tuple[int, int, int]]) -> list[int]:
    """For each line, the length of the longest line of its run of non-blank lines."""
    widths = [0] * len(lines)
    run: list[int] = []
    for i, line in enumerate([*lines, (-1, -1, 0)]):
        if line[0] >= 0:
            run.append(i)
            continue
        width = max((lines[j][1] - lines[j][0] for j in run), default=0)
        for j in run:
            widths[j] = width
        run = []
    return widths


def _continues(previous: str, line: str, width: int) -> bool:
    """Whether `line` carries on the paragraph of `previous` (hard-wrapped text)."""
    if line.lstrip()[:1].islower():
        return True
    wrapped = width <= WRAP_WIDTH and len(previous) >= WRAPPED_SHARE * width
    return wrapped and not _TERMINAL.search(previous)


def _looks_like_heading(line: str) -> bool:
    words = line.split()
    first = next((c for c in line if c.isalnum()), "")
    return (
        0 < len(words) <= HEADING_MAX_WORDS
        and not _HEADING_END.search(line)
        and (first.isupper() or first.isdigit())
    )
