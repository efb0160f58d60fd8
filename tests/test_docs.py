"""Every command in README.md and docs/*.md runs as printed.

Shell (`sh`, `bash`, `console` lines after `$ `) and `python` blocks of a file run top to
bottom in one bash session, so a later command sees what an earlier one made. A command
that runs until stopped (`trdfaq chat`, `trdfaq serve`) is started, checked and stopped by
tests/docs_startup.py. A block that cannot run here is marked just above it with
`<!-- docs-test: skip: <why> -->`; the marks are counted, so they stay few. README.md runs
on a fresh virtualenv made by its own first line, as a new user would run it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ROOT

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
RUN = {"sh", "bash", "console", "python"}
SHOWN = {"text", "yaml", "json", "html", "nginx", "toml"}  # shown, never run
MAX_SKIPPED = 4
README_MAX_LINES = 150
_FENCE = re.compile(r"^```(\S*)\s*$")
_SKIP = re.compile(r"^<!--\s*docs-test:\s*skip:\s*(.*?)\s*-->$")
STARTUP = ROOT / "tests" / "docs_startup.py"
# trdfaq as the docs' shell sees it: commands that run until stopped go through the checker.
PRELUDE = f"""set -euo pipefail
trdfaq() {{
  case "${{1:-}}" in
    chat|serve) {sys.executable} {STARTUP} "$(type -P trdfaq)" "$@" ;;
    *) command trdfaq "$@" ;;
  esac
}}
"""


@dataclass(frozen=True)
class Block:
    """A fenced code block: where it starts, its language and text, and why it is skipped."""

    path: Path
    line: int
    language: str
    text: str
    skip: str | None

    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    def commands(self) -> str:
        """The block as bash."""
        if self.language == "python":
            return f"python - <<'DOCS_PYTHON'\n{self.text}DOCS_PYTHON\n"
        if self.language != "console":
            return self.text
        lines, more = [], False
        for line in self.text.splitlines():
            if line.startswith("$ ") or more:
                lines.append(line[2:] if line.startswith("$ ") and not more else line)
                more = line.endswith("\\")
        return "\n".join(lines) + "\n"


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of a markdown file, in order."""
    found, lines = [], path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        opened = _FENCE.match(lines[i])
        if opened is None:
            i += 1
            continue
        before = next((lines[j].strip() for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        skip = _SKIP.match(before)
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        text = "".join(line + "\n" for line in lines[i + 1 : end])
        found.append(Block(path, i + 1, opened.group(1), text, skip and skip.group(1)))
        i = end + 1
    return found


def script(path: Path) -> str:
    """The runnable blocks of a file as one bash script, each headed by where it comes from."""
    parts = [PRELUDE]
    for block in blocks(path):
        if block.language in RUN and block.skip is None:
            parts.append(f"echo '>>> {block.where()}'\n{block.commands()}")
    return "\n".join(parts)


def run_script(path: Path, cwd: Path, env: dict[str, str], timeout: float) -> None:
    result = subprocess.run(
        ["bash", "-c", script(path)], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip
    output = result.stdout[-3000:] + result.stderr[-3000:]
    assert result.returncode == 0, f"{path.name} failed (exit {result.returncode}):\n{output}"


# -------------------------------------------------------------------------------- structure


def test_every_block_has_a_language_and_every_skip_a_reason() -> None:
    skipped = []
    for path in [README, *DOCS]:
        for block in blocks(path):
            assert block.language in RUN | SHOWN, f"{block.where()}: unknown language"
            if block.skip is not None:
                assert block.skip.strip(), f"{block.where()}: say why the block is skipped"
                assert block.language in RUN, f"{block.where()}: only runnable blocks are skipped"
                skipped.append(block.where())
    assert len(skipped) <= MAX_SKIPPED, skipped
    assert [b for p in [README, *DOCS] for b in blocks(p) if b.language in RUN and not b.skip]


def test_readme_is_short_and_gives_the_safety_figures() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= README_MAX_LINES
    safety = text[text.index("## Safety") :]
    safety = safety[: safety.index("\n## ", 1)]
    assert "%" in safety and "benchmarks/README.md" in safety  # measured, with the details
    for status in ("answered", "not_covered", "no_match", "check_in", "crisis"):
        assert f"`{status}`" in text
    for doc in ("docs/web.md", "docs/corpus.md", "docs/design.md"):
        assert f"]({doc}" in text


def test_console_blocks_run_their_dollar_lines_only() -> None:
    block = Block(README, 1, "console", "$ trdfaq ask \\\n    what is ECT\n> a quote\n", None)
    assert block.commands() == "trdfaq ask \\\n    what is ECT\n"


# ------------------------------------------------------------------------------------ docs


@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_docs_commands_run_as_printed(path: Path, tmp_path: Path) -> None:
    # Run where a user would, beside the repository's files they name (tests/data/...).
    (tmp_path / "tests").symlink_to(ROOT / "tests")
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": os.pathsep.join([bin_dir, os.environ.get("PATH", "")])}
    run_script(path, tmp_path, env, timeout=600)


# ---------------------------------------------------------------------------------- README


def _copy_checkout(target: Path) -> None:
    """The repository's files as a fresh clone has them (no venv, caches or build output)."""
    ignore = shutil.ignore_patterns(
        ".git", ".venv", "__pycache__", "*.pyc", ".pytest_cache", ".mypy_cache", ".ruff_cache",
        ".hypothesis", "build", "dist", "*.egg-info", "artifacts", "snapshot_report.html",
    )  # fmt: skip
    shutil.copytree(ROOT, target, ignore=ignore, symlinks=True)


def _system_python_path() -> str:
    """PATH without this test run's virtualenv, where `python3` is the system's."""
    ours = str(Path(sys.executable).parent)
    return os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p != ours)


@pytest.mark.slow
def test_readme_runs_top_to_bottom_on_a_fresh_virtualenv(tmp_path: Path) -> None:
    checkout = tmp_path / "trdfaq"
    _copy_checkout(checkout)
    home = tmp_path / "home"
    home.mkdir()
    drop = {"VIRTUAL_ENV", "TRDFAQ_CACHE_DIR", "XDG_CACHE_HOME", "PYTHONPATH"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env |= {"HOME": str(home), "PATH": _system_python_path()}
    probe = subprocess.run(
        ["bash", "-c", "command -v trdfaq || true"], env=env, capture_output=True, text=True
    )
    assert probe.stdout == "", "trdfaq must not be on PATH before the README installs it"
    run_script(README, checkout, env, timeout=1200)
    assert not (checkout / ".venv").exists()  # the README's uninstall ran
    assert not (home / ".cache" / "trdfaq").exists()


def test_the_readme_screenshot_is_a_snapshot_the_tests_keep() -> None:
    # The picture is one of the chat's snapshot tests, so it cannot fall out of date unseen.
    text = README.read_text(encoding="utf-8")
    (image,) = re.findall(r"!\[[^\]]*\]\(([^)]+\.svg)\)", text)
    assert image.startswith("tests/tui/__snapshots__/")
    assert (README.parent / image).is_file()
