"""Planning draft passages: an article's blocks cut into focused, verbatim chunks."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

from ..analysis import stopwords, tokenize
from .extract import Article, Block, collapse
from .promotion import Promotion, promotion

# A paragraph this short (in sentences and words) stays one passage; longer ones are split
# into chunks of at most MAX_SENTENCES sentences, about TARGET_WORDS words each.
WHOLE_SENTENCES, WHOLE_WORDS = 3, 100
MAX_SENTENCES, TARGET_WORDS = 3, 80
LIST_MAX_WORDS = 100  # a list takes its lead-in paragraph's whole last chunk up to this size
MIN_WORDS = 8  # shorter pieces are merged with a neighbour (as `corpus check` warns below it)
SLUG_WORDS = 4
NAVIGATION = "navigation-like short line"
_UNDER = "list item introduced by line"
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9•])")
# fmt: off
_ABBREVIATIONS = frozenset({
    "e.g.", "i.e.", "dr.", "mr.", "mrs.", "ms.", "prof.", "st.", "vs.", "no.", "fig.",
    "approx.", "u.s.", "u.k.", "inc.", "ltd.", "jr.", "sr.", "mt.", "ca.", "cf.", "al.",
})
# fmt: on


@dataclass(frozen=True)
class LeftOut:
    """A line left out of the draft because it looks like promotion or boilerplate."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class DraftPassage:
    """One drafted passage: a span of the article text, rendered one block a line."""

    id: str
    section: str | None
    start: int
    end: int
    text: str


@dataclass
class _Piece:
    segment: int  # pieces of one segment are contiguous: nothing left out between them
    section: str | None
    start: int
    end: int
    words: int = field(default=0)


def plan(article: Article, source_id: str, title: str) -> tuple[list[DraftPassage], list[LeftOut]]:
    """The draft passages of an article, and the lines left out of them."""
    rules = promotion()
    status = _classify(article.blocks, title, rules)
    left_out = [
        LeftOut(b.line, b.text, s[5:])
        for b, s in zip(article.blocks, status, strict=True)
        if s.startswith("left:")
    ]
    pieces = _pieces(article, status)
    pieces = _merge_short(article.text, pieces)
    used: set[str] = set()
    drafts = []
    for piece in pieces:
        text = render_span(article, piece.start, piece.end)
        drafts.append(
            DraftPassage(
                _new_id(source_id, text, used), piece.section, piece.start, piece.end, text
            )
        )
    return drafts, left_out


def render_span(article: Article, start: int, end: int) -> str:
    """The text of a span, one line per block it covers, whitespace runs collapsed."""
    lines = [
        collapse(article.text[max(start, b.start) : min(end, b.end)])
        for b in article.blocks
        if b.start < end and b.end > start
    ]
    return "\n".join(line for line in lines if line)


def _classify(blocks: tuple[Block, ...], title: str, rules: Promotion) -> list[str]:
    """Each block's role: title, heading, body, or left:<reason>."""
    reasons = [rules.reason(b.text) for b in blocks]
    status = []
    for i, block in enumerate(blocks):
        # A short label is a link or button (not a heading) when it stands at the end, or
        # among other short labels, as in a menu.
        after = next(
            (b for b, r in zip(blocks[i + 1 :], reasons[i + 1 :], strict=True) if not r), None
        )
        alone = after is None or (after.kind != "item" and rules.is_short_label(after.text))
        if reasons[i]:
            status.append(f"left:{reasons[i]}")
        elif _is_title(block, i, title):
            status.append("title")
        elif (
            block.kind != "item" and block.level == 0 and rules.is_short_label(block.text) and alone
        ):
            status.append(f"left:{NAVIGATION}")
        else:
            status.append("heading" if block.kind == "heading" else "body")
    for i, block in enumerate(blocks):
        # A list introduced by a promotional line ("Our services include:") is promotion too.
        before = status[i - 1] if i else ""
        if block.kind != "item" or status[i] != "body" or not before.startswith("left:"):
            continue
        if before.startswith(f"left:{_UNDER}"):
            status[i] = before
        elif before != f"left:{NAVIGATION}":
            status[i] = f"left:{_UNDER} {blocks[i - 1].line}"
    return status


def _is_title(block: Block, index: int, title: str) -> bool:
    """The article's own title: its text, or a top-level heading that opens the article."""
    if block.kind != "item" and block.text.casefold() == collapse(title).casefold():
        return True
    return block.kind == "heading" and index == 0 and block.level <= 1


