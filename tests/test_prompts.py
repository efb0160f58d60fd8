"""Loading prompts/assistant.yaml: the front ends' labels are all required, none unknown."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from trdfaq.errors import PromptError
from trdfaq.prompts import ASSISTANT_FILE, LABEL_FIELDS, LABELS, load_prompts

from .conftest import ROOT

PROMPTS = ROOT / "prompts"


def test_bundled_prompts_give_every_label() -> None:
    labels = load_prompts(PROMPTS).labels
    assert set(labels) == LABELS
    assert all(value.strip() for value in labels.values())
    assert set(LABEL_FIELDS) <= LABELS
    assert labels["corroborated"].format(n=3) == "3 sources"


@pytest.fixture
def prompts_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled prompts folder."""
    target = tmp_path / "prompts"
    shutil.copytree(PROMPTS, target)
    return target


def _edit(folder: Path, pattern: str, replacement: str) -> Path:
    path = folder / ASSISTANT_FILE
    text, count = re.subn(pattern, replacement, path.read_text(), count=1, flags=re.MULTILINE)
    assert count == 1, pattern
    path.write_text(text)
    return path


def _labels_line(path: Path) -> int:
    """The line the labels mapping starts on: its first key."""
    lines = path.read_text().splitlines()
    start = lines.index("labels:")
    return next(i for i in range(start + 1, len(lines)) if lines[i].startswith("  source:")) + 1


@pytest.mark.parametrize(
    ("pattern", "replacement", "message"),
    [
        (r"^  too_many:.*\n", "", "labels: missing label(s): too_many"),
        (r"^  searching:", "  serching:", "unknown label 'serching' (did you mean 'searching'?)"),
        (r"^  ask: Ask$", "  ask: Ask\n  colour: red", "unknown label 'colour'"),
        (r"^  ask: Ask$", "  ask: ''", "'ask' must not be empty"),
        (r"^  ask: Ask$", "  ask:", "labels: missing required key 'ask'"),
        (r"^  ask: Ask$", "  ask: [Ask]", "'ask' must be text"),
        (
            r"^  corroborated: .*$",
            '  corroborated: "{count} sources"',
            "'corroborated' may use only {n}, not {count}",
        ),
        (r"^  corroborated: .*$", '  corroborated: "{n sources"', "'corroborated': "),
    ],
)
def test_a_bad_label_names_file_and_line(
    prompts_copy: Path, pattern: str, replacement: str, message: str
) -> None:
    path = _edit(prompts_copy, pattern, replacement)
    with pytest.raises(PromptError) as caught:
        load_prompts(prompts_copy)
    error = caught.value
    assert message in error.message
    assert error.path == str(path)
    assert error.line == _labels_line(path)


def test_missing_labels_mapping(prompts_copy: Path) -> None:
    _edit(prompts_copy, r"^labels:\n(?:(?:  .*|\s*#.*)?\n)*", "")
    with pytest.raises(PromptError, match="missing required key 'labels'"):
        load_prompts(prompts_copy)
