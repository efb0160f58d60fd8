"""Shared fixtures: one derived-data cache for the session, the bundled and tiny assistants."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parents[1]

# Never touch the user's own cache folder; share one across the session (and with the
# subprocesses the CLI tests start) so the bundled index is built once.
_CACHE = tempfile.mkdtemp(prefix="trdfaq-test-cache-")
os.environ["TRDFAQ_CACHE_DIR"] = _CACHE


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def assistant():  # type: ignore[no-untyped-def]
    """The assistant over the bundled corpus."""
    from trdfaq import Assistant

    return Assistant.load()


@pytest.fixture(scope="session")
def tiny():  # type: ignore[no-untyped-def]
    """An assistant over the tiny fixture corpus in tests/data/corpus."""
    from trdfaq import Assistant

    return Assistant.load(DATA / "corpus")


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Iterator[Path]:
    """A writable copy of the tiny corpus, for tests that break it."""
    target = tmp_path / "corpus"
    shutil.copytree(DATA / "corpus", target)
    yield target
