"""The chat's widgets: the question box, quotes, answers and the crisis panel."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.style import Style
from textual.widget import Widget
from textual.widgets import Collapsible, Input, OptionList, Static
from textual.widgets.option_list import Option

from ..answer import Answer, Corroboration, Crisis, CrisisResource, Quote
from ..prompts import Prompts
from ..render import region_label, source_line

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


class History:
    """Questions asked this session, kept in memory only, for Up/Down recall."""

    def __init__(self) -> None:
        self._items: list[str] = []
        self._at = 0
        self._draft = ""

    def add(self, question: str) -> None:
        """Remember a question (not twice in a row) and go back to the end."""
        if not self._items or self._items[-1] != question:
            self._items.append(question)
        self._at = len(self._items)
        self._draft = ""

    def back(self, current: str) -> str | None:
        """The question before the one shown, or None at the oldest."""
        if self._at == 0:
            return None
        if self._at == len(self._items):
            self._draft = current
        self._at -= 1
        return self._items[self._at]

    def forward(self) -> str | None:
        """The question after the one shown (the draft after the newest), or None."""
        if self._at >= len(self._items):
            return None
        self._at += 1
        return self._draft if self._at == len(self._items) else self._items[self._at]


class QuestionInput(Input):
    """The question box: Enter asks, Up/Down recall earlier questions."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "recall(-1)", "Earlier question", show=False),
        Binding("down", "recall(1)", "Later question", show=False),
        Binding("tab", "app.focus_answer", "Latest answer", show=False),
    ]

    def __init__(self, placeholder: str) -> None:
        # Not select_on_focus: a key typed on a quote moves here, and the next one must not
        # replace it.
        super().__init__(placeholder=placeholder, id="question", select_on_focus=False)
        self.history = History()

    def action_recall(self, step: int) -> None:
        """Show an earlier (step < 0) or later question from the history."""
        text = self.history.back(self.value) if step < 0 else self.history.forward()
        if text is not None:
            self.value = text
            self.cursor_position = len(text)


class Suggestions(OptionList):
    """Questions to ask with a click or Enter: examples, follow-ups or topics."""

    def __init__(self, questions: Iterable[str]) -> None:
        self.questions = tuple(questions)
        options = [Option(Content.assemble(("› ", "$text-muted"), q)) for q in self.questions]
        super().__init__(*options, classes="suggestions", compact=True)


class OpenSource(Message):
    """The person asked to read the article a quote comes from."""

    def __init__(self, passage_id: str) -> None:
        super().__init__()
        self.passage_id = passage_id


class SourceLink(Static):
    """'Open source': opens the article a quote comes from, in the chat."""

    def __init__(self, passage_id: str, label: str) -> None:
        super().__init__(Content.from_markup("[@click=open]$label[/]", label=label))
        self.passage_id = passage_id

    def action_open(self) -> None:
        """Open the source article."""
        self.post_message(OpenSource(self.passage_id))


class SourceLine(Horizontal):
    """'— Title — Publisher, section …', and beside it, never wrapped apart, a link that
    opens the article (no web arrow: it opens in the chat)."""

    def __init__(self, passage_id: str, line: str, link_label: str) -> None:
        super().__init__(classes="source")
        self.passage_id = passage_id
        self.line = line
        self.link_label = link_label

    def compose(self) -> ComposeResult:
        """The source line, then the link."""
        yield Static(Content(f"— {self.line}"), classes="source-text")
        yield SourceLink(self.passage_id, self.link_label)


def emphasise(text: str, spans: Iterable[tuple[int, int]]) -> Content:
    """The text whole and verbatim, with the given character spans emphasised."""
    content = Content(text)
    for start, end in spans:
        content = content.stylize("bold underline", start, end)
    return content


