from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status

from api.deps import AbsenceServiceDep, CurrentPrincipal
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.pagination import Cursor, Limit, day, decode_cursor, encode_cursor, ident
from api.schemas.absences import AbsenceCreate, AbsencePage, AbsenceRead, AbsenceUpdate
from api.schemas.base import Day

router = APIRouter(prefix="/absences", tags=["absences"])


@router.get("", response_model=AbsencePage, responses=problems(401, 403, 422))
async def list_absences(
    principal: CurrentPrincipal,
    service: AbsenceServiceDep,
    user_id: UUID | None = None,
    date_from: Day | None = None,
    date_to: Day | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> AbsencePage:
    """Absences overlapping [date_from, date_to], by start date."""
    absences = await service.list(
        principal,
        limit=limit + 1,
        after=decode_cursor(cursor, day, ident),
        user_id=user_id,
        date_from=date_from,
        date_to=date_to,
    )
    last = absences[limit - 1] if len(absences) > limit else None
    return AbsencePage(
        items=[AbsenceRead.model_validate(a) for a in absences[:limit]],
        next_cursor=encode_cursor(last.starts_on, last.id) if last else None,
    )


@router.post(
    "",
    response_model=AbsenceRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 409, 422),
)
async def create_absence(
    body: AbsenceCreate,
    principal: CurrentPrincipal,
    service: AbsenceServiceDep,
    response: Response,
) -> AbsenceRead:
    """Record a vacation, sick leave or business trip; your own unless you hold
    absences:manage."""
    absence = await service.create(principal, **body.model_dump())
    set_etag(response, absence.version)
    return AbsenceRead.model_validate(absence)


@router.get("/{absence_id}", response_model=AbsenceRead, responses=problems(401, 404))
async def get_absence(
    absence_id: UUID, principal: CurrentPrincipal, service: AbsenceServiceDep, response: Response
) -> AbsenceRead:
    absence = await service.get(principal, absence_id)
    set_etag(response, absence.version)
    return AbsenceRead.model_validate(absence)


@router.patch(
    "/{absence_id}",
    response_model=AbsenceRead,
    responses=problems(401, 403, 404, 409, 412, 422),
)
async def update_absence(
    absence_id: UUID,
    body: AbsenceUpdate,
    principal: CurrentPrincipal,
    service: AbsenceServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> AbsenceRead:
    absence = await service.update(
        principal,
        absence_id,
        **body.model_dump(exclude_unset=True),
        expected_version=expected_version(if_match),
    )
    set_etag(response, absence.version)
    return AbsenceRead.model_validate(absence)


@router.delete(
    "/{absence_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(401, 403, 404, 412),
)
async def delete_absence(
    absence_id: UUID,
    principal: CurrentPrincipal,
    service: AbsenceServiceDep,
    if_match: IfMatch = None,
) -> None:
    await service.delete(principal, absence_id, expected_version=expected_version(if_match))
