"""Telephony in lead intake: the public endpoints PBXs post call events to (no sign-in; the
signature is checked), the integrations' settings and the calls (administrators)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Path, Query, Request, Response, status
from fastapi.responses import StreamingResponse

from api.deps import (
    CallReviewServiceDep,
    ClickToCallDep,
    ClientIp,
    CurrentPrincipal,
    NoStore,
    TelephonyReceiverDep,
    TelephonyServiceDep,
)
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.pagination import Cursor, Limit, decode_time_id_cursor, encode_cursor
from api.schemas.telephony import (
    CallEventAccepted,
    CallPage,
    CallRead,
    CallReviewWrite,
    ClickToCallCreate,
    ClickToCallLine,
    OriginationPage,
    OriginationRead,
    TelephonyIntegrationCreate,
    TelephonyIntegrationCreated,
    TelephonyIntegrationPage,
    TelephonyIntegrationRead,
    TelephonyIntegrationUpdate,
)
from domain.intake.calls import CallResult, Provider
from domain.intake.originate import CallRequest
from domain.intake.reviews import CallFilter
from domain.intake.services import kept_headers
from domain.intake.telephony import ECHO_MAX
from domain.shared.ranges import ByteRange

router = APIRouter(prefix="/intake", tags=["intake"])
public_router = APIRouter(prefix="/intake/telephony", tags=["intake"])

EventPath = Annotated[
    str, Path(max_length=100, pattern=r"^[A-Za-z0-9_\-/]+$", description="Mango: events/call ...")
]
_EVENT_BODY = {
    "requestBody": {
        "required": False,
        "description": "The PBX's event as it sends it. Zadarma: urlencoded NOTIFY_* fields "
        "signed in the Signature header. Mango Office: urlencoded vpbx_api_key, sign, json. "
        "Generic: JSON {call_id, event (start|answer|end|recording|other), direction "
        "(inbound|outbound), client_number, company_number, extension, started_at, "
        "answered_at, ended_at (ISO 8601 with offset), result (answered|missed|busy|"
        "no_answer|cancelled|failed), duration_seconds, talk_seconds, recording_url}, signed "
        "in X-Signature: sha256=<hex HMAC-SHA256 of the body with the integration's secret>",
        "content": {
            "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
            "multipart/form-data": {"schema": {"type": "object"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}


def _accepted(item_id: UUID, duplicate: bool) -> Response:
    return Response(
        f'{{"id":"{item_id}","duplicate":{"true" if duplicate else "false"}}}',
        media_type="application/json",
    )


# --- public: what PBXs send ---------------------------------------------------------------


@public_router.get(
    "/{provider}/{integration_id}",
    responses={200: {"content": {"text/plain": {}}}, **problems(404, 422)},
    response_class=Response,
)
async def echo_telephony_check(
    provider: Provider,
    integration_id: UUID,
    receiver: TelephonyReceiverDep,
    zd_echo: Annotated[str, Query(min_length=1, max_length=ECHO_MAX)],
) -> Response:
    """Zadarma's check of the URL: answers the ``zd_echo`` value as the whole body."""
    value = await receiver.echo(provider.value, integration_id, zd_echo)
    return Response(value, media_type="text/plain")


async def _receive(
    provider: Provider,
    integration_id: UUID,
    path: str,
    request: Request,
    receiver: TelephonyReceiverDep,
    remote_addr: str,
) -> Response:
    body = await request.body()
    receipt = await receiver.receive(
        provider.value,
        integration_id,
        path=path,
        body=body,
        content_type=request.headers.get("content-type"),
        headers=_headers(request),
        remote_addr=remote_addr,
    )
    return _accepted(receipt.item_id, receipt.duplicate)


def _headers(request: Request) -> dict[str, str]:
    return kept_headers(request.headers.items())


@public_router.post(
    "/{provider}/{integration_id}",
    response_model=CallEventAccepted,
    responses=problems(401, 404, 413, 422),
    openapi_extra=_EVENT_BODY,
)
async def post_telephony_event(
    provider: Provider,
    integration_id: UUID,
    request: Request,
    receiver: TelephonyReceiverDep,
    remote_addr: ClientIp,
) -> Response:
    """A PBX's call event (no sign-in: the signature is checked with the integration's
    secret). Stored as it came before this answer, then folded into its call by a worker; a
    redelivery is answered again and stored once. A wrong signature: 401, and the event is
    kept as rejected in the inbox."""
    return await _receive(provider, integration_id, "", request, receiver, remote_addr)


