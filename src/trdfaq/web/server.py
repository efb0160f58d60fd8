"""`trdfaq serve`: run the web app with uvicorn, on one process or several."""

from __future__ import annotations

import functools
import gc
import logging
import logging.config
import socket
import sys
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess
from uvicorn.supervisors.multiprocess import Process

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


def bind_socket(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    """A listening TCP socket whose accepted connections get TCP_NODELAY.

    asyncio sets TCP_NODELAY only on sockets whose protocol is IPPROTO_TCP; uvicorn's own
    bind_socket (used with --workers) leaves the protocol 0, so every worker then answers
    with Nagle's algorithm on, and small responses wait on delayed ACKs (~40 ms each).
    With `reuse_port`, further sockets may be bound to the same address (bind_sockets).
    """
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise TrdfaqError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def bind_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """`count` listening sockets on one address, one per worker, each with its own queue of
    connections (SO_REUSEPORT): the kernel spreads new connections evenly over them. Workers
    sharing one socket take whatever they accept first, and a burst of connections all goes
    to one of them (benchmarks/load_test.py: all 32 of wrk's in one round of three).

    Elsewhere than on Linux, one socket that every worker shares (other systems' SO_REUSEPORT
    does not spread connections). The address is first bound alone, so a server already on
    the port is an error here, never joined.
    """
    first = bind_socket(host, port)
    if count == 1 or not sys.platform.startswith("linux"):
        return [first]
    port = first.getsockname()[1]  # the port the system chose, for port 0
    first.close()
    found: list[socket.socket] = []
    try:
        for _ in range(count):
            found.append(bind_socket(host, port, reuse_port=True))
    except TrdfaqError:
        for sock in found:
            sock.close()
        raise
    return found


class Workers(Multiprocess):
    """uvicorn's supervisor of worker processes, with worker i on socket i of `sockets`
    (bind_sockets); the worker that replaces one that died takes its socket, whose waiting
    connections it then serves. With one socket, every worker shares it (uvicorn's own way).
    Adding workers with SIGTTIN is not supported: each has its socket from the start."""

    def _spawn(self, index: int) -> Process:
        process = Process(self.config, [self.sockets[index % len(self.sockets)]])
        process.start()
        return process

    def init_processes(self) -> None:
        self.processes = [self._spawn(index) for index in range(self.processes_num)]

    def restart_all(self) -> None:
        """SIGHUP: replace each worker in turn, the new one in service before the old stops."""
        for index, old in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            new = self._spawn(index)
            timeout = self.config.timeout_worker_healthcheck
            if not new.wait_until_ready(timeout, self.should_exit):
                new.kill()
                new.join()
                if not self.should_exit.is_set():
                    LOG.error("a new worker was not ready in time; restart abandoned")
                return
            old.terminate()
            old.join()
            self.processes[index] = new

    def keep_subprocess_alive(self) -> None:
        """Replace a worker that died or hangs, on its own socket."""
        if self.should_exit.is_set():
            return
        for index, process in enumerate(self.processes):
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()
            process.join()
            if process.exitcode == STARTUP_FAILURE:  # it would fail the same way again
                LOG.error("a worker failed to start; stopping")
                self.should_exit.set()
                return
            if self.should_exit.is_set():
                return
            LOG.info("worker %s died; starting another", process.pid)
            self.processes[index] = self._spawn(index)

    def handle_ttin(self) -> None:
        LOG.info("SIGTTIN ignored: the number of workers is fixed by --workers")

    def handle_ttou(self) -> None:
        LOG.info("SIGTTOU ignored: the number of workers is fixed by --workers")


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
    sockets = bind_sockets(host, port, workers)
    LOG.info(
        "serving on http://%s:%d with %d worker(s)", host, sockets[0].getsockname()[1], workers
    )
    try:
        if workers == 1:
            uvicorn.Server(config).run(sockets=sockets)
        else:
            Workers(config, sockets=sockets).run()
    finally:
        for sock in sockets:
            sock.close()
