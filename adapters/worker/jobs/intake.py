"""Processing the intake inbox in the worker.

``process_inbox_items`` is enqueued right after a request is stored (or retried by an admin);
``sweep_inbox`` runs every 15 seconds and claims whatever is due from the database: items
whose hand-off was lost (Redis was down when they arrived, a worker died holding them) and
failed ones due for a retry. Nothing depends on Redis keeping a job.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from arq.cron import cron

from adapters.bootstrap import Container
from domain.intake.services import SWEEP_BATCH, SWEEP_GRACE


async def process_inbox_items(
    ctx: dict[str, Any], item_ids: list[str], organisation_id: str
) -> int:
    container: Container = ctx["container"]
    return await container.inbox_processor().process_due(
        [UUID(i) for i in item_ids], organisation_id=UUID(organisation_id)
    )


async def sweep_inbox(ctx: dict[str, Any]) -> int:
    container: Container = ctx["container"]
    processor = container.inbox_processor()
    total = 0
    while claimed := await processor.process_due(older_than=SWEEP_GRACE, limit=SWEEP_BATCH):
        total += claimed
        if claimed < SWEEP_BATCH:
            break
    return total


INBOX_SWEEPER = cron(
    sweep_inbox, second={5, 20, 35, 50}, run_at_startup=True, unique=True, timeout=600
)
