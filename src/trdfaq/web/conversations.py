"""A bounded in-memory store of conversations: least recently used dropped, idle ones expire.

A conversation is kept as its topic (Conversation.topic: the few questions a follow-up may
lean on), in plain tuples of strings and floats. The garbage collector stops tracking
such tuples, so a full store of 10,000 conversations adds nothing to its pauses, where
the Conversation objects themselves would add ~100,000 objects to every full collection.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Callable

# Ids longer than this are not looked up at all (they cannot be ours).
_MAX_ID_CHARS = 64

Topic = tuple[str, ...]


class ConversationStore:
    """Conversation topics by random id, at most `capacity`, each dropped after `ttl` idle seconds.

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
        # id -> (time of last use, topic), least recently used first.
        self._entries: OrderedDict[str, tuple[float, Topic]] = OrderedDict()

    def __len__(self) -> int:
        self._expire(self._clock())
        return len(self._entries)

    def get(self, conversation_id: str | None) -> Topic | None:
        """The topic of the live conversation with this id; None if unknown or expired."""
        if not conversation_id or len(conversation_id) > _MAX_ID_CHARS:
            return None
        self._expire(self._clock())
        entry = self._entries.get(conversation_id)
        return None if entry is None else entry[1]

    @staticmethod
    def new_id() -> str:
        """A fresh unguessable id (144 random bits) for a new conversation; `put` stores it."""
        return secrets.token_urlsafe(18)

    def put(self, conversation_id: str, topic: Topic) -> None:
        """Store a conversation's topic, marking it as just used."""
        now = self._clock()
        self._expire(now)
        self._entries[conversation_id] = (now, tuple(topic))
        self._entries.move_to_end(conversation_id)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def _expire(self, now: float) -> None:
        # Entries are in order of last use, so the expired ones are all at the front.
        while self._entries:
            used, _ = next(iter(self._entries.values()))
            if now - used < self.ttl:
                break
            self._entries.popitem(last=False)
