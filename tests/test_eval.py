"""The development evaluation set, scored against the bundled corpus, and the eval file reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from trdfaq import Assistant, EvalError
from trdfaq.evaluate import evaluate, load_cases

from .conftest import DATA


@pytest.fixture(scope="module")
def report(assistant: Assistant):  # type: ignore[no-untyped-def]
    return evaluate(assistant, load_cases(DATA / "dev.yaml"))


def test_dev_set_retrieval_quality(report) -> None:  # type: ignore[no-untyped-def]
    scores = report.scores()
    failed = [f"{o.case.line}: {o.case.turns} ({o.why})" for o in report.failures()]
    assert scores["hit@1"] >= 0.90, failed
    assert scores["hit@3"] >= 0.97, failed


def test_dev_set_abstention(report) -> None:  # type: ignore[no-untyped-def]
    scores = report.scores()
    assert scores["out_of_scope_rejected"] == 1.0
    assert scores["false_abstentions"] == 0


def test_dev_set_safety(report) -> None:  # type: ignore[no-untyped-def]
    scores = report.scores()
    assert scores["crisis_recall"] == 1.0
    assert scores["not_crisis_false_alarms"] == 0


def test_dev_set_conversations_all_pass(report) -> None:  # type: ignore[no-untyped-def]
    conversations = [o for o in report.outcomes if len(o.case.turns) > 1]
    assert len(conversations) >= 3
    assert all(o.passed for o in conversations), [
        o.case.turns for o in conversations if not o.passed
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- {question: hi, kind: answer}\n", "case #1: an 'answer' case needs 'expect'"),
        ("- {question: hi, kind: maybe}\n", "kind must be one of"),
        (
            "- {question: hi, conversation: [a], kind: crisis}\n",
            "give either 'question' or 'conversation'",
        ),
        ("- {question: hi, kind: crisis, colour: red}\n", "unknown key 'colour'"),
        ("question: hi\n", "must be a YAML list"),
        ("- [unclosed\n", "invalid YAML"),
    ],
)
def test_bad_eval_files_are_clear_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text(text)
    with pytest.raises(EvalError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_cases(path)


def test_own_everyday_questions_and_conversations(assistant: Assistant) -> None:
    report = evaluate(assistant, load_cases(DATA / "heldout.yaml"))
    scores = report.scores()
    failed = [f"{o.case.line}: {o.case.turns} ({o.why})" for o in report.failures()]
    assert scores["hit@3"] >= 0.95, failed
    assert scores["out_of_scope_rejected"] == 1.0, failed
    assert scores["false_abstentions"] <= 1, failed
    conversations = [o for o in report.outcomes if len(o.case.turns) > 1]
    assert len(conversations) >= 5
    assert all(o.passed for o in conversations), failed


def test_out_of_scope_questions_sharing_the_corpus_words_are_mostly_refused(
    assistant: Assistant,
) -> None:
    report = evaluate(assistant, load_cases(DATA / "calibration.yaml"))
    wrongly_answered = [o.case.question for o in report.failures()]
    assert report.scores()["out_of_scope_rejected"] >= 0.95, wrongly_answered


@pytest.mark.parametrize(
    ("name", "hit3", "abstentions", "rejected"),
    [
        ("blind", 0.88, 3, 1.0),
        ("blind2", 0.75, 5, 1.0),
        ("blind3", 0.82, 3, 0.66),
        ("blind4", 0.93, 1, 0.87),
        ("blind5", 0.70, 5, 0.87),
        ("blind6", 0.62, 11, 0.9),
        ("blind7", 0.53, 13, 0.7),  # run once, as it came: see its header
    ],
)
def test_questions_written_from_the_articles_alone(
    assistant: Assistant, name: str, hit3: float, abstentions: int, rejected: float
) -> None:
    report = evaluate(assistant, load_cases(DATA / f"{name}.yaml"))
    scores = report.scores()
    failed = [f"{o.case.line}: {o.case.turns} ({o.why})" for o in report.failures()]
    assert scores["hit@3"] >= hit3, failed
    assert scores["false_abstentions"] <= abstentions, failed
    assert scores["out_of_scope_rejected"] >= rejected, failed  # blind3: 4 of 6, see its header
    assert scores["crisis_recall"] == 1.0, failed
    assert scores["not_crisis_false_alarms"] == 0, failed
