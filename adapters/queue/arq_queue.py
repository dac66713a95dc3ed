"""Stored jobs are handed to arq workers by id; the job row is the source of truth. Committed
outbox events are handed over by id in the same way."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from arq.connections import ArqRedis

from domain.platform.model import Job

RUN_JOB = "run_job"
DISPATCH_EVENTS = "dispatch_events"


class ArqJobDispatcher:
    def __init__(self, pool: ArqRedis) -> None:
        self._pool = pool

    async def dispatch(self, job: Job) -> None:
        # The arq job id is the row id, so a repeated dispatch never runs the job twice.
        await self._pool.enqueue_job(
            RUN_JOB, str(job.id), str(job.organisation_id), _job_id=str(job.id)
        )

    async def dispatch_events(self, organisation_id: UUID, event_ids: Sequence[UUID]) -> None:
        # The outbox rows are claimed with SKIP LOCKED, so a second dispatch of an id is
        # harmless: whoever claims it first delivers it.
        await self._pool.enqueue_job(
            DISPATCH_EVENTS, [str(event_id) for event_id in event_ids], str(organisation_id)
        )
