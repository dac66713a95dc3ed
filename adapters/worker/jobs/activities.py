"""Every minute: task reminders, overdue notices and the hand-over of absent people's tasks."""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from adapters.bootstrap import Container
from domain.activities.services.notifications import send_due_reminders
from domain.activities.services.reassignment import hand_over_absent_tasks
from domain.staff.services.absences import announce_begun_absences


async def remind_tasks(ctx: dict[str, Any]) -> int:
    container: Container = ctx["container"]
    return await send_due_reminders(container.uow(), container.clock)


async def hand_over_tasks(ctx: dict[str, Any]) -> int:
    """Absences recorded in advance start on their first day (user.absence_started); tasks of
    people already away that fall due are handed over."""
    container: Container = ctx["container"]
    await announce_begun_absences(container.uow(), container.clock)
    return await hand_over_absent_tasks(container.uow(), container.clock)


ACTIVITY_CRONS = [
    cron(remind_tasks, second=10, unique=True),
    cron(hand_over_tasks, second=20, unique=True, run_at_startup=True),
]
