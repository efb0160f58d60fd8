"""The OpenAPI 3.1 description of the HTTP API, served at /openapi.json."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .. import MAX_MESSAGE_CHARS, MAX_QUESTION_CHARS, __version__
from ..answer import STATUSES

_NULLABLE_STRING: dict[str, Any] = {"type": ["string", "null"]}


def _obj(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    schema["required"] = list(properties) if required is None else required
    return schema


def _error(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if headers:
        response["headers"] = headers
    return response


_SOURCE = _obj(
    {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "publisher": _NULLABLE_STRING,
        "section": _NULLABLE_STRING,
    }
)
_CORROBORATION = _obj(
    {"passage_id": {"type": "string"}, "quote": {"type": "string"}, "source": _SOURCE}
)
_QUOTE = _obj(
    {
        "passage_id": {"type": "string"},
        "quote": {"type": "string", "description": "the passage's exact words"},
        "score": {"type": "number"},
        "source": _SOURCE,
        "highlights": {
            "type": "array",
            "description": "[start, end) character (code point) spans of `quote` to emphasise",
            "items": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
        },
        "corroborated_by": {"type": "array", "items": _CORROBORATION},
        "folded": {"type": "boolean", "description": "a weaker further quote: show it folded"},
    }
)
_RELATED = _obj(
    {
        "subject": {"type": "string"},
        "label": {"type": "string", "description": "the heading to show above the quotes"},
        "quotes": {"type": "array", "items": {"$ref": "#/components/schemas/Quote"}},
    }
)
_LINK = _obj(
    {
        "kind": {"enum": ["call", "text", "chat", "web"]},
        "label": {"type": "string"},
        "href": {"type": "string", "description": "a tel:, sms: or https: address"},
    }
)
_RESOURCE = _obj(
    {
        "name": {"type": "string"},
        "contact": {"type": "string"},
        "region": {"type": "string"},
        "emergency": {"type": "boolean"},
        "links": {"type": "array", "items": _LINK},
    }
)
_INFO_RESOURCE = _obj(
    {
        "name": {"type": "string"},
        "contact": {"type": "string"},
        "regions": {"type": "array", "items": {"type": "string"}},
        "emergency": {"type": "boolean"},
        "links": {"type": "array", "items": _LINK},
    }
)
_CRISIS = _obj(
    {
        "headline": {"type": "string", "description": "the first line: a line to call now"},
        "message": {"type": "string"},
        "question": {**_NULLABLE_STRING, "description": "check_in: a direct, caring question"},
        "resources": {"type": "array", "items": _RESOURCE},
        "imminent": {"type": "boolean"},
        "about_other": {"type": "boolean"},
        "note": {"type": "string"},
        "closing": {"type": "string"},
    }
)


def _region_pattern(codes: Iterable[str]) -> str:
    """A pattern matching exactly the region spellings the server accepts: each code or alias
    in any letter case, with spaces around it, or blank (no region)."""
    cased = (
        "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in code) for code in codes
    )
    return r"^\s*(" + "|".join(sorted(cased)) + r")?\s*$"


def _ask_request(regions: Iterable[str]) -> dict[str, Any]:
    schema = _obj(
        {
            "question": {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_MESSAGE_CHARS,
                "description": "the message; one over "
                f"{MAX_QUESTION_CHARS:,} characters is read for crisis signs, then refused "
                "(422) unless it gets the crisis reply",
            },
            "conversation_id": {
                **_NULLABLE_STRING,
                "description": "the conversation_id of the previous answer (a signed token); "
                "one that fails verification or has expired gives context_lost: true",
            },
            "region": {
                **_NULLABLE_STRING,
                "pattern": _region_pattern(regions),
                "description": "US, UK, IE, EU or INTL (or an alias such as GB, any case): "
                "that region's crisis lines first",
            },
        },
        required=["question"],
    )
    schema["additionalProperties"] = False
    return schema


_ANSWER = _obj(
    {
        "question": {"type": "string"},
        "status": {"enum": list(STATUSES)},
        "answers": {"type": "array", "items": {"$ref": "#/components/schemas/Quote"}},
        "related": {"oneOf": [_RELATED, {"type": "null"}]},
        "crisis": {"oneOf": [{"$ref": "#/components/schemas/Crisis"}, {"type": "null"}]},
        "disclaimer": {"type": "string"},
        "follow_ups": {"type": "array", "items": {"type": "string"}},
        "message": _NULLABLE_STRING,
        "footer": _NULLABLE_STRING,
        "context_lost": {"type": "boolean"},
        "conversation_id": {"type": "string"},
    }
)
_HEALTH = _obj(
    {
        "status": {"const": "ok"},
        "passages": {"type": "integer"},
        "sources": {"type": "integer"},
    }
)
_INFO = _obj(
    {
        "name": {"type": "string"},
        "tagline": {"type": "string"},
        "greeting": {"type": "string"},
        "placeholder": {"type": "string"},
        "empty_question": {"type": "string"},
        "examples": {"type": "array", "items": {"type": "string"}},
        "disclaimer": {"type": "string"},
        "about": {"type": "string"},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "regions": {"type": "object", "additionalProperties": {"type": "string"}},
        "crisis_resources": {"type": "array", "items": _INFO_RESOURCE},
        "max_question_chars": {"type": "integer"},
    }
)


def openapi_schema(max_body: int, regions: Iterable[str]) -> dict[str, Any]:
    """The schema for this app's routes; `regions`: every region code and alias accepted."""
    json_body = {"application/json": {"schema": {"$ref": "#/components/schemas/AskRequest"}}}
    retry = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait"}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "trdfaq",
            "version": __version__,
            "description": "Answers about treatment-resistant depression, quoted verbatim from "
            "published articles with their sources. Not medical advice.",
        },
        "paths": {
            "/api/ask": {
                "post": {
                    "summary": "Answer a question (crisis resources first when someone may be "
                    "in danger)",
                    "requestBody": {"required": True, "content": json_body},
                    "responses": {
                        "200": {
                            "description": "the answer",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Answer"}
                                }
                            },
                        },
                        "403": _error("the request came from a page whose origin is not allowed"),
                        "413": _error(f"the body is over {max_body:,} bytes"),
                        "415": _error("the body is not sent as Content-Type: application/json"),
                        "422": _error(
                            "not a JSON object of the right shape, an empty or "
                            f"over-{MAX_QUESTION_CHARS:,}-character question, or an "
                            "unknown region"
                        ),
                        "429": _error("too many questions from this client", retry),
                    },
                }
            },
            "/api/health": {
                "get": {
                    "summary": "Liveness and counts",
                    "responses": {"200": _json_ok("the service is up", "Health")},
                }
            },
            "/api/info": {
                "get": {
                    "summary": "The assistant's greeting, examples, labels and crisis resources",
                    "responses": {
                        "200": _json_ok("what the widget shows before any question", "Info")
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "AskRequest": _ask_request(regions),
                "Answer": _ANSWER,
                "Quote": _QUOTE,
                "Crisis": _CRISIS,
                "Health": _HEALTH,
                "Info": _INFO,
                "Error": _obj({"error": {"type": "string"}}),
            }
        },
    }


def _json_ok(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }
