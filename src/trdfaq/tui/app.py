"""The chat app: one conversation with the assistant, quotes with their sources."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, LoadingIndicator, OptionList, Static

from ..assistant import Assistant, Conversation, validate_question
from ..errors import TrdfaqError
from ..prompts import Prompts
from .messages import Answered, Loaded, LoadFailed, SearchFailed
from .preferences import choose_region, load_preferences, preferences_path, save_preferences
from .quotes import OpenSource, QuoteBlock
from .widgets import (
    AnswerView,
    DisclaimerBar,
    Greeting,
    QuestionInput,
    Suggestions,
    Transcript,
    Turn,
)

# Shown while the assistant loads, before prompts/ is read (it is read with the index).
LOADING = "Getting the articles ready…"
PLACED_WITHIN = 1.0  # seconds: an answer is taken as shown by then, laid out or not
# Keys handled by widgets rather than the app, for the help screen: key, label saying what it does.
WIDGET_KEYS = [
    ("Enter", "key_enter"),
    ("↑ ↓", "key_arrows"),
    ("Tab", "key_tab"),
    ("Enter", "key_open"),
    ("Ctrl+C", "key_copy"),
    ("Esc", "key_escape"),
]


def key_name(key: str) -> str:
    """A key as people write it: 'ctrl+l' -> 'Ctrl+L', 'f1' -> 'F1'."""
    return "+".join(part.capitalize() for part in key.split("+"))


class ChatApp(App[None]):
    """A full-screen chat that answers by quoting published articles."""

    CSS_PATH = "chat.tcss"
    AUTO_FOCUS = "#question"
    # Binding descriptions stay in code (here and in widgets.py, screens.py): Textual reads
    # them when the class is defined, before prompts/ can be loaded. These show in the footer
    # and the help screen.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help"),
        Binding("f2", "crisis", "Crisis lines"),
        Binding("ctrl+l", "clear", "Clear"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("escape", "focus_question", "Question box", show=False),
        Binding("pageup", "scroll_transcript(-1)", "Scroll up", show=False),
        Binding("pagedown", "scroll_transcript(1)", "Scroll down", show=False),
    ]

    assistant: Assistant
    prompts: Prompts
    conversation: Conversation

    def __init__(
        self,
        assistant: Assistant | Callable[[], Assistant],
        region: str | None = None,
        *,
        preferences: Path | None = None,
    ) -> None:
        """`assistant` may be a function that loads one: the chat then shows at once that it
        is getting ready, and loads it off the UI thread. `region` (a code, from --region)
        is remembered; without one, the remembered region or the locale's is used."""
        super().__init__()
        self.loader = assistant if callable(assistant) else None
        self.region_given = region
        self.region: str | None = None
        self.preferences_file = preferences or preferences_path()
        self.preferences = load_preferences(self.preferences_file)
        self.failure: TrdfaqError | None = None  # what stopped the chat from starting
        self.busy = False
        self.loaded = False
        if self.preferences.theme in self.available_themes:
            self.theme = self.preferences.theme
        if not callable(assistant):
            self.start(assistant, self.choose_region(assistant))

    def start(self, assistant: Assistant, region: str | None) -> None:
        """Use a loaded assistant: region, conversation, titles."""
        self.assistant = assistant
        self.prompts = assistant.prompts
        self.region = region
        self.conversation = assistant.conversation(region=self.region)
        self.title = self.prompts.name
        self.sub_title = self.prompts.tagline
        self.loaded = True

    def choose_region(self, assistant: Assistant) -> str | None:
        """The region to put first (preferences.choose_region); one given is remembered."""
        remembered = self.preferences.region
        region = choose_region(assistant.region, self.region_given, remembered, os.environ)
        if self.region_given is not None:
            self.remember(region=region)
        return region

    def remember(self, **changes: str | None) -> None:
        """Save a changed preference (theme or region) for the next run."""
        updated = self.preferences.changed(**changes)
        if updated != self.preferences:
            self.preferences = updated
            save_preferences(updated, self.preferences_file)

    def compose(self) -> ComposeResult:
        """Header, conversation, disclaimer bar, question box, key bindings; while the
        assistant loads, a line saying so."""
        yield Header()
        if not self.loaded:
            with Vertical(id="loading"):
                yield Static(Content(LOADING), id="loading-text")
                yield LoadingIndicator()
            yield Footer()
            return
        with Transcript():
            yield Greeting(self.prompts)
        yield DisclaimerBar(self.prompts.disclaimer, self.prompts.labels["disclaimer_short"])
        yield QuestionInput(self.prompts.placeholder)
        yield Footer()

    def on_mount(self) -> None:
        """Start loading the assistant if it is not loaded; remember theme changes."""
        self.watch(self, "theme", self.theme_changed, init=False)
        if self.loaded:
            self.steady()
        else:
            self.load()

    def theme_changed(self, theme: str) -> None:
        """Remember the theme chosen (Ctrl+P, "Change theme") for the next run."""
        self.remember(theme=theme)

    def steady(self) -> None:
        """Keep screenshots steady: no blinking cursor when running headless."""
        if self.is_headless:
            self.query_one(QuestionInput).cursor_blink = False

    @work(thread=True, group="load")
    def load(self) -> None:
        """Load the assistant (index and all) in a thread; post it to the UI."""
        assert self.loader is not None
        try:
            assistant = self.loader()
            region = self.choose_region(assistant)
        except TrdfaqError as error:
            self.post_message(LoadFailed(error))
        else:
            self.post_message(Loaded(assistant, region))

    @on(Loaded)
    async def loaded_now(self, message: Loaded) -> None:
        """Show the chat, ready for a question."""
        self.start(message.assistant, message.region)
        await self.recompose()
        self.steady()
        self.action_focus_question()

    @on(LoadFailed)
    def load_failed(self, message: LoadFailed) -> None:
        """Stop: run_chat raises the error once the terminal is restored."""
        self.failure = message.error
        self.exit()

    def report(self, error: TrdfaqError) -> None:
        """Show a problem from the core as a notification: the one place errors are shown."""
        self.notify(str(error), title=self.prompts.name, severity="error")

    def ask(self, question: str) -> None:
        """Ask a question in the conversation; the answer is found off the UI thread."""
        if self.busy:
            self.bell()
            return
        try:
            question = validate_question(question)
        except TrdfaqError as error:
            self.report(error)
            return
        box = self.query_one(QuestionInput)
        box.history.add(question)
        box.clear()
        turn = Turn(question, self.prompts)
        self.query_one(Transcript).mount(turn)
        self.scroll_to_turn(turn)
        self.busy = True
        self.search(turn, question)

    @work(thread=True, group="ask")
    def search(self, turn: Turn, question: str) -> None:
        """Retrieve the answer (synchronous CPU work) in a thread; post it to the UI."""
        try:
            answer = self.conversation.ask(question)
        except TrdfaqError as error:
            self.post_message(SearchFailed(turn, error))
        else:
            self.post_message(Answered(turn, answer))

    @on(Answered)
    async def show_answer(self, message: Answered) -> None:
        """Show an answer under its question, the start of the turn in view."""
        turn = message.turn
        if not turn.is_attached:  # cleared while searching
            return
        self.query_one(DisclaimerBar).show(message.answer.disclaimer)
        await turn.show(message.answer)  # then AnswerView.Placed, once it is laid out
        # Should that message never come (its first resize seen before the view listened),
        # the question box must not stay locked: take the next question in a second anyway.
        self.set_timer(PLACED_WITHIN, lambda: self.place(turn))

    @on(AnswerView.Placed)
    def answer_placed(self, message: AnswerView.Placed) -> None:
        """Bring a newly laid out answer's turn to the top; then take the next question."""
        turn = message.view.parent
        if isinstance(turn, Turn):
            self.place(turn)

    def place(self, turn: Turn) -> None:
        """Bring an answered turn to the top and take the next question, if it is still the
        turn being answered (not cleared, not followed by another question)."""
        if not (self.busy and turn.is_attached and self.query(Turn).last() is turn):
            return
        if not turn.query(AnswerView):
            return  # not shown yet
        transcript = self.query_one(Transcript)
        transcript.scroll_to_widget(turn, top=True, animate=False, immediate=True)
        self.ready()

    def ready(self) -> None:
        """The answer is shown and in view: the next question may come."""
        self.busy = False

    @on(SearchFailed)
    async def take_back(self, message: SearchFailed) -> None:
        """Take back a question the core could not answer, and say why."""
        if message.turn.is_attached:
            self.busy = False
            await message.turn.remove()
        self.report(message.error)

    def scroll_to_turn(self, turn: Turn) -> None:
        """After the next refresh, scroll so a turn starts at the top (or the end is in view)."""
        transcript = self.query_one(Transcript)
        self.call_after_refresh(transcript.scroll_to_widget, turn, top=True, animate=False)

    @on(Input.Submitted, "#question")
    def ask_typed(self, event: Input.Submitted) -> None:
        """Enter in the question box asks the question."""
        self.ask(event.value)

    @on(OptionList.OptionSelected, ".suggestions")
    def ask_suggestion(self, event: OptionList.OptionSelected) -> None:
        """Picking an example or follow-up asks it."""
        if isinstance(event.option_list, Suggestions):
            self.ask(event.option_list.questions[event.option_index])
            self.action_focus_question()

    def on_key(self, event: events.Key) -> None:
        """A printable key that no widget took goes to the question box, wherever the focus
        is: typing never gets lost on a quote or a list."""
        on_chat = self.loaded and self.screen is self.screen_stack[0]
        box = self.query_one(QuestionInput) if on_chat else None
        if box is None or not event.is_printable or not event.character or box.has_focus:
            return
        event.stop()
        event.prevent_default()
        box.focus()
        box.insert_text_at_cursor(event.character)

    def on_open_source(self, event: OpenSource) -> None:
        """Show the article a quote comes from."""
        self.action_open_source(event.passage_id)

    def action_open_source(self, passage_id: str | None = None) -> None:
        """Open the source of a passage (default: the focused quote's)."""
        if passage_id is None:
            focused = self.focused
            quote = focused if isinstance(focused, QuoteBlock) else None
            if quote is None:
                return
            passage_id = quote.passage_id
        from .screens import SourceScreen  # noqa: PLC0415 - not needed for the first screen

        self.push_screen(SourceScreen(self.assistant.passage(passage_id), self.prompts))

    def action_help(self) -> None:
        """Show the key bindings and what trdfaq is."""
        from .screens import HelpScreen  # noqa: PLC0415 - not needed for the first screen

        if self.loaded and not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.key_help(), self.prompts))

    def action_crisis(self) -> None:
        """Bring the crisis resources back, whatever is on screen."""
        from .screens import CrisisScreen  # noqa: PLC0415 - not needed for the first screen

        if self.loaded and not isinstance(self.screen, CrisisScreen):
            crisis = self.assistant.crisis_resources(self.region)
            self.push_screen(CrisisScreen(crisis, self.prompts))

    async def action_clear(self) -> None:
        """Clear the conversation (the greeting stays) and start a new one."""
        if not self.loaded:
            return
        await self.query(Turn).remove()
        self.conversation = self.assistant.conversation(region=self.region)
        self.busy = False
        self.query_one(DisclaimerBar).show(self.prompts.disclaimer)
        self.query_one(Transcript).scroll_home(animate=False)
        self.action_focus_question()

    def use_region(self, code: str) -> None:
        """Put a region's crisis lines first from now on (and next time), and show them."""
        self.region = self.assistant.region(code)
        self.conversation.region = self.region
        self.remember(region=self.region)
        from .screens import CrisisScreen  # noqa: PLC0415

        if isinstance(self.screen, CrisisScreen):
            self.pop_screen()
        self.action_crisis()

    def action_focus_question(self) -> None:
        """Put the cursor back in the question box."""
        if not self.loaded:
            return
        self.query_one(QuestionInput).focus()

    def action_focus_answer(self) -> None:
        """Focus the first item of the latest answer (or of the greeting)."""
        if not self.loaded:
            return
        turns = self.query(Turn)
        area = turns.last() if turns else self.query_one(Greeting)
        items = [w for w in area.query("*") if w.focusable]
        if items:
            items[0].focus()
        else:
            self.screen.focus_next()

    def action_scroll_transcript(self, pages: int) -> None:
        """Scroll the conversation by a page, wherever the focus is."""
        if not self.loaded:
            return
        transcript = self.query_one(Transcript)
        if pages < 0:
            transcript.scroll_page_up()
        else:
            transcript.scroll_page_down()

    def key_help(self) -> list[tuple[str, str]]:
        """Every key binding with what it does, for the help screen."""
        labels = self.prompts.labels
        keys = [(key, labels[label]) for key, label in WIDGET_KEYS]
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.show:
                keys.append((key_name(binding.key), binding.description))
        keys.append((key_name(self.COMMAND_PALETTE_BINDING), labels["key_commands"]))
        return keys

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The chat's commands in the command palette (Ctrl+P)."""
        yield from super().get_system_commands(screen)
        if not self.loaded:
            return
        labels = self.prompts.labels
        about = labels["command_help_about"].format(name=self.prompts.name)
        yield SystemCommand(labels["command_help"], about, self.action_help)
        crisis, clear = labels["command_crisis"], labels["command_clear"]
        yield SystemCommand(crisis, labels["command_crisis_about"], self.action_crisis)
        yield SystemCommand(clear, labels["command_clear_about"], self.action_clear)
        for code, name in self.prompts.crisis.region_names.items():
            title = labels["command_region"].format(name=name)
            use = partial(self.use_region, code)
            yield SystemCommand(title, labels["command_region_about"], use)
        quote = screen.focused  # the palette has the focus now, not the quote
        if isinstance(quote, QuoteBlock):
            open_it = partial(self.action_open_source, quote.passage_id)
            yield SystemCommand(labels["open_source"], labels["command_open_about"], open_it)
            copy = labels["copy_quote"]
            yield SystemCommand(copy, labels["command_copy_about"], quote.action_copy_quote)
