"""The relationship type of a client, recomputed inside the transaction of the event that may
change it (a deal opened, won, lost, reopened or moved to another client; an interaction; an
inbound request; a merge). Registered as in-transaction handlers in ``domain/clients/handlers``.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.clients.model import derive_relationship
from domain.platform.audit import record_change
from domain.platform.ports import UnitOfWork


async def recompute_relationship(
    uow: UnitOfWork,
    organisation_id: UUID,
    client_id: UUID,
    *,
    at: datetime,
    reason: str,
    actor_id: UUID | None,
    deal_id: UUID | None = None,
) -> None:
    """Derive the type from the client's deals and inbound requests; on a change, store it,
    keep the transition and audit it. The client records ``client.relationship_changed``,
    whose handlers (the follow-up tasks) run in the same transaction."""
    client = await uow.clients.get_unscoped(organisation_id, client_id)
    if client is None or client.merged_into_id is not None:
        return
    counts = await uow.clients.relationship_counts(organisation_id, client_id)
    await uow.clients.set_last_purchase(organisation_id, client_id, counts.last_purchase_at)
    new_type = derive_relationship(
        won_deals=counts.won_deals,
        open_deals=counts.open_deals,
        inbound_requests=counts.inbound_requests,
    )
    old_type = client.relationship_type
    transition = client.change_relationship(
        new_type, at=at, by=actor_id, reason=reason, deal_id=deal_id
    )
    if transition is None:
        return
    await uow.clients.update(client, client.version)
    await uow.clients.add_transition(transition)
    await record_change(
        uow,
        actor_id,
        organisation_id=organisation_id,
        entity_type="client",
        entity_id=client_id,
        action="relationship",
        before={"relationship_type": old_type},
        after={"relationship_type": new_type},
        at=at,
    )
