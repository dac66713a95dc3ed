"""The outbox dispatcher: reads committed events back and hands them to their subscribers.

The unit of work asks for a dispatch right after commit (``dispatch_events`` with the new
ids); the sweeper picks up every row that was never dispatched (Redis was down, the worker
died mid-dispatch) or whose subscriber failed and is due for a retry. Delivery is at least
once: subscribers are idempotent.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from uuid import UUID

import structlog
from arq.cron import cron

from adapters.bootstrap import Container
from adapters.db.repositories.outbox import OutboxRow, SqlOutbox
from domain.shared.events import DEPTH_KEY, causation_depth, from_payload

log = structlog.get_logger(__name__)

# Long enough for every subscriber of one batch; a dispatcher that dies frees its rows then.
LEASE = timedelta(minutes=5)
# The direct dispatch normally takes a row within milliseconds; the sweeper leaves it that long.
SWEEP_GRACE = timedelta(seconds=15)
MAX_BACKOFF = timedelta(hours=1)
BATCH = 100


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with full jitter: about 2 s, 4 s, 8 s ... capped at an hour."""
    ceiling = min(MAX_BACKOFF.total_seconds(), 2.0 ** min(attempts, 20))
    return timedelta(seconds=max(1.0, random.uniform(ceiling / 2, ceiling)))  # noqa: S311


async def dispatch_outbox(
    container: Container,
    *,
    organisation_id: UUID | None = None,
    ids: Sequence[UUID] | None = None,
    older_than: timedelta = timedelta(0),
) -> int:
    """Claim a batch of due rows (or the given ones of ``organisation_id``) and deliver each
    to its subscribers; returns how many were claimed."""
    async with container.engine.begin() as conn:
        rows = await SqlOutbox(conn).claim(
            lease=LEASE,
            organisation_id=organisation_id,
            ids=ids,
            older_than=older_than,
            limit=BATCH,
        )
    for row in rows:
        await _deliver(container, row)
    return len(rows)


async def _deliver(container: Container, row: OutboxRow) -> None:
    # The depth of the rules that raised the event, for the subscribers' own changes.
    depth = row.payload.get(DEPTH_KEY, 0)
    token = causation_depth.set(depth if isinstance(depth, int) else 0)
    try:
        event = from_payload(row.name, row.payload)
        for subscriber in container.bus.subscribers_for(event):
            await subscriber(event)
    except Exception as exc:  # the row stays pending and is retried with backoff
        delay = retry_delay(row.attempts)
        log.warning(
            "outbox.delivery_failed",
            event_id=str(row.id),
            event_name=row.name,
            attempts=row.attempts,
            retry_in=delay.total_seconds(),
            error=f"{type(exc).__name__}: {exc}",
        )
        causation_depth.reset(token)
        async with container.engine.begin() as conn:
            await SqlOutbox(conn).mark_failed(
                row, retry_in=delay, error=f"{type(exc).__name__}: {exc}"
            )
        return
    causation_depth.reset(token)
    async with container.engine.begin() as conn:
        await SqlOutbox(conn).mark_dispatched(row)


async def dispatch_events(
    ctx: dict[str, Any], event_ids: list[str], organisation_id: str | None = None
) -> int:
    """arq task sent by the unit of work after commit, with one organisation's events (None:
    sent before the organisation travelled with them, migration 0010; claimed by id alone)."""
    container: Container = ctx["container"]
    return await dispatch_outbox(
        container,
        organisation_id=UUID(organisation_id) if organisation_id else None,
        ids=[UUID(event_id) for event_id in event_ids],
    )


async def sweep_outbox(ctx: dict[str, Any]) -> int:
    """Every 15 seconds: deliver what the direct dispatch missed or what is due for a retry."""
    container: Container = ctx["container"]
    total = 0
    while claimed := await dispatch_outbox(container, older_than=SWEEP_GRACE):
        total += claimed
        if claimed < BATCH:
            break
    return total


OUTBOX_SWEEPER = cron(
    sweep_outbox, second={0, 15, 30, 45}, run_at_startup=True, unique=True, timeout=600
)
