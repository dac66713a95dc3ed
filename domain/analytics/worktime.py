"""The work-time map (issue 12, item 6): when people work, by weekday and hour of the
organisation's clock: calls and meetings logged, tasks done, deals moved on (a stage move, a
win, a loss, a reopening), by the employees the caller sees (a seller themself, a head their
department, an admin everyone), narrowed to one employee or one department's subtree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from domain.analytics.model import AnalyticsPeriod
from domain.auth.principal import Principal
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import NotFound
from domain.staff.permissions import Permission, Resource

if TYPE_CHECKING:
    from domain.analytics.ports import WorkTimeQueries

METRICS = ("calls", "meetings", "tasks_done", "stage_moves")


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkCounts:
    calls: int = 0
    meetings: int = 0
    tasks_done: int = 0
    stage_moves: int = 0

    @property
    def total(self) -> int:
        return self.calls + self.meetings + self.tasks_done + self.stage_moves


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkTimeCell:
    weekday: int  # 1 Monday .. 7 Sunday
    hour: int  # 0 .. 23
    counts: WorkCounts


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkTimeEmployee:
    user_id: UUID
    name: str
    counts: WorkCounts


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkTimeQuery:
    starts_at: datetime
    ends_at: datetime  # exclusive
    time_zone: str
    user_id: UUID | None = None
    department_id: UUID | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkTimeFigures:
    employees: tuple[WorkTimeEmployee, ...]
    cells: tuple[WorkTimeCell, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkTimeMap:
    first_day: date
    last_day: date
    time_zone: str
    employees: tuple[WorkTimeEmployee, ...]  # busiest first
    cells: tuple[WorkTimeCell, ...]  # only the hours with something, Monday 0:00 first


class WorkTimeService:
    def __init__(self, uow: UnitOfWork, clock: Clock, queries: WorkTimeQueries) -> None:
        self._uow = uow
        self._clock = clock
        self._queries = queries

    async def work_time(
        self,
        principal: Principal,
        *,
        first_day: date,
        last_day: date,
        user_id: UUID | None = None,
        department_id: UUID | None = None,
    ) -> WorkTimeMap:
        principal.require(Permission.DEALS_READ)
        period = AnalyticsPeriod.of(first_day, last_day)
        async with self._uow as uow:
            organisation = await uow.organisations.get(principal.organisation_id)
        if organisation is None:
            raise NotFound("Organisation", principal.organisation_id)
        scope = principal.scope_for(Resource.DEALS)
        if user_id is not None and not await self._queries.user_visible(scope, user_id):
            raise NotFound("User", user_id)
        if department_id is not None and not await self._queries.department_visible(
            scope, department_id
        ):
            raise NotFound("Department", department_id)
        starts_at, ends_at = period.bounds(organisation.time_zone)
        figures = await self._queries.work_time(
            scope,
            WorkTimeQuery(
                starts_at=starts_at,
                ends_at=ends_at,
                time_zone=organisation.time_zone,
                user_id=user_id,
                department_id=department_id,
            ),
        )
        return WorkTimeMap(
            first_day=period.first_day,
            last_day=period.last_day,
            time_zone=organisation.time_zone,
            employees=tuple(
                sorted(figures.employees, key=lambda e: (-e.counts.total, e.name, str(e.user_id)))
            ),
            cells=tuple(sorted(figures.cells, key=lambda c: (c.weekday, c.hour))),
        )
