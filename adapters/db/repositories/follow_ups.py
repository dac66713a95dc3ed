"""SQL repository of relationship follow-up settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from adapters.db.repositories.base import SqlRepository, in_organisation
from adapters.db.tables.clients import relationship_follow_ups
from domain.clients.model import RelationshipFollowUp, RelationshipType
from domain.shared.scope import Scope


class SqlRelationshipFollowUpRepository(SqlRepository):
    async def add(self, follow_up: RelationshipFollowUp) -> None:
        await self._conn.execute(
            sa.insert(relationship_follow_ups).values(
                id=follow_up.id,
                organisation_id=follow_up.organisation_id,
                **_follow_up_values(follow_up),
            )
        )

    async def get(self, scope: Scope, follow_up_id: UUID) -> RelationshipFollowUp | None:
        t = relationship_follow_ups
        row = (
            await self._conn.execute(
                sa.select(t).where(in_organisation(t, scope), t.c.id == follow_up_id)
            )
        ).one_or_none()
        return _follow_up(row._mapping) if row else None

    async def list(
        self, scope: Scope, relationship_type: RelationshipType | None = None
    ) -> Sequence[RelationshipFollowUp]:
        t = relationship_follow_ups
        query = sa.select(t).where(in_organisation(t, scope))
        if relationship_type is not None:
            query = query.where(t.c.relationship_type == relationship_type.value)
        query = query.order_by(t.c.relationship_type, t.c.created_at, t.c.id)
        return [_follow_up(r._mapping) for r in await self._conn.execute(query)]

    async def update(self, follow_up: RelationshipFollowUp, expected_version: int) -> None:
        await self._update_versioned(
            relationship_follow_ups,
            entity="Follow-up",
            ident=follow_up.id,
            organisation_id=follow_up.organisation_id,
            expected_version=expected_version,
            values=_follow_up_values(follow_up),
        )
        follow_up.version = expected_version + 1

    async def delete(self, scope: Scope, follow_up_id: UUID) -> None:
        t = relationship_follow_ups
        await self._conn.execute(
            sa.delete(t).where(in_organisation(t, scope), t.c.id == follow_up_id)
        )


def _follow_up_values(f: RelationshipFollowUp) -> dict[str, Any]:
    return {
        "relationship_type": f.relationship_type.value,
        "task_title": f.task_title,
        "due_in_days": f.due_in_days,
        "priority": f.priority,
        "is_active": f.is_active,
    }


def _follow_up(m: Any) -> RelationshipFollowUp:
    return RelationshipFollowUp(
        id=m["id"],
        organisation_id=m["organisation_id"],
        relationship_type=RelationshipType(m["relationship_type"]),
        task_title=m["task_title"],
        due_in_days=m["due_in_days"],
        priority=m["priority"],
        is_active=m["is_active"],
        created_at=m["created_at"],
        version=m["version"],
    )
