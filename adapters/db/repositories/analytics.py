"""Funnel analytics computed by PostgreSQL: one statement answers every figure of a cohort,
as a few grouped rows (per stage, bin, status, currency, loss reason), never the deals behind
them.

The cohort (``domain.analytics.model`` defines the figures) is the funnel's deals created in
the period's days, visible to the caller the way the deal list decides it
(``visible_owner_ids`` + ``owned_by``: own, team, all, and whom the caller stands in for
today), narrowed by the responsible, their department subtree and the source channel. Every
figure that does not depend on "now" comes from the cohort rollup (migration 0034,
``adapters.db.tables.funnel_rollup``), kept exact by triggers per funnel, creation day (and
month) in the organisation's zone, responsible and source: the period's whole months are read
from month rows, its ragged ends from day rows (``_buckets``), so a quarter sums a few thousand
rows whatever the number of deals in it:

- reached per stage, and the ended stays (count and seconds) per stage;
- histogram bins of the ended stays per stage and of the won deals' cycle, from which the
  medians are estimated (``domain.analytics.histogram``: within 4.4%);
- deals per status, currency and loss reason with their amounts, and the won deals' cycle
  seconds.

What depends on now is read live from the cohort's open deals, by the partial index of open
deals per (organisation, funnel, created_at): their current stays (up to ``now``, per stage and
bin) and how many are stale (``stale_sql``, the deal list's own condition).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.repositories.base import plan_with_values
from adapters.db.repositories.deals import stale_sql
from adapters.db.repositories.visibility import owned_by, visible, visible_owner_ids
from adapters.db.tables.deals import deals
from adapters.db.tables.funnel_rollup import (
    funnel_cohort_bins,
    funnel_cohort_deals,
    funnel_cohort_stages,
)
from adapters.db.tables.funnels import loss_reasons, stages
from adapters.db.tables.staff import departments, users
from domain.analytics import histogram
from domain.analytics.model import (
    CohortFigures,
    CohortQuery,
    CurrencyAmount,
    LossReasonFigures,
    StageFigures,
)
from domain.deals.model import DealStatus
from domain.shared.scope import Scope, Visibility

_UUID = PG_UUID(as_uuid=True)
# The rollup's stand-in for "none": no loss reason, and the cycle's histogram (no stage).
_NIL = UUID(int=0)


def _null(type_: Any) -> sa.ColumnElement[Any]:
    return sa.cast(sa.null(), type_)


def _row(
    part: str,
    *,
    n: sa.ColumnElement[Any],
    stage_id: sa.ColumnElement[Any] | None = None,
    label: sa.ColumnElement[Any] | None = None,
    currency: sa.ColumnElement[Any] | None = None,
    bin_: sa.ColumnElement[Any] | None = None,
    x: sa.ColumnElement[Any] | None = None,
    y: sa.ColumnElement[Any] | None = None,
) -> sa.Select[Any]:
    """One part of the UNION ALL, in its common shape (part, stage or reason, label, currency,
    bin, n, x, y)."""
    return sa.select(
        sa.literal(part, sa.Text).label("part"),
        (_null(_UUID) if stage_id is None else stage_id).label("stage_id"),
        (_null(sa.Text) if label is None else sa.cast(label, sa.Text)).label("label"),
        (_null(sa.Text) if currency is None else sa.cast(currency, sa.Text)).label("currency"),
        (_null(sa.SmallInteger) if bin_ is None else bin_).label("bin"),
        sa.cast(n, sa.BigInteger).label("n"),
        (_null(sa.Numeric) if x is None else sa.cast(x, sa.Numeric)).label("x"),
        (_null(sa.Numeric) if y is None else sa.cast(y, sa.Numeric)).label("y"),
    )


def _department_subtree(organisation_id: UUID, department_id: UUID) -> sa.Select[Any]:
    """The ids of the department and of every department below it (a recursive CTE, nested in
    the subquery that uses it: a statement may filter several of its parts by a department)."""
    top = (
        sa.select(departments.c.id)
        .where(departments.c.organisation_id == organisation_id, departments.c.id == department_id)
        .cte("subtree", recursive=True, nesting=True)
    )
    below = departments.alias("below")
    subtree = top.union(
        sa.select(below.c.id).where(
            below.c.organisation_id == organisation_id, below.c.parent_id == top.c.id
        )
    )
    return sa.select(subtree.c.id)


def _month_after(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _buckets(first_day: date, last_day: date) -> list[tuple[bool, date, date]]:
    """The rollup buckets that make up the days first_day..last_day exactly, as (is_month,
    first bucket, last bucket) ranges: the calendar months wholly inside as month buckets, the
    days before and after them as day buckets."""
    months_from = first_day if first_day.day == 1 else _month_after(first_day)
    months_until = (last_day + timedelta(days=1)).replace(day=1)  # exclusive
    if months_from >= months_until:
        return [(False, first_day, last_day)]
    last_month = (months_until - timedelta(days=1)).replace(day=1)
    ranges = [(True, months_from, last_month)]
    if first_day < months_from:
        ranges.append((False, first_day, months_from - timedelta(days=1)))
    if months_until <= last_day:
        ranges.append((False, months_until, last_day))
    return ranges


def _cohort(
    scope: Scope, q: CohortQuery, owners: list[UUID] | None, t: sa.Table | sa.Alias
) -> list[sa.ColumnElement[bool]]:
    """The cohort's filters but the period, on a table with the deals' responsible_id."""
    org = scope.organisation_id
    conditions: list[sa.ColumnElement[bool]] = [
        t.c.organisation_id == org,
        t.c.funnel_id == q.funnel_id,
        owned_by(t.c.responsible_id, owners),
    ]
    if q.responsible_id is not None:
        conditions.append(t.c.responsible_id == q.responsible_id)
    if q.department_id is not None:
        conditions.append(
            t.c.responsible_id.in_(
                sa.select(users.c.id).where(
                    users.c.organisation_id == org,
                    users.c.department_id.in_(_department_subtree(org, q.department_id)),
                )
            )
        )
    return conditions


def _rolled_up(scope: Scope, q: CohortQuery, owners: list[UUID] | None, t: sa.Table) -> list[Any]:
    """The cohort's rollup rows of ``t``: its filters, and the period as buckets."""
    conditions = _cohort(scope, q, owners, t)
    conditions.append(
        sa.or_(
            *(
                sa.and_(t.c.is_month.is_(is_month), t.c.bucket.between(first, last))
                for is_month, first, last in _buckets(q.first_day, q.last_day)
            )
        )
    )
    if q.source is not None:
        conditions.append(t.c.source_key == q.source)
    return conditions


