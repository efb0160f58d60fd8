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


# --- reading level ---------------------------------------------------------------------------


def _syllables(word: str) -> int:
    """Vowel groups, less a silent final e: the usual estimate behind readability formulas."""
    word = word.casefold()
    groups = len(re.findall(r"[aeiouy]+", word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and groups > 1:
        groups -= 1
    return max(groups, 1)


def flesch_kincaid_grade(text: str) -> float:
    """The Flesch-Kincaid grade level: 0.39 words/sentence + 11.8 syllables/word - 15.59."""
    sentences = [s for s in re.split(r"[.!?]+(?:\s|$)", text) if s.strip()]
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*", text)
    syllables = sum(_syllables(w) for w in words)
    return 0.39 * len(words) / len(sentences) + 11.8 * syllables / len(words) - 15.59


def test_the_grade_formula_matches_known_texts() -> None:
    assert flesch_kincaid_grade("The cat sat on the mat.") < 1
    hard = (
        "Electroconvulsive therapy demonstrates considerable effectiveness in "
        "treatment-resistant presentations, notwithstanding cognitive adverse effects."
    )
    assert flesch_kincaid_grade(hard) > 16


def test_what_a_distressed_person_reads_is_at_grade_eight_or_below() -> None:
    prompts = load_prompts(ROOT / "prompts")
    crisis = prompts.crisis
    texts = {
        "disclaimer": prompts.disclaimer,
        "disclaimer_unquoted": prompts.disclaimer_unquoted,
        "no_match": prompts.no_match,
        "not_covered": prompts.not_covered.format(subject="ketamine"),
        "medical_advice": prompts.medical_advice,
        "crisis.message_self": crisis.message_self,
        "crisis.message_other": crisis.message_other,
        "crisis.message_check_in": crisis.message_check_in,
        "crisis.check_in_question": crisis.check_in_question,
        "crisis.closing": crisis.closing,
    }
    grades = {name: round(flesch_kincaid_grade(text), 1) for name, text in texts.items()}
    assert all(grade <= 8 for grade in grades.values()), grades


def test_the_about_text_says_what_happens_to_questions() -> None:
    prompts = load_prompts(ROOT / "prompts")
    assert "not stored" in prompts.about_text()
    logged = prompts.about_text(logged=True)
    assert "not stored" not in logged and "log" in logged
    assert "peer-reviewed" in prompts.about
