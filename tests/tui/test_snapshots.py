"""Snapshot tests of the chat, one class per feature (review SVGs before updating)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from trdfaq import Assistant
from trdfaq.tui import make_app
from trdfaq.tui.quotes import QuoteBlock
from trdfaq.tui.widgets import QuestionInput

from .settle import shown

SIZE = (80, 24)
SnapCompare = Callable[..., bool]


def asking(question: str, *then: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Ask a question, wait for its answer, then press `then`."""

    async def run_before(pilot: Pilot[Any]) -> None:
        pilot.app.query_one(QuestionInput).value = question
        await pilot.press("enter")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await shown(pilot)
        await pilot.press(*then)

    return run_before


class TestStart:
    def test_greeting_and_examples(self, snap_compare: SnapCompare, assistant: Assistant) -> None:
        assert snap_compare(make_app(assistant), terminal_size=SIZE)


class TestAnswer:
    def test_quote_source_and_follow_ups(
        self, snap_compare: SnapCompare, assistant: Assistant
    ) -> None:
        run_before = asking("does ECT affect memory?")
        assert snap_compare(make_app(assistant), terminal_size=SIZE, run_before=run_before)


class TestCrisis:
    def test_crisis_panel_first(self, snap_compare: SnapCompare, assistant: Assistant) -> None:
        run_before = asking("I want to end my life")
        assert snap_compare(make_app(assistant), terminal_size=SIZE, run_before=run_before)

    def test_f2_crisis_resources(self, snap_compare: SnapCompare, assistant: Assistant) -> None:
        assert snap_compare(make_app(assistant, region="US"), terminal_size=SIZE, press=["f2"])


class TestSourceView:
    def test_article_scrolled_to_passage(
        self, snap_compare: SnapCompare, assistant: Assistant
    ) -> None:
        async def open_source(pilot: Pilot[Any]) -> None:
            await asking("does ECT affect memory?")(pilot)
            pilot.app.query(QuoteBlock).first().focus()
            await pilot.press("enter")
            await pilot.pause()

        assert snap_compare(make_app(assistant), terminal_size=SIZE, run_before=open_source)


class TestHelp:
    def test_keys_and_about(self, snap_compare: SnapCompare, assistant: Assistant) -> None:
        assert snap_compare(make_app(assistant), terminal_size=SIZE, press=["f1"])


# Narrow, standard and wide terminals: the layout must hold at each.
SIZES = [(60, 20), (80, 24), (160, 48)]


class TestLayout:
    @pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
    @pytest.mark.parametrize(
        "question",
        ["does ECT affect memory?", "I want to end my life", "is ketamine addictive?"],
        ids=["answer", "crisis", "not_covered"],
    )
    def test_holds_at_size(
        self,
        snap_compare: SnapCompare,
        assistant: Assistant,
        question: str,
        size: tuple[int, int],
    ) -> None:
        assert snap_compare(make_app(assistant), terminal_size=size, run_before=asking(question))

    def test_focused_quote(self, snap_compare: SnapCompare, assistant: Assistant) -> None:
        async def focus_quote(pilot: Pilot[Any]) -> None:
            await asking("does ECT affect memory?")(pilot)
            pilot.app.query(QuoteBlock).first().focus()
            await pilot.pause()

        assert snap_compare(make_app(assistant), terminal_size=SIZE, run_before=focus_quote)