def _pieces(article: Article, status: list[str]) -> list[_Piece]:
    """Paragraphs split into sentence groups, and lists with their lead-in sentences."""
    units: list[tuple[int, str | None, list[Block]]] = []  # segment, section, blocks
    segment, section = 0, None
    for block, role in zip(article.blocks, status, strict=True):
        if role != "body":
            segment += 1
            if role in ("title", "heading") or block.kind == "heading":
                section = block.text if role == "heading" else None
            continue
        last = units[-1] if units else None
        if block.kind == "item" and last and last[0] == segment and last[2][-1].kind == "item":
            last[2].append(block)
        else:
            units.append((segment, section, [block]))
    text = article.text
    groups = [
        _groups(text, sentence_spans(text, blocks[0].start, blocks[0].end))
        if blocks[0].kind != "item"
        else []
        for _, _, blocks in units
    ]
    pieces: list[_Piece] = []
    for i, (seg, sec, blocks) in enumerate(units):
        if blocks[0].kind == "item":
            start = blocks[0].start
            if i and units[i - 1][0] == seg and groups[i - 1]:
                start = _lead_in(text, groups[i - 1], start, blocks[-1].end)
            pieces.append(_Piece(seg, sec, start, blocks[-1].end))
    for i, (seg, sec, _) in enumerate(units):
        for group in groups[i]:
            pieces.append(_Piece(seg, sec, group[0][0], group[-1][1]))
    pieces.sort(key=lambda p: p.start)
    for piece in pieces:
        piece.words = len(tokenize(text[piece.start : piece.end]))
    return pieces


def _lead_in(text: str, groups: list[list[tuple[int, int]]], start: int, end: int) -> int:
    """Where a list's passage starts: its lead-in taken from the paragraph's last chunk.

    The whole chunk goes with the list while the passage stays under LIST_MAX_WORDS words,
    else only its last sentence (the one that introduces the list).
    """
    last = groups[-1]
    if len(tokenize(text[last[0][0] : end])) <= LIST_MAX_WORDS or len(last) == 1:
        groups.pop()
        return last[0][0]
    return last.pop()[0]


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of text[start:end], as (start, end) offsets."""
    spans = []
    at = start
    for match in _BOUNDARY.finditer(text, start, end):
        word = text[at : match.start() + 1].rsplit(maxsplit=1)[-1].lower()
        if word in _ABBREVIATIONS or re.fullmatch(r"[a-z]\.", word):
            continue
        stop = match.start() + len(match.group().rstrip())
        spans.append((at, stop))
        at = match.end()
    spans.append((at, end))
    return spans


def _groups(text: str, spans: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Consecutive sentences grouped into chunks of 1 to 3 sentences of similar length."""
    if not spans:
        return []
    words = [len(tokenize(text[s:e])) for s, e in spans]
    total = sum(words)
    if len(spans) <= WHOLE_SENTENCES and total <= WHOLE_WORDS:
        return [spans]
    count = max(math.ceil(len(spans) / MAX_SENTENCES), math.ceil(total / TARGET_WORDS))
    target = total / count
    groups: list[list[tuple[int, int]]] = [[]]
    size = 0
    for span, n in zip(spans, words, strict=True):
        current = groups[-1]
        if current and (len(current) == MAX_SENTENCES or size + n / 2 > target):
            groups.append([])
            size = 0
        groups[-1].append(span)
        size += n
    return groups


def _merge_short(text: str, pieces: list[_Piece]) -> list[_Piece]:
    """Pieces under MIN_WORDS words joined to the next (else previous) piece of their segment."""
    merged = True
    while merged:
        merged = False
        for i, piece in enumerate(pieces):
            if piece.words >= MIN_WORDS:
                continue
            for j in (i + 1, i - 1):
                if 0 <= j < len(pieces) and pieces[j].segment == piece.segment:
                    other = pieces[j]
                    other.start = min(other.start, piece.start)
                    other.end = max(other.end, piece.end)
                    other.words = len(tokenize(text[other.start : other.end]))
                    del pieces[i]
                    merged = True
                    break
            if merged:
                break
    return pieces


def _new_id(source_id: str, text: str, used: set[str]) -> str:
    """`<source>-<first content words>`, unique among `used` (which it is added to)."""
    stop = stopwords()
    words = []
    for token in tokenize(text):
        ascii_word = unicodedata.normalize("NFKD", token).encode("ascii", "ignore").decode()
        word = re.sub(r"[^a-z0-9]+", "", ascii_word.lower())
        if word and token not in stop and word not in words:
            words.append(word)
        if len(words) == SLUG_WORDS:
            break
    base = "-".join([source_id, *words]) if words else f"{source_id}-passage"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    used.add(candidate)
    return candidate
