"""Waiting for the chat to finish showing an answer, however loaded the machine is."""

from __future__ import annotations

import time
from typing import Any

from textual.pilot import Pilot

from trdfaq.tui.app import ChatApp


async def shown(pilot: Pilot[Any], timeout: float = 10.0) -> None:
    """After the search worker: wait until the answer is laid out and scrolled to, then
    for it to be drawn.

    The worker posts the answer; the app shows it on its own loop, and once its first
    layout has placed it (AnswerView.Placed) scrolls to it and clears `busy`. A single
    pause is not always enough when other processes load the CPU.
    """
    app = pilot.app
    assert isinstance(app, ChatApp)
    deadline = time.monotonic() + timeout
    while app.busy and time.monotonic() < deadline:
        await pilot.pause(0.01)
    assert not app.busy, "the answer was not shown in time"
    await pilot.pause()  # a refresh draws the scrolled transcript
    await pilot.pause()
