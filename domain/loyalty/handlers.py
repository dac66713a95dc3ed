"""In-transaction handlers of the loyalty context."""

from __future__ import annotations

from domain.deals.events import DealLost, DealWon
from domain.loyalty.model import Survey
from domain.platform.messagebus import EventBus
from domain.platform.ports import UnitOfWork
from domain.shared.scope import Scope


async def create_survey(event: DealWon | DealLost, uow: UnitOfWork) -> None:
    """In the transaction that closes a deal: its survey, once per deal (a deal reopened and
    closed again keeps the first)."""
    deal = await uow.deals.get(Scope.organisation_wide(event.organisation_id), event.deal_id)
    if deal is None:
        return
    await uow.surveys.add(
        Survey(
            organisation_id=event.organisation_id,
            client_id=event.client_id,
            deal_id=event.deal_id,
            responsible_id=deal.responsible_id,
            created_at=event.occurred_at,
        )
    )


def register(bus: EventBus) -> None:
    bus.handle(DealWon, create_survey)
    bus.handle(DealLost, create_survey)
