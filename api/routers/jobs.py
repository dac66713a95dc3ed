from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from api.deps import CurrentPrincipal, JobServiceDep
from api.errors import problems
from api.pagination import Cursor, Limit, decode_time_id_cursor, encode_cursor
from api.schemas.jobs import JobPage, JobRead

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.get("", response_model=JobPage, responses=problems(401, 422))
async def list_jobs(
    principal: CurrentPrincipal, service: JobServiceDep, limit: Limit = 50, cursor: Cursor = None
) -> JobPage:
    """Your jobs, newest first (everyone's with jobs:read_all)."""
    after = decode_time_id_cursor(cursor)
    jobs = await service.list(principal, limit=limit + 1, after=after)
    items = [JobRead.model_validate(j) for j in jobs[:limit]]
    last = jobs[limit - 1] if len(jobs) > limit else None
    return JobPage(
        items=items, next_cursor=encode_cursor(last.created_at, last.id) if last else None
    )


@router.get("/{job_id}", response_model=JobRead, responses=problems(401, 404))
async def get_job(job_id: UUID, principal: CurrentPrincipal, service: JobServiceDep) -> JobRead:
    """A job's status, progress 0-100, message and result or error."""
    return JobRead.model_validate(await service.get(principal, job_id))
