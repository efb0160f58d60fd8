"""A bounded in-memory store of conversations: least recently used dropped, idle ones expire."""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .. import Conversation

# Ids longer than this are not looked up at all (they cannot be ours).
_MAX_ID_CHARS = 64


@dataclass
class _Entry:
    conversation: Conversation
    used: float


class ConversationStore:
    """Conversations by random id, at most `capacity`, each forgotten after `ttl` idle seconds.

    Not thread-safe: the web app uses it from the event loop only.
    """

    def __init__(
        self,
        capacity: int,
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = capacity
        self.ttl = ttl
        self._clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def __len__(self) -> int:
        self._expire(self._clock())
        return len(self._entries)

    def get(self, conversation_id: str | None) -> Conversation | None:
        """The live conversation with this id, marked as just used; None if unknown or expired."""
        if not conversation_id or len(conversation_id) > _MAX_ID_CHARS:
            return None
        now = self._clock()
        self._expire(now)
        entry = self._entries.get(conversation_id)
        if entry is None:
            return None
        entry.used = now
        self._entries.move_to_end(conversation_id)
        return entry.conversation

    def add(self, conversation: Conversation) -> str:
        """Store a new conversation under a fresh unguessable id, and return the id."""
        now = self._clock()
        self._expire(now)
        conversation_id = secrets.token_urlsafe(18)  # 144 random bits
        self._entries[conversation_id] = _Entry(conversation, now)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)
        return conversation_id

    def _expire(self, now: float) -> None:
        # Entries are in order of last use, so the expired ones are all at the front.
        while self._entries:
            oldest = next(iter(self._entries.values()))
            if now - oldest.used < self.ttl:
                break
            self._entries.popitem(last=False)
