"""Slow and idle clients on the real server: no connection is held past the read time-out."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from trdfaq.web.connections import ThrottledErrors, concurrency_limit

from .conftest import Server, run_server

READ_TIMEOUT = 1.0
WAIT = 15.0  # the longest a test waits for the server to close a connection


@pytest.fixture(scope="module")
def impatient(server_dir: Path) -> Iterator[Server]:
    """A server with a one-second read time-out."""
    with run_server(server_dir, "--read-timeout", str(READ_TIMEOUT)) as srv:
        yield srv


def _connect(server: Server) -> socket.socket:
    address = urlsplit(server.url)
    sock = socket.create_connection((address.hostname, address.port), timeout=WAIT)
    return sock


def _response(sock: socket.socket) -> bytes:
    """One whole HTTP response from `sock` (status line, headers and Content-Length body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"closed mid-response: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "closed mid-body"
        body += chunk
    return head + b"\r\n\r\n" + body


def _closed_by_server(sock: socket.socket, trickle: bytes = b"") -> bytes:
    """Everything the server sends until it closes the connection, sending `trickle` a byte
    at a time meanwhile; AssertionError if it is still open after WAIT seconds."""
    received = b""
    deadline = time.monotonic() + WAIT
    sock.settimeout(0.2)
    for byte in trickle:
        try:
            sock.sendall(bytes([byte]))
        except OSError:
            return received  # closed while we were still sending: as wanted
        try:
            chunk = sock.recv(65536)
            if not chunk:
                return received
            received += chunk
        except TimeoutError:
            pass
        assert time.monotonic() < deadline, "the server let a trickling client hold on"
    sock.settimeout(WAIT)
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except TimeoutError:
        raise AssertionError("the server never closed the connection") from None
    except ConnectionResetError:
        pass
    return received


class TestReadTimeout:
    def test_a_connection_that_sends_nothing_is_closed(self, impatient: Server) -> None:
        with _connect(impatient) as sock:
            assert _closed_by_server(sock) == b""

    def test_headers_a_byte_at_a_time_are_cut_off(self, impatient: Server) -> None:
        headers = b"GET /api/health HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 500
        with _connect(impatient) as sock:
            assert _closed_by_server(sock, trickle=headers) == b""

    def test_a_body_a_byte_at_a_time_is_cut_off(self, impatient: Server) -> None:
        body = b'{"question": "' + b"a" * 400 + b'"}'
        head = (
            b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)
        )
        with _connect(impatient) as sock:
            sock.sendall(head)
            received = _closed_by_server(sock, trickle=body)
        assert b"200 OK" not in received

    def test_kept_alive_connections_serve_and_then_close(self, impatient: Server) -> None:
        request = b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n"
        with _connect(impatient) as sock:
            for _ in range(3):  # each request gets its own read time-out
                sock.sendall(request)
                assert _response(sock).startswith(b"HTTP/1.1 200")
                time.sleep(READ_TIMEOUT * 0.6)  # 1.8 read time-outs in all: not one per connection
            assert _closed_by_server(sock) == b""  # then the keep-alive time-out

    def test_a_request_sent_whole_is_answered(self, impatient: Server) -> None:
        request = (
            b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 28\r\n\r\n{"question": "What is ECT?"}'
        )
        with _connect(impatient) as sock:
            sock.sendall(request)
            assert _response(sock).startswith(b"HTTP/1.1 200")

    def test_the_server_still_answers_after_many_idle_connections(self, impatient: Server) -> None:
        idle = [_connect(impatient) for _ in range(200)]
        try:
            assert impatient.request("/api/health").status == 200
        finally:
            for sock in idle:
                sock.close()


class TestLimits:
    def test_concurrency_stays_under_the_descriptor_limit(self) -> None:
        assert concurrency_limit(1024) == 960
        assert concurrency_limit(65_536) > 60_000
        assert concurrency_limit(40) == 32

    def test_accept_errors_are_logged_once_per_interval(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        handler = ThrottledErrors(interval=3600)
        loop = asyncio.new_event_loop()
        try:
            error = OSError(24, "Too many open files")
            context = {"message": "socket.accept() out of system resource", "exception": error}
            with caplog.at_level("ERROR", logger="trdfaq.web"):
                for _ in range(1000):
                    handler(loop, context)
        finally:
            loop.close()
        lines = [r for r in caplog.records if r.name == "trdfaq.web"]
        assert len(lines) == 1
        assert "Too many open files" in lines[0].getMessage()
        assert lines[0].exc_info is None


class TestWarmUp:
    @pytest.mark.parametrize(
        ("text", "misspelt"),
        [
            ("How fast does ketamine work?", "How fast does ketamin work?"),
            ("Does ECT affect memory?", "Does ECT affec memory?"),
            ("What is rTMS?", "What is rTMS?"),
        ],
    )
    def test_misspelt(self, text: str, misspelt: str) -> None:
        from trdfaq.web.server import _misspelt

        assert _misspelt(text) == misspelt

    def test_before_the_first_request(self, impatient: Server) -> None:
        log = impatient.wait_for_log("Application startup complete")
        assert log.index("warmed up in") < log.index("Application startup complete")
