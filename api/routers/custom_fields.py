"""Admin-defined custom fields of clients and deals."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status

from api.deps import CurrentPrincipal, CustomFieldServiceDep
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.schemas.custom_fields import (
    CustomFieldCreate,
    CustomFieldRead,
    CustomFieldUpdate,
    EntityName,
)
from domain.clients.custom_fields import FieldEntity

router = APIRouter(prefix="/custom-fields", tags=["custom-fields"])


@router.get("", response_model=list[CustomFieldRead], responses=problems(401))
async def list_custom_fields(
    principal: CurrentPrincipal,
    service: CustomFieldServiceDep,
    entity: EntityName | None = None,
) -> list[CustomFieldRead]:
    """Definitions in form order; every signed-in user reads them."""
    definitions = await service.list(principal, FieldEntity(entity) if entity else None)
    return [CustomFieldRead.of(d) for d in definitions]


@router.post(
    "",
    response_model=CustomFieldRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 422),
)
async def create_custom_field(
    body: CustomFieldCreate,
    principal: CurrentPrincipal,
    service: CustomFieldServiceDep,
    response: Response,
) -> CustomFieldRead:
    """A new field (organisation:manage). Required fields are enforced on the next create or
    custom_fields update of each record."""
    definition = await service.create(principal, body.to_command())
    set_etag(response, definition.version)
    return CustomFieldRead.of(definition)


@router.patch(
    "/{definition_id}",
    response_model=CustomFieldRead,
    responses=problems(401, 403, 404, 412, 422),
)
async def update_custom_field(
    definition_id: UUID,
    body: CustomFieldUpdate,
    principal: CurrentPrincipal,
    service: CustomFieldServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> CustomFieldRead:
    """Label, options, required and position; the key and type stay, as stored values
    depend on them."""
    definition = await service.update(
        principal, definition_id, body.to_command(), expected_version=expected_version(if_match)
    )
    set_etag(response, definition.version)
    return CustomFieldRead.of(definition)


@router.delete(
    "/{definition_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(401, 403, 404, 412),
)
async def delete_custom_field(
    definition_id: UUID,
    principal: CurrentPrincipal,
    service: CustomFieldServiceDep,
    if_match: IfMatch = None,
) -> Response:
    await service.delete(principal, definition_id, expected_version=expected_version(if_match))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
