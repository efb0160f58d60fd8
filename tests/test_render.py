"""Plain-text answers (`trdfaq ask`) over the real bundled assistant."""

from __future__ import annotations

import itertools
import re

import pytest

from trdfaq import Assistant
from trdfaq.render import render_answer

WIDTH = 78  # what `trdfaq ask` uses in an 80-column terminal
# A phone number or short code ("988", "116 123", "741741"), or the helpline finder.
CONTACT = re.compile(r"\b\d{3}\b|\b\d{3} \d{3}\b|\b\d{5,6}\b|findahelpline\.com")
NUMBER = re.compile(r"\b\d{3}(?: \d{3})?\b")
# Questions whose replies quote several passages, some agreeing, and one not covered.
SEVERAL = ["What is rTMS?", "what is treatment-resistant depression?", "is ketamine addictive?"]
CRISES = [
    "I want to end my life",
    "I want to kill myself tonight, I have the pills",
    "my brother says he is going to kill himself",
]


def plain(assistant: Assistant, question: str, region: str | None = None, **kw: int) -> str:
    answer = assistant.ask(question, region=region, **kw)
    return render_answer(answer, assistant.prompts, width=WIDTH)


@pytest.mark.parametrize("region", [None, "US", "UK", "IE", "EU", "INTL"])
@pytest.mark.parametrize("message", CRISES)
def test_crisis_reply_names_a_line_to_call_first(
    assistant: Assistant, message: str, region: str | None
) -> None:
    answer = assistant.ask(message, region=region)
    assert answer.status == "crisis" and answer.crisis is not None
    lines = render_answer(answer, assistant.prompts, width=WIDTH).splitlines()
    assert lines[0] == answer.crisis.headline.split("\n")[0][: len(lines[0])]
    assert any(CONTACT.search(line) for line in lines[:5]), lines[:5]
    if region != "INTL":  # findahelpline.com is the line to reach there
        assert any(NUMBER.search(line) for line in lines[:5]), lines[:5]
    # The sentence of care comes straight after the headline.
    care = lines.index(next(x for x in lines if x and answer.crisis.message.startswith(x)))
    assert 1 <= care <= 2  # after a headline of one or two lines
    assert all(len(line) <= WIDTH for line in lines)


def test_imminent_crisis_puts_the_emergency_number_first(assistant: Assistant) -> None:
    first = plain(assistant, CRISES[1], "UK").splitlines()[0]
    assert "999" in first
    assert plain(assistant, CRISES[1], "US").startswith("Call 911")


@pytest.mark.parametrize("region", [None, "UK", "IE"])
def test_no_contact_or_region_printed_twice(assistant: Assistant, region: str | None) -> None:
    answer = assistant.ask(CRISES[0], region=region)
    assert answer.crisis is not None
    text = render_answer(answer, assistant.prompts, width=WIDTH)
    flat = " ".join(text.split())
    for resource in answer.crisis.resources:
        assert flat.count(resource.contact) == 1, resource.contact
    assert not re.search(r"\((\w+)\)\W*\(\1\)", text)  # "(UK) (UK)"
    assert not re.search(r"\b(\w+)\)\s*\(\1\)", text)  # "…Line UK) (UK)"
    for line in text.splitlines():
        assert not re.search(r"(\S.{3,}) / \1", line)  # "Call 911 / Call 911"


def test_a_number_is_never_split_across_lines(assistant: Assistant) -> None:
    for width in range(40, 90):
        answer = assistant.ask(CRISES[1], region="UK")
        lines = render_answer(answer, assistant.prompts, width=width).splitlines()
        for line, after in itertools.pairwise(lines):
            assert not (re.search(r"\d$", line) and re.match(r"\s*\d", after)), (width, line)


def test_crisis_reply_has_no_quoted_articles_disclaimer(assistant: Assistant) -> None:
    prompts = assistant.prompts
    for message in CRISES:
        text = plain(assistant, message)
        assert "quoted from published articles" not in text
        assert text.rstrip().endswith(prompts.crisis.disclaimer.split()[-1])


def test_reply_quoting_nothing_has_no_quoted_articles_disclaimer(assistant: Assistant) -> None:
    text = plain(assistant, "how do I make pancakes?")
    assert "quoted from" not in text
    assert assistant.prompts.disclaimer_unquoted.split()[0] in text


