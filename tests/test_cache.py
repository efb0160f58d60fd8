"""The derived-data cache: hits, invalidation, damaged entries and folders it cannot write."""

from __future__ import annotations

import os
import pickle
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from trdfaq import Assistant, cache

from .conftest import DATA

TRDFAQ = str(Path(sys.executable).with_name("trdfaq"))
PREPARING = "Preparing the index (first run only)…"


class Builder:
    """A build function that counts its calls."""

    def __init__(self, value: object = ("built", 1)) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> object:
        self.calls += 1
        return self.value


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of this test's own."""
    where = tmp_path / "cache"
    monkeypatch.setenv("TRDFAQ_CACHE_DIR", str(where))
    return where


def entry(folder: Path, key: str) -> Path:
    return folder / f"{key}.pickle"


def test_a_miss_builds_and_stores_then_a_hit_does_not_build(folder: Path) -> None:
    build = Builder()
    assert cache.cached("k", build) == ("built", 1)
    assert entry(folder, "k").is_file()
    assert cache.cached("k", build) == ("built", 1)
    assert build.calls == 1


def test_disabled_never_reads_or_writes(folder: Path) -> None:
    build = Builder()
    cache.cached("k", build, enabled=False)
    cache.cached("k", build, enabled=False)
    assert build.calls == 2
    assert not folder.exists()


# ---------------------------------------------------------------------------- invalidation


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    root = tmp_path / "inputs"
    (root / "sub").mkdir(parents=True)
    (root / "a.yaml").write_text("a: 1\n")
    (root / "sub" / "b.txt").write_text("bee\n")
    return root


def _touch_later(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / "a.yaml").write_text("a: 22\n"),  # size
        lambda root: _touch_later(root / "sub" / "b.txt"),  # same size, new time
        lambda root: (root / "sub" / "c.yaml").write_text("c: 3\n"),  # added
        lambda root: (root / "a.yaml").unlink(),  # removed
        lambda root: (root / "a.yaml").rename(root / "z.yaml"),  # renamed
    ],
    ids=["edited", "touched", "added", "removed", "renamed"],
)
def test_the_key_changes_with_any_input_file(
    inputs: Path, change: Callable[[Path], object]
) -> None:
    before = cache.cache_key([inputs], "salt")
    assert cache.cache_key([inputs], "salt") == before
    change(inputs)
    assert cache.cache_key([inputs], "salt") != before


def test_the_key_ignores_editor_and_bytecode_files(inputs: Path) -> None:
    before = cache.cache_key([inputs], "salt")
    (inputs / ".a.yaml.swp").write_text("x")
    (inputs / "x.pyc").write_bytes(b"x")
    (inputs / "__pycache__").mkdir()
    (inputs / "__pycache__" / "m.cpython-311.pyc").write_bytes(b"x")
    assert cache.cache_key([inputs], "salt") == before
    assert cache.cache_key([inputs], "other salt") != before


def test_an_edited_corpus_is_reloaded(folder: Path, corpus_copy: Path) -> None:
    first = Assistant.load(corpus_copy)
    assert "should I oil my chain?" in first.passage("bicycle-chain").questions
    path = corpus_copy / "passages" / "bicycle.yaml"
    path.write_text(path.read_text().replace("should I oil my chain?", "does my chain need oil?"))
    again = Assistant.load(corpus_copy)
    assert "does my chain need oil?" in again.passage("bicycle-chain").questions
    assert len(list(folder.glob("*.pickle"))) == 2  # the old entry stays until pruned


# ------------------------------------------------------------------------- damaged entries


def _random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(7).randbytes(4096))


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _wrong_pickle(value: object) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(pickle.dumps(value))


