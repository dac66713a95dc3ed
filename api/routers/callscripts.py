from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from api.deps import CallScriptServiceDep, CurrentPrincipal
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.pagination import Cursor, Limit, decode_cursor, encode_cursor, ident, moment, text
from api.schemas.base import Day
from api.schemas.callscripts import (
    CallScriptAssignments,
    CallScriptPage,
    CallScriptRead,
    CallScriptReportRead,
    CallScriptResolved,
    CallScriptRunCreate,
    CallScriptRunPage,
    CallScriptRunRead,
    CallScriptWrite,
)
from domain.callscripts.ports import RunFilter
from domain.callscripts.services import ScriptView

router = APIRouter(prefix="/call-scripts", tags=["callscripts"])
runs_router = APIRouter(prefix="/call-script-runs", tags=["callscripts"])


def _read(view: ScriptView, response: Response) -> CallScriptRead:
    set_etag(response, view.script.version)
    return CallScriptRead.of(view)


@router.get("", response_model=CallScriptPage, responses=problems(401, 403, 422))
async def list_call_scripts(
    principal: CurrentPrincipal,
    service: CallScriptServiceDep,
    active: Annotated[bool | None, Query(description="Only active (true) or inactive")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> CallScriptPage:
    """The organisation's call scripts by name."""
    views = await service.list(
        principal, active=active, limit=limit + 1, after=decode_cursor(cursor, text, ident)
    )
    last = views[limit - 1].script if len(views) > limit else None
    return CallScriptPage(
        items=[CallScriptRead.of(v) for v in views[:limit]],
        next_cursor=encode_cursor(last.name, last.id) if last else None,
    )


@router.post(
    "",
    response_model=CallScriptRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 422),
)
async def create_call_script(
    body: CallScriptWrite,
    principal: CurrentPrincipal,
    service: CallScriptServiceDep,
    response: Response,
) -> CallScriptRead:
    """A new script (scripts:manage), checked as a graph."""
    return _read(await service.create(principal, body.to_draft()), response)


@router.get("/resolve", response_model=CallScriptResolved, responses=problems(401, 403, 404, 422))
async def resolve_call_script(
    principal: CurrentPrincipal,
    service: CallScriptServiceDep,
    deal_id: UUID | None = None,
    call_list_item_id: UUID | None = None,
) -> CallScriptResolved:
    """The active script for a call on a deal (its stage's) or a call list number (its
    list's); give one of the two."""
    found = await service.resolve(principal, deal_id=deal_id, call_list_item_id=call_list_item_id)
    if found.script is None:
        return CallScriptResolved(script=None, source=None)
    return CallScriptResolved(
        script=CallScriptRead.of(found.script),
        source=found.source,
    )


@router.get("/{script_id}", response_model=CallScriptRead, responses=problems(401, 403, 404))
async def get_call_script(
    script_id: UUID,
    principal: CurrentPrincipal,
    service: CallScriptServiceDep,
    response: Response,
) -> CallScriptRead:
    return _read(await service.get(principal, script_id), response)


@router.put(
    "/{script_id}",
    response_model=CallScriptRead,
    responses=problems(401, 403, 404, 412, 422),
)
async def replace_call_script(
    script_id: UUID,
    body: CallScriptWrite,
    principal: CurrentPrincipal,
    service: CallScriptServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> CallScriptRead:
    """The whole script as edited; 412 when it changed since the ETag sent."""
    view = await service.replace(
        principal, script_id, body.to_draft(), expected_version=expected_version(if_match)
    )
    return _read(view, response)


@router.put(
    "/{script_id}/assignments",
    response_model=CallScriptRead,
    responses=problems(401, 403, 404, 412, 422),
)
async def assign_call_script(
    script_id: UUID,
    body: CallScriptAssignments,
    principal: CurrentPrincipal,
    service: CallScriptServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> CallScriptRead:
    """The funnel stages and call lists the script applies to (replacing the previous ones)."""
    view = await service.assign(
        principal, script_id, body.to_assignments(), expected_version=expected_version(if_match)
    )
    return _read(view, response)


@router.get(
    "/{script_id}/report",
    response_model=CallScriptReportRead,
    responses=problems(401, 403, 404, 422),
)
async def get_call_script_report(
    script_id: UUID,
    principal: CurrentPrincipal,
    service: CallScriptServiceDep,
    first_day: Annotated[Day, Query(alias="from")],
    last_day: Annotated[Day, Query(alias="to", description="At most 366 days after from")],
) -> CallScriptReportRead:
    """Per step, the runs finished in the period that reached it; per answer, the outcomes of
    the runs that chose it (scripts:manage or reports:read)."""
    return CallScriptReportRead.of(await service.report(principal, script_id, first_day, last_day))


@runs_router.post(
    "",
    response_model=CallScriptRunRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 404, 422),
)
async def create_call_script_run(
    body: CallScriptRunCreate, principal: CurrentPrincipal, service: CallScriptServiceDep
) -> CallScriptRunRead:
    """Saves the path taken through a script during a call and how it ended."""
    return CallScriptRunRead.of(await service.finish_run(principal, body.to_new()))


@runs_router.get("", response_model=CallScriptRunPage, responses=problems(401, 403, 404, 422))
async def list_call_script_runs(
    principal: CurrentPrincipal,
    service: CallScriptServiceDep,
    deal_id: UUID | None = None,
    client_id: UUID | None = None,
    call_list_item_id: UUID | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> CallScriptRunPage:
    """The runs on one deal, client or call list number the caller sees, newest first."""
    rows = await service.runs(
        principal,
        RunFilter(deal_id=deal_id, client_id=client_id, call_list_item_id=call_list_item_id),
        limit=limit + 1,
        after=decode_cursor(cursor, moment, ident),
    )
    last = rows[limit - 1].run if len(rows) > limit else None
    return CallScriptRunPage(
        items=[CallScriptRunRead.of(r) for r in rows[:limit]],
        next_cursor=encode_cursor(last.finished_at, last.id) if last else None,
    )
