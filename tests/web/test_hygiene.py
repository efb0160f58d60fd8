"""Server hygiene on the real server: JSON only as JSON, a log nobody can forge lines into,
an OpenAPI description that matches the server, and gzip where it pays."""

from __future__ import annotations

import gzip
import json
import re
import socket
from urllib.parse import urlsplit

import pytest

from trdfaq import MAX_MESSAGE_CHARS
from trdfaq.answer import STATUSES
from trdfaq.web.middleware import log_safe

from .conftest import Server

MARKER = "quokka-zebra-1377"  # a string no log line should ever contain


def _raw(server: Server, request: bytes) -> bytes:
    """Send raw bytes on a fresh connection and return the response's first line."""
    address = urlsplit(server.url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(request)
        return sock.recv(65536).split(b"\r\n", 1)[0]


class TestContentType:
    @pytest.mark.parametrize(
        "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/jsonx"]
    )
    def test_anything_but_json_is_415(self, server: Server, content_type: str) -> None:
        body = json.dumps({"question": "What is ECT?"}).encode()
        reply = server.request("/api/ask", body, headers={"Content-Type": content_type})
        assert reply.status == 415
        assert "Content-Type: application/json" in reply.json()["error"]

    def test_no_content_type_is_415(self, server: Server) -> None:
        body = b'{"question": "What is ECT?"}'
        request = (
            b"POST /api/ask HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        assert _raw(server, request).startswith(b"HTTP/1.1 415")

    @pytest.mark.parametrize(
        "content_type", ["application/json; charset=utf-8", "Application/JSON", "application/json "]
    )
    def test_json_with_parameters_or_any_case(self, server: Server, content_type: str) -> None:
        body = json.dumps({"question": "What is ECT?"}).encode()
        reply = server.request("/api/ask", body, headers={"Content-Type": content_type})
        assert reply.status == 200


class TestAccessLog:
    @pytest.mark.parametrize(
        ("text", "logged"),
        [
            ("/api/ask", "/api/ask"),
            ("a\nb", "a\\nb"),
            ("\x1b[2J", "\\x1b[2J"),
            ("tab\there", "tab\\there"),
            ("back\\slash", "back\\\\slash"),
            ("\u2028", "\\u2028"),
            ("é", "é"),
        ],
    )
    def test_control_characters_are_escaped(self, text: str, logged: str) -> None:
        assert log_safe(text) == logged

    def test_a_path_cannot_forge_a_log_line(self, server: Server) -> None:
        forged = f"/x%0A2026-01-01%2000:00:00,000%20INFO%20GET%20/{MARKER}%20200%201.0ms%1B[2J"
        assert _raw(server, f"GET {forged} HTTP/1.1\r\nHost: x\r\n\r\n".encode()).endswith(
            b"404 Not Found"
        )
        log = server.wait_for_log("GET (other path) 404")
        assert MARKER not in log and "\x1b" not in log

    def test_unknown_routes_are_never_logged_as_typed(self, server: Server) -> None:
        path = "/api/ask/i%20want%20to%20end%20my%20life%20" + MARKER
        assert server.request(path).status == 404
        assert server.request(f"/{MARKER}", b"{}", method="POST").status == 404
        log = server.wait_for_log("POST (other path) 404")
        assert MARKER not in log and "end my life" not in log

    def test_known_routes_are_logged(self, server: Server) -> None:
        assert server.request("/api/ask").status == 405
        server.wait_for_log("GET /api/ask 405")


class TestOpenAPI:
    def test_status_enum_is_the_servers(self, server: Server) -> None:
        schema = server.request("/openapi.json").json()
        enum = schema["components"]["schemas"]["Answer"]["properties"]["status"]["enum"]
        assert enum == list(STATUSES)
        questions = ["What is rTMS?", "What is the capital of France?", "I want to end my life"]
        for question in questions:
            assert server.ask(question).json()["status"] in enum

    def test_region_pattern_accepts_exactly_what_the_server_accepts(self, server: Server) -> None:
        schema = server.request("/openapi.json").json()
        region = schema["components"]["schemas"]["AskRequest"]["properties"]["region"]
        pattern = re.compile(region["pattern"])
        codes = list(server.request("/api/info").json()["regions"])
        accepted = [*codes, *(c.lower() for c in codes), " gb ", "Gb", "usa", ""]
        refused = ["Narnia", "U S", "EUR", "xx"]
        for value in accepted:
            assert pattern.match(value), value
            assert server.ask("What is ECT?", region=value).status == 200, value
        for value in refused:
            assert not pattern.match(value), value
            assert server.ask("What is ECT?", region=value).status == 422, value

    def test_question_length_limit_is_the_servers(self, server: Server) -> None:
        schema = server.request("/openapi.json").json()
        question = schema["components"]["schemas"]["AskRequest"]["properties"]["question"]
        assert question["maxLength"] == MAX_MESSAGE_CHARS
        over = "does ECT affect memory? " * (MAX_MESSAGE_CHARS // 20)
        assert server.ask(over[: MAX_MESSAGE_CHARS + 1]).status == 422
        responses = schema["paths"]["/api/ask"]["post"]["responses"]
        assert {"413", "415", "422", "429"} <= set(responses)


class TestGzip:
    def test_widget_script(self, server: Server) -> None:
        plain = server.request("/widget.js")
        packed = server.request("/widget.js", headers={"Accept-Encoding": "gzip, br"})
        assert "content-encoding" not in plain.headers
        assert packed.headers["content-encoding"] == "gzip"
        assert "Accept-Encoding" in packed.headers["vary"]
        assert gzip.decompress(packed.body) == plain.body
        assert len(packed.body) < len(plain.body) / 2
        assert packed.headers["etag"] != plain.headers["etag"]
        again = server.request(
            "/widget.js",
            headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["etag"]},
        )
        assert again.status == 304

    def test_answers(self, server: Server) -> None:
        body = json.dumps({"question": "What is rTMS?"}).encode()
        packed = server.request("/api/ask", body, headers={"Accept-Encoding": "gzip"})
        assert packed.headers["content-encoding"] == "gzip"
        data = json.loads(gzip.decompress(packed.body))
        assert data["status"] == "answered" and data["answers"]
        plain = server.request("/api/ask", body)
        assert "content-encoding" not in plain.headers and plain.json()["answers"]

    @pytest.mark.parametrize("accept", ["gzip;q=0", "identity", "br", ""])
    def test_only_when_asked_for(self, server: Server, accept: str) -> None:
        body = json.dumps({"question": "What is rTMS?"}).encode()
        reply = server.request("/api/ask", body, headers={"Accept-Encoding": accept})
        assert "content-encoding" not in reply.headers
        assert reply.json()["status"] == "answered"
