"""What the chat's worker threads post to the UI."""

from __future__ import annotations

from textual.message import Message

from ..answer import Answer
from ..assistant import Assistant
from ..errors import TrdfaqError
from .widgets import Turn


class Answered(Message):
    """The search thread found the answer to a turn's question."""

    def __init__(self, turn: Turn, answer: Answer) -> None:
        super().__init__()
        self.turn = turn
        self.answer = answer


class Loaded(Message):
    """The assistant is loaded (and the region chosen)."""

    def __init__(self, assistant: Assistant, region: str | None) -> None:
        super().__init__()
        self.assistant = assistant
        self.region = region


class LoadFailed(Message):
    """The assistant could not be loaded (a broken corpus, an unknown region)."""

    def __init__(self, error: TrdfaqError) -> None:
        super().__init__()
        self.error = error


class SearchFailed(Message):
    """The core could not answer a turn's question."""

    def __init__(self, turn: Turn, error: TrdfaqError) -> None:
        super().__init__()
        self.turn = turn
        self.error = error
