"""Daily: a reactivation task for every client that fell asleep and a cross-sell task for
every won deal whose rule's day has come (also once when a worker starts; each is done once)."""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from adapters.bootstrap import Container
from domain.retention.services import RetentionSweep, SweepResult
from domain.shared.clock import Clock


async def sweep_retention(container: Container, clock: Clock | None = None) -> SweepResult:
    return await RetentionSweep(container.uow(), clock or container.clock).run()


async def run_retention_sweep(ctx: dict[str, Any]) -> dict[str, int]:
    result = await sweep_retention(ctx["container"])
    return {"reactivations": result.reactivations, "cross_sells": result.cross_sells}


RETENTION_SWEEP = cron(
    run_retention_sweep, hour=3, minute=5, second=0, unique=True, run_at_startup=True
)
