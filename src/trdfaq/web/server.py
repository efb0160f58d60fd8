"""`trdfaq serve`: run the web app with uvicorn, on one process or several."""

from __future__ import annotations

import functools
import gc
import logging
import logging.config
import socket
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from uvicorn.supervisors import Multiprocess

from .. import Assistant, TrdfaqError
from ..loader import load_assistant
from .app import conversation_secret, create_app
from .connections import (
    KEEP_ALIVE_TIMEOUT,
    READ_TIMEOUT,
    TimedH11Protocol,
    concurrency_limit,
    install_error_throttle,
    raise_descriptor_limit,
)
from .settings import Settings

LOG = logging.getLogger("trdfaq.web")

# Uvicorn's own access log is off (it would show query strings and client addresses); the
# app logs method, path, status and time instead, to standard error like everything else.
LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(message)s"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        "trdfaq.web": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket whose accepted connections get TCP_NODELAY.

    asyncio sets TCP_NODELAY only on sockets whose protocol is IPPROTO_TCP; uvicorn's own
    bind_socket (used with --workers) leaves the protocol 0, so every worker then answers
    with Nagle's algorithm on, and small responses wait on delayed ACKs (~40 ms each).
    """
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise TrdfaqError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def _ready_app(assistant: Assistant, settings: dict[str, Any]) -> Starlette:
    """The app over a loaded assistant, with what is loaded so far out of the GC's way.

    The corpus, index and code objects live as long as the process: frozen, the garbage
    collector no longer walks them on every full collection (a pause on every request in
    flight). Only `trdfaq serve` does this; an app that mounts create_app() decides for itself.
    """
    started = time.perf_counter()
    warm_up(assistant)
    LOG.info("warmed up in %.1f s", time.perf_counter() - started)
    app = create_app(assistant, **settings)
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[Any]:
        install_error_throttle()  # on the server's own loop only, not an app that mounts ours
        async with inner(app) as state:
            yield state

    app.router.lifespan_context = lifespan
    gc.collect()
    gc.freeze()
    return app


def warm_up(assistant: Assistant) -> None:
    """Ask the example questions once, spelt right and wrong, so that whatever the core
    builds on first use (the spelling index, embedding tables, per-passage stems) is built
    now, before gc.freeze() and the first real question, not during it (3 s and 110 MB on
    the first misspelt question otherwise)."""
    for example in assistant.prompts.examples[:2]:
        assistant.ask(example)
        assistant.ask(_misspelt(example))


def _misspelt(text: str) -> str:
    """`text` with the last letter of each longer word dropped ("ketamine" -> "ketamin")."""
    return " ".join(w[:-1] if len(w) > 4 and w[-1].isalpha() else w for w in text.split())


def _worker_app(settings: dict[str, Any]) -> Starlette:
    """The app of one worker process (`--workers 2` and more)."""
    return _ready_app(load_assistant(settings["corpus_dir"]), settings)


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    corpus_dir: Path | str | None = None,
    allow_origins: Sequence[str] = (),
    workers: int = 1,
    rate_limit: int = 60,
    log_questions: bool = False,
    read_timeout: float = READ_TIMEOUT,
) -> None:
    """Serve the API, widget and demo page until interrupted; TrdfaqError for bad settings."""
    if workers < 1:
        raise TrdfaqError("--workers must be at least 1")
    if not read_timeout > 0:
        raise TrdfaqError("--read-timeout must be a positive number of seconds")
    settings: dict[str, Any] = {
        "allow_origins": tuple(allow_origins),
        "rate_limit": rate_limit,
        "log_questions": log_questions,
        "corpus_dir": None if corpus_dir is None else Path(corpus_dir),
    }
    logging.config.dictConfig(LOG_CONFIG)  # before uvicorn's, for the lines logged till then
    try:
        # One secret for every worker: from the environment, else one random for this server.
        settings["secret"] = conversation_secret(Settings.from_kwargs(**settings))
    except ValueError as exc:  # a bad setting, or a $TRDFAQ_SECRET too short
        raise TrdfaqError(str(exc)) from None
    # Load once here: a broken corpus is a one-line error, and the workers start from the
    # on-disk cache this fills.
    assistant = load_assistant(corpus_dir)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "workers": workers,
        "lifespan": "on",
        # asyncio's own loop, even where uvloop is installed: under 32 connections uvloop
        # served /api/ask slightly faster but with a p99 of 237 ms against 50 (its reads
        # are less fair between connections); see benchmarks/README.md.
        "loop": "asyncio",
        "access_log": False,
        "log_config": LOG_CONFIG,
        "server_header": False,
        # A request must be all in within read_timeout (uvicorn times out only idle kept-alive
        # connections); past the descriptors this process may open, answer 503, not hang.
        "http": functools.partial(TimedH11Protocol, read_timeout=read_timeout),
        "timeout_keep_alive": KEEP_ALIVE_TIMEOUT,
        "limit_concurrency": concurrency_limit(raise_descriptor_limit()),
    }
    if workers == 1:
        config = uvicorn.Config(_ready_app(assistant, settings), **options)
    else:
        del assistant  # each worker process loads its own
        # A picklable factory: each spawned worker process builds its own app with it.
        factory = functools.partial(_worker_app, settings)
        config = uvicorn.Config(factory, factory=True, **options)
    sock = bind_socket(host, port)
    LOG.info("serving on http://%s:%d with %d worker(s)", host, sock.getsockname()[1], workers)
    try:
        if workers == 1:
            uvicorn.Server(config).run(sockets=[sock])
        else:
            Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()
