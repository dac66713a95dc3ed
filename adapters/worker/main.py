"""The arq worker: one task, ``run_job``, that runs stored jobs by id."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

import structlog
from arq.connections import RedisSettings
from arq.cron import cron
from arq.typing import WorkerCoroutine
from arq.worker import Worker

from adapters.bootstrap import Container, build
from adapters.db.repositories.platform import SqlJobRepository
from adapters.logging import configure_logging
from adapters.settings import Settings
from adapters.worker.jobs.activities import ACTIVITY_CRONS
from adapters.worker.jobs.automation import AUTOMATION_STAYS
from adapters.worker.jobs.calllists import build_call_list
from adapters.worker.jobs.clients import rescan_duplicates
from adapters.worker.jobs.complaints import OVERDUE_COMPLAINTS
from adapters.worker.jobs.deals import DEAL_REMINDERS, STALE_DEALS
from adapters.worker.jobs.distribution import LEAD_ESCALATION
from adapters.worker.jobs.imports import run_import
from adapters.worker.jobs.intake import (
    INBOX_SWEEPER,
    RECORDING_FETCHES,
    STALE_CALLS,
    process_inbox_items,
)
from adapters.worker.jobs.karma import recalculate_karma
from adapters.worker.jobs.mail import send_link_mail, send_mail
from adapters.worker.jobs.onec import ABANDONED_EXCHANGES
from adapters.worker.jobs.outbox import OUTBOX_SWEEPER, dispatch_events
from adapters.worker.jobs.platform import purge_idempotency_records
from adapters.worker.jobs.retention import RETENTION_SWEEP
from adapters.worker.jobs.webhooks import WEBHOOK_RETRIES, attempt_webhook_deliveries
from adapters.worker.runner import Handler, run_stored_job
from domain.auth.services import LINK_MAIL_JOB, MAIL_JOB
from domain.calllists.services import BUILD_JOB as CALL_LIST_BUILD_JOB
from domain.clients.duplicates import RESCAN_JOB
from domain.imports.model import DRY_RUN_JOB, RUN_JOB
from domain.karma.services import RECALCULATE_JOB

log = structlog.get_logger(__name__)

HANDLERS: dict[str, Handler] = {
    RESCAN_JOB: rescan_duplicates,
    RECALCULATE_JOB: recalculate_karma,
    MAIL_JOB: send_mail,
    LINK_MAIL_JOB: send_link_mail,
    DRY_RUN_JOB: run_import,
    RUN_JOB: run_import,
    CALL_LIST_BUILD_JOB: build_call_list,
}


async def run_job(ctx: dict[str, Any], job_id: str, organisation_id: str | None = None) -> str:
    container: Container = ctx["container"]
    if organisation_id is None:  # queued before the organisation travelled with the id
        async with container.engine.connect() as conn:
            found = await SqlJobRepository(conn).organisation_of(UUID(job_id))
        if found is None:
            log.warning("job.missing", job_id=job_id)
            return "missing"
        organisation_id = str(found)
    return await run_stored_job(container, UUID(organisation_id), UUID(job_id), HANDLERS)


STUCK_AFTER = timedelta(minutes=1)
JOB_TIMEOUT = timedelta(hours=1)


async def redispatch_stuck_jobs(ctx: dict[str, Any]) -> int:
    """Every minute: hand jobs that were stored but never reached the queue (Redis was down at
    commit) or whose worker died mid-run back to the workers. Running a job twice is safe:
    run_stored_job skips finished ones."""
    container: Container = ctx["container"]
    now = container.clock.now()
    async with container.uow() as uow:
        stuck = await uow.jobs.list_stuck(
            queued_before=now - STUCK_AFTER, running_before=now - JOB_TIMEOUT, limit=500
        )
    for job in stuck:
        await container.dispatcher.dispatch(job)
    return len(stuck)


SWEEPER = cron(redispatch_stuck_jobs, second=0, run_at_startup=True, unique=True)
IDEMPOTENCY_PURGE = cron(purge_idempotency_records, minute=17, second=0, unique=True)
# Periodic work of long-running workers (a burst worker in tests runs none).
CRON_JOBS = [
    SWEEPER,
    OUTBOX_SWEEPER,
    IDEMPOTENCY_PURGE,
    *ACTIVITY_CRONS,
    STALE_DEALS,
    DEAL_REMINDERS,
    OVERDUE_COMPLAINTS,
    WEBHOOK_RETRIES,
    INBOX_SWEEPER,
    RECORDING_FETCHES,
    STALE_CALLS,
    LEAD_ESCALATION,
    RETENTION_SWEEP,
    AUTOMATION_STAYS,
    ABANDONED_EXCHANGES,
]
FUNCTIONS: list[WorkerCoroutine] = [
    run_job,
    dispatch_events,
    attempt_webhook_deliveries,
    process_inbox_items,
]


def worker_for(container: Container, *, burst: bool = False) -> Worker:
    """A worker bound to an existing container (the tests run one in burst mode)."""

    async def startup(ctx: dict[str, Any]) -> None:
        ctx["container"] = container

    return Worker(
        functions=FUNCTIONS,
        # A burst worker drains the queue once; the sweeper belongs to long-running workers.
        cron_jobs=[] if burst else CRON_JOBS,
        redis_pool=container.arq,
        on_startup=startup,
        burst=burst,
        max_jobs=10,
        job_timeout=int(JOB_TIMEOUT.total_seconds()),
        keep_result=3600,
        handle_signals=not burst,
        poll_delay=0.2,
    )


def run_worker(settings: Settings, *, install: Callable[[Container], None] | None = None) -> None:
    """The worker process: builds its own container and runs until SIGINT/SIGTERM.
    ``install`` completes the container with what only outer layers provide (the HTTP
    layer's webhook payload builder; see ``crm worker``)."""
    configure_logging(settings.log_level)
    settings.require_database_url()

    async def startup(ctx: dict[str, Any]) -> None:
        container = await build(settings, workload="jobs")
        if install is not None:
            install(container)
        ctx["container"] = container

    async def shutdown(ctx: dict[str, Any]) -> None:
        container: Container | None = ctx.get("container")
        if container is not None:
            await container.aclose()

    Worker(
        functions=FUNCTIONS,
        cron_jobs=CRON_JOBS,
        redis_settings=RedisSettings.from_dsn(settings.require_redis_url()),
        on_startup=startup,
        on_shutdown=shutdown,
        max_jobs=10,
        job_timeout=int(JOB_TIMEOUT.total_seconds()),
        # arq's default 0.5 s between polls of an idle queue showed as most of the time from a
        # committed event to its webhook (two queue trips: dispatch, then delivery).
        poll_delay=0.1,
    ).run()
