"""In-transaction handlers of lead intake: a lead's first response is stamped in the
transaction of the assignee's first activity (on its deal or client), stage move of its deal,
or call answered or made about it (telephony's call.answered); and a lead follows its deal
when the deal is given to someone else (dragged in the workload view, reassigned)."""

from __future__ import annotations

from domain.activities.events import ActivityLogged
from domain.deals.events import DealStageChanged, DealUpdated
from domain.intake.events import CallAnswered
from domain.platform.messagebus import EventBus
from domain.platform.ports import UnitOfWork


async def on_response(event: ActivityLogged | DealStageChanged, uow: UnitOfWork) -> None:
    """The assignee worked the lead: the first time after the assignment counts."""
    if event.actor_id is None:
        return
    client_id = event.client_id if isinstance(event, ActivityLogged) else None
    await uow.distribution.record_first_response(
        event.organisation_id, event.deal_id, event.actor_id, event.occurred_at, client_id=client_id
    )


async def on_call_answered(event: CallAnswered, uow: UnitOfWork) -> None:
    """A call the assignee took or made about the lead's deal or client answers it."""
    if event.employee_id is None or (event.deal_id is None and event.client_id is None):
        return
    await uow.distribution.record_first_response(
        event.organisation_id,
        event.deal_id,
        event.employee_id,
        event.occurred_at,
        client_id=event.client_id,
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
    bus.handle(CallAnswered, on_call_answered)
