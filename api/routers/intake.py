"""Lead intake: the public endpoints senders post to (no sign-in), and the administration of
forms and of the inbox of stored requests."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query, Request, Response, status

from api.deps import (
    ClientIp,
    CurrentPrincipal,
    FormServiceDep,
    InboxServiceDep,
    IntakeMaxBody,
    IntakeReceiverDep,
    NoStore,
)
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.intake_embed import embed_script
from api.pagination import Cursor, Limit, decode_time_id_cursor, encode_cursor
from api.schemas.intake import (
    ORDER_EXAMPLE,
    ORDER_SCHEMA,
    FormCreate,
    FormPage,
    FormPostAccepted,
    FormRead,
    FormUpdate,
    FormWithSecret,
    InboxItemRead,
    InboxPage,
)
from domain.intake.model import InboxState, Source
from domain.intake.services import IntakeReceiver

router = APIRouter(prefix="/intake", tags=["intake"])
# What senders call, without signing in; mounted ahead of every other route (api/app.py).
public_router = APIRouter(prefix="/intake", tags=["intake"])

FormKey = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
CORS = {"Access-Control-Allow-Origin": "*"}
_FORM_BODY = {
    "requestBody": {
        "required": False,
        "description": "The form's fields as the site sends them; any shape is stored",
        "content": {
            "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
            "multipart/form-data": {"schema": {"type": "object"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}


async def _bounded_body(request: Request, limit: int) -> tuple[bytes, bool]:
    """At most ``limit`` bytes of the body, and whether there was more (not read)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        if size + len(chunk) > limit:
            chunks.append(chunk[: limit - size])
            return b"".join(chunks), True
        size += len(chunk)
        chunks.append(chunk)
    return b"".join(chunks), False


# --- public: what websites send -------------------------------------------------------


@public_router.post(
    "/forms/{form_key}",
    response_model=FormPostAccepted,
    responses=problems(404, 413, 429),
    openapi_extra=_FORM_BODY,
)
async def post_intake_form(
    form_key: FormKey,
    request: Request,
    receiver: IntakeReceiverDep,
    max_body: IntakeMaxBody,
    remote_addr: ClientIp,
) -> Response:
    """A website form's post (no sign-in: the form's key is in the URL). JSON, urlencoded and
    multipart bodies, Tilda's webhook included. The request is stored as it came before this
    answer; a worker reads the lead from it. A repeat with the same Idempotency-Key or Tilda
    tranid is answered again and stored once."""
    return await accept_form_post(receiver, form_key, request, max_body, remote_addr)


async def accept_form_post(
    receiver: IntakeReceiver, form_key: str, request: Request, max_body: int, remote_addr: str
) -> Response:
    """Store a form post and answer it; a domain error (unknown form, rate limit, body over
    the limit) propagates. Shared with the fast lane (api/intake_fast_lane.py), which serves
    this route's requests ahead of the middleware."""
    body, too_large = await _bounded_body(request, max_body)
    receipt = await receiver.receive_form_post(
        form_key,
        body=body,
        content_type=request.headers.get("content-type"),
        headers=request.headers.items(),
        remote_addr=remote_addr,
        too_large=max_body if too_large else None,
    )
    # Built here rather than validated against the response model: this is the hot path.
    return Response(
        f'{{"id":"{receipt.item_id}","duplicate":{"true" if receipt.duplicate else "false"}}}',
        media_type="application/json",
        headers=CORS,
    )


@public_router.post(
    "/orders/{form_key}",
    response_model=FormPostAccepted,
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        200: {"model": FormPostAccepted, "description": "A redelivery of a stored order"},
        **problems(401, 404, 413, 422, 429),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "A web shop's order. It is stored as it came before the answer; "
            "one that cannot be read is kept as rejected and answered 422 naming each wrong "
            "field. Send the form's secret key in the header the form names (or "
            "X-Form-Secret): an order without it is kept as rejected and answered 401; with it "
            "the form's per-address rate limit does not apply",
            "content": {"application/json": {"schema": ORDER_SCHEMA, "example": ORDER_EXAMPLE}},
        }
    },
)
async def post_intake_order(
    form_key: FormKey,
    request: Request,
    receiver: IntakeReceiverDep,
    max_body: IntakeMaxBody,
    remote_addr: ClientIp,
) -> Response:
    """A web shop's order to the form's channel: a worker matches the customer to a client like
    a lead and opens a deal with the order's lines in the form's funnel."""
    body, too_large = await _bounded_body(request, max_body)
    receipt = await receiver.receive_order(
        form_key,
        body=body,
        content_type=request.headers.get("content-type"),
        headers=request.headers.items(),
        remote_addr=remote_addr,
        too_large=max_body if too_large else None,
    )
    return Response(
        f'{{"id":"{receipt.item_id}","duplicate":{"true" if receipt.duplicate else "false"}}}',
        status_code=status.HTTP_200_OK if receipt.duplicate else status.HTTP_202_ACCEPTED,
        media_type="application/json",
    )


@public_router.options("/forms/{form_key}", include_in_schema=False)
async def preflight_intake_form(form_key: FormKey) -> Response:
    return Response(
        status_code=status.HTTP_204_NO_CONTENT,
        headers={
            **CORS,
            "Access-Control-Allow-Methods": "POST",
            "Access-Control-Allow-Headers": "content-type, idempotency-key",
            "Access-Control-Max-Age": "86400",
        },
    )


