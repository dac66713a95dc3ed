from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from api.deps import CurrentPrincipal, DocumentTypeServiceDep
from api.errors import problems
from api.etag import IfMatch, expected_version, set_etag
from api.schemas.document_types import (
    DocumentTypeCreate,
    DocumentTypeOrder,
    DocumentTypeRead,
    DocumentTypeUpdate,
)

router = APIRouter(prefix="/document-types", tags=["attachments"])


@router.get("", response_model=list[DocumentTypeRead], responses=problems(401))
async def list_document_types(
    principal: CurrentPrincipal,
    service: DocumentTypeServiceDep,
    include_inactive: Annotated[bool, Query(description="Deactivated types too")] = False,
) -> list[DocumentTypeRead]:
    """The organisation's document types (contract, invoice, act, proposal, other, ...)."""
    found = await service.list(principal, include_inactive=include_inactive)
    return [DocumentTypeRead.model_validate(t) for t in found]


@router.post(
    "",
    response_model=DocumentTypeRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 409, 422),
)
async def create_document_type(
    body: DocumentTypeCreate,
    principal: CurrentPrincipal,
    service: DocumentTypeServiceDep,
    response: Response,
) -> DocumentTypeRead:
    created = await service.create(principal, **body.model_dump())
    set_etag(response, created.version)
    return DocumentTypeRead.model_validate(created)


@router.post(
    "/reorder", response_model=list[DocumentTypeRead], responses=problems(401, 403, 412, 422)
)
async def reorder_document_types(
    body: DocumentTypeOrder, principal: CurrentPrincipal, service: DocumentTypeServiceDep
) -> list[DocumentTypeRead]:
    """Sets the order types are listed in; answers with every type in that order."""
    found = await service.reorder(principal, body.type_ids)
    return [DocumentTypeRead.model_validate(t) for t in found]


@router.patch(
    "/{type_id}",
    response_model=DocumentTypeRead,
    responses=problems(401, 403, 404, 412, 422),
)
async def update_document_type(
    type_id: UUID,
    body: DocumentTypeUpdate,
    principal: CurrentPrincipal,
    service: DocumentTypeServiceDep,
    response: Response,
    if_match: IfMatch = None,
) -> DocumentTypeRead:
    """Rename, reorder, deactivate or reactivate; the code stays."""
    updated = await service.update(
        principal,
        type_id,
        **body.model_dump(exclude_unset=True, exclude_none=True),
        expected_version=expected_version(if_match),
    )
    set_etag(response, updated.version)
    return DocumentTypeRead.model_validate(updated)
