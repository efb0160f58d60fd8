"""The ASGI app: the JSON API, the widget script and the demo page."""

from __future__ import annotations

import hashlib
import html
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from importlib import resources
from string import Template
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import (
    Assistant,
    QuestionError,
    TrdfaqError,
    validate_question,
)
from ..loader import load_assistant
from .compression import MIN_SIZE, accepts_gzip, gzipped
from .middleware import (
    CORS,
    Guard,
    error_response,
    json_bytes,
    json_response,
)
from .openapi import openapi_schema
from .payloads import ApiError, built_in_payload, info_payload, is_json, parse_ask
from .ratelimit import RateLimiter
from .settings import Settings
from .tokens import SECRET_ENV, Signer, random_secret, secret_from_env

LOG = logging.getLogger("trdfaq.web")
# Where widget.js holds its built-in data: the server puts JSON in place of the null after it.
BUILT_IN_MARK = b"/*@built-in*/"
_PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


class Widget:
    """The widget script as served: plain and gzipped, each with its ETag."""

    def __init__(self, script: bytes) -> None:
        self.script = script
        self.gzip = gzipped(script, level=9)
        digest = hashlib.sha256(script).hexdigest()[:32]
        self.etag = f'"{digest}"'
        self.gzip_etag = f'"{digest}-gzip"'


def _static(name: str) -> bytes:
    return (resources.files(__package__) / "static" / name).read_bytes()


