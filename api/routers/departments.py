from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status

from api.deps import CurrentPrincipal, DepartmentServiceDep
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.schemas.departments import DepartmentCreate, DepartmentRead, DepartmentUpdate

router = APIRouter(prefix="/departments", tags=["departments"])


@router.get("", response_model=list[DepartmentRead], responses=problems(401))
async def list_departments(
    principal: CurrentPrincipal, service: DepartmentServiceDep
) -> list[DepartmentRead]:
    """Every department of the organisation; build the tree from parent_id."""
    departments = await service.list(principal)
    return [DepartmentRead.model_validate(d) for d in departments]


@router.post(
    "",
    response_model=DepartmentRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 422),
)
async def create_department(
    body: DepartmentCreate,
    principal: CurrentPrincipal,
    service: DepartmentServiceDep,
    response: Response,
) -> DepartmentRead:
    department = await service.create(principal, **body.model_dump())
    set_etag(response, department.version)
    return DepartmentRead.model_validate(department)


@router.get("/{department_id}", response_model=DepartmentRead, responses=problems(401, 404))
async def get_department(
    department_id: UUID,
    principal: CurrentPrincipal,
    service: DepartmentServiceDep,
    response: Response,
) -> DepartmentRead:
    department = await service.get(principal, department_id)
    set_etag(response, department.version)
    return DepartmentRead.model_validate(department)


@router.patch(
    "/{department_id}",
    response_model=DepartmentRead,
    responses=problems(401, 403, 404, 412, 422),
)
async def update_department(
    department_id: UUID,
    body: DepartmentUpdate,
    principal: CurrentPrincipal,
    service: DepartmentServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> DepartmentRead:
    """Rename, move under another parent (never under itself) or change the head."""
    department = await service.update(
        principal,
        department_id,
        **body.model_dump(exclude_unset=True),
        expected_version=expected_version(if_match),
    )
    set_etag(response, department.version)
    return DepartmentRead.model_validate(department)


@router.delete(
    "/{department_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(401, 403, 404, 409, 412),
)
async def delete_department(
    department_id: UUID,
    principal: CurrentPrincipal,
    service: DepartmentServiceDep,
    if_match: IfMatch = None,
) -> None:
    """Only a department without members and sub-departments can be deleted."""
    await service.delete(principal, department_id, expected_version=expected_version(if_match))
