"""Every ten minutes: complaint.overdue for each complaint still open after its deadline's
day, once per complaint and deadline (automation rules escalate it to the owner's head)."""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from adapters.bootstrap import Container
from domain.complaints.services import OverdueComplaintSweep, SweepResult
from domain.shared.clock import Clock


async def sweep_overdue_complaints(container: Container, clock: Clock | None = None) -> SweepResult:
    return await OverdueComplaintSweep(container.uow(), clock or container.clock).run()


async def announce_overdue_complaints(ctx: dict[str, Any]) -> dict[str, int]:
    result = await sweep_overdue_complaints(ctx["container"])
    return {"overdue": result.overdue}


OVERDUE_COMPLAINTS = cron(
    announce_overdue_complaints,
    minute=set(range(4, 60, 10)),
    second=10,
    unique=True,
    run_at_startup=True,
)
