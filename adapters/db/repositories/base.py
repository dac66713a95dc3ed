"""Helpers shared by the SQL repositories."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.shared.errors import NotFound, PreconditionFailed
from domain.shared.events import DomainEvent, EventSource, take_events
from domain.shared.scope import Scope

EventCollector = Callable[[list[DomainEvent]], None]


def discard_events(events: list[DomainEvent]) -> None:
    """Outside a unit of work (seeding, one-off reads) nobody collects events."""


_CUSTOM_PLANS = sa.text("SET LOCAL plan_cache_mode = force_custom_plan")
_CACHED_PROBES = sa.text("SET LOCAL random_page_cost = 1.1")


async def plan_with_values(conn: AsyncConnection) -> None:
    """Has PostgreSQL plan the rest of this transaction's statements for their values.

    asyncpg prepares each statement once per pooled connection, and from its sixth execution
    PostgreSQL may keep a generic plan, made without the values: it cannot tell that a
    ``status = $1`` is 'open' (so a partial index on open deals is out), how long the period
    is, nor which organisation. For the analytics' aggregates over a period that plan is often
    far worse: at 1,000,000 deals plan fulfilment went from 0.2 to 2.5 s from the sixth request
    on, the funnel analytics for a quarter from 170 to 330 ms, the sales structure from 185 to
    290 ms. Planning again costs under a millisecond against statements of tens or hundreds.
    LOCAL: the hot statements of the lists and cards on the same connection keep their cached
    plans."""
    await conn.execute(_CUSTOM_PLANS)


async def price_index_probes_as_cached(conn: AsyncConnection) -> None:
    """Has PostgreSQL price the rest of this transaction's random page reads as cached ones.

    Paid turnover (billing's ``payments_received``: ABC by turnover, plan fulfilment) reaches
    each payment's invoice and deal by an index-only probe (migration 0037). At the default
    ``random_page_cost`` of 4 (a disk seek) PostgreSQL prices 15,000 probes above a parallel
    scan of every invoice and hashes them all: at 1,000,000 deals ABC by turnover for a quarter
    took 130-210 ms that way and 80 ms by the probes, plan fulfilment 120-140 ms against 55.
    1.1 is the usual figure for data in memory or on SSDs. Only for these statements: the
    sales structure's bitmap scans of its rollup got slower under it. LOCAL, as above."""
    await conn.execute(_CACHED_PROBES)


class SqlRepository:
    def __init__(
        self, connection: AsyncConnection, collect: EventCollector = discard_events
    ) -> None:
        self._conn = connection
        self._collect_events = collect

    def _collect(self, entity: EventSource) -> None:
        """Hand the events a saved entity recorded to the unit of work (once each)."""
        if entity.events:
            self._collect_events(take_events(entity))

    async def _newest_first(
        self,
        table: sa.Table,
        *conditions: sa.ColumnElement[bool],
        limit: int,
        after: tuple[datetime, UUID] | None,
    ) -> Sequence[sa.RowMapping]:
        """A keyset page of ``table``'s rows matching ``conditions``, newest first by
        (created_at, id), after the cursor ``after``."""
        query = sa.select(table).where(*conditions)
        if after is not None:
            query = query.where(sa.tuple_(table.c.created_at, table.c.id) < sa.tuple_(*after))
        rows = await self._conn.execute(
            query.order_by(table.c.created_at.desc(), table.c.id.desc()).limit(limit)
        )
        return [row._mapping for row in rows]

    async def _update_versioned(
        self,
        table: sa.Table,
        *,
        entity: str,
        ident: UUID,
        organisation_id: UUID | None,
        expected_version: int,
        values: dict[str, Any],
    ) -> None:
        """Optimistic concurrency: the row changes only if nobody changed it since
        ``expected_version`` was read; otherwise the caller is told its view is stale."""
        # organisation_id None: the row is the organisation itself.
        tenant = (
            sa.true() if organisation_id is None else table.c.organisation_id == organisation_id
        )
        result = await self._conn.execute(
            sa.update(table)
            .where(table.c.id == ident, tenant, table.c.version == expected_version)
            .values(**values, version=expected_version + 1)
        )
        if result.rowcount == 1:
            return
        exists = await self._conn.scalar(
            sa.select(sa.literal(1)).where(table.c.id == ident, tenant)
        )
        if exists is None:
            raise NotFound(entity, ident)
        raise PreconditionFailed(f"{entity} was changed by someone else; reload and try again")


def in_organisation(table: sa.Table, scope: Scope) -> sa.ColumnElement[bool]:
    return table.c.organisation_id == scope.organisation_id