class QuoteBlock(Vertical, can_focus=True):
    """A verbatim quote as a block quotation, with its source (and any corroboration)."""

    # Textual reads binding descriptions at class definition, before prompts/ can be loaded,
    # so these stay here; keep them the same as labels.open_source and labels.copy_quote.
    # No letter keys: typing while a quote has the focus goes to the question box.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_source", "Open source"),
        Binding("ctrl+c,super+c", "copy_quote", "Copy quote"),
    ]

    def __init__(
        self, quote: Quote | Corroboration, prompts: Prompts, shown: frozenset[str] = frozenset()
    ) -> None:
        super().__init__(classes="quote")
        self.quote = quote
        self.prompts = prompts
        self.shown = shown  # passages quoted elsewhere in the reply: named, not quoted again

    @property
    def folded(self) -> bool:
        """Whether the quote is a weaker further one, shown folded."""
        return isinstance(self.quote, Quote) and self.quote.folded

    @property
    def passage_id(self) -> str:
        """The id of the quoted passage."""
        return self.quote.passage_id

    def compose(self) -> ComposeResult:
        """The quote, its source line, then the corroborating quotes, folded."""
        quote = self.quote
        spans = quote.highlights if isinstance(quote, Quote) else ()
        yield Static(emphasise(quote.quote, spans), classes="quote-text")
        line = source_line(quote.source, self.prompts)
        yield SourceLine(quote.passage_id, line, self.prompts.labels["open_source"])
        if isinstance(quote, Quote) and quote.corroborated_by:
            n = len(quote.corroborated_by) + 1
            title = self.prompts.labels["corroborated"].format(n=n)
            with Collapsible(title=title, classes="corroborations"):
                for other in quote.corroborated_by:
                    if other.passage_id in self.shown:
                        line = source_line(other.source, self.prompts)
                        label = self.prompts.labels["open_source"]
                        yield SourceLine(other.passage_id, line, label)
                    else:
                        yield QuoteBlock(other, self.prompts, self.shown)

    def action_open_source(self) -> None:
        """Open the article this quote comes from."""
        self.post_message(OpenSource(self.passage_id))

    def action_copy_quote(self) -> None:
        """Copy the quote with its source line to the clipboard."""
        self.app.copy_to_clipboard(self.citation)
        self.app.notify(self.prompts.labels["copied"], timeout=2)

    @property
    def citation(self) -> str:
        """The quote, verbatim, then '— Title — Publisher, section …'."""
        return f"{self.quote.quote}\n— {source_line(self.quote.source, self.prompts)}"


def resource_content(resource: CrisisResource, region_names: Mapping[str, str]) -> Content:
    """One crisis resource, once: its name (and region, unless the name says it) and how to
    reach it. A chat or web address is a link; phone numbers are dialled, not clicked."""
    regions = ", ".join(region_names.get(code, code) for code in resource.region.split("/"))
    named = f" ({regions})" if region_label(resource) else ""
    web = next((link.href for link in resource.links if link.kind in {"chat", "web"}), None)
    contact = (
        Content.styled(resource.contact, Style(link=web)) if web else Content(resource.contact)
    )
    return Content.assemble((resource.name, "bold"), (named, "$text-muted"), ": ", contact)


class CrisisPanel(Vertical):
    """The crisis reply: the message first, then every resource, then the closing words."""

    def __init__(self, crisis: Crisis, region_names: Mapping[str, str]) -> None:
        super().__init__(classes="crisis")
        self.crisis = crisis
        self.region_names = region_names

    def compose(self) -> ComposeResult:
        """A line to call now, care, resources, closing: nothing hidden behind a click."""
        yield Static(Content(self.crisis.headline), classes="crisis-headline")
        yield Static(Content(self.crisis.message), classes="crisis-message")
        if self.crisis.question:
            yield Static(Content(self.crisis.question), classes="crisis-question")
        resources = self.crisis.resources
        for i, resource in enumerate(resources):
            classes = "resource emergency" if resource.emergency else "resource"
            classes += " last" if i == len(resources) - 1 else ""
            yield Static(resource_content(resource, self.region_names), classes=classes)
        for text in (self.crisis.note, self.crisis.closing):
            if text:
                yield Static(Content(text), classes="crisis-closing")


def quote_blocks(quotes: Iterable[Quote], prompts: Prompts) -> list[QuoteBlock]:
    """A block for each quote of a reply, no passage quoted twice: an agreeing passage that is
    itself a quote, or agrees with an earlier quote too, is named there, not quoted again."""
    quotes = tuple(quotes)
    shown = {q.passage_id for q in quotes}
    blocks = []
    for quote in quotes:
        blocks.append(QuoteBlock(quote, prompts, frozenset(shown)))
        shown |= {other.passage_id for other in quote.corroborated_by}
    return blocks


class AnswerView(Vertical):
    """One answer: crisis panel or notice first, quotes, follow-ups, footer, disclaimer."""

    class Placed(Message):
        """The answer has been laid out for the first time: it has a place to scroll to."""

        def __init__(self, view: AnswerView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, answer: Answer, prompts: Prompts) -> None:
        super().__init__(classes=f"answer {answer.status.replace('_', '-')}")
        self.answer = answer
        self.prompts = prompts
        self.placed = False

    def on_resize(self, event: events.Resize) -> None:
        """Say when the first layout has given the answer its size (and so its place).

        A refresh alone does not promise that: scrolling to the answer after one could find
        it not yet laid out, and leave the transcript where it was.
        """
        if not self.placed and event.size.height:
            self.placed = True
            self.post_message(self.Placed(self))

    def compose(self) -> ComposeResult:
        """The parts of the answer, in the order a person should read them."""
        answer, prompts = self.answer, self.prompts
        if answer.crisis is not None:
            yield CrisisPanel(answer.crisis, prompts.crisis.region_names)
        if answer.message:
            yield Static(Content(answer.message), classes="message")
        related = answer.related.quotes if answer.related is not None else ()
        blocks = quote_blocks((*answer.answers, *related), prompts)
        for block in blocks[: len(answer.answers)]:
            if not block.folded:
                yield block
        folded = [block for block in blocks[: len(answer.answers)] if block.folded]
        if folded:
            with Collapsible(title=prompts.labels["folded"], classes="folded"):
                yield from folded
        if answer.related is not None and related:
            with Vertical(classes="related"):
                yield Static(Content(answer.related.label), classes="related-title")
                yield from blocks[len(answer.answers) :]
        if answer.follow_ups:
            label = prompts.labels["topics" if answer.status == "no_match" else "follow_ups"]
            yield Static(Content(label), classes="suggestions-title")
            yield Suggestions(answer.follow_ups)
        if answer.footer:
            yield Static(Content(answer.footer), classes="footer-line")
        yield Static(Content(answer.disclaimer), classes="disclaimer")


