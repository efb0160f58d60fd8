"""The terminal chat (`trdfaq chat`): a Textual front end over the Assistant."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..assistant import Assistant
    from .app import ChatApp

__all__ = ["make_app", "run_chat"]


def make_app(
    assistant: Assistant | Callable[[], Assistant],
    region: str | None = None,
    *,
    preferences: Path | None = None,
) -> ChatApp:
    """Build the chat app over an assistant, or over a function that loads one (the chat
    then shows at once that it is getting ready). `region`: a code as --region takes it."""
    from .app import ChatApp  # noqa: PLC0415 - textual only when the chat is used

    return ChatApp(assistant, region=region, preferences=preferences)


def run_chat(assistant: Assistant | Callable[[], Assistant], region: str | None = None) -> None:
    """Run the full-screen chat until the person quits; a TrdfaqError that stopped it from
    starting (a broken corpus, an unknown region) is raised once the terminal is restored."""
    app = make_app(assistant, region=region)
    app.run()
    if app.failure is not None:
        raise app.failure
