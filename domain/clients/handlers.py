"""In-transaction handlers of the clients context: the relationship type follows the history
of deals, interactions and inbound requests in the same transaction as the change that alters
it (DOMAIN.md: "recomputed in the transaction of the event that changes it"); the stored
duplicate pairs follow every change of a name, a tax id, a phone or an e-mail, and merges."""

from __future__ import annotations

from domain.activities.events import ActivityLogged
from domain.clients.events import (
    ClientCreated,
    ClientRequestReceived,
    ClientsMerged,
    ClientUpdated,
    ContactCreated,
    ContactUpdated,
)
from domain.clients.relationship import recompute_relationship
from domain.deals.events import DealCreated, DealLost, DealReopened, DealUpdated, DealWon
from domain.platform.messagebus import EventBus
from domain.platform.ports import UnitOfWork

_DEAL_REASONS = {
    DealCreated: "deal_created",
    DealWon: "deal_won",
    DealLost: "deal_lost",
    DealReopened: "deal_reopened",
}


async def on_deal_outcome(
    event: DealCreated | DealWon | DealLost | DealReopened, uow: UnitOfWork
) -> None:
    await recompute_relationship(
        uow,
        event.organisation_id,
        event.client_id,
        at=event.occurred_at,
        reason=_DEAL_REASONS[type(event)],
        actor_id=event.actor_id,
        deal_id=event.deal_id,
    )


async def on_deal_moved_to_another_client(event: DealUpdated, uow: UnitOfWork) -> None:
    """A deal given to another client changes both clients' history."""
    if event.previous_client_id is None:
        return
    for client_id in (event.previous_client_id, event.client_id):
        await recompute_relationship(
            uow,
            event.organisation_id,
            client_id,
            at=event.occurred_at,
            reason="deal_client_changed",
            actor_id=event.actor_id,
            deal_id=event.deal_id,
        )


async def on_activity_logged(event: ActivityLogged, uow: UnitOfWork) -> None:
    if event.client_id is None:
        return
    await recompute_relationship(
        uow,
        event.organisation_id,
        event.client_id,
        at=event.occurred_at,
        reason=f"activity: {event.kind}",
        actor_id=event.actor_id,
        deal_id=event.deal_id,
    )


async def on_request_received(event: ClientRequestReceived, uow: UnitOfWork) -> None:
    reason = "inbound_request" + (f": {event.channel}" if event.channel else "")
    await recompute_relationship(
        uow,
        event.organisation_id,
        event.client_id,
        at=event.occurred_at,
        reason=reason,
        actor_id=event.actor_id,
    )


async def on_clients_merged(event: ClientsMerged, uow: UnitOfWork) -> None:
    await recompute_relationship(
        uow,
        event.organisation_id,
        event.client_id,
        at=event.occurred_at,
        reason="merge",
        actor_id=event.actor_id,
    )


# Fields whose change can make or break a duplicate pair.
_CLIENT_IDENTITY = frozenset({"name", "inn", "edrpou", "merged_into_id"})
_CONTACT_IDENTITY = frozenset({"phones", "emails", "client_id"})


async def on_client_identity_changed(event: ClientCreated | ClientUpdated, uow: UnitOfWork) -> None:
    if isinstance(event, ClientUpdated) and _CLIENT_IDENTITY.isdisjoint(event.changed):
        return
    await uow.clients.refresh_duplicate_candidates(
        event.organisation_id, [event.client_id], at=event.occurred_at
    )


async def on_contact_identity_changed(
    event: ContactCreated | ContactUpdated, uow: UnitOfWork
) -> None:
    client_ids = [event.client_id]
    if isinstance(event, ContactUpdated):
        if _CONTACT_IDENTITY.isdisjoint(event.changed):
            return
        if event.previous_client_id is not None:
            client_ids.append(event.previous_client_id)
    await uow.clients.refresh_duplicate_candidates(
        event.organisation_id, client_ids, at=event.occurred_at
    )


async def on_clients_merged_forget_pairs(event: ClientsMerged, uow: UnitOfWork) -> None:
    """The merged client leaves every pair; the survivor, with the other's contacts now, is
    compared afresh."""
    await uow.clients.refresh_duplicate_candidates(
        event.organisation_id, [event.client_id, event.merged_id], at=event.occurred_at
    )


def register(bus: EventBus) -> None:
    for deal_event in _DEAL_REASONS:
        bus.handle(deal_event, on_deal_outcome)
    bus.handle(DealUpdated, on_deal_moved_to_another_client)
    bus.handle(ActivityLogged, on_activity_logged)
    bus.handle(ClientRequestReceived, on_request_received)
    bus.handle(ClientsMerged, on_clients_merged)
    bus.handle(ClientsMerged, on_clients_merged_forget_pairs)
    bus.handle(ClientCreated, on_client_identity_changed)
    bus.handle(ClientUpdated, on_client_identity_changed)
    bus.handle(ContactCreated, on_contact_identity_changed)
    bus.handle(ContactUpdated, on_contact_identity_changed)
