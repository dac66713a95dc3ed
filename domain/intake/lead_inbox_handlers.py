"""In-transaction handler of the lead inbox: a missed call's lead (taken in like any other,
kind ``telephony``) leaves the inbox when a later call with the number is answered, as its
callback task is closed (issue 11, item 10)."""

from __future__ import annotations

from domain.intake.events import CallAnswered
from domain.platform.messagebus import EventBus
from domain.platform.ports import UnitOfWork


async def close_answered_calls(event: CallAnswered, uow: UnitOfWork) -> None:
    if event.client_number is None:
        return
    await uow.lead_inbox.close_missed_calls(
        event.organisation_id, event.client_number, at=event.occurred_at
    )


def register(bus: EventBus) -> None:
    bus.handle(CallAnswered, close_answered_calls)