def _statement(scope: Scope, q: CohortQuery, owners: list[UUID] | None) -> sa.CompoundSelect[Any]:
    now = sa.literal(q.now, sa.DateTime(timezone=True))
    live = [
        *_cohort(scope, q, owners, deals),
        deals.c.status == DealStatus.OPEN.value,
        deals.c.created_at >= q.starts_at,
        deals.c.created_at < q.ends_at,
    ]
    if q.source is not None:
        live.append(deals.c.source_channel == q.source)
    open_deals = (
        sa.select(
            deals.c.stage_id,
            sa.extract("epoch", now - deals.c.stage_entered_at).label("in_stage"),
            # The stage in a subquery, not a join: joined, the planner drives the cohort from
            # the stages and the deals' stage index instead of the period's range.
            sa.exists()
            .where(
                stages.c.organisation_id == deals.c.organisation_id,
                stages.c.id == deals.c.stage_id,
                stale_sql(q.now),
            )
            .label("stale"),
        )
        .where(*live)
        .subquery("open_deals")
    )
    in_stage_bin = sa.func.funnel_rollup_bin(open_deals.c.in_stage)
    s, b, d = funnel_cohort_stages, funnel_cohort_bins, funnel_cohort_deals
    reason = sa.case((d.c.loss_reason_key == _NIL, None), else_=d.c.loss_reason_key)
    parts = [
        _row(
            "stage",
            stage_id=s.c.stage_id,
            n=sa.func.sum(s.c.reached),
            x=sa.func.sum(s.c.stays),
            y=sa.func.sum(s.c.stay_seconds),
        )
        .where(*_rolled_up(scope, q, owners, s))
        .group_by(s.c.stage_id),
        _row("bin", stage_id=b.c.stage_key, bin_=b.c.bin, n=sa.func.sum(b.c.n))
        .where(*_rolled_up(scope, q, owners, b))
        .group_by(b.c.stage_key, b.c.bin),
        _row(
            "open",
            stage_id=open_deals.c.stage_id,
            bin_=in_stage_bin,
            n=sa.func.count(),
            x=sa.func.sum(open_deals.c.in_stage),
            y=sa.func.count().filter(open_deals.c.stale),
        ).group_by(open_deals.c.stage_id, in_stage_bin),
        _row(
            "deals",
            stage_id=reason,
            label=sa.func.concat(d.c.status, " ", loss_reasons.c.name),
            currency=d.c.currency,
            n=sa.func.sum(d.c.deals),
            x=sa.func.sum(d.c.amount),
            y=sa.func.sum(d.c.cycle_seconds),
        )
        .select_from(
            d.outerjoin(
                loss_reasons,
                sa.and_(
                    loss_reasons.c.organisation_id == d.c.organisation_id,
                    loss_reasons.c.id == d.c.loss_reason_key,
                ),
            )
        )
        .where(*_rolled_up(scope, q, owners, d))
        .group_by(d.c.status, d.c.currency, d.c.loss_reason_key, loss_reasons.c.name),
    ]
    return sa.union_all(*parts)


