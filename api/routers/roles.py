from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status

from api.deps import CurrentPrincipal, RoleServiceDep
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.schemas.roles import PermissionCatalogueRead, RoleCreate, RoleRead, RoleUpdate
from domain.staff.services.roles import RoleService

router = APIRouter(tags=["roles"])


@router.get("/permissions", response_model=PermissionCatalogueRead, responses=problems(401))
async def list_permissions(principal: CurrentPrincipal) -> PermissionCatalogueRead:
    """Every permission a role can hold, and the resources whose visibility a role sets."""
    return PermissionCatalogueRead.of(RoleService.catalogue())


@router.get("/roles", response_model=list[RoleRead], responses=problems(401))
async def list_roles(principal: CurrentPrincipal, service: RoleServiceDep) -> list[RoleRead]:
    """The organisation's roles, built-in and custom, by name."""
    return [RoleRead.of(r) for r in await service.list(principal)]


@router.post(
    "/roles",
    response_model=RoleRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 409, 422),
)
async def create_role(
    body: RoleCreate, principal: CurrentPrincipal, service: RoleServiceDep, response: Response
) -> RoleRead:
    """A custom role; its name must be unique in the organisation."""
    role = await service.create(principal, **body.model_dump())
    set_etag(response, role.version)
    return RoleRead.of(role)


@router.get("/roles/{role_id}", response_model=RoleRead, responses=problems(401, 404))
async def get_role(
    role_id: UUID, principal: CurrentPrincipal, service: RoleServiceDep, response: Response
) -> RoleRead:
    role = await service.get(principal, role_id)
    set_etag(response, role.version)
    return RoleRead.of(role)


@router.patch(
    "/roles/{role_id}", response_model=RoleRead, responses=problems(401, 403, 404, 409, 412, 422)
)
async def update_role(
    role_id: UUID,
    body: RoleUpdate,
    principal: CurrentPrincipal,
    service: RoleServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> RoleRead:
    """Rename a role or change its permissions and visibility (not the administrator's)."""
    role = await service.update(
        principal,
        role_id,
        **body.model_dump(exclude_unset=True),
        expected_version=expected_version(if_match),
    )
    set_etag(response, role.version)
    return RoleRead.of(role)


@router.delete(
    "/roles/{role_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(401, 403, 404, 409, 412),
)
async def delete_role(
    role_id: UUID, principal: CurrentPrincipal, service: RoleServiceDep, if_match: IfMatch = None
) -> None:
    """Only a role nobody holds can be deleted; the administrator role never."""
    await service.delete(principal, role_id, expected_version=expected_version(if_match))
