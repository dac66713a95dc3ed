"""The work-time map in SQL: the period's calls and meetings (by author), tasks done (by who
did them) and deal moves (by who made them) of the employees in question, counted per
employee and per weekday and hour of the organisation's time zone with GROUPING SETS: one
statement, a few hundred rows back whatever the volume.

It reads ``work_time_hours`` (migration 0032), the events already counted per UTC hour and
employee by triggers in the events' own transactions: a quarter of a busy organisation is one
row per employee and hour worked where the events are hundreds of thousands. The
per-employee totals sum the period's hours; the cells sum them per UTC hour first (at most
24 a day) and only then turn each hour into the organisation's weekday and hour,
``timezone(zone, hour_at)``.

A UTC hour is one hour of the organisation's clock, and the period's bounds (midnights of the
organisation's zone) are UTC hour starts, only while the zone's offset is a whole number of
hours. For the few zones where it is not (India +5:30, Nepal +5:45, Newfoundland -3:30, ...)
every UTC hour straddles two local hours, so the map is counted from the events themselves
(the statement the rollup replaced: exact, but it reads every event of the period).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.repositories.analytics import SqlFunnelAnalyticsQueries
from adapters.db.repositories.visibility import owned_by, subtree_members, visible_owner_ids
from adapters.db.tables.activities import activities, tasks
from adapters.db.tables.deals import stage_moves
from adapters.db.tables.staff import users
from adapters.db.tables.worktime import work_time_hours
from domain.analytics.worktime import (
    METRICS,
    WorkCounts,
    WorkTimeCell,
    WorkTimeEmployee,
    WorkTimeFigures,
    WorkTimeQuery,
)
from domain.shared.scope import Scope


class SqlWorkTimeQueries(SqlFunnelAnalyticsQueries):
    """Reuses the funnel analytics' checks of which users and departments the caller sees."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine)
        self._engine = engine

    async def work_time(self, scope: Scope, query: WorkTimeQuery) -> WorkTimeFigures:
        org = scope.organisation_id
        async with self._engine.connect() as conn:
            owners = await visible_owner_ids(conn, scope)
            statement = (
                _rollup_statement(org, query, owners)
                if _whole_hours(query)
                else _events_statement(org, query, owners)
            )
            rows = list(await conn.execute(statement))
            ids = {r.user_id for r in rows if r.user_id is not None}
            names: dict[UUID, str] = {}
            if ids:
                found = await conn.execute(
                    sa.select(users.c.id, users.c.full_name).where(
                        users.c.organisation_id == org, users.c.id.in_(ids)
                    )
                )
                names = {r.id: r.full_name for r in found}
        employees: list[WorkTimeEmployee] = []
        cells: list[WorkTimeCell] = []
        for r in rows:
            counts = WorkCounts(**{m: int(getattr(r, m)) for m in METRICS})
            if r.user_id is not None:
                employees.append(
                    WorkTimeEmployee(
                        user_id=r.user_id, name=names.get(r.user_id, ""), counts=counts
                    )
                )
            else:
                cells.append(WorkTimeCell(weekday=int(r.weekday), hour=int(r.hour), counts=counts))
        return WorkTimeFigures(employees=tuple(employees), cells=tuple(cells))


def _whole_hours(q: WorkTimeQuery) -> bool:
    """Whether every UTC hour of the period is one hour of the organisation's clock, the
    period's bounds included: the zone's offset is whole hours on each of its days (an offset
    changes a few times a year at most, never for less than a day)."""
    zone = ZoneInfo(q.time_zone)
    days = (q.ends_at - q.starts_at).days
    moments = [q.starts_at + timedelta(days=d) for d in range(days + 1)]
    return all(_whole_hour(m.astimezone(zone).utcoffset()) for m in (*moments, q.ends_at))


def _whole_hour(offset: timedelta | None) -> bool:
    return offset is not None and offset % timedelta(hours=1) == timedelta(0)


