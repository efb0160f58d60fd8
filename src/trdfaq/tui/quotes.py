"""A quote in the chat: the passage verbatim, its source line and link, agreeing sources."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Collapsible, Static

from ..answer import Corroboration, Quote
from ..prompts import Prompts
from ..render import source_line


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
