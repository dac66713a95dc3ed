"""Platform housekeeping run by the worker's cron."""

from __future__ import annotations

from typing import Any

import structlog

from adapters.bootstrap import Container
from domain.platform.idempotency import RETENTION

log = structlog.get_logger(__name__)


async def purge_idempotency_records(ctx: dict[str, Any]) -> int:
    """Hourly: forget idempotency keys older than their retention (they are ignored already)."""
    container: Container = ctx["container"]
    purged = await container.idempotency.purge(before=container.clock.now() - RETENTION)
    if purged:
        log.info("idempotency.purged", count=purged)
    return int(purged)
