"""What activities, comments and tasks are attached to (a client or a deal) and who may see
them: whoever sees the client or deal."""

from __future__ import annotations

from uuid import UUID

from domain.activities.ports import SubjectScopes
from domain.auth.principal import Principal
from domain.platform.ports import UnitOfWork
from domain.shared.errors import InvalidInput, NotFound, PermissionDenied
from domain.staff.permissions import Permission, Resource


def subject_scopes(principal: Principal) -> SubjectScopes:
    return SubjectScopes(
        clients=principal.scope_for(Resource.CLIENTS),
        deals=principal.scope_for(Resource.DEALS),
        client_items=principal.can(Permission.CLIENTS_READ),
        deal_items=principal.can(Permission.DEALS_READ),
        tasks=principal.can(Permission.TASKS_READ),
        complaints=principal.can(Permission.COMPLAINTS_READ),
    )


def require_any(principal: Principal, *permissions: Permission) -> None:
    if not any(principal.can(p) for p in permissions):
        raise PermissionDenied(
            "This requires one of the permissions " + ", ".join(p.value for p in permissions)
        )


async def resolve_subject(
    uow: UnitOfWork, principal: Principal, client_id: UUID | None, deal_id: UUID | None
) -> tuple[UUID | None, UUID | None]:
    """The (client, deal) a record is attached to, both visible to the caller, who needs
    deals:read for a deal and clients:read for a client. A deal brings its client, so the
    client's timeline shows it."""
    if client_id is None and deal_id is None:
        raise InvalidInput("client_id", "give a client_id or a deal_id")
    if deal_id is not None:
        principal.require(Permission.DEALS_READ)
        deal_client = await uow.activity_subjects.deal_client(
            principal.scope_for(Resource.DEALS), deal_id
        )
        if deal_client is None:
            raise NotFound("Deal", deal_id)
        if client_id is not None and client_id != deal_client:
            raise InvalidInput("client_id", "is not the client of the deal")
        return deal_client, deal_id
    assert client_id is not None
    principal.require(Permission.CLIENTS_READ)
    if not await uow.activity_subjects.client_visible(
        principal.scope_for(Resource.CLIENTS), client_id
    ):
        raise NotFound("Client", client_id)
    return client_id, None
