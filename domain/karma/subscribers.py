"""After-commit subscriber of the karma context: the clients an event touches have their
derived entries recomputed from the source rows (idempotent: delivered twice, nothing moves)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from domain.billing.events import (
    InvoiceCancelled,
    InvoicePaid,
    InvoicePaymentDeleted,
    InvoicePaymentRecorded,
)
from domain.clients.events import ClientsMerged
from domain.complaints.events import ComplaintPublicConflictChanged
from domain.deals.events import DealLost, DealReopened, DealUpdated, DealWon
from domain.karma.services import recompute_clients
from domain.platform.ports import UnitOfWork
from domain.shared.events import DomainEvent

# The events the subscriber is registered for (adapters/bootstrap.py).
KARMA_EVENTS: tuple[type[DomainEvent], ...] = (
    DealWon,
    DealLost,
    DealReopened,
    DealUpdated,
    InvoicePaid,
    InvoicePaymentRecorded,
    InvoicePaymentDeleted,
    InvoiceCancelled,
    ClientsMerged,
    ComplaintPublicConflictChanged,
)


def touched_clients(event: DomainEvent) -> list[UUID]:
    match event:
        case DealUpdated():
            return [event.client_id] + (
                [event.previous_client_id] if event.previous_client_id else []
            )
        case DealWon() | DealLost() | DealReopened():
            return [event.client_id]
        case (
            InvoicePaid() | InvoicePaymentRecorded() | InvoicePaymentDeleted() | InvoiceCancelled()
        ):
            return [event.client_id]
        case ClientsMerged():
            return [event.client_id, event.merged_id]
        case ComplaintPublicConflictChanged():
            return [event.client_id]
    return []


@dataclass(frozen=True, slots=True)
class KarmaSubscriber:
    uow: Callable[[], UnitOfWork]

    @property
    def name(self) -> str:
        return "karma.recompute"

    async def __call__(self, event: DomainEvent) -> None:
        clients = touched_clients(event)
        if not clients:
            return
        async with self.uow() as uow:
            if isinstance(event, ClientsMerged):
                # The merged client's adjustments and flags are the survivor's now.
                await uow.karma.absorb(event.organisation_id, event.client_id, event.merged_id)
            if isinstance(event, ComplaintPublicConflictChanged):
                await uow.karma.sync_complaint_flag(
                    event.organisation_id, event.client_id, event.occurred_at
                )
            await recompute_clients(uow, event.organisation_id, clients)
            await uow.commit()
