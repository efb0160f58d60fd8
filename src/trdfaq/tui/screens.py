"""The chat's other screens: a source article, help, and the crisis resources."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Footer, Static

from ..answer import Crisis
from ..corpus import Passage
from ..prompts import Prompts
from .crisis import CrisisPanel

PASSAGE_STYLE = "bold $text-accent on $accent-muted"


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Character spans of the non-blank lines of `text`."""
    spans = []
    at = 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((at, at + len(line)))
        at += len(line) + 1
    return spans


class SourceScreen(Screen[None]):
    """A whole source article, scrolled to the quoted passage, which is highlighted."""

    # Footer words stay in code: Textual reads BINDINGS at class definition, before prompts/.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back to the chat")
    ]
    AUTO_FOCUS = "#article"

    def __init__(self, passage: Passage, prompts: Prompts) -> None:
        super().__init__(classes="source-screen")
        self.passage = passage
        self.prompts = prompts

    def compose(self) -> ComposeResult:
        """Title and publisher, then the article paragraph by paragraph."""
        source = self.passage.source
        publisher = source.publisher or self.prompts.labels["publisher_unknown"]
        title = Content.assemble((source.title, "bold"), "\n", (publisher, "$text-muted"))
        yield Static(title, id="source-title")
        with VerticalScroll(id="article"):
            for start, end in paragraphs(source.text):
                yield self._paragraph(start, end)
        yield Footer()

    def _paragraph(self, start: int, end: int) -> Static:
        content = Content(self.passage.source.text[start:end])
        first, last = max(start, self.passage.start), min(end, self.passage.end)
        if first >= last:
            return Static(content, classes="paragraph")
        content = content.stylize(PASSAGE_STYLE, first - start, last - start)
        return Static(content, classes="paragraph passage")

    def on_mount(self) -> None:
        """Scroll to the quoted passage once the article is laid out."""
        self.call_after_refresh(self.scroll_to_passage)

    def scroll_to_passage(self) -> None:
        """Bring the passage near the top of the view, the paragraph before it (often
        its section heading) above it for context."""
        marked = self.query(".passage")
        if not marked:
            return
        article = self.query_one("#article")
        first = marked.first()
        index = article.children.index(first)
        target = article.children[index - 1] if index > 0 else first
        article.scroll_to_widget(target, top=True, animate=False)

    @property
    def highlighted(self) -> str:
        """The highlighted text (the quoted passage, possibly over several paragraphs)."""
        parts = []
        for paragraph in self.query(".passage").results(Static):
            content = paragraph.visual
            if isinstance(content, Content):
                plain = content.plain
                parts += [plain[s.start : s.end] for s in content.spans if s.style == PASSAGE_STYLE]
        return "\n".join(parts)


class Dialog(ModalScreen[None]):
    """A modal box that Escape closes; its body scrolls when it does not fit."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "Close")]
    AUTO_FOCUS = ".dialog"

    def __init__(self, prompts: Prompts, heading: str = "", *, classes: str) -> None:
        super().__init__(classes=classes)
        self.prompts = prompts
        self.heading = heading

    def compose(self) -> ComposeResult:
        """The dialog's body in a scrolling box, with a hint on how to close it."""
        box = VerticalScroll(*self.body(), classes="dialog")
        box.border_title = self.heading
        box.border_subtitle = self.prompts.labels["close_hint"]
        yield box

    def body(self) -> Iterable[Widget]:
        """The widgets inside the dialog."""
        return ()


class HelpScreen(Dialog):
    """The key bindings and what trdfaq is (prompts.about)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("f1", "dismiss", "Close")]

    def __init__(self, keys: list[tuple[str, str]], prompts: Prompts) -> None:
        super().__init__(prompts, prompts.labels["help_title"], classes="help-screen")
        self.keys = keys

    def body(self) -> Iterable[Static]:
        """The keys as a table, then the about text."""
        width = max(len(key) for key, _ in self.keys)
        rows = [
            Content.assemble((f"{key:>{width}}", "bold $text-accent"), f"  {what}")
            for key, what in self.keys
        ]
        labels = self.prompts.labels
        yield Static(Content(labels["keys_title"]), classes="dialog-title")
        yield Static(Content("\n").join(rows), id="help-keys")
        yield Static(Content(labels["about_title"]), classes="dialog-title")
        yield Static(Content(self.prompts.about_text()), id="help-about")


class CrisisScreen(Dialog):
    """The crisis resources, brought back at any time (F2)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("f2", "dismiss", "Close")]

    def __init__(self, crisis: Crisis, prompts: Prompts) -> None:
        super().__init__(prompts, classes="crisis-screen")
        self.crisis = crisis

    def body(self) -> Iterable[CrisisPanel]:
        """The crisis panel, every resource shown."""
        yield CrisisPanel(self.crisis, self.prompts.crisis.region_names)