class Turn(Vertical):
    """A question and, once found, its answer."""

    def __init__(self, question: str, prompts: Prompts) -> None:
        super().__init__(classes="turn")
        self.question = question
        self.prompts = prompts

    def compose(self) -> ComposeResult:
        """The question, and a quiet 'searching…' until the answer comes."""
        yield Static(Content(self.question), classes="question")
        yield Static(Content(self.prompts.labels["searching"]), classes="searching")

    async def show(self, answer: Answer) -> None:
        """Replace the 'searching…' line with the answer."""
        await self.query(".searching").remove()
        await self.mount(AnswerView(answer, self.prompts))


class Transcript(VerticalScroll, can_focus=False):
    """The conversation, scrolled. A resize keeps the place being read at the top: the same
    turn, the same share of the way through it."""

    def __init__(self, *children: Widget) -> None:
        super().__init__(*children, id="transcript")
        self._anchor: tuple[Widget, float] | None = None
        self._anchor_size: Size | None = None  # the size the anchor was taken at

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Remember where the reader is, unless the scroll comes from a resize (Textual
        clamps the offset to the new height before the Resize event arrives)."""
        super().watch_scroll_y(old_value, new_value)
        if self._anchor_size is None or self._anchor_size == self.size:
            self.remember()

    def remember(self) -> None:
        """Note the child at the top of the view and how far into it the view starts."""
        self._anchor_size = self.size
        y = self.scroll_y
        self._anchor = None
        for child in self.children:
            region = child.virtual_region_with_margin
            if region.y <= y < region.bottom:
                self._anchor = (child, (y - region.y) / max(1, region.height))
                return

    def on_resize(self) -> None:
        """Bring the remembered place back to the top once the new layout is known."""
        self.restore()
        self.call_after_refresh(self.restore)

    def restore(self) -> None:
        """Scroll back to the remembered place (the same child, the same share into it)."""
        anchor = self._anchor
        if anchor is not None and anchor[0].parent is self:
            child, share = anchor
            region = child.virtual_region_with_margin
            self.scroll_to(y=region.y + share * region.height, animate=False, immediate=True)
        self._anchor_size = self.size
        self._anchor = anchor


class Greeting(Vertical):
    """The greeting and the example questions."""

    def __init__(self, prompts: Prompts) -> None:
        super().__init__(id="greeting")
        self.prompts = prompts

    def compose(self) -> ComposeResult:
        """Greeting, then the examples as selectable items."""
        yield Static(Content(self.prompts.greeting), classes="greeting-text")
        yield Suggestions(self.prompts.examples)


class DisclaimerBar(Static):
    """The latest reply's disclaimer on one line: as many of its whole sentences as fit, or
    the short form when not even the first one does (the whole text is its tooltip)."""

    def __init__(self, disclaimer: str, short: str) -> None:
        super().__init__(Content(disclaimer), id="disclaimer-bar")
        self.disclaimer = disclaimer
        self.short = short
        self.tooltip = disclaimer

    def show(self, disclaimer: str) -> None:
        """Say another disclaimer (the one of the reply just shown)."""
        self.disclaimer = self.tooltip = disclaimer
        self.fit()

    def on_resize(self) -> None:
        """Fit the disclaimer to the new width."""
        self.fit()

    def fit(self) -> None:
        """Show as much of the disclaimer as fits the width, in whole sentences."""
        width = self.content_size.width
        shown = fit_sentences(self.disclaimer, width)
        if width and len(shown) > width:
            shown = self.short
        self.update(Content(shown))


def fit_sentences(text: str, width: int) -> str:
    """The longest run of whole leading sentences of `text` within `width` (at least one)."""
    sentences = _SENTENCE.split(text)
    shown = sentences[0]
    for sentence in sentences[1:]:
        longer = f"{shown} {sentence}"
        if len(longer) > width:
            break
        shown = longer
    return shown
