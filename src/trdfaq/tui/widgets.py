"""The chat's widgets: the question box, the transcript, its turns and answers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Collapsible, Input, OptionList, Static
from textual.widgets.option_list import Option

from ..answer import Answer
from ..prompts import Prompts
from .crisis import CrisisPanel
from .quotes import quote_blocks

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