DAMAGE = {
    "random bytes": _random_bytes,
    "truncated": _truncated,
    "empty": lambda path: path.write_bytes(b""),
    "a pickled int": _wrong_pickle(42),
    "a pickled bare value": _wrong_pickle(("built", 1)),
    "another key's entry": _wrong_pickle((cache.MAGIC, cache.FORMAT, "other", ("x", 0))),
    "an older format": _wrong_pickle((cache.MAGIC, cache.FORMAT - 1, "k", ("old", 0))),
    "a pickle of a missing class": lambda path: path.write_bytes(
        b"\x80\x04\x95\x1c\x00\x00\x00\x00\x00\x00\x00\x8c\x0bnot_a_thing\x94\x8c\x05Thing\x94\x93\x94."
    ),
    "a folder": lambda path: (path.unlink(), path.mkdir()),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_entry_is_a_miss_and_is_rebuilt(
    folder: Path, damage: Callable[[Path], object]
) -> None:
    build = Builder()
    cache.cached("k", build)
    damage(entry(folder, "k"))
    assert cache.cached("k", build) == ("built", 1)
    assert build.calls == 2
    if entry(folder, "k").is_file():  # rewritten: the next call is a hit
        assert cache.cached("k", build) == ("built", 1)
        assert build.calls == 2


@pytest.mark.parametrize("damage", [_random_bytes, _truncated, _wrong_pickle(42)])
def test_the_assistant_rebuilds_a_damaged_index(
    folder: Path, damage: Callable[[Path], None]
) -> None:
    Assistant.load(DATA / "corpus")
    (path,) = folder.glob("*.pickle")
    damage(path)
    assistant = Assistant.load(DATA / "corpus")
    assert assistant.ask("should I oil my bike chain").answers[0].passage_id == "bicycle-chain"


# ------------------------------------------------------------------- folders it cannot use


def test_a_cache_folder_that_cannot_be_made_costs_only_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TRDFAQ_CACHE_DIR", str(blocker / "cache"))  # even root cannot mkdir
    build = Builder()
    assert cache.cached("k", build) == ("built", 1)
    assert cache.cached("k", build) == ("built", 1)
    assert build.calls == 2
    assert blocker.read_text() == "not a folder"


def test_a_cache_folder_that_is_a_file_costs_only_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TRDFAQ_CACHE_DIR", str(blocker))
    assert cache.cached("k", Builder()) == ("built", 1)
    assert blocker.read_text() == "not a folder"


def test_an_unpicklable_value_is_returned_uncached(folder: Path) -> None:
    value = lambda: None  # noqa: E731 - a local function cannot be pickled
    assert cache.cached("k", lambda: value) is value
    assert not list(folder.glob("*"))  # no entry, and no temporary file left behind


def test_ask_answers_with_a_cache_folder_it_cannot_write(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    env = {**os.environ, "TRDFAQ_CACHE_DIR": str(blocker / "cache")}
    for _ in range(2):
        result = subprocess.run(
            [TRDFAQ, "ask", "--corpus", str(DATA / "corpus"), "should I oil my bike chain"],
            capture_output=True, text=True, env=env, timeout=120, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert "Keep the chain clean" in result.stdout
        assert result.stderr == PREPARING + "\n"  # nothing is cached, so every run builds


# ---------------------------------------------------------------------- the first-run line


def test_announce_builds_is_called_on_a_miss_only(folder: Path) -> None:
    said: list[str] = []
    with cache.announce_builds(lambda: said.append("building")):
        cache.cached("k", Builder())
        cache.cached("k", Builder())
    assert said == ["building"]
    cache.cached("other", Builder())  # outside the block: no announcement
    assert said == ["building"]


def test_ask_says_it_prepares_the_index_on_the_first_run_only(tmp_path: Path) -> None:
    env = {**os.environ, "TRDFAQ_CACHE_DIR": str(tmp_path / "fresh")}

    def ask(*options: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [TRDFAQ, "ask", *options, "--corpus", str(DATA / "corpus"), "should I oil my chain"],
            capture_output=True, text=True, env=env, timeout=120, check=False,
        )  # fmt: skip

    first = ask()
    assert first.returncode == 0, first.stderr
    assert first.stderr == PREPARING + "\n"
    warm = ask()
    assert warm.stderr == ""
    assert warm.stdout == first.stdout
    for path in (tmp_path / "fresh").glob("*.pickle"):
        _truncated(path)
    rebuilt = ask()
    assert rebuilt.stderr == PREPARING + "\n"
    assert rebuilt.stdout == first.stdout


def test_ask_json_and_a_broken_corpus_print_no_first_run_line(
    tmp_path: Path, corpus_copy: Path
) -> None:
    env = {**os.environ, "TRDFAQ_CACHE_DIR": str(tmp_path / "fresh")}
    json_run = subprocess.run(
        [TRDFAQ, "ask", "--json", "--corpus", str(corpus_copy), "should I oil my chain"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert json_run.returncode == 0, json_run.stderr
    assert json_run.stderr == ""  # stdout and stderr hold JSON only
    path = corpus_copy / "passages" / "bicycle.yaml"
    path.write_text(path.read_text().replace("soft tyres", "flat tyres"))
    broken = subprocess.run(
        [TRDFAQ, "ask", "--corpus", str(corpus_copy), "should I oil my chain"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert broken.returncode == 2
    assert broken.stderr.startswith(f"trdfaq: {path}:9: ")
    assert len(broken.stderr.splitlines()) == 1  # the error alone
