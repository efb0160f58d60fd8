"""The Assistant and its Conversations: the one entry point every front end uses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import chain
from pathlib import Path

from . import compose
from .analysis import normalise, question_weighted, tokenize
from .answer import Answer, Crisis, Quote, Related
from .cache import cache_key, cached
from .corpus import Passage
from .decision import Candidate, answerable
from .engine import Engine
from .errors import QuestionError
from .paths import bundled_corpus_dir, bundled_prompts_dir
from .prompts import SAFETY_FILE, Prompts
from .query import Query
from .safety import Assessment, SafetyRules, assess
from .safety_model import shipped as shipped_classifiers

# A question to search the articles with is at most this long...
MAX_QUESTION_CHARS = 1000
# ...but safety reads a message of up to this many (the web API's body limit allows no more),
# so a long message that ends in a crisis still gets the crisis reply.
MAX_MESSAGE_CHARS = 16_000
# Words by which a follow-up leans on the previous question ("how often is it given?").
_ANAPHORA = frozenset(
    {
        "it",
        "its",
        "it's",
        "they",
        "them",
        "their",
        "this",
        "that",
        "these",
        "those",
        "same",
        "one",
        "ones",
    }
)
_ELLIPSIS = re.compile(r"^\s*(and|also|plus|what about|how about|what else|anything else)\b")
# Quotes shown under "What the articles say about ...", at most.
_RELATED_QUOTES = 2
# Subjects too general to offer as "which treatment do you mean?".
_GENERAL_SUBJECTS = frozenset({"trd", "new_treatments", "monitoring", "brain"})
# Questions a conversation's topic is made of, at most: a follow-up leans on the question
# before it, which may itself lean on the one before; older ones would count for little.
TOPIC_TURNS = 3
# A question this short with an "it" and nothing before it leans on nothing: which one? A
# longer one names its own referent ("I missed my venlafaxine... should I stop it?").
_FOLLOW_UP_WORDS = 8
# Passages a topic remembers, at most (the ones last quoted).
_TOPIC_PASSAGES = 3
# Passage pairs whose likeness is remembered, at most (all pairs of a 400-passage corpus).
_LIKENESS_MEMORY = 80_000
_NOT_WORD = re.compile(r"[^\w\s']+")
_VERSION = "1"  # part of the cache key, with the package's own files (_CODE)
_CODE = Path(__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class Topic:
    """What a follow-up may lean on, as plain data: the questions the current topic comes from
    (oldest first, at most TOPIC_TURNS) and the passages last quoted for it.

    A server can keep it anywhere (its JSON form is what the web API signs into a token), and
    strings cost the garbage collector nothing.
    """

    questions: tuple[str, ...] = ()
    passages: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.questions)

    def to_dict(self) -> dict[str, list[str]]:
        """JSON form: {"questions": [...], "passages": [...]}."""
        return {"questions": list(self.questions), "passages": list(self.passages)}

    @classmethod
    def from_dict(cls, data: object) -> Topic:
        """A topic from its JSON form; QuestionError if it is not of that shape."""
        if not isinstance(data, dict) or set(data) - {"questions", "passages"}:
            raise QuestionError("a conversation topic must be {questions: [...], passages: [...]}")
        questions, passages = data.get("questions", []), data.get("passages", [])
        for value in (questions, passages):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise QuestionError("a conversation topic must hold lists of strings")
        return cls(tuple(questions)[-TOPIC_TURNS:], tuple(passages)[:_TOPIC_PASSAGES])


def validate_question(question: str) -> str:
    """The message stripped; QuestionError if it is empty or over MAX_MESSAGE_CHARS.

    A message over MAX_QUESTION_CHARS passes: the safety check reads it whole, and only
    searching the articles with it is refused (by Conversation.ask, after that check).
    """
    text = question.strip()
    if not text:
        raise QuestionError("the question is empty: type a question")
    if len(text) > MAX_MESSAGE_CHARS:
        raise QuestionError(
            f"the message is {len(text):,} characters long: keep it under {MAX_MESSAGE_CHARS:,}"
        )
    return text


def _too_long(text: str) -> QuestionError:
    return QuestionError(
        f"the question is {len(text):,} characters long: keep it under {MAX_QUESTION_CHARS:,}"
    )


@dataclass
class Assistant:
    """Answers questions by quoting the corpus, with safety checks first."""

    engine: Engine
    prompts: Prompts
    safety: SafetyRules
    top_k: int = 3

    @classmethod
    def load(
        cls,
        corpus_dir: Path | str | None = None,
        prompts_dir: Path | str | None = None,
        *,
        top_k: int = 3,
        use_cache: bool = True,
    ) -> Assistant:
        """Load a corpus folder (default: the bundled one) and the prompts."""
        corpus_path = Path(corpus_dir) if corpus_dir is not None else bundled_corpus_dir()
        prompts_path = Path(prompts_dir) if prompts_dir is not None else bundled_prompts_dir()
        key = cache_key([corpus_path, prompts_path, _CODE], _VERSION)

        def build() -> tuple[Engine, Prompts, SafetyRules]:
            from .corpus import load_corpus  # noqa: PLC0415 - only on a cache miss
            from .prompts import load_prompts  # noqa: PLC0415
            from .safety import load_safety_rules  # noqa: PLC0415

            prompts = load_prompts(prompts_path)
            rules = load_safety_rules(prompts_path / SAFETY_FILE)
            return Engine.build(load_corpus(corpus_path)), prompts, rules

        engine, prompts, rules = cached(key, build, enabled=use_cache)
        return cls(engine, prompts, rules, top_k=top_k)

    def ask(self, question: str, *, region: str | None = None, top_k: int | None = None) -> Answer:
        """Answer one question on its own."""
        return self.conversation(region=region).ask(question, top_k=top_k)

    def conversation(
        self, *, region: str | None = None, topic: Topic | dict[str, object] | None = None
    ) -> Conversation:
        """A conversation: follow-up questions are read in the light of earlier ones.

        `topic` resumes one: the `topic` of a Conversation asked before, or its `to_dict()`.
        Passages it names that this corpus lacks are dropped.
        """
        region = compose.resolve_region(region, self.prompts.crisis)
        if topic is None:
            topic = Topic()
        elif not isinstance(topic, Topic):
            topic = Topic.from_dict(topic)
        known = tuple(p for p in topic.passages if p in self._passages)
        return Conversation(self, region, Topic(topic.questions[-TOPIC_TURNS:], known))

    def crisis_resources(self, region: str | None = None) -> Crisis:
        """The crisis lines on their own, for a front end's "crisis lines" key or link."""
        return compose.resources_reply(
            self.prompts.crisis, compose.resolve_region(region, self.prompts.crisis)
        )

    def region(self, code: str | None) -> str | None:
        """A region code in canonical form; QuestionError for an unknown one."""
        return compose.resolve_region(code, self.prompts.crisis)

    def passage(self, passage_id: str) -> Passage:
        """A passage by id, with its source (for "open source" views); KeyError if unknown."""
        return self._passages[passage_id]

    @cached_property
    def _passages(self) -> dict[str, Passage]:
        return {p.id: p for p in self.engine.corpus.passages}

    def neighbours(self, passage: Passage) -> Iterator[Passage]:
        """Other passages of the same source, nearest in the article first."""
        same = self._by_source.get(passage.source.id, [])
        at = self._place.get(passage.id, 0)
        for distance in range(1, len(same)):
            for i in (at - distance, at + distance):
                if 0 <= i < len(same):
                    yield same[i]

    @cached_property
    def _by_source(self) -> dict[str, list[Passage]]:
        by_source: dict[str, list[Passage]] = {}
        for passage in self.engine.corpus.passages:
            by_source.setdefault(passage.source.id, []).append(passage)
        return by_source

    @cached_property
    def _place(self) -> dict[str, int]:
        """Each passage's position among its source's passages."""
        return {p.id: i for same in self._by_source.values() for i, p in enumerate(same)}

    def profile(self, passage: Passage) -> compose.Profile:
        """A passage's source line, stems and sentences, worked out on first use."""
        found = self._profiles.get(passage.id)
        if found is None:
            found = self._profiles[passage.id] = compose.Profile.of(passage, self.engine.stems)
        return found

    @cached_property
    def _profiles(self) -> dict[str, compose.Profile]:
        return {}

    def likeness(self, a: Passage, b: Passage) -> float:
        """How much two passages say the same (compose.likeness), remembered for the pair."""
        key = (a.id, b.id) if a.id < b.id else (b.id, a.id)
        found = self._likeness.get(key)
        if found is None:
            if len(self._likeness) >= _LIKENESS_MEMORY:
                self._likeness.clear()
            found = self._likeness[key] = compose.likeness(self.profile(a), self.profile(b))
        return found

    @cached_property
    def _likeness(self) -> dict[tuple[str, str], float]:
        return {}

    @cached_property
    def courtesies(self) -> tuple[tuple[str, ...], ...]:
        """The greetings, thanks and goodbyes of the small talk, as word sequences, longest
        first: what may open or close a question without being part of it."""
        phrases = {
            tuple(_plain(phrase).split())
            for entry in self.prompts.small_talk
            if entry.id in _COURTESIES
            for phrase in entry.phrases
        }
        return tuple(sorted(phrases, key=lambda words: (-len(words), words)))

    @cached_property
    def small_talk(self) -> dict[str, str]:
        """Normalised small-talk phrase -> reply."""
        return {
            _plain(phrase): entry.reply
            for entry in self.prompts.small_talk
            for phrase in entry.phrases
        }


