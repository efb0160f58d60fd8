"""The real `trdfaq chat` in a real terminal (tmux), as a person would see it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
TRDFAQ = Path(sys.executable).with_name("trdfaq")
# A phone number or short code as the crisis lines give them: "988", "116 123", "741741".
NUMBER = re.compile(r"\b(?:\d{3}(?: \d{3})?|\d{5,6})\b")

pytestmark = pytest.mark.skipif(
    TMUX is None and os.environ.get("CI") != "true", reason="tmux is not installed"
)


class Terminal:
    """A tmux session of a given size on a private server, running one command."""

    def __init__(self, command: list[str], width: int, height: int, home: Path) -> None:
        self.socket = f"trdfaq-test-{uuid.uuid4().hex[:8]}"
        env = {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "TRDFAQ_CACHE_DIR": os.environ["TRDFAQ_CACHE_DIR"],
            "LANG": "en_US.UTF-8",
        }
        env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
        self.tmux(
            "new-session", "-d", "-x", str(width), "-y", str(height), *env_args,
            "--", *command,
        )  # fmt: skip

    def tmux(self, *args: str) -> str:
        """Run a tmux command on this test's own server.

        Without COLUMNS and LINES: the server passes its environment on to the chat, and a
        size there (as other tests set for the CLI) would override the real terminal's.
        """
        env = {k: v for k, v in os.environ.items() if k not in {"COLUMNS", "LINES"}}
        done = subprocess.run(
            [TMUX or "tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        return done.stdout

    def screen(self) -> str:
        """What the terminal shows now, as text."""
        return self.tmux("capture-pane", "-p")

    def wait_for(self, seen: Callable[[str], bool], timeout: float = 60.0) -> str:
        """The screen once `seen` holds for it; fails with the last screen if it never does."""
        deadline = time.monotonic() + timeout
        screen = self.screen()
        while not seen(screen) and time.monotonic() < deadline:
            time.sleep(0.1)
            screen = self.screen()
        assert seen(screen), f"never seen; the screen was:\n{screen}"
        return screen

    def type(self, text: str) -> None:
        """Type text literally, then Enter."""
        self.tmux("send-keys", "-l", text)
        self.tmux("send-keys", "Enter")

    def close(self) -> None:
        """Stop this test's tmux server (and the chat in it)."""
        subprocess.run([TMUX or "tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Callable[[int, int], Terminal]]:
    """Start `trdfaq chat` in a tmux terminal of a given size; stopped after the test."""
    started: list[Terminal] = []

    def start(width: int, height: int) -> Terminal:
        started.append(Terminal([str(TRDFAQ), "chat"], width, height, tmp_path))
        return started[-1]

    yield start
    for term in started:
        term.close()


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=["80x24", "60x20"])
def test_crisis_message_shows_a_number_on_the_first_screen(
    terminal: Callable[[int, int], Terminal], size: tuple[int, int]
) -> None:
    width, height = size
    term = terminal(width, height)
    term.wait_for(lambda screen: "Hello." in screen)
    term.type("I want to end my life")
    screen = term.wait_for(lambda screen: "glad you told me" in screen)
    lines = screen.splitlines()
    assert len(lines) <= height and max(len(line) for line in lines) <= width
    assert "I want to end my life" in screen
    assert NUMBER.search(screen), screen
    assert "988" in screen  # the US line, as the locale says (LANG=en_US)


def test_f2_shows_the_lines_without_words_for_a_disclosure(
    terminal: Callable[[int, int], Terminal],
) -> None:
    term = terminal(80, 24)
    term.wait_for(lambda screen: "Hello." in screen)
    term.tmux("send-keys", "F2")
    screen = term.wait_for(lambda screen: "Esc to close" in screen)
    assert "988" in screen and "glad you told me" not in screen
