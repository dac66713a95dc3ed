"""SQL repository for jobs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from adapters.db.repositories.base import SqlRepository, in_organisation
from adapters.db.tables.platform import jobs
from domain.platform.model import Job, JobStatus
from domain.shared.scope import Scope


class SqlJobRepository(SqlRepository):
    async def add(self, job: Job) -> None:
        await self._conn.execute(sa.insert(jobs).values(**_values(job)))

    async def get(self, scope: Scope, job_id: UUID) -> Job | None:
        row = (
            await self._conn.execute(
                sa.select(jobs).where(in_organisation(jobs, scope), jobs.c.id == job_id)
            )
        ).one_or_none()
        return _job(row._mapping) if row else None

    async def get_for_update(self, organisation_id: UUID, job_id: UUID) -> Job | None:
        row = (
            await self._conn.execute(
                sa.select(jobs)
                .where(jobs.c.organisation_id == organisation_id, jobs.c.id == job_id)
                .with_for_update()
            )
        ).one_or_none()
        return _job(row._mapping) if row else None

    async def organisation_of(self, job_id: UUID) -> UUID | None:
        """The organisation of a job handed to the queue by id alone, before migration 0010
        made the organisation travel with it: a scan of the jobs, once per such job."""
        found: UUID | None = await self._conn.scalar(
            sa.select(jobs.c.organisation_id).where(jobs.c.id == job_id)
        )
        return found

    async def save(self, job: Job) -> None:
        values = _values(job)
        for key in ("id", "organisation_id", "kind", "params", "created_by", "created_at"):
            values.pop(key)
        await self._conn.execute(
            sa.update(jobs)
            .where(jobs.c.organisation_id == job.organisation_id, jobs.c.id == job.id)
            .values(**values)
        )

    async def list_stuck(
        self, *, queued_before: datetime, running_before: datetime, limit: int
    ) -> Sequence[Job]:
        query = (
            sa.select(jobs)
            .where(
                sa.or_(
                    sa.and_(
                        jobs.c.status == JobStatus.QUEUED.value, jobs.c.created_at < queued_before
                    ),
                    sa.and_(
                        jobs.c.status == JobStatus.RUNNING.value,
                        jobs.c.started_at < running_before,
                    ),
                )
            )
            .order_by(jobs.c.created_at)
            .limit(limit)
        )
        return [_job(r._mapping) for r in await self._conn.execute(query)]

    async def list(
        self,
        scope: Scope,
        *,
        created_by: UUID | None,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[Job]:
        query = sa.select(jobs).where(in_organisation(jobs, scope))
        if created_by is not None:
            query = query.where(jobs.c.created_by == created_by)
        if after is not None:
            query = query.where(sa.tuple_(jobs.c.created_at, jobs.c.id) < sa.tuple_(*after))
        query = query.order_by(jobs.c.created_at.desc(), jobs.c.id.desc()).limit(limit)
        return [_job(r._mapping) for r in await self._conn.execute(query)]


def _values(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "organisation_id": job.organisation_id,
        "kind": job.kind,
        "params": job.params,
        "status": job.status.value,
        "progress": job.progress,
        "message": job.message,
        "result": job.result,
        "error": job.error,
        "created_by": job.created_by,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "attempts": job.attempts,
    }


def _job(m: Any) -> Job:
    data = dict(m)
    data["status"] = JobStatus(data["status"])
    return Job(**data)