class Service:
    """The routes' shared state: the assistant, token signer, rate limiter and static files."""

    def __init__(self, assistant: Assistant | None, settings: Settings) -> None:
        self.settings = settings
        self._assistant = assistant
        self.signer = Signer(conversation_secret(settings), settings.conversation_ttl)
        self.limiter = RateLimiter(settings.rate_limit, settings.rate_limit_clients)
        self._widget: Widget | None = None
        self.demo_css = _static("demo.css")
        self.demo_template = Template(_static("demo.html").decode())
        self._openapi: bytes | None = None
        self._info: bytes | None = None

    @property
    def assistant(self) -> Assistant:
        """The assistant, loaded on first use when create_app was not given one."""
        if self._assistant is None:
            try:
                self._assistant = load_assistant(self.settings.corpus_dir)
            except TrdfaqError as exc:  # a broken corpus or prompt file: no user data in it
                LOG.error("cannot load the assistant: %s", exc)
                raise ApiError(503, "the assistant is not available") from None
        return self._assistant

    @asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        """Load the assistant at startup, so a broken corpus stops the server at once."""
        _ = self.widget_script  # loads the assistant too
        yield

    async def ask(self, request: Request) -> Response:
        """POST /api/ask: answer a question within its conversation."""
        self._check_origin(request)
        wait = self.limiter.take(request.client.host if request.client else "-")
        if wait:
            headers = {"Retry-After": self.limiter.retry_after(wait)}
            return error_response(429, "too many questions: wait a moment", headers)
        if not is_json(request.headers.get("content-type", "")):
            raise ApiError(415, 'send the body as JSON, with "Content-Type: application/json"')
        question, conversation_id, region = parse_ask(await self._body(request))
        resumed = self.signer.verify(conversation_id)
        try:
            question = validate_question(question)
            conversation = self.assistant.conversation(region=region, topic=resumed.topic)
        except QuestionError as exc:  # an empty or too long question, an unknown region
            raise ApiError(422, str(exc)) from None
        if self.settings.log_questions:
            LOG.info("question: %r", question)
        try:
            answer = conversation.ask(question)
        except QuestionError as exc:  # too long to search (after the safety check read it)
            raise ApiError(422, str(exc)) from None
        if resumed.lost:  # never silently: the question was read without its context
            answer = replace(answer, context_lost=True)
        data = answer.to_dict()
        data["conversation_id"] = self.signer.sign(conversation.topic)
        body = json_bytes(data)
        headers = {"Vary": "Accept-Encoding"}
        if len(body) >= MIN_SIZE and accepts_gzip(request.headers.get("accept-encoding", "")):
            body = gzipped(body)
            headers["Content-Encoding"] = "gzip"
        return Response(body, headers=headers, media_type="application/json")

    async def health(self, request: Request) -> Response:
        """GET /api/health: liveness, with counts."""
        engine = self.assistant.engine
        return json_response(
            {
                "status": "ok",
                "passages": len(engine.corpus.passages),
                "sources": len(engine.corpus.sources),
            }
        )

    async def info(self, request: Request) -> Response:
        """GET /api/info: what the widget shows before the first question."""
        if self._info is None:
            self._info = json_bytes(
                info_payload(self.assistant, logged=self.settings.log_questions)
            )
        return Response(self._info, media_type="application/json")

    async def openapi_json(self, request: Request) -> Response:
        """GET /openapi.json."""
        if self._openapi is None:
            crisis = self.assistant.prompts.crisis
            regions = [*crisis.region_names, *crisis.region_aliases]
            self._openapi = json_bytes(openapi_schema(self.settings.max_body, regions))
        return Response(self._openapi, media_type="application/json")

    @property
    def widget_script(self) -> Widget:
        """widget.js with its built-in words and crisis lines filled in, plain and gzipped."""
        if self._widget is None:
            script = _static("widget.js")
            data = json_bytes(built_in_payload(self.assistant))
            self._widget = Widget(script.replace(BUILT_IN_MARK + b"null", BUILT_IN_MARK + data, 1))
        return self._widget

    async def widget(self, request: Request) -> Response:
        """GET /widget.js: loadable from any site; gzipped when the client accepts it."""
        widget = self.widget_script
        packed = accepts_gzip(request.headers.get("accept-encoding", ""))
        etag = widget.gzip_etag if packed else widget.etag
        headers = {
            "Cache-Control": "public, max-age=3600",
            "ETag": etag,
            "Vary": "Accept-Encoding",
            "Cross-Origin-Resource-Policy": "cross-origin",
            "Access-Control-Allow-Origin": "*",
        }
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        if packed:
            headers["Content-Encoding"] = "gzip"
        body = widget.gzip if packed else widget.script
        return Response(body, headers=headers, media_type="text/javascript")

    async def demo(self, request: Request) -> Response:
        """GET /: the widget, and the snippet that embeds it."""
        root = request.scope.get("root_path", "").rstrip("/") + "/"
        page = self.demo_template.substitute(
            name=html.escape(self.assistant.prompts.name),
            root=html.escape(root),
            widget_url=html.escape(str(request.url_for("widget"))),
            api=html.escape(str(request.base_url).rstrip("/")),
            privacy=html.escape(
                self.assistant.prompts.privacy_logged
                if self.settings.log_questions
                else self.assistant.prompts.privacy
            ),
        )
        headers = {"Content-Security-Policy": _PAGE_CSP, "Cache-Control": "no-cache"}
        return Response(page, headers=headers, media_type="text/html")

    async def demo_stylesheet(self, request: Request) -> Response:
        """GET /demo.css."""
        headers = {"Cache-Control": "public, max-age=3600"}
        return Response(self.demo_css, headers=headers, media_type="text/css")

    def _check_origin(self, request: Request) -> None:
        """Refuse calls from pages on origins not allowed (browsers send Origin with POST)."""
        origin = request.headers.get("origin")
        allowed = self.settings.allow_origins
        if origin is None or origin in allowed or "*" in allowed:
            return
        if request.headers.get("sec-fetch-site") == "same-origin":
            return
        if urlsplit(origin).netloc == request.headers.get("host"):
            return  # same origin, from a browser that does not send Sec-Fetch-Site
        raise ApiError(403, f"pages on {origin} may not use this API")

    async def _body(self, request: Request) -> bytes:
        limit = self.settings.max_body
        too_large = ApiError(413, f"the request body is over {limit:,} bytes")
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            raise too_large
        chunks, size = [], 0
        while True:  # the ASGI messages themselves: Request.stream() costs more per request
            message = await request.receive()
            if message["type"] == "http.disconnect":
                raise ApiError(400, "the request body was cut short")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise too_large
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def conversation_secret(settings: Settings) -> bytes:
    """The secret tokens are signed with: the settings', $TRDFAQ_SECRET's, or a random one."""
    if settings.secret is not None:
        return settings.secret
    secret = secret_from_env()
    if secret is None:
        LOG.warning(
            "%s is not set: conversations use a random secret of this process, so they end "
            "when it stops; set it to share them between instances and restarts",
            SECRET_ENV,
        )
        secret = random_secret()
    return secret


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error_response(exc.status_code, exc.detail.lower(), dict(exc.headers or {}))


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.status_code, exc.message)


def create_app(assistant: Assistant | None = None, **settings: Any) -> Starlette:
    """The web app: JSON API, widget and demo page; settings as in web.settings.Settings."""
    config = Settings.from_kwargs(**settings)
    service = Service(assistant, config)
    routes = [  # tried in this order: the busiest first
        Route("/api/ask", service.ask, methods=["POST"], name="ask"),
        Route("/", service.demo, methods=["GET"], name="demo"),
        Route("/widget.js", service.widget, methods=["GET"], name="widget"),
        Route("/demo.css", service.demo_stylesheet, methods=["GET"], name="demo_css"),
        Route("/api/health", service.health, methods=["GET"], name="health"),
        Route("/api/info", service.info, methods=["GET"], name="info"),
        Route("/openapi.json", service.openapi_json, methods=["GET"], name="openapi"),
    ]
    middleware = [
        Middleware(Guard, access_log=config.access_log, paths=frozenset(r.path for r in routes)),
        Middleware(
            CORS,
            allow_origins=config.allow_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
            max_age=600,
        ),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: _http_error, ApiError: _api_error},
        lifespan=service.lifespan,
    )
    app.state.service = service
    return app
