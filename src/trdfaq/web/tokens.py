"""Conversation tokens: a conversation's topic, signed and given an expiry, kept by the client.

The server stores nothing between questions: each answer carries a token (the API's
`conversation_id`) holding the topic a follow-up may lean on (trdfaq.Topic, plain strings),
its expiry time, and an HMAC-SHA256 over both. Any worker or instance that has the same
secret can continue the conversation; a token that was altered, signed with another secret
or has expired is refused, and the question is read on its own.

The topic is signed, not encrypted: the client can read it (its own questions and the ids
of the passages it was shown), but cannot change it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

import orjson

from .. import QuestionError, Topic
from .settings import MIN_SECRET_BYTES

# The environment variable every worker and instance reads its signing secret from.
SECRET_ENV = "TRDFAQ_SECRET"  # noqa: S105 - the variable's name, not a secret
_VERSION = b"c1"  # the token format; a token of another version fails verification


class SecretError(ValueError):
    """A signing secret that is too short to be safe."""


def secret_from_env(environ: dict[str, str] | None = None) -> bytes | None:
    """The secret in $TRDFAQ_SECRET, None when unset; SecretError when it is too short."""
    value = (os.environ if environ is None else environ).get(SECRET_ENV, "")
    if not value:
        return None
    secret = value.encode()
    if len(secret) < MIN_SECRET_BYTES:
        raise SecretError(
            f"{SECRET_ENV} is {len(secret)} bytes long: use at least {MIN_SECRET_BYTES} "
            "random characters (e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return secret


def random_secret() -> bytes:
    """A fresh random secret, for a server whose operator set none."""
    return secrets.token_urlsafe(32).encode()


@dataclass(frozen=True)
class Verified:
    """What a token held: its topic, or lost=True when it could not be trusted."""

    topic: Topic
    lost: bool = False


class Signer:
    """Signs topics into tokens valid for `ttl` seconds, and verifies tokens."""

    def __init__(self, secret: bytes, ttl: float, clock: Callable[[], float] = time.time) -> None:
        if len(secret) < MIN_SECRET_BYTES:
            raise SecretError(f"the signing secret must be at least {MIN_SECRET_BYTES} bytes")
        self._key = hashlib.sha256(b"trdfaq conversation token\0" + secret).digest()
        self.ttl = ttl
        self._clock = clock

    def sign(self, topic: Topic, expires: float | None = None) -> str:
        """The token for `topic`, expiring `ttl` seconds from now (or at `expires`)."""
        until = int(self._clock() + self.ttl) if expires is None else int(expires)
        payload = orjson.dumps({"topic": topic.to_dict(), "expires": until})
        body = _VERSION + b"." + _encode(payload)
        return (body + b"." + _encode(self._mac(body))).decode()

    def verify(self, token: str | None) -> Verified:
        """The topic of a valid, unexpired token; an empty topic, lost, for any other token.

        No token (None or "") starts a conversation: an empty topic, not lost.
        """
        if not token:
            return Verified(Topic())
        try:
            raw = token.encode("ascii")
        except UnicodeEncodeError:
            return Verified(Topic(), lost=True)
        body, _, signature = raw.rpartition(b".")
        version, _, payload = body.partition(b".")
        # The signature's text is compared, not its decoded bytes: base64 has spare bits, so
        # several texts decode to the same bytes, and only the one we wrote is valid.
        if version != _VERSION or not hmac.compare_digest(signature, _encode(self._mac(body))):
            return Verified(Topic(), lost=True)
        try:
            data = orjson.loads(_decode(payload))  # signed by us: safe to parse
            expires = data["expires"]
            topic = Topic.from_dict(data["topic"])
        except (ValueError, KeyError, TypeError, QuestionError, binascii.Error):
            return Verified(Topic(), lost=True)
        if not isinstance(expires, int) or expires < self._clock():
            return Verified(Topic(), lost=True)
        return Verified(topic)

    def _mac(self, body: bytes) -> bytes:
        return hmac.new(self._key, body, hashlib.sha256).digest()


def _encode(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _decode(text: bytes) -> bytes:
    return base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4))
