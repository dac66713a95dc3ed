from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from api.deps import ComplaintServiceDep, CurrentPrincipal
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.pagination import Cursor, Limit, day, decode_cursor, encode_cursor, ident
from api.schemas.base import MAX_FILTER_VALUES, Day
from api.schemas.complaints import (
    ComplaintClose,
    ComplaintCreate,
    ComplaintOwnerRead,
    ComplaintPage,
    ComplaintRead,
    ComplaintReportRead,
    ComplaintUpdate,
)
from domain.complaints.model import ComplaintKind, ComplaintStatus
from domain.complaints.ports import ComplaintFilter
from domain.complaints.services import ComplaintView

router = APIRouter(prefix="/complaints", tags=["complaints"])


def _read(view: ComplaintView, response: Response) -> ComplaintRead:
    set_etag(response, view.row.complaint.version)
    return ComplaintRead.of(view)


@router.get("", response_model=ComplaintPage, responses=problems(401, 403, 422))
async def list_complaints(
    principal: CurrentPrincipal,
    service: ComplaintServiceDep,
    status_: Annotated[
        list[ComplaintStatus] | None,
        Query(alias="status", max_length=MAX_FILTER_VALUES, description="Any of these"),
    ] = None,
    kind: Annotated[list[ComplaintKind] | None, Query(max_length=MAX_FILTER_VALUES)] = None,
    owner_id: Annotated[list[UUID] | None, Query(max_length=MAX_FILTER_VALUES)] = None,
    client_id: UUID | None = None,
    deal_id: UUID | None = None,
    overdue: Annotated[
        bool | None, Query(description="true: open past the deadline; false: the others")
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ComplaintPage:
    """The complaints of the owners the caller sees, earliest deadline first."""
    filters = ComplaintFilter(
        statuses=frozenset(status_ or ()),
        kinds=frozenset(kind or ()),
        owner_ids=frozenset(owner_id or ()),
        client_id=client_id,
        deal_id=deal_id,
        overdue=overdue,
    )
    views = await service.list(
        principal, filters, limit=limit + 1, after=decode_cursor(cursor, day, ident)
    )
    last = views[limit - 1].row.complaint if len(views) > limit else None
    return ComplaintPage(
        items=[ComplaintRead.of(v) for v in views[:limit]],
        next_cursor=encode_cursor(last.deadline, last.id) if last else None,
    )


@router.post(
    "",
    response_model=ComplaintRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 404, 422),
)
async def create_complaint(
    body: ComplaintCreate,
    principal: CurrentPrincipal,
    service: ComplaintServiceDep,
    response: Response,
) -> ComplaintRead:
    """Record a complaint on a client one sees (and optionally one of its deals)."""
    return _read(await service.record(principal, body.to_command()), response)


@router.get("/report", response_model=ComplaintReportRead, responses=problems(401, 403, 422))
async def get_complaints_report(
    principal: CurrentPrincipal,
    service: ComplaintServiceDep,
    first_day: Annotated[Day, Query(alias="from")],
    last_day: Annotated[Day, Query(alias="to", description="At most 366 days after from")],
) -> ComplaintReportRead:
    """Per owner the caller sees, of the complaints recorded in the period: how many, open,
    overdue, resolved and rejected, and the median and average hours to resolve or reject."""
    report = await service.report(principal, first_day, last_day)
    return ComplaintReportRead(
        date_from=report.first_day,
        date_to=report.last_day,
        items=[ComplaintOwnerRead.of(r) for r in report.rows],
    )


@router.get("/{complaint_id}", response_model=ComplaintRead, responses=problems(401, 403, 404))
async def get_complaint(
    complaint_id: UUID,
    principal: CurrentPrincipal,
    service: ComplaintServiceDep,
    response: Response,
) -> ComplaintRead:
    return _read(await service.get(principal, complaint_id), response)


@router.patch(
    "/{complaint_id}",
    response_model=ComplaintRead,
    responses=problems(401, 403, 404, 409, 412, 422),
)
async def update_complaint(
    complaint_id: UUID,
    body: ComplaintUpdate,
    principal: CurrentPrincipal,
    service: ComplaintServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> ComplaintRead:
    """Edit the kind, description, owner, deadline or public-conflict flag (a closed
    complaint only changes its flag: 409 otherwise)."""
    view = await service.edit(
        principal, complaint_id, body.to_command(), expected_version=expected_version(if_match)
    )
    return _read(view, response)


@router.post(
    "/{complaint_id}/take",
    response_model=ComplaintRead,
    responses=problems(401, 403, 404, 409, 412),
)
async def take_complaint_in_work(
    complaint_id: UUID,
    principal: CurrentPrincipal,
    service: ComplaintServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> ComplaintRead:
    """new -> in_work (409 from any other status)."""
    view = await service.take_in_work(
        principal, complaint_id, expected_version=expected_version(if_match)
    )
    return _read(view, response)


@router.post(
    "/{complaint_id}/resolve",
    response_model=ComplaintRead,
    responses=problems(401, 403, 404, 409, 412, 422),
)
async def resolve_complaint(
    complaint_id: UUID,
    body: ComplaintClose,
    principal: CurrentPrincipal,
    service: ComplaintServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> ComplaintRead:
    """new or in_work -> resolved, with the resolution (409 once closed)."""
    view = await service.close(
        principal,
        complaint_id,
        resolved=True,
        resolution=body.resolution,
        expected_version=expected_version(if_match),
    )
    return _read(view, response)


@router.post(
    "/{complaint_id}/reject",
    response_model=ComplaintRead,
    responses=problems(401, 403, 404, 409, 412, 422),
)
async def reject_complaint(
    complaint_id: UUID,
    body: ComplaintClose,
    principal: CurrentPrincipal,
    service: ComplaintServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> ComplaintRead:
    """new or in_work -> rejected, with the reason as resolution (409 once closed)."""
    view = await service.close(
        principal,
        complaint_id,
        resolved=False,
        resolution=body.resolution,
        expected_version=expected_version(if_match),
    )
    return _read(view, response)
