"""Plain-text rendering of an Answer for the terminal (`trdfaq ask`), with optional colour."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from .answer import Answer, Crisis, CrisisResource, Quote, SourceRef
from .prompts import Prompts

# A space between digits, as in "116 123": kept, so a number stays on one line.
_NUMBER_SPACE = re.compile(r"(?<=\d) (?=\d)")


@dataclass(frozen=True)
class Style:
    """ANSI styles, or none at all for plain output."""

    color: bool = False

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.color and text else text

    def bold(self, text: str) -> str:
        """Strong emphasis."""
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        """De-emphasised text."""
        return self._wrap("2", text)

    def alert(self, text: str) -> str:
        """The crisis colour: bold on red."""
        return self._wrap("1;37;41", text)


def source_line(source: SourceRef, prompts: Prompts) -> str:
    """'Title — Publisher, section “Section”'."""
    publisher = source.publisher or prompts.labels["publisher_unknown"]
    line = f"{source.title} — {publisher}"
    if source.section and source.section != source.title:
        line += f", {prompts.labels['section'].lower()} “{source.section}”"
    return line


def _fill(text: str, width: int, prefix: str = "", indent: str | None = None) -> list[str]:
    """Wrap text; a phone number ("116 123") is never split across lines."""
    glued = _NUMBER_SPACE.sub("\u00a0", text)  # textwrap breaks at ASCII whitespace only
    lines = textwrap.wrap(
        glued,
        width=width,
        initial_indent=prefix,
        subsequent_indent=prefix if indent is None else indent,
        break_on_hyphens=False,
    )
    return [line.replace("\u00a0", " ") for line in lines] or [prefix.rstrip()]


def _wrap_spans(
    text: str, spans: tuple[tuple[int, int], ...], style: Style, width: int
) -> list[str]:
    """Wrap a quote as a block quotation, emboldening the highlighted character spans."""
    lines: list[str] = []
    offset = 0
    for paragraph in text.split("\n"):
        line: list[str] = []
        length = 2
        for word_start, word in _words(paragraph, offset):
            if line and length + 1 + len(word) > width:
                lines.append("> " + " ".join(line))
                line, length = [], 2
            bold = any(s <= word_start < e for s, e in spans)
            line.append(style.bold(word) if bold else word)
            length += len(word) + (1 if len(line) > 1 else 0)
        lines.append(("> " + " ".join(line)).rstrip())
        offset += len(paragraph) + 1
    return lines


def _words(paragraph: str, offset: int) -> list[tuple[int, str]]:
    out, at = [], 0
    for word in paragraph.split():
        at = paragraph.index(word, at)
        out.append((offset + at, word))
        at += len(word)
    return out


def render_quote(
    quote: Quote,
    prompts: Prompts,
    style: Style,
    width: int,
    shown: frozenset[str] = frozenset(),
    spare: int | None = None,
) -> list[str]:
    """A block quotation, then its source line and any corroborating sources.

    A corroborating passage shown elsewhere in the reply (`shown`) gets its source line only,
    so no quote is printed twice; so do those beyond `spare` more quotes (--top-k). A folded
    quote (a weaker further one) is dimmed.
    """
    return _render_quote(quote, prompts, style, width, shown, spare)[0]


def _render_quote(
    quote: Quote,
    prompts: Prompts,
    style: Style,
    width: int,
    shown: frozenset[str],
    spare: int | None,
) -> tuple[list[str], list[str]]:
    """render_quote's lines, and the corroborating passages whose words they print."""
    used: list[str] = []
    spans = quote.highlights if style.color else ()
    dim = style.dim if quote.folded else str
    lines = [dim(line) for line in _wrap_spans(quote.quote, spans, style, width)]
    line = f"— {source_line(quote.source, prompts)}"
    lines += [style.dim(part) for part in _fill(line, width, "  ", "    ")]
    if quote.corroborated_by:
        n = len(quote.corroborated_by) + 1
        label = prompts.labels["corroborated"].format(n=n)
        lines.append(style.dim(f"  ({label}; {prompts.labels['also']}:)"))
        for other in quote.corroborated_by:
            if other.passage_id not in shown and (spare is None or len(used) < spare):
                lines += ["  " + line for line in _wrap_spans(other.quote, (), style, width - 2)]
                used.append(other.passage_id)
            line = f"— {source_line(other.source, prompts)}"
            lines += [style.dim(part) for part in _fill(line, width, "    ", "      ")]
    return lines, used


