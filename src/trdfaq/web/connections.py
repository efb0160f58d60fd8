"""Connections `trdfaq serve` will not let a slow or idle client hold: a read time-out per
request, a raised descriptor limit, a concurrency limit under it, and accept errors logged
once per interval instead of once per attempt.

uvicorn times out only the idle time between requests on a kept-alive connection; a client
that connects and sends nothing, or sends its headers or body a byte at a time, was held
for ever (3,000 such connections exhausted a 1,024-descriptor limit).
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

LOG = logging.getLogger("trdfaq.web")

# Seconds a client has to send a whole request (headers and body), from the connection or
# from its first byte after a kept-alive response.
READ_TIMEOUT = 10.0
# Seconds a kept-alive connection may stay idle between requests.
KEEP_ALIVE_TIMEOUT = 5.0
# Descriptors kept free for files, logs and the listening socket under the concurrency limit.
_SPARE_DESCRIPTORS = 64
# Seconds between two log lines about the same kind of accept error.
ERROR_INTERVAL = 10.0
# The states in which h11 has read all of a request: the time-out has nothing left to guard.
_READ = (h11.DONE, h11.MUST_CLOSE, h11.CLOSED, h11.ERROR)


class TimedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request is not all in within
    `read_timeout` seconds (a connection that never sends a byte included)."""

    def __init__(self, *args: Any, read_timeout: float = READ_TIMEOUT, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.read_timeout = read_timeout
        self._read_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Start the clock on the first request."""
        super().connection_made(transport)  # type: ignore[arg-type]
        self._start_read_timer()

    def data_received(self, data: bytes) -> None:
        """Read as uvicorn does; start the clock on a new request, stop it once it is read."""
        if self._read_timer is None and self.conn.their_state is h11.IDLE:
            self._start_read_timer()
        super().data_received(data)
        if self.conn.their_state in _READ:
            self._stop_read_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the clock with the connection."""
        self._stop_read_timer()
        super().connection_lost(exc)

    def _start_read_timer(self) -> None:
        self._stop_read_timer()
        self._read_timer = self.loop.call_later(self.read_timeout, self._read_timed_out)

    def _stop_read_timer(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def _read_timed_out(self) -> None:
        self._read_timer = None
        if self.conn.their_state not in _READ and not self.transport.is_closing():
            self.transport.close()


def raise_descriptor_limit() -> int:
    """Raise this process's soft limit on open descriptors to its hard limit (allowed without
    privileges); the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        wanted = 65_536 if hard == resource.RLIM_INFINITY else hard
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):  # some containers refuse; keep the old limit
            pass
    return soft


def concurrency_limit(descriptors: int) -> int:
    """Connections and requests one worker takes at once before answering 503: all its
    descriptors but a few, so it refuses work rather than failing to accept."""
    return max(32, descriptors - _SPARE_DESCRIPTORS)


class ThrottledErrors:
    """An asyncio exception handler logging each kind of OS error (a failed accept, a reset
    connection) once per `interval` seconds with the number seen meanwhile and no traceback;
    any other error goes to asyncio's own handler.

    Out of descriptors, asyncio's accept loop logs an error with a traceback on every attempt
    (81,532 tracebacks in 12 s were seen); one line per interval says the same.
    """

    def __init__(self, interval: float = ERROR_INTERVAL) -> None:
        self.interval = interval
        self._last: dict[str, float] = {}
        self._count: dict[str, int] = {}

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        """Log this error unless one of its kind was logged less than `interval` ago."""
        exc = context.get("exception")
        if not isinstance(exc, OSError):
            loop.default_exception_handler(context)
            return
        message = str(context.get("message", "error in the event loop"))
        kind = f"{message}: {type(exc).__name__}"
        now = time.monotonic()
        self._count[kind] = self._count.get(kind, 0) + 1
        if now - self._last.get(kind, -self.interval) < self.interval:
            return
        seen, self._count[kind], self._last[kind] = self._count[kind], 0, now
        reason = f" ({exc.strerror or exc})"
        more = f", {seen} times in the last {self.interval:.0f} s" if seen > 1 else ""
        LOG.error("%s%s%s", kind, reason, more)


def install_error_throttle() -> None:
    """Throttle the running loop's error logs (called at startup, inside the loop)."""
    asyncio.get_running_loop().set_exception_handler(ThrottledErrors())
