"""Comparing a rollup the triggers keep with what its rebuild function computes from the rows it
is derived from: the test of every rollup (sales, funnel cohorts) after each story."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.bootstrap import Container

Rows = dict[str, set[tuple[Any, ...]]]
# A rollup table and what makes one of its rows count (None: every row does). The triggers leave
# a row at zero where the rebuild writes none, and the two must compare equal.
Counted = tuple[sa.Table, sa.ColumnElement[bool] | None]


async def rollup_rows(conn: AsyncConnection, org: uuid.UUID, tables: Sequence[Counted]) -> Rows:
    """The organisation's rows of each table that count."""
    found: Rows = {}
    for table, counts in tables:
        query = sa.select(table).where(table.c.organisation_id == org)
        if counts is not None:
            query = query.where(counts)
        found[table.name] = {tuple(r) for r in await conn.execute(query)}
    return found


async def kept_and_rebuilt(
    container: Container, org: uuid.UUID, rebuild: str, tables: Sequence[Counted]
) -> tuple[Rows, Rows]:
    """The rows the triggers kept, and the ones the SQL function ``rebuild(org)`` computes in
    their place, in a transaction rolled back: the kept rows stay under test for the next story
    instead of being repaired by it."""
    async with container.engine.connect() as conn, conn.begin() as transaction:
        kept = await rollup_rows(conn, org, tables)
        await conn.execute(sa.select(getattr(sa.func, rebuild)(org)))
        rebuilt = await rollup_rows(conn, org, tables)
        await transaction.rollback()
    return kept, rebuilt
