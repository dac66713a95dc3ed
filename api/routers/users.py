from __future__ import annotations

from fastapi import APIRouter, Response, status

from api.deps import ContainerDep, CurrentPrincipal, UowDep
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.schemas.users import InvitationCreate, InvitationRead, ProfileUpdate, UserRead
from domain.staff.services import InvitationService, ProfileService

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/me", response_model=UserRead, responses=problems(401))
async def get_my_profile(principal: CurrentPrincipal, uow: UowDep, response: Response) -> UserRead:
    """The signed-in user with their role, permissions and manager."""
    view = await ProfileService(uow).get(principal)
    set_etag(response, view.user.version)
    return UserRead.of(view)


@router.patch("/me", response_model=UserRead, responses=problems(401, 412, 422))
async def update_my_profile(
    body: ProfileUpdate,
    principal: CurrentPrincipal,
    uow: UowDep,
    response: Response,
    if_match: IfMatch = None,
) -> UserRead:
    """Edit your own name, phone, language and time zone."""
    view = await ProfileService(uow).update(
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
    body: InvitationCreate, principal: CurrentPrincipal, uow: UowDep, container: ContainerDep
) -> InvitationRead:
    """Create an account and e-mail its owner a link to set a password."""
    service = InvitationService(
        uow, container.clock, container.secrets, link_base=container.settings.public_base
    )
    view, job = await service.invite(principal, **body.model_dump())
    return InvitationRead(user=UserRead.of(view), job_id=job.id)