@dataclass
class Conversation:
    """A sequence of questions, where a follow-up may lean on the previous topic."""

    assistant: Assistant
    region: str | None = None
    # What a follow-up leans on. Plain strings, analysed again when a follow-up needs them.
    topic: Topic = field(default_factory=Topic, repr=False)

    def ask(self, question: str, *, top_k: int | None = None) -> Answer:
        """Answer the next question of the conversation.

        Safety comes first, on the whole message: a crisis gets the crisis reply however long
        the message is. Otherwise a message over MAX_QUESTION_CHARS is a QuestionError, except
        that a check-in still gets its resources (with no answer).
        """
        a = self.assistant
        prompts = a.prompts
        # A message that is exactly a greeting, a thank-you or a goodbye ("hi", "thanks") gives
        # the classifier next to nothing to read; the rules still read it.
        greeting = _plain(question) in a.small_talk
        safety = assess(question, a.safety, None if greeting else shipped_classifiers())
        # A message in another language with no region given: findahelpline.com first.
        first = "INTL" if self.region is None and safety.language != "en" else None
        if safety.crisis:
            crisis = compose.crisis_reply(
                prompts.crisis,
                self.region,
                imminent=safety.imminent,
                about_other=safety.about_other,
                headline_region=first,
            )
            return Answer(question, "crisis", prompts.crisis.disclaimer, crisis=crisis)
        if len(question.strip()) > MAX_QUESTION_CHARS and not safety.check_in:
            raise _too_long(question.strip())
        answer = self._answer(question, safety, top_k)
        if not safety.check_in:
            return answer
        check_in = compose.check_in_reply(
            prompts.crisis, self.region, headline_region=first, answered=bool(answer.answers)
        )
        return replace(answer, status="check_in", crisis=check_in, footer=None)

    def _answer(self, question: str, safety: Assessment, top_k: int | None) -> Answer:
        """The answer from the articles, with the notices the safety check calls for."""
        a = self.assistant
        prompts = a.prompts
        footer = prompts.crisis_footer if safety.mentions_topic else None
        if len(question.strip()) > MAX_QUESTION_CHARS:
            return self._no_match(question, str(_too_long(question.strip())), footer)
        if safety.asks_dose:  # no passage gives one: the notice alone, no loosely related quote
            return self._no_match(question, prompts.medical_advice, footer)
        text = question
        reply = a.small_talk.get(_plain(text))
        if reply is not None:
            return self._no_match(question, reply, footer)
        # "hi, quick question: ...", "... thank you": the greeting or thanks is not part of
        # what is asked (it cost 18% of right answers: benchmarks/perturb.py).
        text = question_weighted(_without_courtesies(text, a.courtesies))
        query, leaned, asked = self._query(text)
        engine = a.engine
        if (
            not leaned
            and not self.topic
            and not safety.medical_advice  # "should I just stop it?": the notice comes first
            and len(tokenize(text)) <= _FOLLOW_UP_WORDS
            and _refers_back(text)
            and not asked
        ):
            return self._which_subject(question, query, footer)
        hits = engine.search(query, k=10)
        meaning_of = " ".join([*self.topic.questions, text]) if leaned else text
        evidence = engine.evidence(text, query, hits, meaning_of, asked)
        found = engine.decide(evidence)
        settings = engine.corpus.settings
        limit = top_k or a.top_k
        chosen: list[Candidate] = []
        if query.topical and answerable(found, engine.kinds(evidence, found), settings):
            chosen = [found[0]]
            chosen += [c for c in found[1:] if c.probability >= settings.more_threshold]
            chosen = chosen[:limit]
        if not chosen:
            if asked and query.topical and text.strip():
                return self._not_covered(
                    question, found, asked, safety, footer, min(limit, _RELATED_QUOTES)
                )
            message = prompts.empty_question if not text.strip() else prompts.no_match
            if safety.medical_advice:
                message = prompts.medical_advice
            return self._no_match(question, message, footer)
        questions = (*self.topic.questions, text)[-TOPIC_TURNS:] if leaned else (text,)
        self.topic = Topic(questions, tuple(c.passage.id for c in chosen[:_TOPIC_PASSAGES]))
        return self._answered(question, query, found, chosen, safety, footer)

    def _query(self, text: str) -> tuple[Query, bool, frozenset[str]]:
        """The question's query, with the topic's if it leans on it; whether it does; and the
        subjects it is about: its own, or for a follow-up that names none, those of the
        passages last quoted (what "it" most likely is)."""
        engine = self.assistant.engine
        query = engine.analyse(text)
        own = engine.subjects_of(query)
        if not self.topic:
            return query, False, own
        if _refers_back(text) or not query.topical or not own:
            weight = engine.corpus.settings.context_weight
            previous = engine.analyse(self.topic.questions[0])
            for earlier in self.topic.questions[1:]:
                previous = engine.analyse(earlier).with_context(previous, weight)
            subjects = frozenset(
                s for p in self.topic.passages for s in self.assistant.passage(p).subjects
            )
            # A follow-up that names a subject of its own ("what about TMS?") asks about that
            # one (what it asks, "does it affect memory", still comes from before).
            return query.with_context(previous, weight), True, own or subjects
        return query, False, own

    def _quote(
        self, candidate: Candidate, query: Query, others: list[Candidate], folded: bool
    ) -> Quote:
        a = self.assistant
        idf = a.engine.index.term_idf
        weights = {stem: weight * idf(stem) for stem, weight in query.weights().items()}
        passage = candidate.passage
        agree = compose.corroborations(
            passage,
            [c.passage for c in others[:6] if c is not candidate],
            a.profile,
            a.likeness,
            a.engine.corpus.settings.corroboration_overlap,
        )
        return compose.quote(
            passage, candidate.probability, a.profile(passage), weights, agree, folded=folded
        )

    def _answered(
        self,
        question: str,
        query: Query,
        found: list[Candidate],
        chosen: list[Candidate],
        safety: Assessment,
        footer: str | None,
    ) -> Answer:
        a = self.assistant
        fold = a.engine.corpus.settings.fold_threshold
        # A passage quoted in the reply is not shown again as another's corroboration, and a
        # corroboration is shown once, under the first quote it agrees with.
        others = [c for c in found if c not in chosen]
        quotes = []
        shown_ids = {c.passage.id for c in chosen}
        for i, c in enumerate(chosen):
            quote = self._quote(c, query, others, folded=i > 0 and c.probability < fold)
            agree = tuple(x for x in quote.corroborated_by if x.passage_id not in shown_ids)
            shown_ids.update(x.passage_id for x in agree)
            quotes.append(replace(quote, corroborated_by=agree))
        shown = [c.passage for c in chosen]
        rest = [c.passage for c in found if c not in chosen]
        # Related first: other candidates that share most words with the best passage, then
        # what stands next to it in its article, then the other candidates.
        kin = [(a.likeness(shown[0], p), p) for p in rest]
        kinship = a.engine.corpus.settings.kinship
        close = [p for k, p in sorted(kin, key=lambda item: -item[0]) if k >= kinship]
        related = chain(close, a.neighbours(shown[0]), rest)
        follow = compose.follow_ups(shown, related, question)
        message = None
        if safety.medical_advice:
            message = f"{a.prompts.medical_advice} {a.prompts.general_info_lead}"
        return Answer(
            question,
            "answered",
            a.prompts.disclaimer,
            answers=tuple(quotes),
            follow_ups=follow,
            message=message,
            footer=footer,
        )

    def _not_covered(
        self,
        question: str,
        found: list[Candidate],
        asked: frozenset[str],
        safety: Assessment,
        footer: str | None,
        shown: int,
    ) -> Answer:
        """The articles discuss the subject, not the thing asked: say so, and show what they
        do say about the subject (at most `shown` quotes) under its own label, never as the
        answer."""
        a = self.assistant
        subjects = a.engine.corpus.subjects
        on_subject = [c for c in found if asked & set(c.passage.subjects)]
        subject = next(
            (s for c in on_subject for s in c.passage.subjects if s in asked), sorted(asked)[0]
        )
        about = subjects.get(subject)
        label = about.label if about else subject
        quotes = tuple(
            self._quote(c, a.engine.analyse(question), found, folded=False)
            for c in on_subject[:shown]
        )
        message = a.prompts.not_covered.format(subject=label)
        if safety.medical_advice:
            message = f"{a.prompts.medical_advice} {message}"
        related = Related(subject, a.prompts.related_label.format(subject=label), quotes)
        follow = compose.follow_ups(
            [c.passage for c in on_subject[:shown]], (c.passage for c in found), question
        )
        return Answer(
            question,
            "not_covered",
            a.prompts.disclaimer if quotes else a.prompts.disclaimer_unquoted,
            follow_ups=follow or a.prompts.examples[:3],
            message=message,
            footer=footer,
            related=related if quotes else None,
        )

    def _which_subject(self, question: str, query: Query, footer: str | None) -> Answer:
        """A follow-up ("how often is it given?") with nothing before it to lean on."""
        a = self.assistant
        engine = a.engine
        hits = engine.search(query, k=10)
        found = engine.decide(engine.evidence(question, query, hits, question, frozenset()))
        seen: list[str] = []
        for candidate in found:
            for subject in candidate.passage.subjects:
                if subject not in seen and subject not in _GENERAL_SUBJECTS:
                    seen.append(subject)
        chips = tuple(
            _name_referent(question, engine.corpus.subjects.get(s).terms[-1])  # type: ignore[union-attr]
            for s in seen[:3]
        )
        return Answer(
            question,
            "no_match",
            a.prompts.disclaimer_unquoted,
            follow_ups=chips or a.prompts.examples[:3],
            message=a.prompts.which_subject,
            footer=footer,
        )

    def _no_match(self, question: str, message: str, footer: str | None) -> Answer:
        prompts = self.assistant.prompts
        return Answer(
            question,
            "no_match",
            prompts.disclaimer_unquoted,
            follow_ups=prompts.examples[:3],
            message=message,
            footer=footer,
        )


