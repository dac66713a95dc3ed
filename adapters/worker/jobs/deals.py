"""Every ten minutes: alert about deals stuck past their stage's day limit, once per breach,
and propose closing those stuck for twice the limit."""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from adapters.bootstrap import Container
from domain.deals.reminders import DealReminderSweep, ReminderResult
from domain.deals.stale import StaleDealSweep, SweepResult
from domain.shared.clock import Clock


async def sweep_stale_deals(container: Container, clock: Clock | None = None) -> SweepResult:
    return await StaleDealSweep(container.uow(), clock or container.clock).run()


async def notify_stale_deals(ctx: dict[str, Any]) -> dict[str, int]:
    result = await sweep_stale_deals(ctx["container"])
    return {"alerted": result.alerted, "close_proposed": result.close_proposed}


STALE_DEALS = cron(
    notify_stale_deals, minute=set(range(0, 60, 10)), second=30, unique=True, run_at_startup=True
)


async def sweep_deal_reminders(container: Container, clock: Clock | None = None) -> ReminderResult:
    return await DealReminderSweep(container.uow(), clock or container.clock).run()


async def remind_deals(ctx: dict[str, Any]) -> dict[str, int]:
    result = await sweep_deal_reminders(ctx["container"])
    return {"follow_ups": result.follow_ups, "warranties": result.warranties}


# Postponed deals' follow-ups and warranty reminders: every 15 minutes (each once).
DEAL_REMINDERS = cron(
    remind_deals, minute=set(range(2, 60, 15)), second=40, unique=True, run_at_startup=True
)
