"""The relationship type of a client, recomputed inside the transaction of the event that may
change it (a deal opened, won, lost or reopened; an inbound request; a merge)."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from domain.clients.model import RelationshipTransition, derive_relationship
from domain.platform.audit import AuditEntry
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.scope import Scope


async def recompute_relationship(
    uow: UnitOfWork,
    clock: Clock,
    organisation_id: UUID,
    client_id: UUID,
    *,
    reason: str,
    actor_id: UUID | None,
    deal_id: UUID | None = None,
) -> None:
    """Derive the type from the client's deals and inbound requests; on a change, store it,
    keep the transition, audit it and create the follow-up tasks configured for the new type
    (assigned to the client's responsible). Call it inside an open unit of work; the caller
    commits."""
    client = await uow.clients.get_unscoped(organisation_id, client_id)
    if client is None or client.merged_into_id is not None:
        return
    counts = await uow.clients.relationship_counts(organisation_id, client_id)
    new_type = derive_relationship(
        won_deals=counts.won_deals,
        open_deals=counts.open_deals,
        inbound_requests=counts.inbound_requests,
    )
    if new_type is client.relationship_type:
        return
    now = clock.now()
    old_type = client.relationship_type
    client.relationship_type = new_type
    client.updated_at = now
    await uow.clients.update(client, client.version)
    await uow.clients.add_transition(
        RelationshipTransition(
            organisation_id=organisation_id,
            client_id=client_id,
            from_type=old_type,
            to_type=new_type,
            reason=reason[:200],
            deal_id=deal_id,
            actor_id=actor_id,
            at=now,
        )
    )
    await uow.audit.add(
        AuditEntry(
            organisation_id=organisation_id,
            entity_type="client",
            entity_id=client_id,
            action="relationship",
            changes={"relationship_type": {"before": old_type.value, "after": new_type.value}},
            actor_user_id=actor_id,
            actor_api_key_id=None,
            at=now,
        )
    )
    follow_ups = await uow.relationship_follow_ups.list(
        Scope.organisation_wide(organisation_id), new_type
    )
    for follow_up in follow_ups:
        if not follow_up.is_active:
            continue
        await uow.follow_up_tasks.create_follow_up_task(
            organisation_id=organisation_id,
            client_id=client_id,
            assignee_id=client.responsible_id,
            title=follow_up.task_title,
            due_at=now + timedelta(days=follow_up.due_in_days),
            priority=follow_up.priority,
            created_by=actor_id,
        )
