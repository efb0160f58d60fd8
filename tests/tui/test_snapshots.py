"""Snapshot tests of the chat at 80x24, one class per feature (review SVGs before updating)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot

from trdfaq import Assistant
from trdfaq.tui import make_app
from trdfaq.tui.widgets import QuestionInput, QuoteBlock

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
            await pilot.press("o")
            await pilot.pause()

        assert snap_compare(make_app(assistant), terminal_size=SIZE, run_before=open_source)


class TestHelp:
    def test_keys_and_about(self, snap_compare: SnapCompare, assistant: Assistant) -> None:
        assert snap_compare(make_app(assistant), terminal_size=SIZE, press=["f1"])