@dataclass(slots=True)
class _Stage:
    reached: int = 0
    stays: int = 0
    seconds: Decimal = Decimal(0)
    stale: int = 0
    bins: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def figures(self, stage_id: UUID) -> StageFigures:
        return StageFigures(
            stage_id,
            reached=self.reached,
            stays=self.stays,
            average_seconds=self.seconds / self.stays if self.stays else None,
            median_seconds=histogram.median(self.bins),
            stale=self.stale,
        )


def _figures(rows: Any) -> CohortFigures:
    """The grouped rows folded into the cohort's figures (a few hundred rows at most)."""
    stage: dict[UUID, _Stage] = defaultdict(_Stage)
    cycle_bins: dict[int, int] = defaultdict(int)
    statuses: dict[str, int] = defaultdict(int)
    won: list[CurrencyAmount] = []
    cycle_seconds = Decimal(0)
    reasons: dict[UUID | None, tuple[str | None, list[CurrencyAmount]]] = {}
    for r in rows:
        match r.part:
            case "stage":
                found = stage[r.stage_id]
                found.reached += r.n
                found.stays += int(r.x)
                found.seconds += r.y
            case "bin" if r.stage_id == _NIL:
                cycle_bins[r.bin] += r.n
            case "bin":
                stage[r.stage_id].bins[r.bin] += r.n
            case "open":
                found = stage[r.stage_id]
                found.stays += r.n
                found.seconds += r.x
                found.stale += int(r.y)
                found.bins[r.bin] += r.n
            case "deals" if r.n:
                status, _, name = r.label.partition(" ")
                statuses[status] += r.n
                if status == DealStatus.WON.value:
                    won.append(CurrencyAmount(r.currency, r.n, r.x))
                    cycle_seconds += r.y
                elif status == DealStatus.LOST.value:
                    _, amounts = reasons.setdefault(r.stage_id, (name or None, []))
                    amounts.append(CurrencyAmount(r.currency, r.n, r.x))
    won_count = statuses.get(DealStatus.WON.value, 0)
    return CohortFigures(
        deals=sum(statuses.values()),
        won=won_count,
        lost=statuses.get(DealStatus.LOST.value, 0),
        stages=tuple(
            found.figures(stage_id)
            for stage_id, found in stage.items()
            if found.reached or found.stays or found.stale
        ),
        won_amounts=tuple(won),
        cycle_average_seconds=cycle_seconds / won_count if won_count else None,
        cycle_median_seconds=histogram.median(cycle_bins),
        loss_reasons=tuple(
            LossReasonFigures(reason_id, name, tuple(amounts))
            for reason_id, (name, amounts) in reasons.items()
        ),
    )


class SqlFunnelAnalyticsQueries:
    """Reads only, each on a connection of its own from the engine: nothing here takes part in
    a unit of work's transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def user_visible(self, scope: Scope, user_id: UUID) -> bool:
        query = sa.select(sa.literal(1)).where(
            users.c.organisation_id == scope.organisation_id,
            users.c.id == user_id,
            visible(users.c.id, scope),
        )
        async with self._engine.connect() as conn:
            return (await conn.scalar(query)) is not None

    async def department_visible(self, scope: Scope, department_id: UUID) -> bool:
        if scope.visibility is Visibility.OWN:
            return False
        if scope.visibility is Visibility.TEAM and department_id not in scope.department_ids:
            return False
        query = sa.select(sa.literal(1)).where(
            departments.c.organisation_id == scope.organisation_id,
            departments.c.id == department_id,
        )
        async with self._engine.connect() as conn:
            return (await conn.scalar(query)) is not None

    async def cohort(self, scope: Scope, query: CohortQuery) -> CohortFigures:
        async with self._engine.connect() as conn:
            await plan_with_values(conn)
            owners = await visible_owner_ids(conn, scope)
            rows = await conn.execute(_statement(scope, query, owners))
            return _figures(rows)
