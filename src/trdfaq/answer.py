"""The Answer every front end shows, and its JSON form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

# answered: quotes that answer the question. not_covered: the articles discuss the subject but
# not what was asked (`related` shows what they do say, never as the answer). no_match: nothing
# in the articles. check_in: a worrying message: crisis resources and a caring question first,
# then the answer if there is one. crisis: crisis resources only, no quote.
Status = Literal["answered", "not_covered", "no_match", "check_in", "crisis"]
STATUSES: tuple[Status, ...] = ("answered", "not_covered", "no_match", "check_in", "crisis")


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a quote comes from."""

    id: str
    title: str
    publisher: str | None
    section: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "id": self.id,
            "title": self.title,
            "publisher": self.publisher,
            "section": self.section,
        }


@dataclass(frozen=True, slots=True)
class Corroboration:
    """Another source's passage that says much the same as a quote."""

    passage_id: str
    quote: str
    source: SourceRef

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"passage_id": self.passage_id, "quote": self.quote, "source": self.source.to_dict()}


@dataclass(frozen=True, slots=True)
class Quote:
    """A verbatim passage given as (part of) an answer."""

    passage_id: str
    quote: str
    score: float
    source: SourceRef
    highlights: tuple[tuple[int, int], ...] = ()  # character spans of `quote` to emphasise
    corroborated_by: tuple[Corroboration, ...] = ()
    # A weaker further quote: front ends show it folded (collapsed under the best ones).
    folded: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "passage_id": self.passage_id,
            "quote": self.quote,
            "score": round(self.score, 4),
            "source": self.source.to_dict(),
            "highlights": [list(span) for span in self.highlights],
            "corroborated_by": [c.to_dict() for c in self.corroborated_by],
            "folded": self.folded,
        }


@dataclass(frozen=True, slots=True)
class Related:
    """What the articles say about a question's subject when they do not answer the question.

    Shown under its own label ("What the articles say about ketamine"), never as the answer.
    """

    subject: str  # the subject's id in the corpus (e.g. "ketamine")
    label: str  # the heading front ends show above the quotes
    quotes: tuple[Quote, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "subject": self.subject,
            "label": self.label,
            "quotes": [q.to_dict() for q in self.quotes],
        }


@dataclass(frozen=True, slots=True)
class ResourceLink:
    """One way to reach a crisis resource."""

    kind: str  # call, text, chat or web
    label: str
    href: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"kind": self.kind, "label": self.label, "href": self.href}


@dataclass(frozen=True, slots=True)
class CrisisResource:
    """A crisis line or emergency number, with how to use it."""

    name: str
    contact: str
    region: str
    links: tuple[ResourceLink, ...] = ()
    emergency: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "name": self.name,
            "contact": self.contact,
            "region": self.region,
            "emergency": self.emergency,
            "links": [link.to_dict() for link in self.links],
        }


@dataclass(frozen=True, slots=True)
class Crisis:
    """Crisis resources, shown first: a line to call now, a sentence of care, then the rest.

    Filled for status crisis and check_in (a check-in also asks one direct, caring question).
    """

    headline: str  # the first line a person sees: a line to call or text now
    message: str  # one short sentence of care
    resources: tuple[CrisisResource, ...]
    imminent: bool = False
    about_other: bool = False
    question: str | None = None  # check_in: "Are you thinking about ending your life?"
    note: str = ""  # after the resources: what trdfaq is and is not, how to help someone
    closing: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "headline": self.headline,
            "message": self.message,
            "question": self.question,
            "resources": [r.to_dict() for r in self.resources],
            "imminent": self.imminent,
            "about_other": self.about_other,
            "note": self.note,
            "closing": self.closing,
        }


@dataclass(frozen=True, slots=True)
class Answer:
    """What the assistant replies to one message."""

    question: str
    status: Status
    disclaimer: str
    answers: tuple[Quote, ...] = ()
    crisis: Crisis | None = None
    follow_ups: tuple[str, ...] = ()
    message: str | None = None  # the assistant's own words: no-match, small talk, advice notice
    footer: str | None = None  # one-line crisis resources when suicide or self-harm is mentioned
    related: Related | None = None  # not_covered: what the articles say about the subject
    # The conversation this question continued could not be resumed (a web token that failed
    # verification or expired): the question was read on its own.
    context_lost: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The JSON form shared by `trdfaq ask --json` and the HTTP API."""
        return {
            "question": self.question,
            "status": self.status,
            "answers": [a.to_dict() for a in self.answers],
            "related": None if self.related is None else self.related.to_dict(),
            "crisis": None if self.crisis is None else self.crisis.to_dict(),
            "disclaimer": self.disclaimer,
            "follow_ups": list(self.follow_ups),
            "message": self.message,
            "footer": self.footer,
            "context_lost": self.context_lost,
        }
