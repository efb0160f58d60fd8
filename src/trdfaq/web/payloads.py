"""What the API reads and sends besides answers: the /api/ask body, checked; /api/info; and
the data built into widget.js."""

from __future__ import annotations

import json
from typing import Any

from .. import MAX_QUESTION_CHARS, Assistant

_FIELDS = frozenset({"question", "conversation_id", "region"})


class ApiError(Exception):
    """A request the API refuses: status code and message for the JSON error."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def parse_ask(body: bytes) -> tuple[Any, str | None, str | None]:
    """The question, conversation id and region from a JSON body; ApiError (422) otherwise."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise ApiError(422, 'the body must be JSON, e.g. {"question": "What is TRD?"}') from None
    if not isinstance(data, dict):
        raise ApiError(422, 'the body must be a JSON object, e.g. {"question": "What is TRD?"}')
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise ApiError(422, f"unknown field(s): {', '.join(map(repr, unknown))}")
    if "question" not in data:
        raise ApiError(422, '"question" is required')
    for name in _FIELDS:
        value = data.get(name)
        required = name == "question"
        if not isinstance(value, str) and (required or value is not None):
            kind = "a string" if required else "a string or null"
            raise ApiError(422, f'"{name}" must be {kind}')
        if isinstance(value, str) and not _encodable(value):
            raise ApiError(422, f'"{name}" is not valid Unicode text')
    return data["question"], data.get("conversation_id"), data.get("region")


def is_json(content_type: str) -> bool:
    """Whether a Content-Type header names JSON (application/json, any parameters)."""
    return content_type.partition(";")[0].strip().lower() == "application/json"


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:  # lone surrogates, e.g. "\ud800"
        return False
    return True


def info_payload(assistant: Assistant, *, logged: bool = False) -> dict[str, Any]:
    """GET /api/info's body: what the widget shows before the first question."""
    prompts = assistant.prompts
    return {
        "name": prompts.name,
        "tagline": prompts.tagline,
        "greeting": prompts.greeting,
        "placeholder": prompts.placeholder,
        "empty_question": prompts.empty_question,
        "examples": list(prompts.examples),
        "disclaimer": prompts.disclaimer,
        "about": prompts.about_text(logged=logged),
        "labels": prompts.labels,
        "regions": prompts.crisis.region_names,
        "crisis_resources": [
            {
                "name": r.name,
                "contact": r.contact,
                "regions": list(r.regions),
                "emergency": r.emergency,
                "links": [{"kind": k.kind, "label": k.label, "href": k.href} for k in r.links],
            }
            for r in prompts.crisis.resources
        ],
        "max_question_chars": MAX_QUESTION_CHARS,
    }


def built_in_payload(assistant: Assistant) -> dict[str, Any]:
    """What widget.js carries inside it, for when the API cannot be reached: its words, and the
    crisis lines of every region (key "": no region given), as the core composes them."""
    crisis = assistant.prompts.crisis
    regions = ("", *crisis.region_names)
    by_region = {code: assistant.crisis_resources(code or None).to_dict() for code in regions}
    return {
        "labels": assistant.prompts.labels,
        "regions": crisis.region_names,
        "region_aliases": crisis.region_aliases,
        "crisis": by_region,
        "max_question_chars": MAX_QUESTION_CHARS,
    }
