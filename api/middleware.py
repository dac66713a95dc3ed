"""ASGI middleware: headers every answer gets, request ids with structured access logs (and the
answer to unexpected errors), a request body size limit, and response compression."""

from __future__ import annotations

import re
import time
import uuid

import structlog
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import problem_response, unexpected_error
from api.export import XLSX_MEDIA_TYPE

REQUEST_ID_HEADER = "x-request-id"
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
log = structlog.get_logger("crm.http")


EDGE_HEADERS = (
    # Browsers render an answer only as the type it declares.
    (b"x-content-type-options", b"nosniff"),
    # Links out of the app do not carry its paths (record ids, search terms) to other sites.
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
)
_BODYLESS = (204, 304)


class EdgeHeadersMiddleware:
    """Adds the headers every answer carries, and keeps a body's headers off answers that have
    no body (FastAPI labels a ``-> None`` 204 as JSON)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if not (message["status"] in _BODYLESS and name.lower() == b"content-type")
                ]
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in EDGE_HEADERS if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RequestIdMiddleware:
    """Takes a sane incoming X-Request-ID or makes one, binds it to every log line of the
    request, and returns it on the response.

    It also answers unexpected exceptions: Starlette's own error middleware sits outside every
    user middleware, so its 500 would miss the id and its log line the binding."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        request_id = incoming if VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status: int | None = None

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                message["headers"] = headers
            await send(message)

        unbind = True
        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            if status is not None:
                # Too late for a problem answer: the server cuts the connection. The id stays
                # bound so that Starlette's handler logs the error with it.
                unbind = False
                raise
            await unexpected_error(exc, instance=scope["path"])(scope, receive, send_with_id)
        finally:
            log.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status or 500,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
            )
            if unbind:
                structlog.contextvars.unbind_contextvars("request_id")


class _BodyTooLarge(HTTPException):
    # An HTTPException, so FastAPI's body parsing lets it through instead of turning it into
    # a generic 400; the problem handler renders it.
    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"The request body is larger than the limit of {max_bytes} bytes")


class BodySizeLimitMiddleware:
    """Refuses bodies over ``max_bytes`` with 413, by Content-Length when declared and by
    counting when streamed. ``path_limits`` gives exact paths (uploads) their own limit;
    POSTs to paths matching ``exempt_posts`` bound their bodies themselves (lead intake keeps
    the beginning of an oversized post before refusing it)."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        path_limits: dict[str, int] | None = None,
        exempt_posts: re.Pattern[str] | None = None,
    ) -> None:
        self.app = app
        self.default_max_bytes = max_bytes
        self.path_limits = path_limits or {}
        self.exempt_posts = exempt_posts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (
            self.exempt_posts is not None
            and scope["method"] == "POST"
            and self.exempt_posts.match(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        max_bytes = self.path_limits.get(scope["path"].rstrip("/"), self.default_max_bytes)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await self._refuse(scope, receive, send, max_bytes)
            return
        received = 0
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise _BodyTooLarge(max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge:
            if not response_started:
                await self._refuse(scope, receive, send, max_bytes)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, max_bytes: int) -> None:
        response = problem_response(
            413,
            f"The request body is larger than the limit of {max_bytes} bytes",
            slug="content-too-large",
            instance=scope["path"],
        )
        await response(scope, receive, send)


class CompressionMiddleware:
    """Gzips answers worth it: JSON, problems, CSV exports, the SPA's scripts, styles and
    index.html, for clients that accept gzip.

    Starlette's GZipMiddleware does the work; it already leaves alone event streams (each
    notification must reach the browser at once), partial answers, already-encoded bodies and
    compressed media, and bodies under ``minimum_size`` (the header overhead outweighs the
    gain). Left alone besides: XLSX exports (a zip already) and the paths in ``skip_paths``
    (stored files, served as uploaded with their exact length for the download progress).
    Level 1 (nginx's default for the same reason): on a 50-row page of deals or clients
    (70-80 KB of JSON) it takes a third of level 6's CPU time, 2-5 ms less per request, for an
    answer about a fifth larger (16 KB instead of 13 KB); the server's cores are the scarcer
    resource."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        minimum_size: int = 1024,
        compresslevel: int = 1,
        skip_paths: re.Pattern[str] | None = None,
    ) -> None:
        self.app = app
        self.skip_paths = skip_paths
        self.gzip = GZipMiddleware(
            app,
            minimum_size=minimum_size,
            compresslevel=compresslevel,
            exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES, XLSX_MEDIA_TYPE),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (
            self.skip_paths is not None and self.skip_paths.match(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        await self.gzip(scope, receive, send)
