"""Every ten minutes: the time-based automation trigger ("a deal stayed in a stage N days"),
run once per rule, deal and stay."""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from adapters.bootstrap import Container
from domain.shared.clock import Clock


async def sweep_automation_stays(container: Container, clock: Clock | None = None) -> int:
    return await container.rule_engine(clock).sweep_stays()


async def run_automation_stays(ctx: dict[str, Any]) -> dict[str, int]:
    return {"runs": await sweep_automation_stays(ctx["container"])}


AUTOMATION_STAYS = cron(
    run_automation_stays,
    minute=set(range(5, 60, 10)),
    second=40,
    unique=True,
    run_at_startup=True,
)
