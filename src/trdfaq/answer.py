"""The Answer every front end shows, and its JSON form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Status = Literal["answered", "no_match", "crisis"]


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

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "passage_id": self.passage_id,
            "quote": self.quote,
            "score": round(self.score, 4),
            "source": self.source.to_dict(),
            "highlights": [list(span) for span in self.highlights],
            "corroborated_by": [c.to_dict() for c in self.corroborated_by],
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
    """The crisis reply: a message, then resources, the user's region first."""

    message: str
    resources: tuple[CrisisResource, ...]
    imminent: bool = False
    about_other: bool = False
    closing: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "message": self.message,
            "resources": [r.to_dict() for r in self.resources],
            "imminent": self.imminent,
            "about_other": self.about_other,
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

    def to_dict(self) -> dict[str, Any]:
        """The JSON form shared by `trdfaq ask --json` and the HTTP API."""
        return {
            "question": self.question,
            "status": self.status,
            "answers": [a.to_dict() for a in self.answers],
            "crisis": None if self.crisis is None else self.crisis.to_dict(),
            "disclaimer": self.disclaimer,
            "follow_ups": list(self.follow_ups),
            "message": self.message,
            "footer": self.footer,
        }