_COURTESIES = frozenset({"greeting", "thanks", "goodbye"})


def _without_courtesies(text: str, courtesies: tuple[tuple[str, ...], ...]) -> str:
    """The question without greetings or thanks at its start or end ("hi, quick question:
    what is MBCT? thanks so much" -> "quick question: what is MBCT?"); unchanged if nothing
    else would be left."""
    words = text.split()
    plain = [_plain(w) for w in words]
    start, end = 0, len(words)
    changed = True
    while changed:
        changed = False
        for phrase in courtesies:
            n = len(phrase)
            if end - start > n and tuple(plain[start : start + n]) == phrase:
                start, changed = start + n, True
            elif end - start > n and tuple(plain[end - n : end]) == phrase:
                end, changed = end - n, True
    return " ".join(words[start:end]) if (start, end) != (0, len(words)) else text


def _refers_back(text: str) -> bool:
    """Whether a question leans on something said before ("how often is it given?")."""
    return bool(set(tokenize(text)) & _ANAPHORA) or bool(_ELLIPSIS.match(normalise(text)))


def _name_referent(question: str, name: str) -> str:
    """The question with its first "it"/"this"/"that" replaced by a name."""
    words = question.split()
    for i, word in enumerate(words):
        bare = word.strip("?.,!").casefold()
        if bare in {"it", "this", "that", "they", "them"}:
            words[i] = word.casefold().replace(bare, name)
            return " ".join(words)
    return f"{question.rstrip('?')} ({name})?"


def _plain(text: str) -> str:
    """Lower case, no punctuation, single spaces: for matching small talk."""
    return " ".join(_NOT_WORD.sub(" ", normalise(text)).replace("'", "").split())
