"""Every minute: task reminders, overdue notices and the hand-over of absent people's tasks."""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from adapters.bootstrap import Container
from adapters.worker.runner import JobContext
from domain.activities.services.notifications import send_due_reminders
from domain.activities.services.reassignment import hand_over_absent_tasks


async def remind_tasks(ctx: dict[str, Any]) -> int:
    container: Container = ctx["container"]
    return await send_due_reminders(container.uow(), container.clock)


async def hand_over_tasks(ctx: dict[str, Any]) -> int:
    container: Container = ctx["container"]
    return await hand_over_absent_tasks(container.uow(), container.clock)


ACTIVITY_CRONS = [
    cron(remind_tasks, second=10, unique=True),
    cron(hand_over_tasks, second=20, unique=True, run_at_startup=True),
]


async def hand_over_for_absence(context: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Queued when an absence with a substitute begins: hands over at once instead of at the
    next minute's sweep."""
    moved = await hand_over_absent_tasks(
        context.container.uow(), context.container.clock, context.organisation_id
    )
    return {"tasks_handed_over": moved, "absence_id": params.get("absence_id")}
