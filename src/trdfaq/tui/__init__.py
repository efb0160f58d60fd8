"""The terminal chat (`trdfaq chat`): a Textual front end over the Assistant."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..assistant import Assistant
    from .app import ChatApp

__all__ = ["make_app", "run_chat"]


def make_app(assistant: Assistant, region: str | None = None) -> ChatApp:
    """Build the chat app over an assistant, crisis lines of `region` first."""
    from .app import ChatApp  # noqa: PLC0415 - textual only when the chat is used

    return ChatApp(assistant, region=region)


def run_chat(assistant: Assistant, region: str | None = None) -> None:
    """Run the full-screen chat until the person quits."""
    make_app(assistant, region=region).run()
