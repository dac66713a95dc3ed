"""Processing the intake inbox in the worker.

``process_inbox_items`` is enqueued right after a request is stored (or retried by an admin);
``sweep_inbox`` runs every 15 seconds and claims whatever is due from the database: items
whose hand-off was lost (Redis was down when they arrived, a worker died holding them) and
failed ones due for a retry. Nothing depends on Redis keeping a job.

``fetch_call_recordings`` (every 10 seconds) claims the calls whose recording is due and
fetches each into file storage; ``end_stale_calls`` (every minute) ends the calls whose end
the PBX never reported.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from arq.cron import cron

from adapters.bootstrap import Container
from domain.intake.services import SWEEP_BATCH, SWEEP_GRACE
from domain.shared.clock import Clock

# Recordings fetched by one run at most; the next run, seconds later, takes the rest. Each is
# claimed just before it is fetched, so its lease runs from then (a fetch may take minutes).
RECORDINGS_PER_RUN = 20


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


async def fetch_call_recordings(ctx: dict[str, Any]) -> int:
    container: Container = ctx["container"]
    fetcher = container.recording_fetcher()
    total = 0
    while total < RECORDINGS_PER_RUN and await fetcher.fetch_due(limit=1):
        total += 1
    return total


async def end_stale_calls(ctx: dict[str, Any], clock: Clock | None = None) -> int:
    container: Container = ctx["container"]
    return await container.stale_call_sweep(clock).run()


RECORDING_FETCHES = cron(
    fetch_call_recordings,
    second={0, 10, 20, 30, 40, 50},
    run_at_startup=True,
    unique=True,
    timeout=3600,
)
STALE_CALLS = cron(end_stale_calls, second=40, unique=True, timeout=600)