def render_quotes(
    quotes: tuple[Quote, ...],
    prompts: Prompts,
    style: Style,
    width: int,
    shown: frozenset[str],
    top_k: int | None,
) -> list[str]:
    """Quotes one after another, at most `top_k` passages' words in all (corroborations
    count), the folded ones after a "less close" label."""
    lines: list[str] = []
    quotes = quotes[:top_k]
    # Corroborating passages' words only in the room the quotes themselves leave.
    spare = None if top_k is None else top_k - len(quotes)
    for i, quote in enumerate(quotes):
        if quote.folded and not any(q.folded for q in quotes[:i]):
            lines += [style.dim(prompts.labels["folded"] + ":"), ""]
        quoted, used = _render_quote(quote, prompts, style, width, shown, spare)
        spare = None if spare is None else spare - len(used)
        shown |= set(used)  # an agreeing passage is quoted under the first quote it agrees with
        lines += [*quoted, ""]
    return lines


def region_label(resource: CrisisResource) -> str:
    """' (UK/IE)' after a resource's name, or nothing when the name already says it
    ("Shout (Crisis Text Line UK)" is not followed by "(UK)" again)."""
    named = set(re.findall(r"\w+", resource.name))
    codes = resource.region.split("/")
    return "" if all(code in named for code in codes) else f" ({resource.region})"


def render_crisis(crisis: Crisis, style: Style, width: int) -> list[str]:
    """A line to call now first, then a sentence of care (and a check-in's question), then
    every resource once, one to a line, then the closing words."""
    lines = [style.alert(line) for line in _fill(crisis.headline, width)]
    lines += _fill(crisis.message, width)
    if crisis.question:
        lines += [style.bold(line) for line in _fill(crisis.question, width)]
    lines.append("")
    for resource in crisis.resources:
        name = f"{resource.name}{region_label(resource)}:"
        first, *rest = _fill(f"• {name} {resource.contact}", width, "", "  ")
        lines.append(style.bold(first[: len(name) + 2]) + first[len(name) + 2 :])
        lines += rest
    for text in (crisis.note, crisis.closing):
        if text:
            lines += ["", *_fill(text, width)]
    lines.append("")
    return lines


def render_answer(
    answer: Answer,
    prompts: Prompts,
    *,
    color: bool = False,
    width: int = 78,
    top_k: int | None = None,
) -> str:
    """The whole answer as text: crisis first, then notices, quotes, what the articles say
    about the subject (under its own heading, never as the answer), follow-ups, disclaimer.

    `top_k` caps the passages whose words are printed, corroborating ones included.
    """
    style = Style(color)
    lines: list[str] = []
    if answer.crisis is not None:
        lines += render_crisis(answer.crisis, style, width)
    if answer.message:
        lines += [*_fill(answer.message, width), ""]
    related = answer.related.quotes if answer.related is not None else ()
    shown = frozenset(q.passage_id for q in (*answer.answers, *related))
    lines += render_quotes(answer.answers, prompts, style, width, shown, top_k)
    if answer.related is not None and related:
        seen = {q.passage_id for q in answer.answers}
        others = tuple(q for q in related if q.passage_id not in seen)
        lines += [style.bold(line) for line in _fill(answer.related.label, width)]
        lines.append("")
        quoted = render_quotes(others, prompts, style, width - 2, shown, top_k)
        lines += [f"  {line}" if line else "" for line in quoted]
    if answer.follow_ups:
        title = prompts.labels["topics" if answer.status == "no_match" else "follow_ups"]
        lines.append(f"{title}:")
        lines += [f"  • {q}" for q in answer.follow_ups]
        lines.append("")
    if answer.footer:
        lines += [*_fill(answer.footer, width), ""]
    lines += [style.dim(line) for line in _fill(answer.disclaimer, width)]
    return "\n".join(lines)