@public_router.get(
    "/forms/{form_key}/embed.js",
    responses={200: {"content": {"text/javascript": {}}}, **problems(404)},
    response_class=Response,
)
async def get_intake_form_embed(form_key: FormKey, receiver: IntakeReceiverDep) -> Response:
    """A script that draws a small form (or takes over a ``<form data-crm-form>``) and sends it
    here, with a honeypot, the page's UTM tags and referrer."""
    route = await receiver.form_route(form_key)
    return Response(
        embed_script(f"/api/v1/intake/forms/{form_key}", route.honeypot_field),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=300"},
    )


# --- forms (administrators) ---------------------------------------------------------


@router.get("/form-settings", response_model=FormPage, responses=problems(401, 403, 422))
async def list_intake_forms(
    principal: CurrentPrincipal, forms: FormServiceDep, limit: Limit = 50, cursor: Cursor = None
) -> FormPage:
    """The organisation's website forms, newest first; never their secrets."""
    found = await forms.list(principal, limit=limit + 1, after=decode_time_id_cursor(cursor))
    last = found[limit - 1] if len(found) > limit else None
    return FormPage(
        items=[FormRead.of(f) for f in found[:limit]],
        next_cursor=encode_cursor(last.created_at.isoformat(), last.id)
        if last and last.created_at
        else None,
    )


@router.post(
    "/form-settings",
    response_model=FormWithSecret,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 422),
    dependencies=[NoStore],
)
async def create_intake_form(
    body: FormCreate, principal: CurrentPrincipal, forms: FormServiceDep, response: Response
) -> FormWithSecret:
    """A new form. Its secret key is in this answer only."""
    form = await forms.create(principal, body.values())
    set_etag(response, form.version)
    return FormWithSecret(**FormRead.of(form).model_dump(), secret=form.secret)


@router.get("/form-settings/{form_id}", response_model=FormRead, responses=problems(401, 403, 404))
async def get_intake_form(
    form_id: UUID, principal: CurrentPrincipal, forms: FormServiceDep, response: Response
) -> FormRead:
    form = await forms.get(principal, form_id)
    set_etag(response, form.version)
    return FormRead.of(form)


@router.patch(
    "/form-settings/{form_id}", response_model=FormRead, responses=problems(401, 403, 404, 412, 422)
)
async def update_intake_form(
    form_id: UUID,
    body: FormUpdate,
    principal: CurrentPrincipal,
    forms: FormServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> FormRead:
    """Change the mapping, funnel, distribution, protection or active flag; the public
    endpoint follows within seconds."""
    form = await forms.update(
        principal, form_id, body.values(), expected_version=expected_version(if_match)
    )
    set_etag(response, form.version)
    return FormRead.of(form)


@router.delete(
    "/form-settings/{form_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(401, 403, 404),
)
async def delete_intake_form(
    form_id: UUID, principal: CurrentPrincipal, forms: FormServiceDep
) -> None:
    """The form goes; what was posted to it stays in the inbox."""
    await forms.delete(principal, form_id)


@router.post(
    "/form-settings/{form_id}/rotate-secret",
    response_model=FormWithSecret,
    responses=problems(401, 403, 404, 412),
    dependencies=[NoStore],
)
async def rotate_intake_form_secret(
    form_id: UUID,
    principal: CurrentPrincipal,
    forms: FormServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> FormWithSecret:
    """A new secret key, shown only in this answer."""
    form = await forms.rotate_secret(
        principal, form_id, expected_version=expected_version(if_match)
    )
    set_etag(response, form.version)
    return FormWithSecret(**FormRead.of(form).model_dump(), secret=form.secret)


# --- the inbox (administrators) ---------------------------------------------------------


@router.get("/inbox", response_model=InboxPage, responses=problems(401, 403, 422))
async def list_intake_inbox(
    principal: CurrentPrincipal,
    inbox: InboxServiceDep,
    state: Annotated[list[InboxState], Query(max_length=10)] = [],  # noqa: B006
    source: Annotated[list[Source], Query(max_length=10)] = [],  # noqa: B006
    channel_id: Annotated[UUID | None, Query(description="One form's requests")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> InboxPage:
    """Every stored inbound request, newest first, filtered by state (``dead`` is the
    dead-letter list) and source; each with what was read from it and why it failed."""
    found = await inbox.list(
        principal,
        states=state,
        sources=source,
        channel_id=channel_id,
        limit=limit + 1,
        after=decode_time_id_cursor(cursor),
    )
    last = found[limit - 1] if len(found) > limit else None
    return InboxPage(
        items=[InboxItemRead.of(i) for i in found[:limit]],
        next_cursor=encode_cursor(last.received_at.isoformat(), last.id) if last else None,
    )


@router.get("/inbox/{item_id}", response_model=InboxItemRead, responses=problems(401, 403, 404))
async def get_intake_inbox_item(
    item_id: UUID, principal: CurrentPrincipal, inbox: InboxServiceDep
) -> InboxItemRead:
    """One stored request with its whole body."""
    return InboxItemRead.of(await inbox.get(principal, item_id))


@router.post(
    "/inbox/{item_id}/retry",
    response_model=InboxItemRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses=problems(401, 403, 404, 409),
)
async def retry_intake_inbox_item(
    item_id: UUID, principal: CurrentPrincipal, inbox: InboxServiceDep
) -> InboxItemRead:
    """Process a dead, rejected or ignored request again (after fixing the form's mapping,
    say); a worker takes it at once."""
    return InboxItemRead.of(await inbox.retry(principal, item_id))
