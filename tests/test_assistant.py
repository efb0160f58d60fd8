"""The Assistant: answer shape, verbatim quotes, abstention, small talk, conversations."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trdfaq import (
    MAX_MESSAGE_CHARS,
    MAX_QUESTION_CHARS,
    Answer,
    Assistant,
    QuestionError,
    validate_question,
)
from trdfaq.corpus import normalise_space

ANSWER_KEYS = {
    "question",
    "status",
    "answers",
    "crisis",
    "disclaimer",
    "follow_ups",
    "message",
    "footer",
    "related",
    "context_lost",
}
QUOTE_KEYS = {"passage_id", "quote", "score", "source", "highlights", "corroborated_by", "folded"}
SOURCE_KEYS = {"id", "title", "publisher", "section"}


def _check_shape(data: dict) -> None:  # type: ignore[type-arg]
    assert set(data) == ANSWER_KEYS
    assert data["status"] in {"answered", "not_covered", "no_match", "check_in", "crisis"}
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
    for question in [
        "does ECT hurt your memory?",
        "how fast does ketamine work?",
        "what is vagus nerve stimulation?",
    ]:
        for quote in assistant.ask(question).answers:
            passage = passages[quote.passage_id]
            assert quote.quote == passage.text
            source = normalise_space(passage.source.text)[0]
            assert normalise_space(quote.quote)[0] in source
            assert quote.source.title == passage.source.shown_title


@pytest.mark.parametrize(
    "question",
    [
        "How do I make pancakes?",
        "What is the population of Tokyo?",
        "zxcvbnm",
        "Who won the football last night?",
        "how do I fix a leaking tap",
        "?!?",
    ],
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


def test_every_answer_carries_a_disclaimer_fit_for_what_it_quotes(assistant: Assistant) -> None:
    assert assistant.ask("what is ECT?").disclaimer == assistant.prompts.disclaimer
    for question in ["pancakes", "hi", ""]:
        assert assistant.ask(question).disclaimer == assistant.prompts.disclaimer_unquoted
    crisis = assistant.ask("I want to end my life")
    assert crisis.disclaimer == assistant.prompts.crisis.disclaimer


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


def test_a_conversation_resumes_from_its_topic(assistant: Assistant) -> None:
    conversation = assistant.conversation()
    conversation.ask("What is deep brain stimulation?")
    conversation.ask("Is it still experimental?")
    assert conversation.topic.questions == (
        "What is deep brain stimulation?",
        "Is it still experimental?",
    )
    assert conversation.topic.passages  # the passages just quoted
    resumed = assistant.conversation(topic=conversation.topic.to_dict())
    assert resumed.ask("how does it work?") == conversation.ask("how does it work?")
    new_topic = conversation.ask("How fast does ketamine work?")
    assert new_topic.status == "answered"
    assert conversation.topic.questions == ("How fast does ketamine work?",)


@pytest.mark.parametrize(
    "data",
    [[], {"questions": "what is ECT?"}, {"questions": [1]}, {"turns": []}, "x"],
)
def test_a_malformed_topic_is_a_question_error(assistant: Assistant, data: object) -> None:
    with pytest.raises(QuestionError):
        assistant.conversation(topic=data)  # type: ignore[arg-type]


def test_a_topic_drops_passages_the_corpus_lacks(assistant: Assistant) -> None:
    topic = {"questions": ["What is ECT?"], "passages": ["no-such-passage"]}
    assert assistant.conversation(topic=topic).topic.passages == ()


def test_a_new_topic_is_not_dragged_back_to_the_old_one(assistant: Assistant) -> None:
    conversation = assistant.conversation()
    conversation.ask("What is deep brain stimulation?")
    answer = conversation.ask("How fast does ketamine work?")
    assert "ketamine" in answer.answers[0].quote.lower()


def test_top_k_limits_the_quotes(assistant: Assistant) -> None:
    assert len(assistant.ask("what treatments are there for TRD?", top_k=1).answers) == 1


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "empty"), ("   ", "empty"), ("x" * (MAX_MESSAGE_CHARS + 1), "16,001 characters")],
)
def test_validate_question_rejects_empty_and_huge(question: str, message: str) -> None:
    with pytest.raises(QuestionError, match=message):
        validate_question(question)


def test_a_long_question_is_refused_after_the_safety_check(assistant: Assistant) -> None:
    with pytest.raises(QuestionError, match="1,001 characters"):
        assistant.ask("x" * 1001)


@pytest.mark.parametrize("crisis", ["I want to end my life tonight.", "i want to kill myself lol"])
def test_a_long_message_ending_in_a_crisis_gets_the_crisis_reply(
    assistant: Assistant, crisis: str
) -> None:
    story = "I have tried sertraline, then venlafaxine, and my doctor mentioned TMS. " * 30
    answer = assistant.ask(story + crisis)
    assert len(story) > MAX_QUESTION_CHARS
    assert answer.status == "crisis" and answer.crisis is not None and not answer.answers


def test_unknown_region_is_a_clear_error(assistant: Assistant) -> None:
    with pytest.raises(QuestionError, match="unknown region 'XX'"):
        assistant.ask("hi", region="XX")


def test_tiny_corpus_answers_from_its_own_passages(tiny: Assistant) -> None:
    answer = tiny.ask("how do i keep snails off my lettuce")
    assert isinstance(answer, Answer)
    assert answer.answers[0].passage_id == "garden-slugs"
    assert (
        tiny.ask("how often should I pump up bike tires").answers[0].passage_id == "bicycle-tyres"
    )


# --- safety through the whole assistant -------------------------------------------------------


def test_crisis_message_gets_resources_and_no_quote(assistant: Assistant) -> None:
    answer = assistant.ask("I want to end my life")
    data = answer.to_dict()
    assert data["status"] == "crisis"
    assert data["answers"] == []
    assert data["crisis"]["message"]
    names = [r["name"] for r in data["crisis"]["resources"]]
    assert any("988" in n for n in names) and any("Samaritans" in n for n in names)
    assert any(r["links"] for r in data["crisis"]["resources"])
    assert data["disclaimer"]


def test_region_puts_its_own_resources_first(assistant: Assistant) -> None:
    uk = assistant.ask("I want to end my life", region="gb").crisis
    assert uk is not None
    assert uk.resources[0].name == "Samaritans"
    assert all("US" not in r.region.split("/") for r in uk.resources)
    assert any("findahelpline" in r.contact for r in uk.resources)


def test_imminent_risk_leads_with_the_emergency_number(assistant: Assistant) -> None:
    crisis = assistant.ask("I have the pills in front of me and I'm taking them all tonight").crisis
    assert crisis is not None and crisis.imminent
    assert crisis.resources[0].emergency
    assert crisis.headline == assistant.prompts.crisis.headlines["US"].imminent
    assert "911" in crisis.headline.split(".")[0]


def test_someone_else_in_danger_gets_the_reply_for_the_helper(assistant: Assistant) -> None:
    crisis = assistant.ask("My friend says she wants to die and has a plan").crisis
    assert crisis is not None and crisis.about_other
    assert crisis.message == assistant.prompts.crisis.message_other


def test_informational_mention_is_answered_with_a_footer(assistant: Assistant) -> None:
    answer = assistant.ask("Is esketamine useful for people with suicidal ideation?")
    assert answer.status == "answered"
    assert answer.footer == assistant.prompts.crisis_footer


def test_the_conversation_goes_on_after_a_crisis_reply(assistant: Assistant) -> None:
    conversation = assistant.conversation()
    assert conversation.ask("I want to end my life").status == "crisis"
    assert conversation.ask("What is vagus nerve stimulation?").status == "answered"


@pytest.mark.parametrize(
    "question",
    [
        "should I stop taking my sertraline?",
        "how much esketamine should I take?",
        "can I switch from prozac to wellbutrin myself",
    ],
)
def test_personal_medication_questions_get_the_fixed_notice(
    assistant: Assistant, question: str
) -> None:
    answer = assistant.ask(question)
    assert answer.status in {"answered", "not_covered", "no_match"}
    assert answer.message is not None
    assert answer.message.startswith(assistant.prompts.medical_advice)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=500, max_size=3000),
        st.sampled_from(
            [
                "",
                "\u202eevil\u202c",
                "<img src=x onerror=alert(1)>",
                "😢" * 400,
                "\x00\x01\x1b[31m",
                "مرحبا كيف حالك",
                "x" * 200_000,
            ]
        ),
    )
)
def test_ask_never_fails_and_always_carries_the_disclaimer(assistant: Assistant, text: str) -> None:
    try:
        answer = assistant.ask(text)
    except QuestionError as exc:  # only ever: too long to search, after the safety check
        assert len(text.strip()) > MAX_QUESTION_CHARS and "keep it under" in str(exc)
        return
    assert answer.status in {"answered", "not_covered", "no_match", "check_in", "crisis"}
    assert answer.disclaimer.strip()
    if answer.status == "crisis":
        assert answer.answers == ()
    for quote in answer.answers:
        assert quote.quote == assistant.passage(quote.passage_id).text


@pytest.mark.parametrize(
    "question",
    [
        "does ECT hurt your memory?",
        "What is MBCT?",
        "what is deep brain stimulation?",
        "can nutrition affect treatment response?",
    ],
)
def test_answers_offer_two_or_three_follow_ups(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert 2 <= len(answer.follow_ups) <= 3
    assert question.casefold() not in {f.casefold() for f in answer.follow_ups}


def test_numbers_and_everyday_words_do_not_sink_a_long_question(assistant: Assistant) -> None:
    # Ages, years and words the articles never use ("article", "actually") are light: the
    # question is judged on "magnet therapy" and "work".
    answer = assistant.ask(
        "my 68 yr old dad read about magnet therapy in an article last year, does it actually work"
    )
    assert answer.status == "answered"
    assert "magnetic" in answer.answers[0].quote


def test_inflections_of_glossary_words_are_understood(assistant: Assistant) -> None:
    # "zap" is only in the glossary (no passage says it); "zaps" is found through it.
    query = assistant.engine.analyse("do the zaps hurt")
    assert ("zap", "stimul") in [tuple(t for t, _ in c.terms) for c in query.concepts]


def test_a_dose_question_gets_the_notice_and_no_quote(assistant: Assistant) -> None:
    # No passage gives a dose, so quoting one would answer a question it does not answer.
    for question in (
        "how many mg of sertraline should i be taking",
        "what dose of lithium do i need",
    ):
        answer = assistant.ask(question)
        assert answer.status == "no_match" and not answer.answers, question
        assert answer.message == assistant.prompts.medical_advice
    general = assistant.ask("should I stop my sertraline?")  # advice, not a dose: notice first
    assert general.message is not None
    assert general.message.startswith(assistant.prompts.medical_advice)


def test_chat_shorthand_and_apostrophe_less_contractions_are_read_as_words(
    assistant: Assistant,
) -> None:
    engine = assistant.engine
    typed = engine.analyse("how many ppl havent been helped b4 by meds")
    spelt = engine.analyse("how many people have not been helped before by meds")
    assert typed.stems == spelt.stems
    assert not typed.corrections  # read, not "corrected" to some corpus word


def test_a_possessive_is_the_word_it_belongs_to(assistant: Assistant) -> None:
    engine = assistant.engine
    assert engine.analyse("my dad's ECT").stems == engine.analyse("my dad ECT").stems


@pytest.mark.parametrize(
    "word",
    ["wont", "share", "services", "dogs", "invented", "situations", "grapes", "clockwork"],
)
def test_real_english_words_are_never_corrected_into_corpus_words(
    assistant: Assistant, word: str
) -> None:
    assert not assistant.engine.analyse(f"can {word} help with depression").corrections


def test_filler_is_never_corrected_into_a_fragment(assistant: Assistant) -> None:
    # "lol" is no word, but it is no typo of "ll" (what is left of "you'll") either.
    assert not assistant.engine.analyse("does the gym help lol").corrections


@pytest.mark.parametrize(
    "question",
    ["what is treatment-resistant depression?", "what does treatment-resistant depression mean?"],
)
def test_a_quoted_passage_is_never_also_shown_as_a_corroboration(
    assistant: Assistant, question: str
) -> None:
    answer = assistant.ask(question)
    quoted = [q.passage_id for q in answer.answers]
    corroborating = [c.passage_id for q in answer.answers for c in q.corroborated_by]
    assert not set(quoted) & set(corroborating)
    assert len(corroborating) == len(set(corroborating))


@pytest.mark.parametrize(
    "wrapped",
    [
        "hi, what is MBCT?",
        "Hello! what is MBCT?",
        "what is MBCT? thank you",
        "hey what is MBCT? bye",
    ],
)
def test_greetings_and_thanks_around_a_question_are_not_searched(
    assistant: Assistant, wrapped: str
) -> None:
    plain = assistant.ask("what is MBCT?")
    answer = assistant.ask(wrapped)
    assert answer.status == plain.status == "answered"
    assert [q.passage_id for q in answer.answers] == [q.passage_id for q in plain.answers]
    assert answer.question == wrapped  # the reply still shows what was asked
