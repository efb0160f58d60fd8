"""Tests for trdfaq.safety: the phrasings corpus, normalise(), the loader, robustness, speed."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from trdfaq.errors import PromptError
from trdfaq.safety import Assessment, Rule, SafetyRules, assess, load_safety_rules, normalise

ROOT = Path(__file__).resolve().parents[1]
RULES_FILE = ROOT / "prompts" / "safety.yaml"
PHRASINGS: dict[str, list[Any]] = yaml.safe_load(
    (ROOT / "tests" / "data" / "safety_phrasings.yaml").read_text(encoding="utf-8")
)
CRISIS = PHRASINGS["crisis"]
BENIGN = PHRASINGS["benign"]
MAX_BENIGN_FLAGGED = 2
RULES = load_safety_rules(RULES_FILE)


@pytest.fixture(scope="module")
def rules() -> SafetyRules:
    return RULES


def _ids(items: list[Any]) -> list[str]:
    return [(i["text"] if isinstance(i, dict) else i)[:60] for i in items]


# --- the corpus ----------------------------------------------------------------------------


def test_corpus_is_big_enough() -> None:
    assert len(CRISIS) >= 80 and len(BENIGN) >= 80
    assert len(PHRASINGS["advice"]) >= 25 and len(PHRASINGS["general"]) >= 25
    assert sum(c["other"] for c in CRISIS) >= 20 and sum(c["imminent"] for c in CRISIS) >= 20


@pytest.mark.parametrize("case", CRISIS, ids=_ids(CRISIS))
def test_every_crisis_phrasing_is_flagged(case: dict[str, Any], rules: SafetyRules) -> None:
    result = assess(case["text"], rules)
    assert result.crisis, result.rules


@pytest.mark.parametrize("case", CRISIS, ids=_ids(CRISIS))
def test_crisis_says_whose_danger_and_how_soon(case: dict[str, Any], rules: SafetyRules) -> None:
    result = assess(case["text"], rules)
    assert (result.about_other, result.imminent) == (case["other"], case["imminent"]), result.rules
    assert result.mentions_topic


def test_benign_phrasings_are_rarely_flagged(rules: SafetyRules) -> None:
    results = {c["text"]: assess(c["text"], rules) for c in BENIGN}
    offenders = [f"{text!r}: {r.rules}" for text, r in results.items() if r.crisis]
    assert len(offenders) <= MAX_BENIGN_FLAGGED, "\n".join(offenders)


@pytest.mark.parametrize("case", BENIGN, ids=_ids(BENIGN))
def test_benign_footer_only_when_the_topic_comes_up(
    case: dict[str, Any], rules: SafetyRules
) -> None:
    result = assess(case["text"], rules)
    assert result.mentions_topic == case.get("topic", False), result.rules


@pytest.mark.parametrize("text", PHRASINGS["advice"], ids=_ids(PHRASINGS["advice"]))
def test_personal_medication_questions_are_advice(text: str, rules: SafetyRules) -> None:
    result = assess(text, rules)
    assert result.medical_advice and not result.crisis, result.rules


@pytest.mark.parametrize("text", PHRASINGS["general"], ids=_ids(PHRASINGS["general"]))
def test_general_questions_are_not_advice(text: str, rules: SafetyRules) -> None:
    result = assess(text, rules)
    assert not result.medical_advice and not result.crisis, result.rules


@pytest.mark.parametrize(
    ("text", "fired"),
    [
        ("this deadline is killing me", "benign.killing_me_idiom"),
        ("i want to die", "self_intent.want_to_die"),
        ("my son texted me: i want to die", "reported_speech.said"),
        ("i tried to kill myself ten years ago, is ECT ok?", "history.past_attempt"),
        ("what is a lethal dose of lithium", "overdose.lethal_amount"),
        ("should i stop my sertraline", "medical_advice.should_i"),
    ],
)
def test_rules_name_the_groups_that_fired(text: str, fired: str, rules: SafetyRules) -> None:
    assert fired in assess(text, rules).rules


def test_an_old_attempt_is_a_topic_but_a_new_wish_still_fires(rules: SafetyRules) -> None:
    old = assess("i tried to kill myself ten years ago, is ECT ok for me?", rules)
    assert (old.crisis, old.mentions_topic) == (False, True)
    assert assess("i tried to kill myself ten years ago and i want to die again", rules).crisis


def test_the_writer_in_danger_outranks_the_other_person(rules: SafetyRules) -> None:
    result = assess("my friend wants to die and honestly so do i, i want to kill myself", rules)
    assert result.crisis and not result.about_other


# --- normalise -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("I’M SO TIRED", "i am so tired"),
        ("i dont know, i cant", "i do not know, i cannot"),
        ("don’t", "do not"),
        ("im fine", "i am fine"),
        ("ive tried", "i have tried"),
        ("id rather not", "i would rather not"),
        ("my id card", "my id card"),
        ("i'd taken it", "i had taken it"),
        ("soooo tired", "soo tired"),
        ("noooooo", "noo"),
        ("k1ll", "kill"),
        ("su1c1de", "suicide"),
        ("d!e", "die"),
        ("i took 30 pills", "i took 30 pills"),
        ("kill\u200bmyself", "killmyself"),
        ("kill\u200b myself", "kill myself"),
        ("\ufeffhello\u2060 there", "hello there"),
        ("right-to-left \u202eabc\u202c mark", "right-to-left abc mark"),
        ("tabs\tand\nnewlines\r\n  collapse", "tabs and newlines collapse"),
        ("ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
        ("“quoted” ‘words’", "\"quoted\" 'words'"),
        ("gonna wanna", "going to want to"),
        ("im ok rn", "i am ok right now"),
        ("tonite", "tonight"),
        ("STRASSE ß", "strasse ss"),
        ("", ""),
    ],
)
def test_normalise(message: str, expected: str) -> None:
    assert normalise(message) == expected


def test_letter_runs_are_also_tried_squeezed_to_one(rules: SafetyRules) -> None:
    assert normalise("i want to diiiiie") == "i want to diie"
    assert assess("i want to diiiiie", rules).crisis


# --- the rules loader ----------------------------------------------------------------------


def test_the_real_rules_load(rules: SafetyRules) -> None:
    categories = {g.category for g in rules.groups}
    assert {"self_intent", "self_harm", "overdose", "slang", "third_party"} <= categories
    assert {"imminent", "topic_mention", "medical_advice", "benign"} <= categories
    assert len({g.id for g in rules.groups}) == len(rules.groups)


GOOD_GROUP = "  - id: self_intent.x\n    category: self_intent\n    patterns: ['want to die']\n"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("groups:\n" + GOOD_GROUP + "  - id: x\n    category: slang\n    patterns: ['(unclosed']\n",
         7, "bad regular expression"),
        ("groups:\n  - id: x\n    category: slang\n    patterns: ['a']\n    colour: red\n",
         2, "unknown key 'colour'"),
        ("groups:\n  - id: x\n    patterns: ['a']\n", 2, "missing required key 'category'"),
        ("groups:\n  - id: x\n    category: slang\n", 2, "needs 'patterns' or 'phrases'"),
        ("groups:\n  - id: x\n    category: [oops\n", 4, "invalid YAML"),
        ("groups:\n  - id: x\n    category: moods\n    patterns: ['a']\n", 2, "unknown category"),
        ("groups:\n  - id: x\n    category: slang\n    patterns: ['{no} a']\n", 4, "unknown term"),
        ("groups:\n" + GOOD_GROUP + GOOD_GROUP, 5, "duplicate id"),
        ("groups:\n  - id: x\n    category: slang\n    alone: true\n    patterns: ['a']\n",
         2, "'alone' is only for imminent"),
        ("terms:\n  - me: 'a'\n  - me: 'b'\ngroups: []\n", 3, "'name: pattern'"),
        ("terms:\n  - bad: '(x'\ngroups: []\n", 2, "bad regular expression"),
        ("rules: []\n", 1, "unknown key 'rules'"),
        ("", 1, "empty"),
    ],
)  # fmt: skip
def test_rules_loader_errors_name_file_and_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = tmp_path / "safety.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PromptError) as caught:
        load_safety_rules(path)
    assert str(caught.value).startswith(f"{path}:{line}: "), str(caught.value)
    assert words in str(caught.value)


def test_a_missing_rules_file_is_a_prompt_error(tmp_path: Path) -> None:
    with pytest.raises(PromptError, match="file not found"):
        load_safety_rules(tmp_path / "nope.yaml")


def test_terms_and_phrases(tmp_path: Path) -> None:
    path = tmp_path / "safety.yaml"
    path.write_text(
        "terms:\n  - verb: '(?:leave|quit)'\n  - act: '{verb} (?:this|the) world'\n"
        "groups:\n  - id: self_intent.x\n    category: self_intent\n    patterns: ['{act}']\n"
        '    phrases: ["I’m out of here forever"]\n',
        encoding="utf-8",
    )
    loaded = load_safety_rules(path)
    assert assess("ready to quit this world", loaded).crisis
    assert assess("i'm out of here forever!", loaded).crisis
    assert not assess("quitting this worldview", loaded).crisis


# --- robustness ----------------------------------------------------------------------------


def _check(result: Assessment) -> None:
    flags = (result.crisis, result.about_other, result.imminent)
    assert all(isinstance(f, bool) for f in (*flags, result.mentions_topic, result.medical_advice))
    assert isinstance(result.rules, tuple) and all(isinstance(r, str) for r in result.rules)
    assert not result.about_other or result.crisis
    assert not result.imminent or result.crisis


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_assess_never_raises_on_any_text(rules: SafetyRules, text: str) -> None:
    _check(assess(text, rules))
    assert isinstance(normalise(text), str)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([c["text"] for c in CRISIS] + ["\u200b", "😭", "\x00"])))
def test_assess_never_raises_on_mixtures(rules: SafetyRules, parts: list[str]) -> None:
    _check(assess(" ".join(parts), rules))


@pytest.mark.parametrize(
    "message",
    [
        "a" * 1_000_000,
        "i " * 500_000,
        "my son said he is " * 55_000,
        "kill myself " * 85_000,
        "😭🙏" * 300_000,
        "\u202e\u0627\u0644\u0645\u0648\u062a " * 150_000,
        "<script>alert('i want to die')</script>" * 25_000,
        "\x00\x01\x02\u200b\ufeff" * 200_000,
        "(((((((((((((((((((" * 50_000,
    ],
    ids=["a", "i", "my son", "kill myself", "emoji", "rtl", "html", "controls", "parens"],
)
def test_huge_messages_are_assessed(message: str, rules: SafetyRules) -> None:
    started = time.process_time()
    _check(assess(message, rules))
    assert time.process_time() - started < 30


def test_a_crisis_at_the_very_end_of_a_long_message_is_found(rules: SafetyRules) -> None:
    assert assess("what does ECT feel like? " * 4000 + "i want to die", rules).crisis


# --- the speed gate ------------------------------------------------------------------------


def test_the_speed_gate_changes_no_decision(rules: SafetyRules) -> None:
    ungated = SafetyRules(
        tuple(
            dataclasses.replace(g, rules=tuple(dataclasses.replace(r, gates=()) for r in g.rules))
            for g in rules.groups
        )
    )
    texts = [c["text"] for c in CRISIS + BENIGN] + PHRASINGS["advice"] + PHRASINGS["general"]
    for text in texts:
        assert assess(text, rules) == assess(text, ungated), text


GATED = {f"{g.id}#{i}": r for g in RULES.groups for i, r in enumerate(g.rules) if r.gates}


@pytest.mark.parametrize("rule", GATED.values(), ids=GATED.keys())
def test_every_match_of_a_gated_rule_passes_its_gates(rule: Rule) -> None:
    @settings(max_examples=4, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.from_regex(rule.regex, fullmatch=True))
    def matches(text: str) -> None:
        for gate in rule.gates:  # a stem ending in a space stands for the whole word
            assert any(f"{w} ".startswith(tuple(gate)) for w in text.split()), (text, gate)

    try:
        matches()
    except Unsatisfiable:
        pytest.skip("hypothesis cannot generate matches for this pattern")
