"""Outgoing webhook attempts in the worker.

``attempt_webhook_deliveries`` is enqueued right after a delivery is stored (by the fan-out
subscriber, a redelivery or a test event); ``retry_webhook_deliveries`` runs every 5 seconds
and claims whatever is due from the database (retries, and deliveries whose direct hand-off
was lost), so nothing depends on an in-memory timer or on Redis keeping a job.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from arq.cron import cron

from adapters.bootstrap import Container


async def attempt_webhook_deliveries(
    ctx: dict[str, Any], delivery_ids: list[str], organisation_id: str | None = None
) -> int:
    """The deliveries of one organisation (None: sent before the organisation travelled with
    them, migration 0010; they are claimed by id alone)."""
    container: Container = ctx["container"]
    return await container.webhook_deliverer().attempt_due(
        [UUID(i) for i in delivery_ids],
        organisation_id=UUID(organisation_id) if organisation_id else None,
    )


async def retry_webhook_deliveries(ctx: dict[str, Any]) -> int:
    container: Container = ctx["container"]
    deliverer = container.webhook_deliverer()
    total = 0
    while claimed := await deliverer.attempt_due(limit=50):
        total += claimed
        if claimed < 50:
            break
    return total


WEBHOOK_RETRIES = cron(
    retry_webhook_deliveries,
    second=set(range(0, 60, 5)),
    run_at_startup=True,
    unique=True,
    timeout=600,
)
