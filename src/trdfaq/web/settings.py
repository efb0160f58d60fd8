"""The web front end's settings: one frozen value, checked when it is made."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MAX_BODY = 16 * 1024
# Shortest signing secret accepted, in bytes (as tokens.MIN_SECRET_BYTES).
MIN_SECRET_BYTES = 32


@dataclass(frozen=True)
class Settings:
    """How the web app behaves; `create_app(**settings)` takes these as keyword arguments."""

    # Origins (scheme://host[:port]) whose pages may call the API; "*" allows any.
    allow_origins: tuple[str, ...] = ()
    # Questions per minute per client IP on POST /api/ask (a token bucket); 0: no limit.
    rate_limit: int = 60
    # Client IPs remembered by the rate limiter; the least recently seen are forgotten first.
    rate_limit_clients: int = 100_000
    # Largest request body accepted, in bytes.
    max_body: int = MAX_BODY
    # Seconds a conversation token (the API's conversation_id) stays valid after an answer.
    conversation_ttl: float = 30 * 60.0
    # The secret conversation tokens are signed with, shared by every worker and instance;
    # None: $TRDFAQ_SECRET, or a random one for this process (logged) when that is unset.
    secret: bytes | None = field(default=None, repr=False)
    # Log question text: off unless the operator opts in.
    log_questions: bool = False
    # One line per request (method, path, status, time); off when mounted in an app that logs.
    access_log: bool = True
    # Corpus folder used when create_app loads the assistant itself (None: the bundled one).
    corpus_dir: Path | None = None

    def __post_init__(self) -> None:
        origins = tuple(_origin(o) for o in self.allow_origins)
        object.__setattr__(self, "allow_origins", origins)
        for name in ("rate_limit", "max_body", "rate_limit_clients"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if self.max_body < 1024:
            raise ValueError("max_body must be at least 1024 bytes")
        if self.rate_limit_clients < 1:
            raise ValueError("rate_limit_clients must be at least 1")
        if isinstance(self.secret, str):
            object.__setattr__(self, "secret", self.secret.encode())
        if self.secret is not None and len(self.secret) < MIN_SECRET_BYTES:
            raise ValueError(f"secret must be at least {MIN_SECRET_BYTES} bytes")
        if self.conversation_ttl <= 0:
            raise ValueError("conversation_ttl must be positive")

    @classmethod
    def from_kwargs(cls, **settings: Any) -> Settings:
        """Settings from keyword arguments; TypeError names any unknown one."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(settings) - known)
        if unknown:
            raise TypeError(f"unknown setting(s): {', '.join(unknown)}")
        if "allow_origins" in settings:
            settings["allow_origins"] = tuple(settings["allow_origins"] or ())
        if settings.get("corpus_dir") is not None:
            settings["corpus_dir"] = Path(settings["corpus_dir"])
        return cls(**settings)


def _origin(value: str) -> str:
    """An origin in the form browsers send it: scheme://host[:port], no path, no slash."""
    value = value.strip()
    if value == "*":
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ValueError(
            f"not an origin: {value!r} (use scheme://host[:port], e.g. https://example.org)"
        )
    if parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError(f"not an origin: {value!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}"
