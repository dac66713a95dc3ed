"""Reading jobs: a user follows their own jobs; holders of jobs:read_all follow everyone's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from domain.auth.principal import Principal
from domain.platform.model import Job
from domain.platform.ports import UnitOfWork
from domain.shared.errors import NotFound
from domain.staff.permissions import Permission


class JobService:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def get(self, principal: Principal, job_id: UUID) -> Job:
        async with self._uow as uow:
            job = await uow.jobs.get(principal.organisation_scope, job_id)
        if job is None or not _may_see(principal, job):
            raise NotFound("Job", job_id)
        return job

    async def list(
        self, principal: Principal, *, limit: int, after: tuple[datetime, UUID] | None
    ) -> Sequence[Job]:
        created_by = None if principal.can(Permission.JOBS_READ_ALL) else principal.user_id
        if created_by is None and not principal.can(Permission.JOBS_READ_ALL):
            return []  # an API key starts no jobs of its own; without jobs:read_all it sees none
        async with self._uow as uow:
            return await uow.jobs.list(
                principal.organisation_scope, created_by=created_by, limit=limit, after=after
            )


def _may_see(principal: Principal, job: Job) -> bool:
    return principal.can(Permission.JOBS_READ_ALL) or (
        principal.user_id is not None and job.created_by == principal.user_id
    )
