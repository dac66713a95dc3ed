"""Idempotency-Key on POST requests: a retry with the same key gets the first answer.

A pure ASGI middleware, so it sees the raw body and the finished response of any route:
- the caller is identified from the Bearer token (of a user who is still active) or the API
  key (an unauthenticated request passes through and the route answers 401); keys never
  collide between callers, and a record is replayed only to the caller that stored it;
- the first request claims the key (its own short transaction), runs, and its answer is stored
  before its last body chunk is sent, so a retry that comes after the caller got the answer
  always finds it; a 5xx is not stored (the claim is dropped, so a retry runs again);
- an answer that shows a secret once (``Cache-Control: no-store``: a new API key, a webhook's
  signing secret) is never stored, and sign-in paths (tokens) are not handled at all: a
  retry of those runs again;
- a repeat with the same method, path, query and body replays the stored status, body and
  Location/ETag with ``Idempotent-Replayed: true``; with another body it is 422, and while the
  first is still running it is 409.

The claim is not part of the route's transaction: if the process dies between the route's
commit and storing the answer, the record is taken over as abandoned after a few minutes and
the request may run again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from uuid import UUID

import anyio
import structlog
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.bootstrap import Container
from api.errors import problem_response
from domain.platform.idempotency import IdempotencyRecord, IdempotencyStore
from domain.shared.errors import Unauthenticated

HEADER = "idempotency-key"
REPLAYED_HEADER = "Idempotent-Replayed"
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_REPLAYED_HEADERS = ("content-type", "location", "etag")
_MAX_STORED_BODY = 1024 * 1024
# Sign-in, refresh, sign-out and password links answer with or consume credentials. Lead
# intake's public endpoints store every request first and make a repeated Idempotency-Key
# (or provider event id) harmless themselves.
_UNHANDLED_PREFIXES = ("/auth/", "/intake/forms/")

log = structlog.get_logger(__name__)


class IdempotencyMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        prefix: str = "/api/v1",
        container: Callable[[Scope], Container] | None = None,
    ) -> None:
        self.app = app
        self.prefix = prefix
        self._container = container or _app_container

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or not scope["path"].startswith(self.prefix + "/")
            or scope["path"].removeprefix(self.prefix).startswith(_UNHANDLED_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        key = headers.get(HEADER)
        if key is None:
            await self.app(scope, receive, send)
            return
        if not _VALID_KEY.match(key):
            response = problem_response(
                400,
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
                slug="invalid-idempotency-key",
                instance=scope["path"],
            )
            await response(scope, receive, send)
            return
        container = self._container(scope)
        caller = await _caller(container, headers)
        if caller is None:
            await self.app(scope, receive, send)
            return
        read = await _read_body(receive)
        if read is None:
            return  # the client went away before sending the whole body
        body, replay_receive = read
        now = container.clock.now()
        record = IdempotencyRecord(
            organisation_id=caller[0],
            principal=caller[1],
            key=key,
            method=scope["method"],
            path=scope["path"][:500],
            request_hash=_request_hash(scope, body),
            created_at=now,
        )
        store: IdempotencyStore = container.idempotency
        existing = await store.claim(record, now=now)
        if existing is not None:
            await _answer_repeat(existing, record, scope, receive, send)
            return
        await self._run_first(store, record, scope, replay_receive, send)

    async def _run_first(
        self,
        store: IdempotencyStore,
        record: IdempotencyRecord,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        status = 0
        stored_headers: dict[str, str] = {}
        chunks: list[bytes] = []
        size = 0
        keep = True
        stored = False

        async def capturing_send(message: Message) -> None:
            nonlocal status, size, keep, stored
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", []):
                    lowered = name.decode("latin-1").lower()
                    if lowered in _REPLAYED_HEADERS:
                        stored_headers[lowered] = value.decode("latin-1")
                    elif lowered == "cache-control" and b"no-store" in value.lower():
                        keep = False  # it holds a secret shown once
            elif message["type"] == "http.response.body":
                chunk = message.get("body", b"")
                size += len(chunk)
                if size <= _MAX_STORED_BODY:
                    chunks.append(chunk)
                if not message.get("more_body", False) and keep and 0 < status < 500:
                    # Stored before the last chunk leaves: once the caller has the answer, a
                    # retry finds it rather than an "in progress" claim.
                    text = _stored_text(b"".join(chunks)) if size <= _MAX_STORED_BODY else None
                    if text is not None:
                        with anyio.CancelScope(shield=True):
                            stored = await _complete(store, record, status, text, stored_headers)
            await send(message)

        try:
            await self.app(scope, receive, capturing_send)
        finally:
            if not stored:
                with anyio.CancelScope(shield=True):
                    await store.release(record)


async def _complete(
    store: IdempotencyStore,
    record: IdempotencyRecord,
    status: int,
    text: str,
    headers: dict[str, str],
) -> bool:
    """Stores the answer; False when that failed (the claim is then released and a retry runs
    again), which must not keep the caller from getting the answer itself."""
    try:
        await store.complete(record, status_code=status, body=text, headers=headers)
    except Exception as exc:
        log.warning("idempotency.store_failed", error=type(exc).__name__)
        return False
    return True


async def _answer_repeat(
    existing: IdempotencyRecord,
    record: IdempotencyRecord,
    scope: Scope,
    receive: Receive,
    send: Send,
) -> None:
    if (existing.organisation_id, existing.principal) != (
        record.organisation_id,
        record.principal,
    ):
        # The store finds records by caller; this guards that a key is never replayed across.
        raise RuntimeError("an idempotency record was found for another caller")
    if existing.request_hash != record.request_hash:
        response: Response = problem_response(
            422,
            "This Idempotency-Key was used with another request; use a new key",
            slug="idempotency-key-reused",
            instance=scope["path"],
        )
    elif existing.in_progress:
        response = problem_response(
            409,
            "A request with this Idempotency-Key is still being processed; retry shortly",
            slug="idempotency-key-in-progress",
            headers={"Retry-After": "1"},
            instance=scope["path"],
        )
    else:
        assert existing.status_code is not None
        headers = dict(existing.response_headers)
        media_type = headers.pop("content-type", None)
        headers[REPLAYED_HEADER] = "true"
        response = Response(
            content=(existing.response_body or "").encode("utf-8"),
            status_code=existing.status_code,
            headers=headers,
            media_type=media_type,
        )
    await response(scope, receive, send)


def _app_container(scope: Scope) -> Container:
    container: Container = scope["app"].state.container
    return container


def _headers(scope: Scope) -> dict[str, str]:
    return {
        name.decode("latin-1").lower(): value.decode("latin-1")
        for name, value in scope.get("headers", [])
    }


async def _caller(container: Container, headers: dict[str, str]) -> tuple[UUID, str] | None:
    """(organisation id, principal) of a valid Bearer token of an active user, or of a usable
    API key; None otherwise. Checked as the route would check it, before anything is replayed:
    a deactivated user's still-unexpired token gets the route's 401, not a stored answer."""
    authorization = headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        try:
            claims = container.access_tokens.decode(token.strip())
        except Unauthenticated:
            return None
        async with container.uow() as uow:
            user = await uow.users.get_for_auth(claims.organisation_id, claims.user_id)
        if user is None or not user.is_active:
            return None
        return claims.organisation_id, str(claims.user_id)
    raw_key = headers.get("x-api-key")
    if raw_key:
        try:
            principal = await container.api_key_service().authenticate(raw_key)
        except Unauthenticated:
            return None
        return principal.organisation_id, f"key:{principal.api_key_id}"
    return None


async def _read_body(receive: Receive) -> tuple[bytes, Receive] | None:
    """The whole request body, and a ``receive`` that hands it to the app again; None when
    the client disconnected first."""
    parts: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(parts)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def _request_hash(scope: Scope, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (
        scope["method"].encode(),
        scope["path"].encode("utf-8"),
        scope.get("query_string", b""),
    ):
        digest.update(part + b"\n")
    digest.update(body)
    return digest.hexdigest()


def _stored_text(body: bytes) -> str | None:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None
