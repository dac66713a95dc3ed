"""The follow-up sweep: postponed deals remind their responsible every N days while they stay
open in their stage, and deals with a warranty or service end date remind N days before it
(once per end date). The activities context makes the tasks (domain/activities/handlers.py),
at most one open follow-up task per deal."""

from __future__ import annotations

from dataclasses import dataclass

from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock

BATCH = 200


@dataclass(frozen=True, slots=True)
class ReminderResult:
    follow_ups: int
    warranties: int


class DealReminderSweep:
    """Run by the worker's cron, as often as wanted: a deal's interval or end date is
    reminded once (the deal keeps the next moment and the end date reminded)."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def run(self, *, max_batches: int = 50) -> ReminderResult:
        now = self._clock.now()
        follow_ups = warranties = 0
        for _ in range(max_batches):
            async with self._uow as uow:
                batch = await uow.deals.list_follow_ups_due(now=now, limit=BATCH)
                for deal in batch:
                    if deal.follow_up_due(now):
                        follow_ups += 1
                        await uow.deals.save_reminder_marks(deal)
                await uow.commit()
            if len(batch) < BATCH:
                break
        for _ in range(max_batches):
            async with self._uow as uow:
                due = await uow.deals.list_warranties_due(now=now, limit=BATCH)
                for deal, today in due:
                    if deal.warranty_reminder_due(today, now):
                        warranties += 1
                        await uow.deals.save_reminder_marks(deal)
                await uow.commit()
            if len(due) < BATCH:
                break
        return ReminderResult(follow_ups=follow_ups, warranties=warranties)