@public_router.post(
    "/{provider}/{integration_id}/{event_path:path}",
    response_model=CallEventAccepted,
    responses=problems(401, 404, 413, 422),
    openapi_extra=_EVENT_BODY,
)
async def post_telephony_event_at_path(
    provider: Provider,
    integration_id: UUID,
    event_path: EventPath,
    request: Request,
    receiver: TelephonyReceiverDep,
    remote_addr: ClientIp,
) -> Response:
    """The same, for PBXs that post each kind of event to its own path under the URL
    (Mango Office: /events/call, /events/summary, /events/recording ...)."""
    return await _receive(provider, integration_id, event_path, request, receiver, remote_addr)


# --- integrations and calls (administrators) -----------------------------------------------


@router.get(
    "/telephony-settings",
    response_model=TelephonyIntegrationPage,
    responses=problems(401, 403, 422),
)
async def list_telephony_integrations(
    principal: CurrentPrincipal,
    telephony: TelephonyServiceDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> TelephonyIntegrationPage:
    """The organisation's PBX integrations, newest first; never their secrets."""
    found = await telephony.list(principal, limit=limit + 1, after=decode_time_id_cursor(cursor))
    last = found[limit - 1] if len(found) > limit else None
    return TelephonyIntegrationPage(
        items=[TelephonyIntegrationRead.of(i) for i in found[:limit]],
        next_cursor=encode_cursor(last.created_at.isoformat(), last.id)
        if last and last.created_at
        else None,
    )


@router.post(
    "/telephony-settings",
    response_model=TelephonyIntegrationCreated,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 422),
    dependencies=[NoStore],
)
async def create_telephony_integration(
    body: TelephonyIntegrationCreate,
    principal: CurrentPrincipal,
    telephony: TelephonyServiceDep,
    response: Response,
) -> TelephonyIntegrationCreated:
    """A new integration. Its secret is in this answer only."""
    integration = await telephony.create(principal, body.values())
    set_etag(response, integration.version)
    return TelephonyIntegrationCreated(
        **TelephonyIntegrationRead.of(integration).model_dump(), secret=integration.secret
    )


@router.get(
    "/telephony-settings/{integration_id}",
    response_model=TelephonyIntegrationRead,
    responses=problems(401, 403, 404),
)
async def get_telephony_integration(
    integration_id: UUID,
    principal: CurrentPrincipal,
    telephony: TelephonyServiceDep,
    response: Response,
) -> TelephonyIntegrationRead:
    integration = await telephony.get(principal, integration_id)
    set_etag(response, integration.version)
    return TelephonyIntegrationRead.of(integration)


