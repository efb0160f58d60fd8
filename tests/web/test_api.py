"""The HTTP API, against the real server on a loopback port."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from trdfaq import MAX_QUESTION_CHARS, QuestionError, TrdfaqError, validate_question
from trdfaq.prompts import LABELS
from trdfaq.web.ratelimit import RateLimiter
from trdfaq.web.server import bind_socket, bind_sockets

from .conftest import Server, Site, run_server

MARKER = "zebra-quokka-7731"  # a string no log line should ever contain
WIDGET_JS = Path(__file__).parents[2] / "src/trdfaq/web/static/widget.js"


def _message(question: str) -> str:
    with pytest.raises(QuestionError) as info:
        validate_question(question)
    return str(info.value)


class TestAsk:
    def test_answers_with_quotes_sources_and_disclaimer(self, server: Server) -> None:
        reply = server.ask("What is rTMS?")
        assert reply.status == 200
        assert reply.headers["content-type"] == "application/json"
        data = reply.json()
        assert data["status"] == "answered"
        assert data["disclaimer"]
        first = data["answers"][0]
        assert first["quote"] and first["source"]["title"]
        assert re.fullmatch(r"[\w.-]{40,}", data["conversation_id"])
        assert data["context_lost"] is False

    def test_follow_up_uses_the_conversation(self, server: Server) -> None:
        first = server.ask("What is rTMS?").json()
        second = server.ask("How often is it given?", conversation_id=first["conversation_id"])
        data = second.json()
        assert data["context_lost"] is False
        quotes = [a["quote"] for a in data["answers"]]
        quotes += [c["quote"] for a in data["answers"] for c in a["corroborated_by"]]
        assert any("5 days/week" in q for q in quotes), quotes

    def test_unknown_conversation_id_is_answered_on_its_own(self, server: Server) -> None:
        data = server.ask("What is ECT?", conversation_id="not-a-real-id").json()
        assert data["status"] == "answered" and data["context_lost"] is True
        assert data["conversation_id"] != "not-a-real-id"

    def test_crisis_reply(self, server: Server) -> None:
        data = server.ask("I want to end my life").json()
        assert data["status"] == "crisis"
        assert data["answers"] == []
        crisis = data["crisis"]
        assert crisis["message"] and crisis["resources"]
        hrefs = [link["href"] for r in crisis["resources"] for link in r["links"]]
        assert any(h.startswith("tel:") for h in hrefs)
        assert any(h.startswith("sms:") for h in hrefs)

    def test_region_puts_local_lines_first(self, server: Server) -> None:
        data = server.ask("I want to end my life", region="gb").json()
        assert "UK" in data["crisis"]["resources"][0]["region"]

    def test_no_match_offers_topics(self, server: Server) -> None:
        data = server.ask("what is the capital of France?").json()
        assert data["status"] == "no_match"
        assert data["message"] and data["follow_ups"] and data["disclaimer"]


BAD_BODIES: list[tuple[str, bytes, str]] = [
    ("not JSON", b"question=hello", "must be JSON"),
    ("invalid UTF-8", b'{"question": "\xff"}', "must be JSON"),
    ("a JSON array", b'["What is TRD?"]', "JSON object"),
    ("no question", b'{"region": "US"}', '"question" is required'),
    ("question a number", b'{"question": 42}', '"question" must be a string'),
    ("question null", b'{"question": null}', '"question" must be a string'),
    ("id a number", b'{"question": "hi", "conversation_id": 7}', '"conversation_id" must be'),
    ("region a list", b'{"question": "hi", "region": ["US"]}', '"region" must be'),
    ("unknown field", b'{"question": "hi", "top_k": 99}', "unknown field(s): 'top_k'"),
    ("lone surrogate", b'{"question": "hi \\ud800"}', "not valid Unicode"),
    ("deep nesting", b"[" * 8000 + b"]" * 8000, "must be JSON"),
    ("empty question", b'{"question": ""}', _message("")),
    ("blank question", b'{"question": "  \\n "}', _message("  \n ")),
    (
        "long question",
        b'{"question": "%s"}' % (b"does ECT affect memory? " * 50)[: MAX_QUESTION_CHARS + 1],
        f"keep it under {MAX_QUESTION_CHARS:,}",
    ),
    ("unknown region", b'{"question": "hi", "region": "Narnia"}', "unknown region 'Narnia'"),
]


class TestBadInput:
    @pytest.mark.parametrize(
        ("body", "error"),
        [(b, e) for _, b, e in BAD_BODIES],
        ids=[name for name, _, _ in BAD_BODIES],
    )
    def test_422_with_a_clear_message(self, server: Server, body: bytes, error: str) -> None:
        reply = server.request("/api/ask", body)
        assert reply.status == 422
        assert error in reply.json()["error"]

    def test_question_of_exactly_the_limit_is_answered(self, server: Server) -> None:
        question = ("does ECT affect memory " * 100)[:MAX_QUESTION_CHARS]
        assert server.ask(question).status == 200

    def test_413_from_content_length(self, server: Server) -> None:
        reply = server.request("/api/ask", b'{"question": "%s"}' % (b"a" * 17_000))
        assert reply.status == 413
        assert "16,384 bytes" in reply.json()["error"]

    def test_413_while_reading_a_chunked_body(self, server: Server) -> None:
        chunks = [b'{"question": "', *([b"a" * 1000] * 20), b'"}']
        connection = http.client.HTTPConnection(*_address(server), timeout=10)
        try:
            connection.request(
                "POST",
                "/api/ask",
                body=iter(chunks),
                encode_chunked=True,
                headers={"Content-Type": "application/json"},
            )
            with connection.getresponse() as response:
                assert response.getheader("Content-Length") is not None
                assert response.status == 413
                assert "over" in response.read().decode()
        finally:
            connection.close()

    def test_a_body_of_exactly_16_kib_is_read(self, server: Server) -> None:
        body = b'{"question": "%s"}' % (b"a" * (16 * 1024 - 16))
        assert len(body) == 16 * 1024
        reply = server.request("/api/ask", body)
        assert reply.status == 422  # read in full, then refused as too long a question

    def test_404_in_json(self, server: Server) -> None:
        reply = server.request("/api/nothing-here")
        assert (reply.status, reply.json()) == (404, {"error": "not found"})

    def test_405_in_json_with_allow(self, server: Server) -> None:
        reply = server.request("/api/ask")
        assert (reply.status, reply.json()) == (405, {"error": "method not allowed"})
        assert reply.headers["allow"] == "POST"
        assert server.request("/api/health", b"{}", method="POST").status == 405


def _address(server: Server) -> tuple[str, int]:
    parts = urlsplit(server.url)
    assert parts.hostname and parts.port
    return parts.hostname, parts.port


@pytest.fixture(scope="module")
def strict_server(server_dir: Path) -> Iterator[Server]:
    """A second server: 3 questions a minute, and question logging switched on."""
    with run_server(server_dir, "--rate-limit", "3", "--log-questions") as srv:
        yield srv


class TestRateLimit:
    def test_429_with_retry_after(self, strict_server: Server) -> None:
        replies = [strict_server.ask(f"What is ECT? {i}") for i in range(4)]
        assert [r.status for r in replies] == [200, 200, 200, 429]
        assert "wait" in replies[3].json()["error"]
        assert int(replies[3].headers["retry-after"]) >= 1

    def test_per_client(self, strict_server: Server) -> None:
        # Uvicorn trusts X-Forwarded-For from loopback (a reverse proxy on the same host).
        other = {"X-Forwarded-For": "203.0.113.9"}
        reply = strict_server.request("/api/ask", {"question": "What is TMS?"}, headers=other)
        assert reply.status == 200

    def test_health_is_not_limited(self, strict_server: Server) -> None:
        assert all(strict_server.request("/api/health").status == 200 for _ in range(10))

    def test_log_questions_is_an_opt_in(self, strict_server: Server) -> None:
        question = f"What is ketamine? {MARKER}"
        other = {"X-Forwarded-For": "203.0.113.10"}
        strict_server.request("/api/ask", {"question": question}, headers=other)
        strict_server.wait_for_log(MARKER)


class TestCors:
    def test_allowed_origin(self, server: Server, site: Site) -> None:
        reply = server.request(
            "/api/ask", {"question": "What is TRD?"}, headers={"Origin": site.origin}
        )
        assert reply.status == 200
        assert reply.headers["access-control-allow-origin"] == site.origin
        assert "Origin" in reply.headers["vary"]

    def test_other_origins_are_refused(self, server: Server) -> None:
        evil = "https://evil.example"
        reply = server.request("/api/ask", {"question": "What is TRD?"}, headers={"Origin": evil})
        assert reply.status == 403
        assert "access-control-allow-origin" not in reply.headers
        info = server.request("/api/info", headers={"Origin": evil})
        assert "access-control-allow-origin" not in info.headers

    def test_own_pages_may_call(self, server: Server) -> None:
        same = {"Origin": server.url}
        assert server.request("/api/ask", {"question": "What is TRD?"}, headers=same).status == 200
        fetch = {"Origin": "https://faq.example.org", "Sec-Fetch-Site": "same-origin"}
        assert server.request("/api/ask", {"question": "What is TRD?"}, headers=fetch).status == 200

    def test_preflight(self, server: Server, site: Site) -> None:
        headers = {
            "Origin": site.origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        }
        reply = server.request("/api/ask", method="OPTIONS", headers=headers)
        assert reply.status == 200
        assert reply.headers["access-control-allow-origin"] == site.origin
        assert "POST" in reply.headers["access-control-allow-methods"]
        assert "content-type" in reply.headers["access-control-allow-headers"].lower()

    def test_preflight_from_another_origin(self, server: Server) -> None:
        headers = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
        reply = server.request("/api/ask", method="OPTIONS", headers=headers)
        assert reply.status == 400
        assert "access-control-allow-origin" not in reply.headers
        assert "origin" in reply.json()["error"].lower()


class TestHeaders:
    @pytest.mark.parametrize(
        "path", ["/", "/widget.js", "/api/health", "/api/info", "/openapi.json", "/nope"]
    )
    def test_security_headers_everywhere(self, server: Server, path: str) -> None:
        headers = server.request(path).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert "default-src" in headers["content-security-policy"]
        assert "server" not in headers

    def test_page_policy(self, server: Server) -> None:
        reply = server.request("/")
        csp = reply.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert reply.headers["x-frame-options"] == "DENY"
        assert reply.headers["content-type"] == "text/html; charset=utf-8"

    def test_widget_script_loads_anywhere(self, server: Server) -> None:
        reply = server.request("/widget.js")
        assert reply.headers["content-type"] == "text/javascript; charset=utf-8"
        assert reply.headers["cross-origin-resource-policy"] == "cross-origin"
        assert reply.headers["access-control-allow-origin"] == "*"
        again = server.request("/widget.js", headers={"If-None-Match": reply.headers["etag"]})
        assert again.status == 304

    def test_widget_script_carries_the_crisis_lines(self, server: Server) -> None:
        script = server.request("/widget.js").body.decode()
        match = re.search(r"const BUILT_IN = /\*@built-in\*/(\{.*?\});\n", script)
        assert match is not None, "the server did not fill in the built-in data"
        built_in = json.loads(match.group(1))
        info = server.request("/api/info").json()
        assert built_in["labels"] == info["labels"]
        assert set(built_in["crisis"]) == {"", *info["regions"]}
        for region, crisis in built_in["crisis"].items():
            assert crisis["headline"] and crisis["resources"], region
        hrefs = [link["href"] for r in built_in["crisis"]["UK"]["resources"] for link in r["links"]]
        assert hrefs[0] == "tel:116123" and "tel:999" in hrefs

    def test_api_is_not_cached(self, server: Server) -> None:
        assert server.ask("What is TRD?").headers["cache-control"] == "no-store"


class TestPagesAndSchema:
    def test_health(self, server: Server) -> None:
        data = server.request("/api/health").json()
        assert data["status"] == "ok"
        assert data["passages"] > 0 and data["sources"] > 0
        assert "conversations" not in data  # nothing is stored

    def test_info(self, server: Server) -> None:
        data = server.request("/api/info").json()
        assert data["greeting"] and data["disclaimer"] and data["placeholder"]
        assert 3 <= len(data["examples"]) <= 5
        assert set(data["labels"]) == LABELS
        assert data["labels"]["publisher_unknown"] and data["empty_question"]
        assert any(
            link["href"].startswith("tel:") for r in data["crisis_resources"] for link in r["links"]
        )

    def test_openapi(self, server: Server) -> None:
        schema = server.request("/openapi.json").json()
        ask = schema["paths"]["/api/ask"]["post"]
        assert ask["requestBody"]["content"]["application/json"]["schema"]
        assert {"200", "413", "422", "429"} <= set(ask["responses"])
        assert "get" in schema["paths"]["/api/health"]
        request = schema["components"]["schemas"]["AskRequest"]
        assert set(request["properties"]) == {"question", "conversation_id", "region"}
        answer = schema["components"]["schemas"]["Answer"]["properties"]
        assert set(server.ask("What is TRD?").json()) == set(answer)

    def test_demo_page(self, server: Server) -> None:
        page = server.request("/").body.decode()
        assert f'&lt;script src="{server.url}/widget.js" defer&gt;' in page
        assert "&lt;trdfaq-chat" in page and "<trdfaq-chat open>" in page
        scripts = re.findall(r"<script[^>]*>", page)
        assert scripts and all("src=" in s for s in scripts)  # no inline script
        assert "style=" not in page

    def test_widget_never_parses_data_as_html(self) -> None:
        source = WIDGET_JS.read_text()
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in source

    def test_widget_words_are_labels_with_a_fallback_that_matches(self, server: Server) -> None:
        source = WIDGET_JS.read_text()
        used = set(re.findall(r"""\bt\(\s*["'](\w+)["']\s*\)""", source))
        for pair in re.findall(r'this\.t\([\w.]+ \? "(\w+)" : "(\w+)"\)', source):
            used |= set(pair)
        failures = re.search(r"const FAILURE_LABELS = \{(.*?)\};", source, re.DOTALL)
        assert failures is not None
        used |= set(re.findall(r'\w+: "(\w+)"', failures.group(1)))
        assert {"ask", "network_error", "too_many", "topics", "follow_ups", "timeout"} <= used
        assert {"still_working", "in_crisis", "get_help", "server_error"} <= used
        assert used <= LABELS  # a typo would show nothing
        block = re.search(r"const FALLBACK = \{(.*?)\n  \};", source, re.DOTALL)
        assert block is not None
        fallback = dict(re.findall(r'^\s*(\w+): "(.*)",$', block.group(1), re.MULTILINE))
        info = server.request("/api/info").json()
        assert fallback.pop("name") == info["name"]
        assert fallback == {key: info["labels"][key] for key in fallback}
        assert {"network_error", "retry"} <= set(fallback)


class TestPrivacy:
    def test_no_question_text_in_logs(self, server: Server) -> None:
        server.ask(f"What is ECT? {MARKER}")
        server.ask(f"I want to end my life {MARKER}")
        server.ask(MARKER * 200)  # over-long: a 422
        server.ask(f"{MARKER}", region=MARKER)  # unknown region
        server.request("/api/ask", f'{{"question": "{MARKER}"'.encode())  # broken JSON
        server.request("/api/ask", f'{{"{MARKER}": 1}}'.encode())  # unknown field
        server.request("/api/ask", MARKER.encode() * 2000)  # too large
        server.request(f"/api/health?q={MARKER}")
        log = server.wait_for_log("GET /api/health 200")
        assert MARKER not in log
        assert re.search(r"POST /api/ask 422 \d+\.\dms", log)


class TestWorkers:
    def test_two_workers_answer(self, server_dir: Path) -> None:
        with run_server(server_dir, "--workers", "2") as srv:
            assert srv.ask("What is rTMS?").json()["status"] == "answered"
            assert srv.request("/api/health").json()["status"] == "ok"
            srv.wait_for_workers(2)


def _listening_inodes(port: int) -> set[str]:
    """The socket inodes listening on a TCP port (/proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                found.add(fields[9])
    return found


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    return inodes


def _worker_sockets(srv: Server) -> dict[int, set[str]]:
    """Each worker process of a server, with the listening sockets on its port it holds."""
    listening = _listening_inodes(int(srv.url.rsplit(":", 1)[1]))
    parent = srv.process.pid
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    held = {int(pid): _socket_inodes(int(pid)) & listening for pid in children}
    return {pid: inodes for pid, inodes in held.items() if inodes}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a socket each on Linux only")
def test_each_worker_listens_on_its_own_socket(server_dir: Path) -> None:
    # One queue of connections per worker, so the kernel spreads them evenly: on one shared
    # socket, a burst of connections all went to whichever worker accepted first.
    with run_server(server_dir, "--workers", "2") as srv:
        srv.wait_for_workers(2)
        workers = list(_worker_sockets(srv).values())
        assert len(_listening_inodes(int(srv.url.rsplit(":", 1)[1]))) == 2
        assert len(workers) == 2
        assert all(len(inodes) == 1 for inodes in workers)
        assert workers[0] != workers[1]
        for _ in range(10):  # and every connection is answered, whichever queue it joins
            assert srv.request("/api/health").status == 200


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a socket each on Linux only")
def test_a_worker_that_dies_is_replaced_on_its_own_socket(server_dir: Path) -> None:
    # Its socket keeps its share of new connections: they must wait for the replacement,
    # not hang on a socket nobody accepts from.
    with run_server(server_dir, "--workers", "2") as srv:
        srv.wait_for_workers(2)
        before = _worker_sockets(srv)
        victim, its_socket = next(iter(before.items()))
        os.kill(victim, signal.SIGKILL)
        srv.wait_for_workers(3)
        after = _worker_sockets(srv)
        assert victim not in after
        assert sorted(map(sorted, after.values())) == sorted(map(sorted, before.values()))
        assert its_socket in after.values()  # the replacement took the dead worker's socket
        for _ in range(20):  # fresh connections, hashed over both sockets: all answered
            assert srv.request("/api/health").status == 200


@pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="no SO_REUSEPORT here")
def test_a_port_already_in_use_is_an_error_not_shared() -> None:
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(TrdfaqError, match=f"cannot listen on 127.0.0.1:{port}"):
            bind_sockets("127.0.0.1", port, 2)


def test_accepted_connections_get_tcp_nodelay() -> None:
    """The --workers trap: a socket with protocol 0 leaves Nagle on for every connection."""

    async def nodelay(sock: socket.socket) -> int:
        seen: list[int] = []

        def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            conn = writer.get_extra_info("socket")
            seen.append(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connect, sock=sock)
        async with server:
            _, writer = await asyncio.open_connection(*sock.getsockname()[:2])
            while not seen:
                await asyncio.sleep(0.01)
            writer.close()
            await writer.wait_closed()
        return seen[0]

    assert asyncio.run(nodelay(bind_socket("127.0.0.1", 0))) != 0


def test_mounted_inside_another_app(tmp_path: Path) -> None:
    """create_app() as a sub-application: no lifespan reaches it, so it loads on first use."""
    import threading

    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from trdfaq.web import create_app

    from .conftest import HOST, Client, free_port

    broken = create_app(corpus_dir=tmp_path, access_log=False)  # an empty corpus folder
    outer = Starlette(
        routes=[Mount("/faq", app=create_app(access_log=False)), Mount("/broken", app=broken)]
    )
    port = free_port()
    config = uvicorn.Config(outer, host=HOST, port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive()
            time.sleep(0.05)
        mounted = Client(f"http://{HOST}:{port}/faq")
        assert mounted.request("/api/health").json()["status"] == "ok"
        assert mounted.ask("What is ECT?").json()["status"] == "answered"
        page = mounted.request("/").body.decode()
        assert 'src="/faq/widget.js"' in page and f"{HOST}:{port}/faq/widget.js" in page
        assert mounted.request("/widget.js").status == 200
        unavailable = Client(f"http://{HOST}:{port}/broken").request("/api/health")
        assert (unavailable.status, unavailable.json()) == (
            503,
            {"error": "the assistant is not available"},
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class Clock:
    """A clock the tests move by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class TestRateLimiter:
    def test_bucket_refills(self) -> None:
        clock = Clock()
        limiter = RateLimiter(per_minute=3, clock=clock)
        assert [limiter.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
        wait = limiter.take("a")
        assert wait == pytest.approx(20.0)  # one token every 20 s
        assert limiter.retry_after(wait) == "20"
        assert limiter.take("b") == 0.0  # per client
        clock.now += 20
        assert limiter.take("a") == 0.0

    def test_idle_clients_are_forgotten(self) -> None:
        clock = Clock()
        limiter = RateLimiter(per_minute=3, max_clients=2, clock=clock)
        limiter.take("a")
        clock.now += 61
        limiter.take("b")
        assert len(limiter) == 1
        limiter.take("c")
        limiter.take("d")
        assert len(limiter) == 2

    def test_zero_disables(self) -> None:
        limiter = RateLimiter(per_minute=0)
        assert all(limiter.take("a") == 0.0 for _ in range(1000)) and len(limiter) == 0


class TestServeErrors:
    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--allow-origin", "example.org"], "not an origin: 'example.org'"),
            (["--allow-origin", "https://example.org/page"], "not an origin"),
            (["--workers", "0"], "--workers must be at least 1"),
            (["--rate-limit", "-1"], "rate_limit must not be negative"),
        ],
    )
    def test_bad_options_are_one_line_errors(self, args: list[str], message: str) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "trdfaq", "serve", *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 2
        assert result.stderr.startswith("trdfaq: ") and message in result.stderr
        assert "Traceback" not in result.stderr

    def test_port_in_use(self) -> None:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = str(taken.getsockname()[1])
            result = subprocess.run(
                [sys.executable, "-m", "trdfaq", "serve", "--port", port],
                capture_output=True,
                check=False,
                text=True,
            )
        assert result.returncode == 2
        assert f"trdfaq: cannot listen on 127.0.0.1:{port}" in result.stderr


def test_the_about_text_says_questions_are_stored_only_when_they_are(
    server: Server, strict_server: Server
) -> None:
    assert "not stored" in server.request("/api/info").json()["about"]
    logged = strict_server.request("/api/info").json()["about"]
    assert "not stored" not in logged and "logging" in logged
    assert "logging" in strict_server.request("/").body.decode()
