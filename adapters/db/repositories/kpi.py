"""KPI plans, and the facts of a period counted by PostgreSQL: one grouped row per user and
metric comes back, never the payments, deals or activities behind it.

Money facts count only what is in the organisation's currency (payments on invoices in it,
deals in it): converting between currencies at some day's rate is more than a plan needs, and
an organisation sells in its own currency almost always."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from adapters.db.repositories.base import (
    SqlRepository,
    in_organisation,
    plan_with_values,
    price_index_probes_as_cached,
)
from adapters.db.repositories.billing import payments_received
from adapters.db.repositories.visibility import owned_by, visible
from adapters.db.tables.activities import activities
from adapters.db.tables.billing import invoice_payments
from adapters.db.tables.calllists import call_list_calls
from adapters.db.tables.counters import deal_counters
from adapters.db.tables.deals import deals
from adapters.db.tables.funnels import stages
from adapters.db.tables.kpi import kpi_plans
from adapters.db.tables.staff import departments, users
from domain.activities.model import ActivityKind
from domain.calllists.model import Outcome
from domain.kpi.errors import PlanExists
from domain.kpi.model import Metric, Period, PeriodKind, Plan
from domain.kpi.ports import DepartmentNode, FactQuery, Person, PlanFilter, UserFacts
from domain.shared.scope import Scope, Visibility

_FORECAST = "forecast"


def _departments_seen(column: sa.ColumnElement[Any], scope: Scope) -> sa.ColumnElement[bool]:
    """Departments the caller sees whole: all of them, their subtree (team), none (own)."""
    if scope.visibility is Visibility.ALL:
        return sa.true()
    if scope.visibility is Visibility.TEAM and scope.department_ids:
        return column.in_(sorted(scope.department_ids, key=str))
    return sa.false()


def _visible_plans(scope: Scope) -> sa.ColumnElement[bool]:
    return sa.and_(
        in_organisation(kpi_plans, scope),
        sa.or_(
            sa.and_(kpi_plans.c.user_id.is_not(None), visible(kpi_plans.c.user_id, scope)),
            sa.and_(
                kpi_plans.c.department_id.is_not(None),
                _departments_seen(kpi_plans.c.department_id, scope),
            ),
        ),
    )


def _plan(row: Any) -> Plan:
    return Plan(
        id=row.id,
        organisation_id=row.organisation_id,
        user_id=row.user_id,
        department_id=row.department_id,
        metric=Metric(row.metric),
        period=Period(PeriodKind(row.period_kind), row.period_start),
        target=row.target,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def _conditions(f: PlanFilter) -> list[sa.ColumnElement[bool]]:
    c: list[sa.ColumnElement[bool]] = []
    if f.period_kind is not None:
        c.append(kpi_plans.c.period_kind == f.period_kind.value)
    if f.period_start is not None:
        c.append(kpi_plans.c.period_start == f.period_start)
    if f.user_id is not None:
        c.append(kpi_plans.c.user_id == f.user_id)
    if f.department_id is not None:
        c.append(kpi_plans.c.department_id == f.department_id)
    if f.metric is not None:
        c.append(kpi_plans.c.metric == f.metric.value)
    return c


class SqlPlanRepository(SqlRepository):
    async def add(self, plan: Plan) -> None:
        result = await self._conn.execute(
            insert(kpi_plans)
            .values(
                id=plan.id,
                organisation_id=plan.organisation_id,
                user_id=plan.user_id,
                department_id=plan.department_id,
                metric=plan.metric.value,
                period_kind=plan.period.kind.value,
                period_start=plan.period.start,
                target=plan.target,
                created_by=plan.created_by,
                created_at=plan.created_at or sa.func.now(),
                updated_at=plan.updated_at or sa.func.now(),
            )
            .on_conflict_do_nothing()
        )
        if result.rowcount == 0:
            raise PlanExists()

    async def get(self, scope: Scope, plan_id: UUID, *, for_update: bool = False) -> Plan | None:
        query = sa.select(kpi_plans).where(_visible_plans(scope), kpi_plans.c.id == plan_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._conn.execute(query)).one_or_none()
        return None if row is None else _plan(row)

    async def update(self, plan: Plan, expected_version: int) -> None:
        await self._update_versioned(
            kpi_plans,
            entity="Plan",
            ident=plan.id,
            organisation_id=plan.organisation_id,
            expected_version=expected_version,
            values={"target": plan.target, "updated_at": plan.updated_at or sa.func.now()},
        )
        plan.version = expected_version + 1

    async def delete(self, organisation_id: UUID, plan_id: UUID) -> None:
        await self._conn.execute(
            sa.delete(kpi_plans).where(
                kpi_plans.c.organisation_id == organisation_id, kpi_plans.c.id == plan_id
            )
        )

    async def list(
        self,
        scope: Scope,
        filters: PlanFilter,
        *,
        limit: int,
        after: tuple[date, UUID] | None = None,
    ) -> Sequence[Plan]:
        query = sa.select(kpi_plans).where(_visible_plans(scope), *_conditions(filters))
        if after is not None:
            query = query.where(
                sa.tuple_(kpi_plans.c.period_start, kpi_plans.c.id) < sa.tuple_(*after)
            )
        rows = await self._conn.execute(
            query.order_by(kpi_plans.c.period_start.desc(), kpi_plans.c.id.desc()).limit(limit)
        )
        return [_plan(row) for row in rows]

    async def of_period(
        self, organisation_id: UUID, kind: PeriodKind, start: date, metrics: Sequence[Metric] = ()
    ) -> Sequence[Plan]:
        query = sa.select(kpi_plans).where(
            kpi_plans.c.organisation_id == organisation_id,
            kpi_plans.c.period_kind == kind.value,
            kpi_plans.c.period_start == start,
        )
        if metrics:
            query = query.where(kpi_plans.c.metric.in_([m.value for m in metrics]))
        return [_plan(row) for row in await self._conn.execute(query)]

    async def subject_visible(
        self, scope: Scope, *, user_id: UUID | None, department_id: UUID | None
    ) -> bool:
        if user_id is not None:
            query = sa.select(sa.literal(1)).where(
                in_organisation(users, scope),
                users.c.id == user_id,
                users.c.is_active,
                visible(users.c.id, scope),
            )
        else:
            query = sa.select(sa.literal(1)).where(
                in_organisation(departments, scope),
                departments.c.id == department_id,
                _departments_seen(departments.c.id, scope),
            )
        return (await self._conn.scalar(query)) is not None


class SqlKpiQueries(SqlRepository):
    async def people(self, scope: Scope) -> Sequence[Person]:
        rows = await self._conn.execute(
            sa.select(users.c.id, users.c.full_name, users.c.department_id)
            .where(in_organisation(users, scope), users.c.is_active, visible(users.c.id, scope))
            .order_by(users.c.full_name, users.c.id)
        )
        return [Person(id=r.id, name=r.full_name, department_id=r.department_id) for r in rows]

    async def departments(self, scope: Scope) -> Sequence[DepartmentNode]:
        rows = await self._conn.execute(
            sa.select(departments.c.id, departments.c.name, departments.c.parent_id)
            .where(
                in_organisation(departments, scope),
                _departments_seen(departments.c.id, scope),
            )
            .order_by(departments.c.name, departments.c.id)
        )
        return [DepartmentNode(id=r.id, name=r.name, parent_id=r.parent_id) for r in rows]

    async def facts(self, query: FactQuery) -> dict[UUID, UserFacts]:
        if not query.user_ids:
            return {}
        await plan_with_values(self._conn)
        if query.turnover_from_payments:
            await price_index_probes_as_cached(self._conn)
        rows = await self._conn.execute(sa.union_all(*_fact_selects(query)))
        found: dict[UUID, UserFacts] = {}
        for row in rows:
            facts = found.setdefault(row.user_id, UserFacts())
            value = Decimal(row.value or 0)
            if row.metric == _FORECAST:
                facts.forecast = value.quantize(Decimal("0.01"))
            else:
                facts.values[Metric(row.metric)] = value
        return found


def _fact_selects(q: FactQuery) -> list[sa.Select[Any]]:
    """One grouped SELECT (user_id, metric, value) per fact."""
    ids = list(q.user_ids)
    org = q.organisation_id
    responsible = deals.c.responsible_id
    of_deals = (deals.c.organisation_id == org, owned_by(responsible, ids))
    won = (
        *of_deals,
        deals.c.status == "won",
        deals.c.closed_at >= q.starts_at,
        deals.c.closed_at < q.ends_at,
    )
    in_currency = deals.c.currency == q.currency

    def grouped(
        owner: sa.ColumnElement[Any], metric: str, value: sa.ColumnElement[Any]
    ) -> sa.Select[Any]:
        return sa.select(
            owner.label("user_id"),
            sa.literal(metric).label("metric"),
            sa.cast(value, sa.Numeric).label("value"),
        )

    if q.turnover_from_payments:
        paid, received = payments_received(org, q.first_day, q.end_day, q.currency)
        turnover = (
            grouped(responsible, Metric.TURNOVER.value, sa.func.sum(invoice_payments.c.amount))
            .select_from(paid)
            .where(*received, *of_deals)
            .group_by(responsible)
        )
    else:
        turnover = (
            grouped(responsible, Metric.TURNOVER.value, sa.func.sum(deals.c.amount))
            .where(*won, in_currency)
            .group_by(responsible)
        )
    margin = (
        grouped(
            responsible,
            Metric.MARGIN.value,
            sa.func.coalesce(sa.func.sum(deals.c.expected_margin), 0),
        )
        .where(*won, in_currency)
        .group_by(responsible)
    )
    won_count = (
        grouped(responsible, Metric.WON_DEALS.value, sa.func.count())
        .where(*won)
        .group_by(responsible)
    )
    # Open deals now, from the counters the deal triggers keep exact (migration 0009): a few
    # rows per person where counting the deals reads every open deal of theirs.
    counted = deal_counters.c.responsible_id
    in_work = (
        sa.select(
            counted.label("user_id"),
            sa.literal(Metric.DEALS_IN_WORK.value).label("metric"),
            sa.cast(sa.func.sum(deal_counters.c.deal_count), sa.Numeric).label("value"),
        )
        .where(
            deal_counters.c.organisation_id == org,
            owned_by(counted, ids),
            deal_counters.c.status == "open",
        )
        .group_by(counted)
        .having(sa.func.sum(deal_counters.c.deal_count) > 0)
    )
    kind_metric = sa.case(
        (activities.c.kind == ActivityKind.CALL.value, sa.literal(Metric.CALLS.value)),
        else_=sa.literal(Metric.MEETINGS.value),
    )
    contacts = (
        sa.select(
            activities.c.author_id.label("user_id"),
            kind_metric.label("metric"),
            sa.cast(sa.func.count(), sa.Numeric).label("value"),
        )
        .where(
            activities.c.organisation_id == org,
            owned_by(activities.c.author_id, ids),
            activities.c.kind.in_([ActivityKind.CALL.value, ActivityKind.MEETING.value]),
            activities.c.occurred_at >= q.starts_at,
            activities.c.occurred_at < q.ends_at,
        )
        .group_by(activities.c.author_id, activities.c.kind)
    )
    forecast = (
        grouped(responsible, _FORECAST, sa.func.sum(deals.c.amount * stages.c.probability / 100))
        .select_from(deals)
        .join(
            stages,
            sa.and_(
                stages.c.organisation_id == deals.c.organisation_id,
                stages.c.id == deals.c.stage_id,
            ),
        )
        .where(
            *of_deals,
            deals.c.status == "open",
            deals.c.expected_close_date >= q.first_day,
            deals.c.expected_close_date < q.end_day,
            in_currency,
        )
        .group_by(responsible)
    )
    # Qualified leads: deals one opened that went to someone else, and the numbers of call
    # lists one marked interested (handed to sales through distribution).
    handed = sa.union_all(
        sa.select(deals.c.created_by.label("user_id")).where(
            deals.c.organisation_id == org,
            owned_by(deals.c.created_by, ids),
            deals.c.responsible_id != deals.c.created_by,
            deals.c.created_at >= q.starts_at,
            deals.c.created_at < q.ends_at,
        ),
        sa.select(call_list_calls.c.user_id.label("user_id")).where(
            call_list_calls.c.organisation_id == org,
            owned_by(call_list_calls.c.user_id, ids),
            call_list_calls.c.outcome == Outcome.INTERESTED.value,
            call_list_calls.c.called_at >= q.starts_at,
            call_list_calls.c.called_at < q.ends_at,
        ),
    ).subquery("handed")
    qualified = grouped(handed.c.user_id, Metric.QUALIFIED_LEADS.value, sa.func.count()).group_by(
        handed.c.user_id
    )
    return [turnover, margin, won_count, in_work, contacts, forecast, qualified]
