"""Theme and region remembered in the user's config folder; the region a locale names;
the loading state shown at once while the assistant loads."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from textual.widgets import Static

from trdfaq import Assistant
from trdfaq.errors import QuestionError
from trdfaq.tui import make_app
from trdfaq.tui.crisis import CrisisPanel
from trdfaq.tui.preferences import (
    Preferences,
    choose_region,
    load_preferences,
    locale_country,
    preferences_path,
    save_preferences,
)
from trdfaq.tui.screens import CrisisScreen
from trdfaq.tui.widgets import Greeting, QuestionInput

SIZE = (80, 24)


@pytest.mark.parametrize(
    ("environ", "country"),
    [
        ({"LANG": "en_GB.UTF-8"}, "GB"),
        ({"LANG": "en_US.UTF-8"}, "US"),
        ({"LANG": "de_DE@euro"}, "DE"),
        ({"LANG": "ga_IE"}, "IE"),
        ({"LANG": "C.UTF-8"}, None),
        ({"LANG": "POSIX"}, None),
        ({"LANG": "en"}, None),
        ({}, None),
        ({"LC_ALL": "fr_FR.UTF-8", "LANG": "en_US.UTF-8"}, "FR"),  # LC_ALL wins
        ({"LC_MESSAGES": "en_IE.UTF-8", "LANG": "en_US.UTF-8"}, "IE"),
    ],
)
def test_locale_country(environ: dict[str, str], country: str | None) -> None:
    assert locale_country(environ) == country


def test_preferences_live_in_the_config_folder(own_home: Path) -> None:
    assert preferences_path() == own_home / ".config" / "trdfaq" / "chat.json"


def test_preferences_round_trip_and_survive_bad_files(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "chat.json"
    assert load_preferences(path) == Preferences()
    assert save_preferences(Preferences(theme="nord", region="UK"), path)
    assert load_preferences(path) == Preferences(theme="nord", region="UK")
    for bad in (b"\x80\x81 not json", b"[1, 2]", b'{"theme": 3, "region": ""}', b""):
        path.write_bytes(bad)
        assert load_preferences(path) == Preferences()


def test_an_unwritable_config_folder_is_no_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    assert not save_preferences(Preferences(theme="nord"), blocker / "trdfaq" / "chat.json")


@pytest.mark.parametrize(
    ("lang", "region", "first_line"),
    [
        ("en_GB.UTF-8", "UK", "Samaritans"),
        ("en_IE.UTF-8", "IE", "Samaritans"),
        ("en_US.UTF-8", "US", "988"),
        ("de_DE.UTF-8", "EU", "findahelpline"),
        ("ja_JP.UTF-8", "INTL", "findahelpline"),
        ("C.UTF-8", None, "988"),
    ],
)
async def test_region_comes_from_the_locale(
    assistant: Assistant,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    region: str | None,
    first_line: str,
) -> None:
    monkeypatch.setenv("LANG", lang)
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        assert app.region == region
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, CrisisScreen)
        headline = app.screen.query_one(CrisisPanel).query(Static).first()
        assert first_line in str(headline.content)


async def test_region_given_is_remembered_over_the_locale(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    async with make_app(assistant, region="ie").run_test(size=SIZE):
        pass
    assert json.loads(preferences_path().read_text())["region"] == "IE"
    app = make_app(assistant)
    async with app.run_test(size=SIZE):
        assert app.region == "IE" and app.conversation.region == "IE"


async def test_region_chosen_in_the_palette_is_remembered(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        commands["Crisis lines for United Kingdom"].callback()
        await pilot.pause()
        assert app.region == "UK" and app.conversation.region == "UK"
        assert isinstance(app.screen, CrisisScreen)  # the region's lines, shown now
    assert load_preferences(preferences_path()).region == "UK"


async def test_theme_is_remembered(assistant: Assistant) -> None:
    app = make_app(assistant)
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme != "nord"
        app.theme = "nord"
        await pilot.pause()
    assert load_preferences(preferences_path()).theme == "nord"
    again = make_app(assistant)
    async with again.run_test(size=SIZE):
        assert again.theme == "nord"


async def test_loading_state_shows_at_once_then_the_chat(assistant: Assistant) -> None:
    release = threading.Event()

    def load() -> Assistant:
        release.wait(timeout=30)
        return assistant

    app = make_app(load)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not release.is_set()  # the loader is still running
        assert app.query_one("#loading-text", Static).visual is not None
        assert not app.query(QuestionInput) and not app.query(Greeting)
        await pilot.press("f1", "f2", "ctrl+l", "x")  # nothing to act on yet: no error
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert not app.query("#loading")
        assert app.query_one(Greeting) and app.query_one(QuestionInput).has_focus
        assert app.title == assistant.prompts.name


async def test_a_bad_region_stops_the_chat_with_the_error(assistant: Assistant) -> None:
    app = make_app(lambda: assistant, region="XX")
    async with app.run_test(size=SIZE) as pilot:
        deadline = time.monotonic() + 30  # a bound on waiting, not a speed check
        while app.failure is None and app.is_running and time.monotonic() < deadline:
            await pilot.pause(0.01)
    assert isinstance(app.failure, QuestionError)
    assert "XX" in str(app.failure)


def test_a_stale_remembered_region_gives_way_to_the_locale(assistant: Assistant) -> None:
    environ = {"LANG": "en_GB.UTF-8"}
    assert choose_region(assistant.region, None, "ATLANTIS", environ) == "UK"
    assert choose_region(assistant.region, None, "ie", environ) == "IE"
    assert choose_region(assistant.region, None, None, {"LANG": "pt_BR.UTF-8"}) == "INTL"
    assert choose_region(assistant.region, None, None, {}) is None
    with pytest.raises(QuestionError):
        choose_region(assistant.region, "ATLANTIS", "UK", environ)  # a code given must be right
