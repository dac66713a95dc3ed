"""SQL repository of saved filters: every query names the organisation and the owner."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from adapters.db.repositories.base import SqlRepository
from adapters.db.tables.platform import saved_filters
from domain.platform.saved_filters import SavedFilter, SavedFilterList

t = saved_filters


def _owned(organisation_id: UUID, user_id: UUID) -> sa.ColumnElement[bool]:
    return sa.and_(t.c.organisation_id == organisation_id, t.c.user_id == user_id)


class SqlSavedFilterRepository(SqlRepository):
    async def add(self, saved: SavedFilter) -> None:
        await self._conn.execute(
            sa.insert(t).values(
                id=saved.id,
                organisation_id=saved.organisation_id,
                user_id=saved.user_id,
                list=saved.list.value,
                name=saved.name,
                query=saved.query,
                created_at=saved.created_at or sa.func.now(),
            )
        )

    async def get(
        self, organisation_id: UUID, user_id: UUID, filter_id: UUID
    ) -> SavedFilter | None:
        row = (
            await self._conn.execute(
                sa.select(t).where(_owned(organisation_id, user_id), t.c.id == filter_id)
            )
        ).one_or_none()
        return _saved(row._mapping) if row else None

    async def list(
        self, organisation_id: UUID, user_id: UUID, kind: SavedFilterList
    ) -> Sequence[SavedFilter]:
        rows = await self._conn.execute(
            sa.select(t)
            .where(_owned(organisation_id, user_id), t.c.list == kind.value)
            .order_by(sa.func.lower(t.c.name), t.c.id)
        )
        return [_saved(r._mapping) for r in rows]

    async def update(self, saved: SavedFilter) -> None:
        await self._update_versioned(
            t,
            entity="Saved filter",
            ident=saved.id,
            organisation_id=saved.organisation_id,
            expected_version=saved.version,
            values={"name": saved.name, "query": saved.query},
        )
        saved.version += 1

    async def delete(self, organisation_id: UUID, user_id: UUID, filter_id: UUID) -> None:
        await self._conn.execute(
            sa.delete(t).where(_owned(organisation_id, user_id), t.c.id == filter_id)
        )


def _saved(m: Any) -> SavedFilter:
    return SavedFilter(
        id=m["id"],
        organisation_id=m["organisation_id"],
        user_id=m["user_id"],
        list=SavedFilterList(m["list"]),
        name=m["name"],
        query=m["query"],
        created_at=m["created_at"],
        version=m["version"],
    )
