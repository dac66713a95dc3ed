from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, File, Query, Response, UploadFile, status

from api.deps import CallListServiceDep, CurrentPrincipal
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.pagination import (
    Cursor,
    Limit,
    decode_cursor,
    decode_time_id_cursor,
    encode_cursor,
    ident,
    text,
)
from api.schemas.calllists import (
    AgentRead,
    AgentsRead,
    BuildRead,
    CallListCreate,
    CallListPage,
    CallListRead,
    CallListUpdate,
    ClientSourceCreate,
    EntriesCreate,
    ItemCardRead,
    ItemPage,
    ItemRead,
    NextRead,
    OutcomeCreate,
    OutcomeName,
    StatusName,
)
from api.schemas.jobs import JobRead
from domain.calllists.model import CallListStatus, Outcome
from domain.calllists.ports import ItemFilter

router = APIRouter(prefix="/call-lists", tags=["call_lists"])

_CHUNK = 64 * 1024


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(_CHUNK):
        yield chunk


@router.get("", response_model=CallListPage, responses=problems(401, 403, 422))
async def list_call_lists(
    principal: CurrentPrincipal,
    service: CallListServiceDep,
    status: StatusName | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> CallListPage:
    """Newest first, with progress: every list for call_lists:manage, a telemarketer's own."""
    found = await service.list(
        principal,
        status=CallListStatus(status) if status else None,
        limit=limit + 1,
        after=decode_time_id_cursor(cursor),
    )
    last = found[limit - 1].call_list if len(found) > limit else None
    return CallListPage(
        items=[CallListRead.of(v) for v in found[:limit]],
        next_cursor=encode_cursor(last.created_at, last.id) if last else None,
    )


@router.post(
    "",
    response_model=CallListRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 422),
)
async def create_call_list(
    body: CallListCreate,
    principal: CurrentPrincipal,
    service: CallListServiceDep,
    response: Response,
) -> CallListRead:
    """A draft list (call_lists:manage): telemarketers, funnel, retry policy."""
    view = await service.create(principal, body.to_command())
    set_etag(response, view.call_list.version)
    return CallListRead.of(view)


@router.get("/agents", response_model=AgentsRead, responses=problems(401, 403))
async def get_call_list_agents(
    principal: CurrentPrincipal, service: CallListServiceDep
) -> AgentsRead:
    """Per telemarketer over every list: calls, numbers closed, outcomes, qualified leads (a
    telemarketer: their own row)."""
    return AgentsRead(items=[AgentRead.of(a) for a in await service.agents(principal, None)])


@router.get("/{list_id}", response_model=CallListRead, responses=problems(401, 403, 404))
async def get_call_list(
    list_id: UUID, principal: CurrentPrincipal, service: CallListServiceDep, response: Response
) -> CallListRead:
    view = await service.get(principal, list_id)
    set_etag(response, view.call_list.version)
    return CallListRead.of(view)


