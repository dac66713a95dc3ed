"""In-transaction handlers of lead intake: a lead's first response is stamped in the
transaction of the assignee's first activity or stage move on its deal, and a lead follows its
deal when the deal is given to someone else (dragged in the workload view, reassigned)."""

from __future__ import annotations

from domain.activities.events import ActivityLogged
from domain.deals.events import DealStageChanged, DealUpdated
from domain.platform.messagebus import EventBus
from domain.platform.ports import UnitOfWork


async def on_response(event: ActivityLogged | DealStageChanged, uow: UnitOfWork) -> None:
    """The assignee worked the lead's deal: the first time after the assignment counts."""
    if event.deal_id is None or event.actor_id is None:
        return
    await uow.distribution.record_first_response(
        event.organisation_id, event.deal_id, event.actor_id, event.occurred_at
    )


async def on_deal_reassigned(event: DealUpdated, uow: UnitOfWork) -> None:
    if "responsible_id" in event.changed:
        await uow.distribution.follow_deal_responsible(
            event.organisation_id, event.deal_id, event.occurred_at
        )


def register(bus: EventBus) -> None:
    bus.handle(ActivityLogged, on_response)
    bus.handle(DealStageChanged, on_response)
    bus.handle(DealUpdated, on_deal_reassigned)
