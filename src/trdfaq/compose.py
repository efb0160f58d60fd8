"""From retrieval hits, a safety decision and the prompts to an Answer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from .analysis import sentence_spans
from .answer import Corroboration, Crisis, CrisisResource, Quote, ResourceLink, SourceRef
from .corpus import Passage
from .errors import QuestionError
from .prompts import CrisisPrompts, Resource


def source_ref(passage: Passage) -> SourceRef:
    """The source line of a passage."""
    source = passage.source
    return SourceRef(source.id, source.shown_title, source.publisher, passage.section)


def resolve_region(code: str | None, crisis: CrisisPrompts) -> str | None:
    """A region code in canonical form (US, UK, IE, EU, INTL), or None for none given."""
    if code is None or not code.strip():
        return None
    upper = code.strip().upper()
    upper = crisis.region_aliases.get(upper, upper)
    if upper not in crisis.region_names:
        known = ", ".join(crisis.region_names)
        raise QuestionError(f"unknown region {code!r}: use one of {known}")
    return upper


def order_resources(
    resources: Sequence[Resource], region: str | None, imminent: bool
) -> list[Resource]:
    """The user's region first (emergency numbers first of all when risk is imminent)."""

    def rank(resource: Resource) -> tuple[int, int]:
        local = region is not None and region in resource.regions
        anywhere = "INTL" in resource.regions
        place = 0 if local else (1 if anywhere or region is None else 2)
        urgent = 0 if (imminent and resource.emergency) else 1
        return (urgent, place) if imminent else (place, 0)

    ordered = sorted(resources, key=rank)  # stable: file order within a rank
    if region is not None and region != "INTL":
        # Lines of other regions are noise for someone in the region given: keep only its own
        # resources and the international ones.
        ordered = [r for r in ordered if region in r.regions or "INTL" in r.regions]
    return ordered


def headline(prompts: CrisisPrompts, region: str | None, *, imminent: bool) -> str:
    """The first line of a crisis reply: a line to call or text now, for the region."""
    found = prompts.headlines[region or prompts.default_region]
    return found.imminent if imminent else found.now


def _resources(
    prompts: CrisisPrompts, region: str | None, imminent: bool
) -> tuple[CrisisResource, ...]:
    return tuple(
        CrisisResource(
            name=r.name,
            contact=r.contact,
            region="/".join(r.regions),
            links=tuple(ResourceLink(link.kind, link.label, link.href) for link in r.links),
            emergency=r.emergency,
        )
        for r in order_resources(prompts.resources, region, imminent)
    )


def crisis_reply(
    prompts: CrisisPrompts,
    region: str | None,
    *,
    imminent: bool,
    about_other: bool,
    headline_region: str | None = None,
) -> Crisis:
    """The crisis reply: a line to call now, a sentence of care, resources, none of them hidden.

    `headline_region` picks the first line when it differs from the resources' region (a
    message in another language with no region given: findahelpline.com first).
    """
    return Crisis(
        headline=headline(prompts, headline_region or region, imminent=imminent),
        message=prompts.message_other if about_other else prompts.message_self,
        resources=_resources(prompts, region, imminent),
        imminent=imminent,
        about_other=about_other,
        note=prompts.note_other if about_other else prompts.note_self,
        closing=prompts.closing,
    )


def check_in_reply(
    prompts: CrisisPrompts,
    region: str | None,
    *,
    headline_region: str | None = None,
    answered: bool = False,
) -> Crisis:
    """A check-in: a line to call, a sentence of care and one direct question; then the answer
    (`answered`: the note says it follows)."""
    note = f"{prompts.check_in_note} {prompts.check_in_answered}" if answered else None
    return Crisis(
        headline=headline(prompts, headline_region or region, imminent=False),
        message=prompts.message_check_in,
        resources=_resources(prompts, region, False),
        question=prompts.check_in_question,
        note=note or prompts.check_in_note,
    )


