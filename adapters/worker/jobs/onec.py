"""Every ten minutes: 1C exchange sessions 1C stopped calling (no call for
``ONEC_ABANDON_AFTER_HOURS``, 6 h by default) are failed as abandoned in the exchange log, and
the files they received are deleted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from arq.cron import cron

from adapters.bootstrap import Container


async def sweep_abandoned_exchanges(container: Container) -> int:
    idle = timedelta(hours=container.settings.onec_abandon_after_hours)
    return await container.onec_exchange().fail_abandoned(idle=idle)


async def fail_abandoned_exchanges(ctx: dict[str, Any]) -> int:
    return await sweep_abandoned_exchanges(ctx["container"])


ABANDONED_EXCHANGES = cron(
    fail_abandoned_exchanges, minute=set(range(5, 60, 10)), second=50, unique=True, timeout=600
)
