"""The today screen's read model: capped counts and the first rows of the caller's overdue and
today's tasks, stale deals, deals without a next task and unread notifications. Every query is
bounded: counts stop at the cap, lists at their limit, each on an index that starts with the
organisation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from adapters.db.repositories.activities import task_conditions
from adapters.db.repositories.base import SqlRepository
from adapters.db.repositories.deals import without_next_task_sql
from adapters.db.repositories.visibility import owned_by, visible_owner_ids
from adapters.db.tables.activities import notifications, tasks
from adapters.db.tables.clients import clients
from adapters.db.tables.deals import deals
from adapters.db.tables.funnels import stages
from domain.activities.ports import Counted, DealDigest, TaskFilter
from domain.deals.model import DealStatus
from domain.deals.staleness import SECONDS_PER_DAY
from domain.shared.scope import Scope


async def _capped_count(conn: Any, query: sa.Select[Any], cap: int) -> int:
    """How many rows ``query`` yields, reading at most cap + 1 of them."""
    counted = sa.select(sa.func.count()).select_from(query.limit(cap + 1).subquery())
    return int(await conn.scalar(counted) or 0)


class SqlTodayQueries(SqlRepository):
    async def count_tasks(self, scope: Scope, task_filter: TaskFilter, *, cap: int) -> int:
        query = sa.select(sa.literal(1)).select_from(tasks)
        return await _capped_count(
            self._conn, query.where(*task_conditions(scope, task_filter)), cap
        )

    async def count_unread_notifications(self, scope: Scope, user_id: UUID, *, cap: int) -> int:
        query = sa.select(sa.literal(1)).where(
            notifications.c.organisation_id == scope.organisation_id,
            notifications.c.user_id == user_id,
            notifications.c.read_at.is_(None),
        )
        return await _capped_count(self._conn, query, cap)

    async def stale_deals(
        self, scope: Scope, *, now: datetime, limit: int, cap: int
    ) -> Counted[DealDigest]:
        """Per stage with a day limit, the open deals that entered it before the limit: a
        range of the board's partial index (organisation, stage, entered), index-only, each
        stage's range capped, so neither the count nor the page reads past what it needs."""
        owners = await visible_owner_ids(self._conn, scope)
        limited = sa.select(stages.c.id, stages.c.max_days).where(
            stages.c.organisation_id == scope.organisation_id, stages.c.max_days.is_not(None)
        )
        if not (limited_stages := (await self._conn.execute(limited)).all()):
            return Counted(0, False, [])

        def per_stage(stage_id: UUID, max_days: int, rows: int) -> sa.Select[Any]:
            return (
                sa.select(deals.c.id, deals.c.stage_entered_at)
                .where(
                    deals.c.organisation_id == scope.organisation_id,
                    deals.c.status == DealStatus.OPEN.value,
                    deals.c.stage_id == stage_id,
                    deals.c.stage_entered_at < now - timedelta(seconds=max_days * SECONDS_PER_DAY),
                    owned_by(deals.c.responsible_id, owners),
                )
                .order_by(deals.c.stage_entered_at, deals.c.id)
                .limit(rows)
            )

        counted = sa.union_all(*(per_stage(s.id, s.max_days, cap + 1) for s in limited_stages))
        count = int(
            await self._conn.scalar(sa.select(sa.func.count()).select_from(counted.subquery())) or 0
        )
        firsts = sa.union_all(*(per_stage(s.id, s.max_days, limit) for s in limited_stages))
        page = firsts.subquery()
        ids = sa.select(page.c.id).order_by(page.c.stage_entered_at, page.c.id).limit(limit)
        items = await self._digests(scope, list(await self._conn.scalars(ids)))
        return Counted(min(count, cap), count > cap, items)

    async def deals_without_next_task(
        self, scope: Scope, *, limit: int, cap: int
    ) -> Counted[DealDigest]:
        """Open deals (oldest in their stage first) on the (organisation, status, entered)
        index, each checked against the tasks' (organisation, deal) index."""
        owners = await visible_owner_ids(self._conn, scope)
        query = sa.select(deals.c.id).where(
            deals.c.organisation_id == scope.organisation_id,
            owned_by(deals.c.responsible_id, owners),
            *without_next_task_sql(),
        )
        count = await _capped_count(self._conn, query, cap)
        ids = query.order_by(deals.c.stage_entered_at, deals.c.id).limit(limit)
        items = await self._digests(scope, list(await self._conn.scalars(ids)))
        return Counted(min(count, cap), count > cap, items)

    async def _digests(self, scope: Scope, ids: Sequence[UUID]) -> list[DealDigest]:
        """These deals with their client's and stage's names, in the order given."""
        if not ids:
            return []
        joined = deals.join(
            clients,
            sa.and_(
                clients.c.organisation_id == deals.c.organisation_id,
                clients.c.id == deals.c.client_id,
            ),
        ).join(
            stages,
            sa.and_(
                stages.c.organisation_id == deals.c.organisation_id,
                stages.c.id == deals.c.stage_id,
            ),
        )
        rows = await self._conn.execute(
            sa.select(
                deals.c.id,
                deals.c.title,
                deals.c.client_id,
                clients.c.name.label("client_name"),
                deals.c.stage_id,
                stages.c.name.label("stage_name"),
                deals.c.stage_entered_at,
                deals.c.amount,
                deals.c.currency,
                deals.c.responsible_id,
            )
            .select_from(joined)
            .where(deals.c.organisation_id == scope.organisation_id, deals.c.id.in_(ids))
        )
        found = {r.id: DealDigest(**r._mapping) for r in rows}
        return [found[i] for i in ids if i in found]