def _whose(
    organisation_id: UUID, q: WorkTimeQuery, owners: list[UUID] | None
) -> Callable[[sa.ColumnElement[Any]], list[sa.ColumnElement[bool]]]:
    """The conditions on an employee column: the caller sees them, and they are the one
    employee or of the department's subtree asked for."""
    # One CTE of the department's tree, however many sources use it.
    members = None if q.department_id is None else subtree_members(organisation_id, q.department_id)

    def whose(column: sa.ColumnElement[Any]) -> list[sa.ColumnElement[bool]]:
        conditions = [owned_by(column, owners)]
        if q.user_id is not None:
            conditions.append(column == q.user_id)
        if members is not None:
            conditions.append(column.in_(members))
        return conditions

    return whose


def _rollup_statement(organisation_id: UUID, q: WorkTimeQuery, owners: list[UUID] | None) -> Any:
    """(user_id, counts) per employee and (weekday, hour, counts) per cell, from the rollup:
    one range of its key, the period's hours."""
    w = work_time_hours
    hours = (
        sa.select(w.c.user_id, w.c.hour_at, *(sa.func.sum(w.c[m]).label(m) for m in METRICS))
        .where(
            w.c.organisation_id == organisation_id,
            w.c.hour_at >= q.starts_at,
            w.c.hour_at < q.ends_at,
            # Not a row the triggers left at zero (an employee with nothing is not listed).
            sa.or_(*(w.c[m] != 0 for m in METRICS)),
            *_whose(organisation_id, q, owners)(w.c.user_id),
        )
        .group_by(sa.func.grouping_sets(w.c.user_id, w.c.hour_at))
        .cte("hours")
    )
    local = sa.func.timezone(q.time_zone, hours.c.hour_at)
    weekday = sa.cast(sa.extract("isodow", local), sa.Integer)
    hour = sa.cast(sa.extract("hour", local), sa.Integer)
    nothing = sa.null().cast(sa.Integer)
    return sa.union_all(
        sa.select(
            hours.c.user_id,
            nothing.label("weekday"),
            nothing.label("hour"),
            *(hours.c[m] for m in METRICS),
        ).where(hours.c.user_id.is_not(None)),
        sa.select(
            sa.null().cast(w.c.user_id.type).label("user_id"),
            weekday.label("weekday"),
            hour.label("hour"),
            *(sa.func.sum(hours.c[m]).label(m) for m in METRICS),
        )
        .where(hours.c.hour_at.is_not(None))
        .group_by(weekday, hour),
    )


def _events_statement(organisation_id: UUID, q: WorkTimeQuery, owners: list[UUID] | None) -> Any:
    """The same rows counted from the events themselves, for a zone whose hours are not UTC
    hours."""
    whose = _whose(organisation_id, q, owners)
    kind = sa.case((activities.c.kind == "call", "calls"), else_="meetings")
    events = sa.union_all(
        sa.select(
            activities.c.author_id.label("user_id"),
            activities.c.occurred_at.label("at"),
            kind.label("metric"),
        ).where(
            activities.c.organisation_id == organisation_id,
            activities.c.kind.in_(("call", "meeting")),
            activities.c.occurred_at >= q.starts_at,
            activities.c.occurred_at < q.ends_at,
            *whose(activities.c.author_id),
        ),
        sa.select(tasks.c.done_by, tasks.c.done_at, sa.literal("tasks_done")).where(
            tasks.c.organisation_id == organisation_id,
            tasks.c.done_at >= q.starts_at,
            tasks.c.done_at < q.ends_at,
            *whose(tasks.c.done_by),
        ),
        sa.select(stage_moves.c.by_user_id, stage_moves.c.at, sa.literal("stage_moves")).where(
            stage_moves.c.organisation_id == organisation_id,
            stage_moves.c.kind != "created",
            stage_moves.c.at >= q.starts_at,
            stage_moves.c.at < q.ends_at,
            *whose(stage_moves.c.by_user_id),
        ),
    ).subquery("events")
    local = sa.func.timezone(q.time_zone, events.c.at)
    weekday = sa.cast(sa.extract("isodow", local), sa.Integer).label("weekday")
    hour = sa.cast(sa.extract("hour", local), sa.Integer).label("hour")
    return (
        sa.select(
            events.c.user_id,
            weekday,
            hour,
            *(sa.func.count().filter(events.c.metric == m).label(m) for m in METRICS),
        )
        .where(events.c.user_id.is_not(None))
        .group_by(sa.func.grouping_sets(events.c.user_id, sa.tuple_(weekday, hour)))
    )
