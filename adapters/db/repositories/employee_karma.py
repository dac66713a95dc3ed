"""Employee karma in SQL: the month's facts per person counted by PostgreSQL (one statement of
grouped selects), the staffing, the criteria, and the closed months."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from adapters.db.repositories.base import SqlRepository
from adapters.db.repositories.visibility import visible_owner_ids
from adapters.db.tables.activities import tasks
from adapters.db.tables.deals import deals
from adapters.db.tables.employee_karma import (
    employee_karma_settings,
    karma_period_scores,
    karma_periods,
)
from adapters.db.tables.loyalty import surveys
from adapters.db.tables.staff import departments, users
from domain.karma.employees import (
    Criterion,
    EmployeeFacts,
    EmployeeKarma,
    EmployeeKarmaSettings,
    KarmaPeriod,
    PeriodAlreadyClosed,
    Staffing,
)
from domain.shared.errors import PreconditionFailed
from domain.shared.events import EventSource
from domain.shared.scope import Scope


def _period(row: Any) -> KarmaPeriod:
    return KarmaPeriod(
        organisation_id=row.organisation_id,
        start=row.period_start,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
        bonus_per_point=row.bonus_per_point,
        currency=row.currency,
    )


class SqlEmployeeKarmaRepository(SqlRepository):
    def record(self, entity: EventSource) -> None:
        self._collect(entity)

    async def settings(self, organisation_id: UUID) -> EmployeeKarmaSettings | None:
        row = (
            await self._conn.execute(
                sa.select(employee_karma_settings).where(
                    employee_karma_settings.c.organisation_id == organisation_id
                )
            )
        ).one_or_none()
        if row is None:
            return None
        return EmployeeKarmaSettings(
            organisation_id=organisation_id,
            weights={c: Decimal(getattr(row, c.value)) for c in Criterion},
            bonus_per_point=row.bonus_per_point,
            version=row.version,
            updated_at=row.updated_at,
        )

    async def save_settings(self, settings: EmployeeKarmaSettings, expected_version: int) -> None:
        values: dict[str, Any] = {c.value: settings.weights[c] for c in Criterion}
        values |= {
            "bonus_per_point": settings.bonus_per_point,
            "updated_at": settings.updated_at or sa.func.now(),
        }
        table = employee_karma_settings
        if expected_version == 0:
            result = await self._conn.execute(
                insert(table)
                .values(organisation_id=settings.organisation_id, version=1, **values)
                .on_conflict_do_nothing()
            )
        else:
            result = await self._conn.execute(
                sa.update(table)
                .where(
                    table.c.organisation_id == settings.organisation_id,
                    table.c.version == expected_version,
                )
                .values(version=expected_version + 1, **values)
            )
        if result.rowcount != 1:
            raise PreconditionFailed("The criteria were changed by someone else; reload them")

    async def people(self, organisation_id: UUID) -> Sequence[tuple[UUID, str, UUID | None]]:
        rows = await self._conn.execute(
            sa.select(users.c.id, users.c.full_name, users.c.department_id)
            .where(users.c.organisation_id == organisation_id, users.c.is_active)
            .order_by(users.c.full_name, users.c.id)
        )
        return [(r.id, r.full_name, r.department_id) for r in rows]

    async def staffing(self, organisation_id: UUID) -> Staffing:
        people = await self._conn.execute(
            sa.select(users.c.id, users.c.department_id).where(
                users.c.organisation_id == organisation_id, users.c.is_active
            )
        )
        tree = await self._conn.execute(
            sa.select(departments.c.id, departments.c.parent_id, departments.c.head_id).where(
                departments.c.organisation_id == organisation_id
            )
        )
        department_of = {r.id: r.department_id for r in people}
        parent_of: dict[UUID, UUID | None] = {}
        head_of: dict[UUID, UUID | None] = {}
        for r in tree:
            parent_of[r.id] = r.parent_id
            # A deactivated head heads nobody's karma.
            head_of[r.id] = r.head_id if r.head_id in department_of else None
        return Staffing(department_of=department_of, parent_of=parent_of, head_of=head_of)

    async def visible_people(self, scope: Scope) -> set[UUID] | None:
        owners = await visible_owner_ids(self._conn, scope)
        return None if owners is None else set(owners)

    async def facts(
        self, organisation_id: UUID, starts_at: datetime, ends_at: datetime, now: datetime
    ) -> dict[UUID, EmployeeFacts]:
        won = (
            deals.c.organisation_id == organisation_id,
            deals.c.status == "won",
            deals.c.closed_at >= starts_at,
            deals.c.closed_at < ends_at,
        )
        earlier = deals.alias("earlier")
        bought_before = sa.exists().where(
            earlier.c.organisation_id == deals.c.organisation_id,
            earlier.c.client_id == deals.c.client_id,
            earlier.c.status == "won",
            earlier.c.closed_at < deals.c.closed_at,
        )
        answered = (
            surveys.c.organisation_id == organisation_id,
            surveys.c.answered_at >= starts_at,
            surveys.c.answered_at < ends_at,
        )
        due_by = sa.func.least(sa.literal(ends_at), sa.literal(now))
        overdue = (
            tasks.c.organisation_id == organisation_id,
            tasks.c.due_at >= starts_at,
            tasks.c.due_at < due_by,
            sa.or_(tasks.c.done_at.is_(None), tasks.c.done_at > tasks.c.due_at),
        )

        def grouped(
            owner: sa.ColumnElement[Any], name: str, *where: sa.ColumnElement[bool]
        ) -> sa.Select[Any]:
            return (
                sa.select(
                    owner.label("user_id"),
                    sa.literal(name).label("fact"),
                    sa.func.count().label("n"),
                )
                .where(*where)
                .group_by(owner)
            )

        statement = sa.union_all(
            grouped(deals.c.responsible_id, "won_deals", *won),
            grouped(deals.c.responsible_id, "upsells", *won, bought_before),
            grouped(surveys.c.responsible_id, "promoters", *answered, surveys.c.score >= 9),
            grouped(surveys.c.responsible_id, "detractors", *answered, surveys.c.score <= 6),
            grouped(tasks.c.assignee_id, "overdue_tasks", *overdue),
        )
        found: dict[UUID, dict[str, Any]] = {}
        for row in await self._conn.execute(statement):
            found.setdefault(row.user_id, {})[row.fact] = int(row.n)
        return {user: EmployeeFacts.of(values) for user, values in found.items()}

    async def period(self, organisation_id: UUID, start: date) -> KarmaPeriod | None:
        row = (
            await self._conn.execute(
                sa.select(karma_periods).where(
                    karma_periods.c.organisation_id == organisation_id,
                    karma_periods.c.period_start == start,
                )
            )
        ).one_or_none()
        return None if row is None else _period(row)

    async def periods(self, organisation_id: UUID) -> Sequence[KarmaPeriod]:
        rows = await self._conn.execute(
            sa.select(karma_periods)
            .where(karma_periods.c.organisation_id == organisation_id)
            .order_by(karma_periods.c.period_start.desc())
            .limit(120)
        )
        return [_period(r) for r in rows]

    async def closed_months(self, organisation_id: UUID, first: date, end: date) -> set[date]:
        rows = await self._conn.execute(
            sa.select(karma_periods.c.period_start).where(
                karma_periods.c.organisation_id == organisation_id,
                karma_periods.c.period_start >= first,
                karma_periods.c.period_start < end,
            )
        )
        return set(rows.scalars())

    async def close(self, period: KarmaPeriod, rows: Sequence[EmployeeKarma]) -> None:
        result = await self._conn.execute(
            insert(karma_periods)
            .values(
                organisation_id=period.organisation_id,
                period_start=period.start,
                closed_at=period.closed_at,
                closed_by=period.closed_by,
                bonus_per_point=period.bonus_per_point,
                currency=period.currency,
            )
            .on_conflict_do_nothing()
        )
        if result.rowcount != 1:
            raise PeriodAlreadyClosed(period.start)
        if rows:
            await self._conn.execute(
                sa.insert(karma_period_scores),
                [
                    {
                        "organisation_id": period.organisation_id,
                        "period_start": period.start,
                        "user_id": r.user_id,
                        "name": r.name,
                        "department_id": r.department_id,
                        "is_head": r.is_head,
                        "facts": r.facts.as_dict(),
                        "own_score": r.own_score,
                        "score": r.score,
                        "bonus": r.bonus,
                    }
                    for r in rows
                ],
            )

    async def frozen(self, organisation_id: UUID, start: date) -> Sequence[EmployeeKarma]:
        rows = await self._conn.execute(
            sa.select(karma_period_scores).where(
                karma_period_scores.c.organisation_id == organisation_id,
                karma_period_scores.c.period_start == start,
            )
        )
        return [
            EmployeeKarma(
                user_id=r.user_id,
                name=r.name,
                department_id=r.department_id,
                is_head=r.is_head,
                facts=EmployeeFacts.of(r.facts),
                own_score=r.own_score,
                score=r.score,
                bonus=r.bonus,
            )
            for r in rows
        ]