@router.patch(
    "/{list_id}", response_model=CallListRead, responses=problems(401, 403, 404, 409, 412, 422)
)
async def update_call_list(
    list_id: UUID,
    body: CallListUpdate,
    principal: CurrentPrincipal,
    service: CallListServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> CallListRead:
    """Change, (re)assign, start, pause or finish a list (call_lists:manage)."""
    view = await service.update(
        principal, list_id, body.to_command(), expected_version=expected_version(if_match)
    )
    set_etag(response, view.call_list.version)
    return CallListRead.of(view)


@router.post(
    "/{list_id}/items/from-clients",
    response_model=BuildRead,
    responses=problems(401, 403, 404, 409, 422),
)
async def add_call_list_clients(
    list_id: UUID,
    body: ClientSourceCreate,
    principal: CurrentPrincipal,
    service: CallListServiceDep,
) -> BuildRead:
    """Adds the primary phone of every client a filter, saved filter or segment selects (as
    the caller's clients list shows them); numbers already there count as duplicates."""
    report = await service.add_clients(principal, list_id, body.to_command())
    return BuildRead.model_validate(report.as_json())


@router.post(
    "/{list_id}/items", response_model=BuildRead, responses=problems(401, 403, 404, 409, 422)
)
async def add_call_list_entries(
    list_id: UUID, body: EntriesCreate, principal: CurrentPrincipal, service: CallListServiceDep
) -> BuildRead:
    """Numbers (with names) as a JSON array: normalised to E.164, one item per phone; bad
    numbers are reported by position."""
    report = await service.add_entries(
        principal, list_id, [(e.phone, e.name) for e in body.entries]
    )
    return BuildRead.model_validate(report.as_json())


@router.post(
    "/{list_id}/items/upload",
    response_model=JobRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses=problems(401, 403, 404, 409, 413, 422),
)
async def upload_call_list_entries(
    list_id: UUID,
    principal: CurrentPrincipal,
    service: CallListServiceDep,
    file: Annotated[UploadFile, File(description="CSV or XLSX: a phone column and a name")],
) -> JobRead:
    """A file of numbers, added by a job (GET /jobs/{id} for its progress; the list's build
    has the counts when it is done)."""
    job = await service.upload(principal, list_id, filename=file.filename, content=_chunks(file))
    return JobRead.model_validate(job, from_attributes=True)


@router.get("/{list_id}/items", response_model=ItemPage, responses=problems(401, 403, 404, 422))
async def list_call_list_items(
    list_id: UUID,
    principal: CurrentPrincipal,
    service: CallListServiceDep,
    outcome: OutcomeName | None = None,
    assignee_id: Annotated[
        UUID | None, Query(description="Called last by, or to be called back by")
    ] = None,
    due: Annotated[
        bool | None, Query(description="Open and due now (true) or later (false)")
    ] = None,
    closed: bool | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ItemPage:
    """The list's numbers by phone."""
    found = await service.items(
        principal,
        list_id,
        ItemFilter(
            outcome=Outcome(outcome) if outcome else None,
            assignee_id=assignee_id,
            due=due,
            closed=closed,
        ),
        limit=limit + 1,
        after=decode_cursor(cursor, text, ident),
    )
    last = found[limit - 1] if len(found) > limit else None
    return ItemPage(
        items=[ItemRead.of(i) for i in found[:limit]],
        next_cursor=encode_cursor(last.phone, last.id) if last else None,
    )


@router.post("/{list_id}/next", response_model=NextRead, responses=problems(401, 403, 404, 409))
async def next_call_list_item(
    list_id: UUID, principal: CurrentPrincipal, service: CallListServiceDep
) -> NextRead:
    """The number to call now, held for the caller for 15 minutes (the one they hold already,
    if any); no two telemarketers get the same number. card is null when nothing is due."""
    card = await service.next(principal, list_id)
    return NextRead(card=ItemCardRead.of(card) if card else None)


@router.post(
    "/{list_id}/items/{item_id}/outcome",
    response_model=ItemCardRead,
    responses=problems(401, 403, 404, 409, 422),
)
async def record_call_list_outcome(
    list_id: UUID,
    item_id: UUID,
    body: OutcomeCreate,
    principal: CurrentPrincipal,
    service: CallListServiceDep,
) -> ItemCardRead:
    """The outcome of the call of a number the caller holds. interested hands a qualified lead
    to sales through distribution; no_answer retries after the interval until the attempts
    run out; call_back makes it due at call_back_at for the caller."""
    card = await service.record(
        principal,
        list_id,
        item_id,
        body.kind,
        call_back_at=body.call_back_at,
        note=body.note,
        duration_seconds=body.duration_seconds,
    )
    return ItemCardRead.of(card)


@router.get("/{list_id}/agents", response_model=AgentsRead, responses=problems(401, 403, 404))
async def get_call_list_list_agents(
    list_id: UUID, principal: CurrentPrincipal, service: CallListServiceDep
) -> AgentsRead:
    """Per telemarketer of the list: calls, numbers closed, outcomes, qualified leads."""
    return AgentsRead(items=[AgentRead.of(a) for a in await service.agents(principal, list_id)])
