"""gzip for the responses worth it: widget.js (compressed once) and answers (each time)."""

from __future__ import annotations

import gzip

# Bodies shorter than this are sent as they are: gzip's header and the work outweigh the gain.
MIN_SIZE = 1024
# Answers are compressed per request: level 5 gives most of level 9's size at a third of its
# time (a 4 KB answer: ~40 µs); widget.js is compressed once, at level 9.
ANSWER_LEVEL = 5


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header allows gzip (named, or by *, and not with q=0)."""
    for item in accept_encoding.split(","):
        name, *params = (part.strip() for part in item.split(";"))
        if name.lower() not in ("gzip", "x-gzip", "*"):
            continue
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    return float(value) > 0
                except ValueError:
                    return False
        return True
    return False


def gzipped(body: bytes, level: int = ANSWER_LEVEL) -> bytes:
    """`body` in gzip form, with no timestamp (the same body always gives the same bytes)."""
    return gzip.compress(body, compresslevel=level, mtime=0)
