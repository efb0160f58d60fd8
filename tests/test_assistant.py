"""The Assistant: answer shape, verbatim quotes, abstention, small talk, conversations."""

from __future__ import annotations

import json

import pytest

from trdfaq import Answer, Assistant, QuestionError, validate_question
from trdfaq.corpus import normalise_space

ANSWER_KEYS = {"question", "status", "answers", "crisis", "disclaimer", "follow_ups", "message", "footer"}
QUOTE_KEYS = {"passage_id", "quote", "score", "source", "highlights", "corroborated_by"}
SOURCE_KEYS = {"id", "title", "publisher", "section"}


def _check_shape(data: dict) -> None:  # type: ignore[type-arg]
    assert set(data) == ANSWER_KEYS
    assert data["status"] in {"answered", "no_match", "crisis"}
    assert isinstance(data["disclaimer"], str) and data["disclaimer"].strip()
    for item in data["answers"]:
        assert set(item) == QUOTE_KEYS
        assert set(item["source"]) == SOURCE_KEYS
        assert isinstance(item["score"], float)
        for start, end in item["highlights"]:
            assert 0 <= start < end <= len(item["quote"])
    json.dumps(data)


def test_answer_json_shape(assistant: Assistant) -> None:
    answer = assistant.ask("can nutrition affect treatment response?")
    data = answer.to_dict()
    _check_shape(data)
    assert data["status"] == "answered"
    assert data["crisis"] is None
    assert 1 <= len(data["answers"]) <= 3
    assert 2 <= len(data["follow_ups"]) <= 3


def test_quotes_are_verbatim_passages_of_their_source(assistant: Assistant) -> None:
    passages = {p.id: p for p in assistant.engine.corpus.passages}
    for question in ["does ECT hurt your memory?", "how fast does ketamine work?",
                     "what is vagus nerve stimulation?"]:
        for quote in assistant.ask(question).answers:
            passage = passages[quote.passage_id]
            assert quote.quote == passage.text
            source = normalise_space(passage.source.text)[0]
            assert normalise_space(quote.quote)[0] in source
            assert quote.source.title == passage.source.title


@pytest.mark.parametrize(
    "question",
    ["How do I make pancakes?", "What is the population of Tokyo?", "zxcvbnm",
     "Who won the football last night?", "how do I fix a leaking tap", "?!?", "the of and"],
)
def test_out_of_scope_gets_no_quote(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.status == "no_match"
    assert answer.answers == ()
    assert answer.message == assistant.prompts.no_match
    assert answer.follow_ups  # topics the sources do cover


@pytest.mark.parametrize("greeting", ["hi", "Hello!", "thanks", "Thank you so much.", "bye"])
def test_small_talk_gets_a_friendly_reply_not_a_quote(assistant: Assistant, greeting: str) -> None:
    answer = assistant.ask(greeting)
    assert answer.status == "no_match"
    assert answer.answers == ()
    replies = {entry.reply for entry in assistant.prompts.small_talk}
    assert answer.message in replies


def test_every_answer_carries_the_disclaimer(assistant: Assistant) -> None:
    for question in ["what is TRD?", "pancakes", "hi", ""]:
        assert assistant.ask(question).disclaimer == assistant.prompts.disclaimer


def test_highlights_mark_the_best_matching_sentence(assistant: Assistant) -> None:
    answer = assistant.ask("How often is rTMS given?")
    quote = next(q for q in answer.answers if "5 days/week" in q.quote)
    marked = [quote.quote[s:e] for s, e in quote.highlights]
    assert any("5 days/week" in text for text in marked)


def test_conversation_follow_up_uses_the_previous_topic(assistant: Assistant) -> None:
    conversation = assistant.conversation()
    conversation.ask("What is deep brain stimulation?")
    answer = conversation.ask("Is it still experimental?")
    assert any("DBS is an investigational" in q.quote for q in answer.answers)


def test_a_new_topic_is_not_dragged_back_to_the_old_one(assistant: Assistant) -> None:
    conversation = assistant.conversation()
    conversation.ask("What is deep brain stimulation?")
    answer = conversation.ask("How fast does ketamine work?")
    assert "ketamine" in answer.answers[0].quote.lower()


def test_top_k_limits_the_quotes(assistant: Assistant) -> None:
    assert len(assistant.ask("what treatments are there for TRD?", top_k=1).answers) == 1


@pytest.mark.parametrize(("question", "message"), [("", "empty"), ("   ", "empty"), ("x" * 1001, "1,001 characters")])
def test_validate_question_rejects_empty_and_long(question: str, message: str) -> None:
    with pytest.raises(QuestionError, match=message):
        validate_question(question)


def test_unknown_region_is_a_clear_error(assistant: Assistant) -> None:
    with pytest.raises(QuestionError, match="unknown region 'XX'"):
        assistant.ask("hi", region="XX")


def test_tiny_corpus_answers_from_its_own_passages(tiny: Assistant) -> None:
    answer = tiny.ask("how do i keep snails off my lettuce")
    assert isinstance(answer, Answer)
    assert answer.answers[0].passage_id == "garden-slugs"
    assert tiny.ask("how often should I pump up bike tires").answers[0].passage_id == "bicycle-tyres"
