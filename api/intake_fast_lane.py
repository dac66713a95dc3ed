"""The fast lane of the busiest public endpoint: website form posts.

``POST /api/v1/intake/forms/{form_key}`` takes a site's every form post, bots' included, and its
work is one INSERT (the persist-first inbox) and a batched hand-over to the worker. Through
the whole middleware stack and FastAPI's routing and dependency resolution, the framework cost
two to three times the work itself (issue 11, item 9: bench/ingest.py against its anchor).
This middleware, the outermost one, answers those requests itself with the same code as the
route (``accept_form_post``), so everything else keeps its stack and the route stays the
documented contract (openapi.yaml).

It does what the layers it skips would do for such a request: the edge headers and a request
id on the answer, problem answers for domain errors and unexpected ones. It writes no access
log line for an accepted post: the stored request (time, address, headers, body) is that
record. Errors are logged. Nothing else applies: the post has no sign-in, no idempotency store
(the inbox's event keys make a repeat harmless), bounds its own body and is never compressed.
"""

from __future__ import annotations

import re
import uuid

import structlog
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import caller_address
from api.errors import domain_problem, unexpected_error
from api.middleware import EDGE_HEADERS, REQUEST_ID_HEADER, VALID_REQUEST_ID
from api.routers.intake import CORS, accept_form_post
from domain.shared.errors import DomainError

log = structlog.get_logger("crm.http")


class IntakeFormFastLane:
    def __init__(self, app: ASGIApp, *, prefix: str) -> None:
        self.app = app
        # The route's own path and key pattern (api/routers/intake.py FormKey).
        self._path = re.compile(rf"^{re.escape(prefix)}/intake/forms/([A-Za-z0-9_\-]{{1,64}})$")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        match = self._path.match(scope["path"])
        if match is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        container = scope["app"].state.container
        settings = container.settings
        try:
            response = await accept_form_post(
                container.intake_receiver(),
                match.group(1),
                request,
                settings.intake_max_body_bytes,
                caller_address(request, settings),
            )
        except DomainError as exc:
            response = domain_problem(exc, instance=scope["path"])
            response.headers.update(CORS)
            log.info(
                "request",
                method="POST",
                path=scope["path"],
                status=response.status_code,
                request_id=request_id,
            )
        except Exception as exc:
            response = unexpected_error(exc, instance=scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    *EDGE_HEADERS,
                    (REQUEST_ID_HEADER.encode(), request_id.encode()),
                ]
            await send(message)

        await response(scope, receive, send_with_headers)
