from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from api.deps import (
    ClockDep,
    CurrentPrincipal,
    InvitationServiceDep,
    ProfileServiceDep,
    ScheduleServiceDep,
    UserAdminServiceDep,
)
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.pagination import Cursor, Limit, decode_cursor, encode_cursor, ident, text
from api.schemas.base import AwareMoment, Name
from api.schemas.users import (
    InvitationCreate,
    InvitationRead,
    ProfileUpdate,
    UserPage,
    UserRead,
    UsersOnDutyRead,
    UserUpdate,
)
from domain.staff.permissions import Resource

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/me", response_model=UserRead, responses=problems(401))
async def get_my_profile(
    principal: CurrentPrincipal, service: ProfileServiceDep, response: Response
) -> UserRead:
    """The signed-in user with their role, permissions and manager."""
    view = await service.get(principal)
    set_etag(response, view.user.version)
    return UserRead.of(view)


@router.patch("/me", response_model=UserRead, responses=problems(401, 412, 422))
async def update_my_profile(
    body: ProfileUpdate,
    principal: CurrentPrincipal,
    service: ProfileServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> UserRead:
    """Edit your own name, phone, language and time zone."""
    view = await service.update(
        principal,
        **body.model_dump(exclude_unset=True),
        expected_version=expected_version(if_match),
    )
    set_etag(response, view.user.version)
    return UserRead.of(view)


@router.post(
    "/invitations",
    response_model=InvitationRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 409, 422),
)
async def invite_user(
    body: InvitationCreate, principal: CurrentPrincipal, service: InvitationServiceDep
) -> InvitationRead:
    """Create an account and e-mail its owner a link to set a password."""
    view, job = await service.invite(principal, **body.model_dump())
    return InvitationRead(user=UserRead.of(view), job_id=job.id)


@router.get("", response_model=UserPage, responses=problems(401, 403, 422))
async def list_users(
    principal: CurrentPrincipal,
    service: UserAdminServiceDep,
    department_id: UUID | None = None,
    include_subdepartments: Annotated[
        bool, Query(description="With department_id: the departments below it too")
    ] = False,
    is_active: bool | None = None,
    q: Annotated[Name | None, Query(max_length=100, description="Part of name or e-mail")] = None,
    owners_of: Annotated[
        Resource | None,
        Query(
            description="Only colleagues whose records of this kind the caller may see "
            "(themselves, their team, whom they stand in for today)"
        ),
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> UserPage:
    """Colleagues by name."""
    views = await service.list(
        principal,
        limit=limit + 1,
        after=decode_cursor(cursor, text, ident),
        department_id=department_id,
        include_subdepartments=include_subdepartments,
        is_active=is_active,
        search=q,
        owners_of=owners_of,
    )
    last = views[limit - 1].user if len(views) > limit else None
    return UserPage(
        items=[UserRead.of(v) for v in views[:limit]],
        next_cursor=encode_cursor(last.full_name, last.id) if last else None,
    )


@router.get("/on-duty", response_model=UsersOnDutyRead, responses=problems(401, 403, 422))
async def list_users_on_duty(
    principal: CurrentPrincipal,
    service: ScheduleServiceDep,
    clock: ClockDep,
    at: Annotated[
        AwareMoment | None, Query(description="ISO 8601 with offset; now when omitted")
    ] = None,
) -> UsersOnDutyRead:
    """Active users inside their working hours (Mon-Fri 9-18 in their time zone when no
    schedule is set) and not absent at that moment."""
    moment = at or clock.now()
    views = await service.on_duty(principal, moment)
    return UsersOnDutyRead(at=moment, items=[UserRead.of(v) for v in views])


@router.get("/{user_id}", response_model=UserRead, responses=problems(401, 403, 404))
async def get_user(
    user_id: UUID,
    principal: CurrentPrincipal,
    service: UserAdminServiceDep,
    response: Response,
) -> UserRead:
    view = await service.get(principal, user_id)
    set_etag(response, view.user.version)
    return UserRead.of(view)


@router.patch(
    "/{user_id}", response_model=UserRead, responses=problems(401, 403, 404, 409, 412, 422)
)
async def update_user(
    user_id: UUID,
    body: UserUpdate,
    principal: CurrentPrincipal,
    service: UserAdminServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> UserRead:
    """Edit a colleague's name, role, department and profile (users:manage)."""
    view = await service.update(
        principal,
        user_id,
        **body.model_dump(exclude_unset=True),
        expected_version=expected_version(if_match),
    )
    set_etag(response, view.user.version)
    return UserRead.of(view)


@router.post(
    "/{user_id}/deactivate",
    response_model=UserRead,
    responses=problems(401, 403, 404, 409, 412),
)
async def deactivate_user(
    user_id: UUID,
    principal: CurrentPrincipal,
    service: UserAdminServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> UserRead:
    """End a user's access; their records stay. Their sessions are revoked."""
    view = await service.deactivate(principal, user_id, expected_version=expected_version(if_match))
    set_etag(response, view.user.version)
    return UserRead.of(view)


@router.post("/{user_id}/activate", response_model=UserRead, responses=problems(401, 403, 404, 412))
async def activate_user(
    user_id: UUID,
    principal: CurrentPrincipal,
    service: UserAdminServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> UserRead:
    view = await service.activate(principal, user_id, expected_version=expected_version(if_match))
    set_etag(response, view.user.version)
    return UserRead.of(view)