def resources_reply(prompts: CrisisPrompts, region: str | None) -> Crisis:
    """The resources on their own (F2 in the chat, a widget's crisis link): no words of care
    for a disclosure nobody made."""
    return Crisis(
        headline=headline(prompts, region, imminent=False),
        message=prompts.message_resources,
        resources=_resources(prompts, region, False),
    )


@dataclass(frozen=True, eq=False, slots=True)
class Profile:
    """What answers need of a passage, worked out once: source line, stems, sentences."""

    ref: SourceRef
    stems: frozenset[str]  # content stems of the whole text
    sentences: tuple[tuple[int, int, frozenset[str]], ...]  # span and content stems of each

    @classmethod
    def of(cls, passage: Passage, stems_of: Callable[[str], frozenset[str]]) -> Profile:
        """Profile a passage with a stemming function."""
        text = passage.text
        return cls(
            source_ref(passage),
            stems_of(text),
            tuple((s, e, stems_of(text[s:e])) for s, e in sentence_spans(text)),
        )


def highlights(profile: Profile, weights: Mapping[str, float]) -> tuple[tuple[int, int], ...]:
    """Spans of the sentences of a passage that best match the question's weighted stems."""
    if len(profile.sentences) < 2:
        return ()
    terms, weight = weights.keys(), weights.__getitem__
    scored = [
        (sum(map(weight, terms & stems)), start, end) for start, end, stems in profile.sentences
    ]
    top = max(score for score, _, _ in scored)
    if top <= 0:
        return ()
    chosen = sorted(scored, key=lambda item: -item[0])[:2]
    return tuple(sorted((s, e) for score, s, e in chosen if score >= 0.6 * top))


def likeness(a: Profile, b: Profile) -> float:
    """Share of the shorter passage's content stems that the other passage has too."""
    if not a.stems or not b.stems:
        return 0.0
    return len(a.stems & b.stems) / min(len(a.stems), len(b.stems))


def corroborations(
    shown: Passage,
    others: Sequence[Passage],
    profile_of: Callable[[Passage], Profile],
    alike: Callable[[Passage, Passage], float],
    overlap: float,
) -> tuple[Corroboration, ...]:
    """Passages from other sources among `others` that say much the same as `shown` (their
    likeness reaches `overlap`)."""
    found = []
    seen_sources = {shown.source.id}
    for passage in others:
        if passage.source.id in seen_sources:
            continue
        if alike(shown, passage) >= overlap:
            seen_sources.add(passage.source.id)
            found.append(Corroboration(passage.id, passage.text, profile_of(passage).ref))
    return tuple(found)


def quote(
    passage: Passage,
    score: float,
    profile: Profile,
    weights: Mapping[str, float],
    corroborated_by: tuple[Corroboration, ...] = (),
    *,
    folded: bool = False,
) -> Quote:
    """A passage as a verbatim quote with its source, and highlights by the weighted stems."""
    return Quote(
        passage_id=passage.id,
        quote=passage.text,
        score=score,
        source=profile.ref,
        highlights=highlights(profile, weights),
        corroborated_by=corroborated_by,
        folded=folded,
    )


def follow_ups(
    shown: Sequence[Passage], candidates: Iterable[Passage], asked: str, limit: int = 3
) -> tuple[str, ...]:
    """2 to 3 questions answered by related passages not shown yet."""
    shown_ids = {p.id for p in shown}
    seen_questions = {asked.strip().casefold()}
    picked: list[str] = []
    for passage in candidates:
        if passage.id in shown_ids or not passage.questions:
            continue
        question = passage.questions[0]
        if question.casefold() in seen_questions:
            continue
        shown_ids.add(passage.id)
        seen_questions.add(question.casefold())
        picked.append(_sentence_case(question))
        if len(picked) == limit:
            break
    return tuple(picked)


def _sentence_case(question: str) -> str:
    return question[:1].upper() + question[1:]