@router.patch(
    "/telephony-settings/{integration_id}",
    response_model=TelephonyIntegrationRead,
    responses=problems(401, 403, 404, 412, 422),
)
async def update_telephony_integration(
    integration_id: UUID,
    body: TelephonyIntegrationUpdate,
    principal: CurrentPrincipal,
    telephony: TelephonyServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> TelephonyIntegrationRead:
    """Change numbers, extensions, tracking numbers, secrets or the callback deadline; the
    public endpoint follows within seconds."""
    integration = await telephony.update(
        principal, integration_id, body.values(), expected_version=expected_version(if_match)
    )
    set_etag(response, integration.version)
    return TelephonyIntegrationRead.of(integration)


@router.delete(
    "/telephony-settings/{integration_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(401, 403, 404),
)
async def delete_telephony_integration(
    integration_id: UUID, principal: CurrentPrincipal, telephony: TelephonyServiceDep
) -> None:
    """The integration goes; its calls and stored events stay."""
    await telephony.delete(principal, integration_id)


@router.get("/calls", response_model=CallPage, responses=problems(401, 403, 422))
async def list_calls(
    principal: CurrentPrincipal,
    reviews: CallReviewServiceDep,
    result: Annotated[list[CallResult], Query(max_length=10)] = [],  # noqa: B006
    integration_id: UUID | None = None,
    client_id: UUID | None = None,
    deal_id: UUID | None = None,
    owner_id: Annotated[
        UUID | None, Query(description="Who answered the call, else who must call back")
    ] = None,
    reviewed: Annotated[
        bool | None, Query(description="true: reviewed calls only; false: not reviewed yet")
    ] = None,
    with_recording: Annotated[
        bool | None, Query(description="true: calls whose recording the CRM has stored")
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> CallPage:
    """Calls reported by the PBXs, newest first, with their reviews; ``result=missed`` lists
    the missed ones. An intake manager sees every call of the organisation; anyone else the
    calls of the people whose deals they see (who answered, else who must call back): a
    seller their own, a head their team's."""
    found = await reviews.calls(
        principal,
        CallFilter(
            results=result,
            integration_id=integration_id,
            client_id=client_id,
            deal_id=deal_id,
            owner_id=owner_id,
            reviewed=reviewed,
            with_recording=with_recording,
        ),
        limit=limit + 1,
        after=decode_time_id_cursor(cursor),
    )
    last = found[limit - 1].call if len(found) > limit else None
    return CallPage(
        items=[CallRead.of(f.call, f.review) for f in found[:limit]],
        next_cursor=encode_cursor(last.started_at.isoformat(), last.id) if last else None,
    )


@router.post(
    "/click-to-call",
    response_model=OriginationRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 404, 409, 422, 429, 502),
)
async def click_to_call(
    body: ClickToCallCreate, principal: CurrentPrincipal, calls: ClickToCallDep
) -> OriginationRead:
    """Start a call through the organisation's PBX (Zadarma or Mango Office): it rings the
    caller's extension, then the number. 201: the PBX took it; 409 ``no-pbx-line``: there is
    nothing to ask (no PBX with a callback API, no extension for the caller); 502
    ``pbx-refused``: the PBX refused or could not be reached, its reason in ``detail``. The
    call the PBX then reports takes the client and deal given here."""
    return OriginationRead.of(
        await calls.call(
            principal,
            CallRequest(
                number=body.number,
                client_id=body.client_id,
                deal_id=body.deal_id,
                call_list_item_id=body.call_list_item_id,
            ),
        )
    )


@router.get("/click-to-call/line", response_model=ClickToCallLine, responses=problems(401))
async def get_click_to_call_line(
    principal: CurrentPrincipal, calls: ClickToCallDep
) -> ClickToCallLine:
    """Whether numbers in the web app can start calls for the caller, and through what."""
    integration, extension = await calls.line(principal)
    return ClickToCallLine(
        available=integration is not None,
        provider=integration.provider if integration else None,
        extension=extension,
    )


@router.get("/click-to-call", response_model=OriginationPage, responses=problems(401, 422))
async def list_click_to_calls(
    principal: CurrentPrincipal,
    calls: ClickToCallDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> OriginationPage:
    """The caller's own click-to-call requests, newest first, failed ones with the reason."""
    found = await calls.mine(principal, limit=limit + 1, after=decode_time_id_cursor(cursor))
    last = found[limit - 1] if len(found) > limit else None
    return OriginationPage(
        items=[OriginationRead.of(o) for o in found[:limit]],
        next_cursor=encode_cursor(last.requested_at.isoformat(), last.id) if last else None,
    )


@router.put(
    "/calls/{call_id}/review",
    response_model=CallRead,
    responses=problems(401, 403, 404, 422),
)
async def review_call(
    call_id: UUID,
    body: CallReviewWrite,
    principal: CurrentPrincipal,
    reviews: CallReviewServiceDep,
) -> CallRead:
    """Mark a call reviewed with a score (1-5) and a comment (``calls:review``, on the calls
    of the people whose deals one sees). A second review replaces the first; the audit log
    keeps both, and ``call.reviewed`` goes to webhooks."""
    done = await reviews.review(principal, call_id, score=body.score, comment=body.comment)
    return CallRead.of(done.call, done.review)


@router.get(
    "/calls/{call_id}/recording",
    response_class=StreamingResponse,
    responses={
        200: {"description": "The call's recording", "content": {"audio/mpeg": {}}},
        206: {"description": "The span of it a Range asked for", "content": {"audio/mpeg": {}}},
        **problems(401, 404, 416),
    },
)
async def get_call_recording(
    call_id: UUID,
    principal: CurrentPrincipal,
    telephony: TelephonyServiceDep,
    range_: Annotated[str | None, Header(alias="Range", include_in_schema=False)] = None,
    if_range: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> StreamingResponse:
    """The call's recording as stored (``recording_available``), for whoever may see the
    call: intake managers, and those who see its deal or client (its timeline). One byte span
    (``Range: bytes=first-last``, ``first-`` or ``-suffix``) is answered 206, so a player seeks
    without loading the whole file; a span past the end is 416. A stored recording never
    changes, so its ETag (for ``If-Range``) is fixed."""
    wanted = ByteRange.parse(range_)
    read = await telephony.recording(principal, call_id, wanted, if_range=if_range)
    headers = {
        "Content-Length": str(read.length),
        "Content-Disposition": f'inline; filename="call-{read.call.id}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=3600",
        "Accept-Ranges": "bytes",
        "ETag": read.tag,
    }
    if read.partial:
        last = read.start + read.length - 1
        headers["Content-Range"] = f"bytes {read.start}-{last}/{read.size}"
    return StreamingResponse(
        read.content,
        status_code=status.HTTP_206_PARTIAL_CONTENT if read.partial else status.HTTP_200_OK,
        media_type=read.call.recording_content_type or "application/octet-stream",
        headers=headers,
    )
