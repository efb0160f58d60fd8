"""A per-client token bucket: `rate` requests a minute, in bursts of up to `rate`."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable


class RateLimiter:
    """Token buckets by client key (an IP address), remembering at most `max_clients` clients.

    A bucket holds up to `per_minute` tokens and refills continuously; each request takes one.
    Buckets idle long enough to be full again are forgotten, so memory stays bounded.
    Not thread-safe: the web app uses it from the event loop only.
    """

    def __init__(
        self,
        per_minute: int,
        max_clients: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = float(per_minute)
        self.refill = per_minute / 60.0  # tokens per second
        self.max_clients = max_clients
        self._clock = clock
        # client -> (tokens, time of last update), least recently seen first.
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        """False when the limit is 0 (no limit)."""
        return self.capacity > 0

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, client: str) -> float:
        """Take a token for `client`: 0.0 if allowed, else the seconds to wait before retrying."""
        if not self.enabled:
            return 0.0
        now = self._clock()
        self._forget_idle(now)
        tokens, last = self._buckets.pop(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.refill)
        if tokens >= 1.0:
            self._buckets[client] = (tokens - 1.0, now)
            self._trim()
            return 0.0
        self._buckets[client] = (tokens, now)
        return (1.0 - tokens) / self.refill

    def retry_after(self, wait: float) -> str:
        """A Retry-After header value: whole seconds, at least 1."""
        return str(max(1, math.ceil(wait)))

    def _forget_idle(self, now: float) -> None:
        # A bucket untouched for capacity/refill seconds (one minute) is full again: forgetting
        # it changes nothing. Buckets are in order of last use, so those are at the front.
        full_after = self.capacity / self.refill
        while self._buckets:
            _, last = next(iter(self._buckets.values()))
            if now - last < full_after:
                break
            self._buckets.popitem(last=False)

    def _trim(self) -> None:
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
