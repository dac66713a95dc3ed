"""The arq worker: one task, ``run_job``, that runs stored jobs by id."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from arq.connections import RedisSettings
from arq.worker import Worker

from adapters.bootstrap import Container, build
from adapters.logging import configure_logging
from adapters.settings import Settings
from adapters.worker.jobs.mail import send_mail
from adapters.worker.runner import Handler, run_stored_job
from domain.auth.services import MAIL_JOB

HANDLERS: dict[str, Handler] = {
    MAIL_JOB: send_mail,
}


async def run_job(ctx: dict[str, Any], job_id: str) -> str:
    container: Container = ctx["container"]
    return await run_stored_job(container, UUID(job_id), HANDLERS)


def worker_for(container: Container, *, burst: bool = False) -> Worker:
    """A worker bound to an existing container (the tests run one in burst mode)."""

    async def startup(ctx: dict[str, Any]) -> None:
        ctx["container"] = container

    return Worker(
        functions=[run_job],
        redis_pool=container.arq,
        on_startup=startup,
        burst=burst,
        max_jobs=10,
        job_timeout=3600,
        keep_result=3600,
        handle_signals=not burst,
        poll_delay=0.2,
    )


def run_worker(settings: Settings) -> None:
    """The worker process: builds its own container and runs until SIGINT/SIGTERM."""
    configure_logging(settings.log_level)
    settings.require_database_url()

    async def startup(ctx: dict[str, Any]) -> None:
        ctx["container"] = await build(settings)

    async def shutdown(ctx: dict[str, Any]) -> None:
        container: Container | None = ctx.get("container")
        if container is not None:
            await container.aclose()

    Worker(
        functions=[run_job],
        redis_settings=RedisSettings.from_dsn(settings.require_redis_url()),
        on_startup=startup,
        on_shutdown=shutdown,
        max_jobs=10,
        job_timeout=3600,
    ).run()
