from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from api.deps import AuditLogServiceDep, CurrentPrincipal
from api.errors import problems
from api.pagination import Cursor, Limit, decode_time_id_cursor, encode_cursor
from api.schemas.audit import AuditEntryRead, AuditPage
from domain.auth.principal import Principal
from domain.platform.audit_log import AuditLogService

router = APIRouter(tags=["audit"])

EntityType = Annotated[
    str,
    Query(
        pattern=r"^[a-z_]{1,32}$",
        description=(
            "client, contact or deal (shown to whoever sees the record); settings such as "
            "organisation, role, department, funnel, stage, document_type (need audit:read)"
        ),
    ),
]


async def _page(
    principal: Principal,
    service: AuditLogService,
    entity_type: str,
    entity_id: UUID,
    limit: int,
    cursor: str | None,
) -> AuditPage:
    entries = await service.list(
        principal,
        entity_type=entity_type,
        entity_id=entity_id,
        limit=limit + 1,
        after=decode_time_id_cursor(cursor),
    )
    last = entries[limit - 1] if len(entries) > limit else None
    return AuditPage(
        items=[AuditEntryRead.model_validate(e) for e in entries[:limit]],
        next_cursor=encode_cursor(last.at, last.id) if last else None,
    )


@router.get("/audit", response_model=AuditPage, responses=problems(401, 403, 404, 422))
async def list_audit_entries(
    principal: CurrentPrincipal,
    service: AuditLogServiceDep,
    entity_type: EntityType,
    entity_id: UUID,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> AuditPage:
    """Field-level history of one record, newest first."""
    return await _page(principal, service, entity_type, entity_id, limit, cursor)


@router.get(
    "/clients/{client_id}/audit",
    response_model=AuditPage,
    responses=problems(401, 403, 404, 422),
)
async def list_client_audit(
    client_id: UUID,
    principal: CurrentPrincipal,
    service: AuditLogServiceDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> AuditPage:
    """The client's history, newest first."""
    return await _page(principal, service, "client", client_id, limit, cursor)


@router.get(
    "/deals/{deal_id}/audit", response_model=AuditPage, responses=problems(401, 403, 404, 422)
)
async def list_deal_audit(
    deal_id: UUID,
    principal: CurrentPrincipal,
    service: AuditLogServiceDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> AuditPage:
    """The deal's history, newest first."""
    return await _page(principal, service, "deal", deal_id, limit, cursor)
