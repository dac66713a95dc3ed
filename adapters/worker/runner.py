"""Runs a stored job: marks it running, calls its handler, records progress and the outcome.

Handlers take the job's params and a ``JobContext``; they call the same domain services the
API calls, so the worker is just another entry point.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import structlog

from adapters.bootstrap import Container
from adapters.logging import failure_fields
from domain.platform.model import JobStatus

log = structlog.get_logger(__name__)


@dataclass(slots=True)
class JobContext:
    container: Container
    job_id: UUID
    organisation_id: UUID

    async def progress(self, percent: int, message: str | None = None) -> None:
        """Record progress in its own short transaction so readers see it at once."""
        async with self.container.uow() as uow:
            job = await uow.jobs.get_for_update(self.organisation_id, self.job_id)
            if job is None:
                return
            job.report(percent, message)
            await uow.jobs.save(job)
            await uow.commit()


Handler = Callable[[JobContext, dict[str, Any]], Awaitable[dict[str, Any] | None]]


async def run_stored_job(
    container: Container, organisation_id: UUID, job_id: UUID, handlers: dict[str, Handler]
) -> str:
    async with container.uow() as uow:
        job = await uow.jobs.get_for_update(organisation_id, job_id)
        if job is None:
            log.warning("job.missing", job_id=str(job_id))
            return "missing"
        if job.status is JobStatus.DONE:
            return "done"  # delivered twice; already finished
        job.start(container.clock.now())
        await uow.jobs.save(job)
        await uow.commit()
        kind, params = job.kind, job.params

    structlog.contextvars.bind_contextvars(job_id=str(job_id), job_kind=kind)
    handler = handlers.get(kind)
    context = JobContext(container=container, job_id=job_id, organisation_id=organisation_id)
    try:
        if handler is None:
            raise LookupError(f"no handler for job kind {kind!r}")
        result = await handler(context, params)
    except Exception as exc:  # the job row must record any failure
        # Never the job's params (they may name a person); a database error without its values.
        fields = failure_fields(exc)
        log.error("job.failed", **fields)
        await _finish(context, error=f"{type(exc).__name__}: {fields['error']}")
        return "failed"
    finally:
        structlog.contextvars.unbind_contextvars("job_id", "job_kind")
    await _finish(context, result=result)
    return "done"


async def _finish(
    context: JobContext, *, result: dict[str, Any] | None = None, error: str | None = None
) -> None:
    container = context.container
    async with container.uow() as uow:
        job = await uow.jobs.get_for_update(context.organisation_id, context.job_id)
        if job is None:
            return
        if error is None:
            job.succeed(container.clock.now(), result)
        else:
            job.fail(container.clock.now(), error)
        await uow.jobs.save(job)
        await uow.commit()
