"""The blocks of Markdown and HTML articles: headings, paragraphs and list items as text."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from .extract import BULLET, Kind

Part = tuple[Kind, str, int]  # kind, text, heading level

# ------------------------------------------------------------------------------- Markdown

_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_ITEM = re.compile(r"^(\s*)([-*+]|\d{1,3}[.)])\s+(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_INLINE = [
    (re.compile(r"<!--.*?-->"), ""),
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference links
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),  # autolinks
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),  # inline HTML
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"~~(.+?)~~"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~])"), r"\1"),
]


def inline_markdown(text: str) -> str:
    """Markdown inline markup (links, emphasis, code, images) reduced to plain text."""
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return html.unescape(text)


def markdown_blocks(source: str) -> list[Part]:
    """The blocks of a Markdown document (front matter, images and HTML comments dropped)."""
    lines = source.split("\n")
    if lines and lines[0].strip() == "---" and "---" in (s.strip() for s in lines[1:]):
        lines = lines[[s.strip() for s in lines].index("---", 1) + 1 :]
    reader = _MarkdownReader()
    for line in re.sub(r"<!--.*?-->", "", "\n".join(lines), flags=re.DOTALL).split("\n"):
        reader.read(line)
    reader.flush()
    return reader.parts


class _MarkdownReader:
    """Reads Markdown a line at a time into blocks."""

    def __init__(self) -> None:
        self.parts: list[Part] = []
        self.para: list[str] = []
        self.fenced = False
        self.in_item = False

    def flush(self) -> None:
        """End the paragraph being read."""
        if self.para:
            self.parts.append(("paragraph", inline_markdown(" ".join(self.para)), 0))
            self.para.clear()

    def read(self, raw: str) -> None:
        """Take in the next line."""
        if _FENCE.match(raw):
            self.flush()
            self.fenced = not self.fenced
            return
        if self.fenced:
            self.para.append(raw)
            return
        line = re.sub(r"^\s{0,3}(?:>\s?)+", "", raw)  # block quotes read as plain text
        continues, self.in_item = self.in_item, False
        if _SETEXT.match(line) and self.para:
            level = 1 if "=" in line else 2
            self.parts.append(("heading", inline_markdown(" ".join(self.para)), level))
            self.para.clear()
            return
        if not line.strip() or any(p.match(line) for p in (_RULE, _REFERENCE, _TABLE_RULE)):
            self.flush()
            return
        if self._heading_or_item(line):
            return
        if continues:  # the line carries on the list item above
            kind, text, level = self.parts.pop()
            self.parts.append((kind, f"{text} {inline_markdown(line.strip())}", level))
            self.in_item = True
            return
        self.para.append(line.strip())

    def _heading_or_item(self, line: str) -> bool:
        """Add a heading or list item line as its own block; whether it was one."""
        heading = _ATX.match(line)
        item = _ITEM.match(line)
        if heading is None and item is None:
            return False
        self.flush()
        if heading is not None:
            self.parts.append(("heading", inline_markdown(heading.group(2)), len(heading.group(1))))
        elif item is not None:
            mark = BULLET if item.group(2) in "-*+" else item.group(2)
            self.parts.append(("item", f"{mark} {inline_markdown(item.group(3))}", 0))
            self.in_item = True
        return True


# ----------------------------------------------------------------------------------- HTML

# fmt: off
_DROP = frozenset({
    "script", "style", "noscript", "template", "head", "nav", "header", "footer", "svg",
    "iframe", "form", "button", "select", "textarea", "canvas", "object",
})
_DROP_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "dialog", "alertdialog"})
_VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
})
_BLOCK = frozenset({
    "p", "div", "section", "article", "main", "aside", "li", "ul", "ol", "dl", "dt", "dd",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "thead", "tbody",
    "tr", "td", "th", "figure", "figcaption", "br", "hr", "body", "html", "address",
    "details", "summary", "caption",
})
# fmt: on
_HEADINGS = {f"h{n}": n for n in range(1, 7)}


class _TextParser(HTMLParser):
    """Collects the text of an HTML page as blocks, leaving out scripts, menus and the like."""

    def __init__(self, scope: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.scope = scope  # only text inside this element counts (main or article), if set
        self.depth: dict[str, int] = {}
        self.dropping: list[tuple[str, int]] = []  # (tag, depth) of elements being left out
        self.lists: list[tuple[list[int], int]] = []  # ([next number] or [], <li> depth) per list
        self.heading = 0
        self.marker: str | None = None
        self.buffer: list[str] = []
        self.parts: list[Part] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open an element: a block, a list, an item, a heading, or something left out."""
        if tag in _VOID:
            if tag in ("br", "hr"):
                self.flush()
            return
        if tag == "li" and self.lists and self.depth.get("li", 0) > self.lists[-1][1]:
            self.handle_endtag("li")  # <li> closes the item before it, as browsers do
        self.depth[tag] = self.depth.get(tag, 0) + 1
        found = dict(attrs)
        hidden = "hidden" in found or found.get("aria-hidden") == "true"
        if tag in _DROP or found.get("role") in _DROP_ROLES or hidden:
            self.dropping.append((tag, self.depth[tag]))
        if tag in _BLOCK:
            self.flush()
        if tag in ("ul", "ol"):
            start = found.get("start") or "1"
            numbering = [int(start)] if tag == "ol" and start.isdigit() else []
            self.lists.append((numbering, self.depth.get("li", 0)))
        elif tag == "li":
            numbering = self.lists[-1][0] if self.lists else []
            self.marker = f"{numbering[0]}." if numbering else BULLET
            if numbering:
                numbering[0] += 1
        elif tag in _HEADINGS:
            self.heading = _HEADINGS[tag]

    def handle_endtag(self, tag: str) -> None:
        """Close an element."""
        if tag in _VOID or not self.depth.get(tag):
            return
        if tag in _BLOCK:
            self.flush()
        while (
            self.dropping
            and self.dropping[-1][0] == tag
            and (self.dropping[-1][1] >= self.depth[tag])
        ):
            self.dropping.pop()
        self.depth[tag] -= 1
        if tag in ("ul", "ol") and self.lists:
            self.depth["li"] = self.lists.pop()[1]  # items left open end with their list
        elif tag in _HEADINGS:
            self.heading = 0

    def handle_data(self, data: str) -> None:
        """Keep text that is in scope and not left out."""
        in_scope = self.scope is None or self.depth.get(self.scope, 0) > 0
        if in_scope and not self.dropping:
            self.buffer.append(data)

    def flush(self) -> None:
        """End the current block."""
        text = " ".join("".join(self.buffer).split())
        self.buffer.clear()
        if not text:
            return
        if self.heading:
            self.parts.append(("heading", text, self.heading))
        elif self.depth.get("li", 0) > 0:
            marker, self.marker = self.marker, None
            self.parts.append(("item", f"{marker} {text}" if marker else text, 0))
        else:
            self.parts.append(("paragraph", text, 0))


def html_blocks(source: str) -> list[Part]:
    """The blocks of an HTML page: its <main> (else its <article>s, else all of it)."""
    scope = next((t for t in ("main", "article") if re.search(rf"<{t}[\s>]", source, re.I)), None)
    parser = _TextParser(scope)
    parser.feed(source)
    parser.close()
    parser.flush()
    return parser.parts