def test_check_in_gives_resources_and_question_first_then_the_answer(
    assistant: Assistant,
) -> None:
    question = "i feel hopeless, nothing helps. does ketamine work fast?"
    answer = assistant.ask(question)
    assert answer.status == "check_in" and answer.crisis is not None and answer.answers
    text = render_answer(answer, assistant.prompts, width=WIDTH)
    lines = text.splitlines()
    assert lines[0] == answer.crisis.headline[: len(lines[0])]
    assert any(NUMBER.search(line) for line in lines[:5])
    flat = " ".join(text.split())
    asked = flat.index(answer.crisis.question or "")
    first_quote = flat.index("> ")
    last_resource = max(flat.index(r.contact) for r in answer.crisis.resources)
    assert asked < last_resource < flat.index(answer.crisis.note) < first_quote
    assert "\n\n> " in text  # the answer stands apart from the check-in block


def words_printed(text: str) -> str:
    """The text's words on one line, without the quote marks."""
    return " ".join(" ".join(line.lstrip(" >") for line in text.splitlines()).split())


def quoted_passages(text: str, assistant: Assistant) -> list[str]:
    """The ids of the passages whose words `text` prints (answers, related or corroborating),
    once for each time it prints them."""
    flat = words_printed(text)
    found = []
    for passage in assistant.engine.corpus.passages:
        found += [passage.id] * flat.count(" ".join(passage.text.split()[:12]))
    return sorted(found)


@pytest.mark.parametrize("top_k", [1, 2, 3])
@pytest.mark.parametrize("question", SEVERAL)
def test_top_k_caps_the_passages_printed_and_none_is_printed_twice(
    assistant: Assistant, question: str, top_k: int
) -> None:
    answer = assistant.ask(question, top_k=top_k)
    text = render_answer(answer, assistant.prompts, width=WIDTH, top_k=top_k)
    printed = quoted_passages(text, assistant)
    assert 1 <= len(printed) <= top_k
    assert len(set(printed)) == len(printed)  # none twice


def test_rtms_with_top_k_1_prints_one_passage(assistant: Assistant) -> None:
    answer = assistant.ask("What is rTMS?", top_k=1)
    assert answer.answers[0].corroborated_by  # its agreeing source is named, not quoted
    text = render_answer(answer, assistant.prompts, width=WIDTH, top_k=1)
    assert quoted_passages(text, assistant) == [answer.answers[0].passage_id]
    other = answer.answers[0].corroborated_by[0]
    assert other.source.title.split()[0] in text


def test_not_covered_says_so_first_then_what_the_articles_say_apart(
    assistant: Assistant,
) -> None:
    answer = assistant.ask("is ketamine addictive?")
    assert answer.status == "not_covered" and not answer.answers
    assert answer.related is not None and answer.related.quotes
    text = render_answer(answer, assistant.prompts, width=WIDTH)
    lines = text.splitlines()
    assert " ".join(lines[:3]).startswith(answer.message.split(".")[0] if answer.message else "-")
    label_at = next(i for i, line in enumerate(lines) if line == answer.related.label[: len(line)])
    first_quote = next(i for i, line in enumerate(lines) if line.lstrip().startswith(">"))
    assert label_at < first_quote
    # Set apart from where an answer stands: every related quote line is indented.
    assert not any(line.startswith(">") for line in lines)
    for quote in answer.related.quotes:
        assert " ".join(quote.quote.split()) in words_printed(text)


def test_folded_quotes_come_after_the_best_under_their_label(assistant: Assistant) -> None:
    answer = assistant.ask("What is rTMS?")
    folded = [q for q in answer.answers if q.folded]
    assert folded and not answer.answers[0].folded
    text = render_answer(answer, assistant.prompts, width=WIDTH, color=True)
    label = text.index(assistant.prompts.labels["folded"])
    first_words = " ".join(folded[0].quote.split()[:3])
    assert text.index(answer.answers[0].quote.split()[0]) < label
    at = text.index(first_words.split()[0], label)
    assert text[at - 6 : at].endswith("\033[2m> ") or "\033[2m" in text[label:at]  # dimmed


@pytest.mark.parametrize("question", SEVERAL)
def test_without_top_k_no_passage_is_printed_twice(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    printed = quoted_passages(render_answer(answer, assistant.prompts, width=WIDTH), assistant)
    assert printed and len(set(printed)) == len(printed), printed
