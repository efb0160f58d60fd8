"""Conversation tokens: signed, expiring topics that any worker or instance can resume."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from trdfaq import Topic
from trdfaq.web.tokens import SecretError, Signer, secret_from_env

from .conftest import Server, run_server

SECRET = "a shared test secret, at least 32 bytes long"
FOLLOW_UP = "How often is it given?"


def _quotes(data: dict[str, object]) -> list[str]:
    answers = data["answers"]
    assert isinstance(answers, list)
    quotes = [a["quote"] for a in answers]
    return quotes + [c["quote"] for a in answers for c in a["corroborated_by"]]


def _kept_context(data: dict[str, object]) -> bool:
    """The rTMS follow-up was answered about rTMS (its schedule is in one passage only)."""
    return data["context_lost"] is False and any("5 days/week" in q for q in _quotes(data))


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


class TestSigner:
    def test_round_trip(self) -> None:
        signer = Signer(SECRET.encode(), ttl=60)
        topic = Topic(("What is rTMS?",), ("rtms-1", "rtms-2"))
        assert signer.verify(signer.sign(topic)).topic == topic
        assert not signer.verify(signer.sign(topic)).lost

    def test_no_token_is_a_new_conversation_not_a_lost_one(self) -> None:
        signer = Signer(SECRET.encode(), ttl=60)
        assert signer.verify(None) == signer.verify("")
        assert not signer.verify(None).lost and not signer.verify(None).topic

    def test_expires(self) -> None:
        clock = Clock()
        signer = Signer(SECRET.encode(), ttl=60, clock=clock)
        token = signer.sign(Topic(("What is rTMS?",)))
        clock.now += 59
        assert not signer.verify(token).lost
        clock.now += 2
        assert signer.verify(token).lost and not signer.verify(token).topic

    @pytest.mark.parametrize(
        "forge",
        [
            pytest.param(lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), id="signature"),
            pytest.param(lambda t: t.replace("c1.", "c2.", 1), id="version"),
            pytest.param(lambda t: t + "=", id="padding"),
            pytest.param(lambda t: t.split(".")[0] + "." + t.split(".")[1], id="unsigned"),
            pytest.param(lambda t: "é" + t, id="not ascii"),
            pytest.param(lambda t: "x" * 5000, id="junk"),
        ],
    )
    def test_any_change_is_refused(self, forge: Callable[[str], str]) -> None:
        signer = Signer(SECRET.encode(), ttl=60)
        token = signer.sign(Topic(("What is rTMS?",), ("rtms-1",)))
        assert signer.verify(forge(token)).lost

    def test_another_secret_is_refused(self) -> None:
        token = Signer(b"b" * 32, ttl=60).sign(Topic(("What is rTMS?",)))
        assert Signer(SECRET.encode(), ttl=60).verify(token).lost

    def test_a_rewritten_topic_is_refused(self) -> None:
        signer = Signer(SECRET.encode(), ttl=60)
        version, payload, signature = signer.sign(Topic(("What is rTMS?",))).split(".")
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        data["topic"]["questions"] = ["What is ketamine?"]
        forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
        assert signer.verify(f"{version}.{forged}.{signature}").lost

    def test_short_secrets_are_refused(self) -> None:
        with pytest.raises(SecretError, match="at least 32"):
            secret_from_env({"TRDFAQ_SECRET": "short"})
        assert secret_from_env({}) is None
        with pytest.raises(SecretError):
            Signer(b"short", ttl=60)


@pytest.fixture(scope="module")
def workers(server_dir: Path) -> Iterator[Server]:
    """Two worker processes sharing one secret from the environment."""
    with run_server(
        server_dir, "--workers", "2", "--rate-limit", "0", env={"TRDFAQ_SECRET": SECRET}
    ) as srv:
        srv.wait_for_workers(2)
        yield srv


class TestAcrossWorkers:
    def test_twenty_follow_ups_on_fresh_connections_keep_their_context(
        self, workers: Server
    ) -> None:
        lost = []
        for n in range(20):  # urllib opens a new connection per request
            first = workers.ask("What is rTMS?").json()
            second = workers.ask(FOLLOW_UP, conversation_id=first["conversation_id"]).json()
            if not _kept_context(second):
                lost.append((n, second["status"], _quotes(second)[:1]))
        assert lost == []

    def test_a_long_conversation_keeps_going(self, workers: Server) -> None:
        token = workers.ask("What is rTMS?").json()["conversation_id"]
        for _ in range(5):
            data = workers.ask(FOLLOW_UP, conversation_id=token).json()
            assert _kept_context(data), data
            token = data["conversation_id"]

    def test_a_forged_token_loses_the_context_and_says_so(self, workers: Server) -> None:
        token = workers.ask("What is rTMS?").json()["conversation_id"]
        forged = Signer(b"not the server's secret, 32 bytes+", ttl=60).sign(
            Topic(("What is rTMS?",))
        )
        for bad in (token[:-2] + "xx", forged):
            data = workers.ask(FOLLOW_UP, conversation_id=bad).json()
            assert data["context_lost"] is True
            assert not any("5 days/week" in q for q in _quotes(data))
            assert data["status"] != "answered"  # "which treatment do you mean?", with chips
            assert data["follow_ups"]

    def test_an_expired_token_loses_the_context_and_says_so(self, workers: Server) -> None:
        first = workers.ask("What is rTMS?").json()
        _, payload, _ = first["conversation_id"].split(".")
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        topic = Topic.from_dict(data["topic"])
        expired = Signer(SECRET.encode(), ttl=60).sign(topic, expires=time.time() - 1)
        fresh = Signer(SECRET.encode(), ttl=60).sign(topic)
        assert workers.ask(FOLLOW_UP, conversation_id=expired).json()["context_lost"] is True
        assert _kept_context(workers.ask(FOLLOW_UP, conversation_id=fresh).json())

    def test_a_new_conversation_is_not_a_lost_one(self, workers: Server) -> None:
        assert workers.ask("What is ECT?", conversation_id=None).json()["context_lost"] is False


class TestAcrossInstances:
    def test_a_restarted_server_with_the_same_secret_continues(self, server_dir: Path) -> None:
        env = {"TRDFAQ_SECRET": SECRET}
        with run_server(server_dir, env=env) as before:
            token = before.ask("What is rTMS?").json()["conversation_id"]
        with run_server(server_dir, env=env) as after:
            assert _kept_context(after.ask(FOLLOW_UP, conversation_id=token).json())

    def test_without_a_secret_one_is_made_and_logged_once(self, server_dir: Path) -> None:
        with run_server(server_dir, "--workers", "2") as first:
            token = first.ask("What is rTMS?").json()["conversation_id"]
            for _ in range(6):  # both workers share the server's random secret
                data = first.ask(FOLLOW_UP, conversation_id=token).json()
                assert _kept_context(data)
            assert first.log().count("TRDFAQ_SECRET is not set") == 1
        with run_server(server_dir) as second:  # another random secret
            assert second.ask(FOLLOW_UP, conversation_id=token).json()["context_lost"] is True
