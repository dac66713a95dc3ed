"""Stored jobs are handed to arq workers by id; the job row is the source of truth."""

from __future__ import annotations

from arq.connections import ArqRedis

from domain.platform.model import Job

RUN_JOB = "run_job"


class ArqJobDispatcher:
    def __init__(self, pool: ArqRedis) -> None:
        self._pool = pool

    async def dispatch(self, job: Job) -> None:
        # The arq job id is the row id, so a repeated dispatch never runs the job twice.
        await self._pool.enqueue_job(RUN_JOB, str(job.id), _job_id=str(job.id))
