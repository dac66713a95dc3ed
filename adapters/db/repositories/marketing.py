"""Marketing costs, and effectiveness counted by PostgreSQL: one grouped row per source and
campaign (costs full-joined with the deals created in the months), and with a funnel one row
per source, campaign and stage entered; never the deals themselves."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from adapters.db.repositories.base import SqlRepository, plan_with_values
from adapters.db.repositories.visibility import owned_by, visible_owner_ids
from adapters.db.tables.deals import deals, stage_moves
from adapters.db.tables.funnels import funnels, stages
from adapters.db.tables.marketing import marketing_costs
from domain.marketing.model import MarketingCost, SourceFigures
from domain.marketing.ports import CostFilter, FiguresQuery
from domain.shared.errors import Conflict
from domain.shared.scope import Scope


def _cost(row: Any) -> MarketingCost:
    return MarketingCost(
        id=row.id,
        organisation_id=row.organisation_id,
        month=row.month,
        source=row.source,
        campaign=row.campaign,
        amount=row.amount,
        currency=row.currency,
        comment=row.comment,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


class SqlMarketingRepository(SqlRepository):
    async def add(self, cost: MarketingCost) -> None:
        result = await self._conn.execute(
            insert(marketing_costs)
            .values(
                id=cost.id,
                organisation_id=cost.organisation_id,
                month=cost.month,
                source=cost.source,
                campaign=cost.campaign,
                amount=cost.amount,
                currency=cost.currency,
                comment=cost.comment,
                created_by=cost.created_by,
                created_at=cost.created_at,
                updated_at=cost.updated_at,
            )
            .on_conflict_do_nothing()
        )
        if result.rowcount == 0:
            raise Conflict(
                "This month already has a cost for the source and campaign; change that one"
            )

    async def get(self, organisation_id: UUID, cost_id: UUID) -> MarketingCost | None:
        row = (
            await self._conn.execute(
                sa.select(marketing_costs)
                .where(
                    marketing_costs.c.organisation_id == organisation_id,
                    marketing_costs.c.id == cost_id,
                )
                .with_for_update()
            )
        ).one_or_none()
        return None if row is None else _cost(row)

    async def update(self, cost: MarketingCost, expected_version: int) -> None:
        await self._update_versioned(
            marketing_costs,
            entity="Marketing cost",
            ident=cost.id,
            organisation_id=cost.organisation_id,
            expected_version=expected_version,
            values={"amount": cost.amount, "comment": cost.comment, "updated_at": cost.updated_at},
        )
        cost.version = expected_version + 1

    async def delete(self, organisation_id: UUID, cost_id: UUID) -> None:
        await self._conn.execute(
            sa.delete(marketing_costs).where(
                marketing_costs.c.organisation_id == organisation_id,
                marketing_costs.c.id == cost_id,
            )
        )

    async def list(
        self,
        organisation_id: UUID,
        filters: CostFilter,
        *,
        limit: int,
        after: tuple[date, UUID] | None,
    ) -> Sequence[MarketingCost]:
        c = marketing_costs.c
        query = sa.select(marketing_costs).where(c.organisation_id == organisation_id)
        if filters.first_month is not None:
            query = query.where(c.month >= filters.first_month)
        if filters.last_month is not None:
            query = query.where(c.month <= filters.last_month)
        if filters.source is not None:
            query = query.where(c.source == filters.source)
        if after is not None:
            query = query.where(sa.tuple_(c.month, c.id) < sa.tuple_(*after))
        rows = await self._conn.execute(query.order_by(c.month.desc(), c.id.desc()).limit(limit))
        return [_cost(r) for r in rows]

    async def funnel_stages(
        self, organisation_id: UUID, funnel_id: UUID
    ) -> Sequence[tuple[UUID, str]] | None:
        exists = await self._conn.scalar(
            sa.select(sa.literal(1)).where(
                funnels.c.organisation_id == organisation_id, funnels.c.id == funnel_id
            )
        )
        if exists is None:
            return None
        rows = await self._conn.execute(
            sa.select(stages.c.id, stages.c.name)
            .where(stages.c.organisation_id == organisation_id, stages.c.funnel_id == funnel_id)
            .order_by(stages.c.position, stages.c.id)
        )
        return [(r.id, r.name) for r in rows]

    async def figures(self, scope: Scope, query: FiguresQuery) -> Sequence[SourceFigures]:
        await plan_with_values(self._conn)
        owners = await visible_owner_ids(self._conn, scope)
        org = scope.organisation_id
        costs = (
            sa.select(
                marketing_costs.c.source,
                marketing_costs.c.campaign,
                sa.func.sum(marketing_costs.c.amount).label("cost"),
            )
            .where(
                marketing_costs.c.organisation_id == org,
                marketing_costs.c.month >= query.first_month,
                marketing_costs.c.month < query.end_month,
                marketing_costs.c.currency == query.currency,
            )
            .group_by(marketing_costs.c.source, marketing_costs.c.campaign)
            .cte("costs")
        )
        cohort_conditions = (
            deals.c.organisation_id == org,
            deals.c.created_at >= query.starts_at,
            deals.c.created_at < query.ends_at,
            owned_by(deals.c.responsible_id, owners),
        )
        won = deals.c.status == "won"
        cohort = (
            sa.select(
                deals.c.source_channel.label("source"),
                deals.c.source_campaign.label("campaign"),
                sa.func.count().label("leads"),
                sa.func.count().filter(won).label("won"),
                sa.func.sum(deals.c.amount)
                .filter(won, deals.c.currency == query.currency)
                .label("revenue"),
            )
            .where(*cohort_conditions)
            .group_by(deals.c.source_channel, deals.c.source_campaign)
            .cte("cohort")
        )
        joined = sa.select(
            sa.func.coalesce(costs.c.source, cohort.c.source).label("source"),
            sa.func.coalesce(costs.c.campaign, cohort.c.campaign).label("campaign"),
            sa.func.coalesce(costs.c.cost, 0).label("cost"),
            sa.func.coalesce(cohort.c.leads, 0).label("leads"),
            sa.func.coalesce(cohort.c.won, 0).label("won"),
            sa.func.coalesce(cohort.c.revenue, 0).label("revenue"),
        ).select_from(
            costs.join(
                cohort,
                sa.and_(
                    costs.c.source == cohort.c.source,
                    costs.c.campaign.is_not_distinct_from(cohort.c.campaign),
                ),
                full=True,
            )
        )
        rows = list(await self._conn.execute(joined))
        reached: dict[tuple[str | None, str | None], dict[UUID, int]] = {}
        if query.funnel_id is not None:
            per_stage = (
                sa.select(
                    deals.c.source_channel,
                    deals.c.source_campaign,
                    stage_moves.c.to_stage_id,
                    sa.func.count(sa.distinct(deals.c.id)).label("deals"),
                )
                .select_from(
                    deals.join(
                        stage_moves,
                        sa.and_(
                            stage_moves.c.organisation_id == deals.c.organisation_id,
                            stage_moves.c.deal_id == deals.c.id,
                        ),
                    )
                )
                .where(
                    *cohort_conditions,
                    deals.c.funnel_id == query.funnel_id,
                    stage_moves.c.to_stage_id.is_not(None),
                )
                .group_by(
                    deals.c.source_channel, deals.c.source_campaign, stage_moves.c.to_stage_id
                )
            )
            for r in await self._conn.execute(per_stage):
                key = (r.source_channel, r.source_campaign)
                reached.setdefault(key, {})[r.to_stage_id] = int(r.deals)
        return [
            SourceFigures(
                source=r.source,
                campaign=r.campaign,
                cost=Decimal(r.cost),
                leads=int(r.leads),
                won=int(r.won),
                revenue=Decimal(r.revenue),
                stages=reached.get((r.source, r.campaign), {}),
            )
            for r in rows
        ]
