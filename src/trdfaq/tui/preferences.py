"""What the chat remembers between runs (theme and region), and the region a locale names.

Plain data and files only: no Textual here. Never a question or an answer.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from ..errors import TrdfaqError
from ..paths import config_dir

PREFERENCES_FILE = "chat.json"
# Locale variables that name a country, strongest first (as POSIX orders them).
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


@dataclass(frozen=True, slots=True)
class Preferences:
    """The chat's remembered choices; None for one never made."""

    theme: str | None = None
    region: str | None = None

    def changed(self, **changes: str | None) -> Preferences:
        """These preferences with some changed."""
        return replace(self, **changes)


def preferences_path() -> Path:
    """Where the chat keeps its preferences: chat.json in the user's config folder."""
    return config_dir() / PREFERENCES_FILE


def load_preferences(path: Path) -> Preferences:
    """The preferences saved at `path`; none at all if it is missing or unreadable (they are
    a convenience: a broken file must not stop the chat)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Preferences()
    if not isinstance(data, dict):
        return Preferences()
    values = {key: data.get(key) for key in ("theme", "region")}
    return Preferences(**{k: v for k, v in values.items() if isinstance(v, str) and v})


def save_preferences(preferences: Preferences, path: Path) -> bool:
    """Write the preferences (atomically); False if the folder cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_text(json.dumps(asdict(preferences), indent=2) + "\n", encoding="utf-8")
        partial.replace(path)
    except OSError:
        return False
    return True


def locale_country(environ: Mapping[str, str]) -> str | None:
    """The country code of the locale ('en_GB.UTF-8' -> 'GB'), or None ('C', 'POSIX', unset)."""
    for variable in _LOCALE_VARIABLES:
        value = environ.get(variable, "")
        if value:
            name = value.split(".")[0].split("@")[0]
            language, _, country = name.partition("_")
            return country.upper() if language and len(country) == 2 else None
    return None


def choose_region(
    resolve: Callable[[str], str | None],
    given: str | None,
    remembered: str | None,
    environ: Mapping[str, str],
) -> str | None:
    """The region whose crisis lines come first: the one given (a bad code is an error), else
    the remembered one, else the locale's country; a country without lines of its own gets
    INTL (findahelpline.com first). `resolve` turns a code into its canonical form."""
    if given is not None:
        return resolve(given)
    if remembered:
        try:
            return resolve(remembered)
        except TrdfaqError:
            pass  # a stale remembered code: try the locale
    country = locale_country(environ)
    if country is None:
        return None
    try:
        return resolve(country)
    except TrdfaqError:
        return resolve("INTL")
