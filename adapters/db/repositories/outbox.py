"""The transactional outbox: events written with the change that raised them, claimed by the
worker's dispatcher after commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from adapters.db.repositories.base import SqlRepository
from adapters.db.tables.platform import outbox_events
from domain.shared.events import DEPTH_KEY, DomainEvent, causation_depth, to_payload


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: UUID
    organisation_id: UUID
    name: str
    payload: dict[str, Any]
    attempts: int


def _the(row: OutboxRow) -> sa.ColumnElement[bool]:
    return sa.and_(
        outbox_events.c.organisation_id == row.organisation_id, outbox_events.c.id == row.id
    )


class SqlOutbox(SqlRepository):
    async def add_many(self, events: Sequence[DomainEvent]) -> None:
        if not events:
            return
        # Events raised by automation rules carry how deep the chain of rules is.
        depth = causation_depth.get()
        extra = {DEPTH_KEY: depth} if depth else {}
        await self._conn.execute(
            sa.insert(outbox_events).values(
                [
                    {
                        "id": event.event_id,
                        "organisation_id": event.organisation_id,
                        "name": event.name,
                        "payload": {**to_payload(event), **extra},
                        "occurred_at": event.occurred_at,
                        "actor_user_id": event.actor_id,
                        # Ordered within the transaction, so the dispatcher keeps the order.
                        "created_at": sa.func.clock_timestamp(),
                        "next_attempt_at": sa.func.clock_timestamp(),
                    }
                    for event in events
                ]
            )
        )

    async def claim(
        self,
        *,
        lease: timedelta,
        organisation_id: UUID | None = None,
        ids: Sequence[UUID] | None = None,
        older_than: timedelta = timedelta(0),
        limit: int = 100,
    ) -> list[OutboxRow]:
        """Lease undispatched rows (the given ``ids`` of ``organisation_id``, or every row due
        at least ``older_than`` ago) to this dispatcher: others skip them until the lease
        ends, and a dispatcher that dies leaves them to the sweeper. Times are the database's,
        not the domain clock's: this is delivery machinery, not business time."""
        now = sa.func.clock_timestamp()
        t = outbox_events
        chosen = (
            sa.select(t.c.organisation_id, t.c.id)
            .where(
                t.c.dispatched_at.is_(None),
                t.c.next_attempt_at <= now - older_than,
                t.c.organisation_id == organisation_id if organisation_id else sa.true(),
                t.c.id.in_(ids) if ids is not None else sa.true(),
            )
            .order_by(t.c.next_attempt_at, t.c.created_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        result = await self._conn.execute(
            sa.update(outbox_events)
            .where(sa.tuple_(t.c.organisation_id, t.c.id).in_(chosen))
            .values(next_attempt_at=now + lease, attempts=outbox_events.c.attempts + 1)
            .returning(
                outbox_events.c.id,
                outbox_events.c.organisation_id,
                outbox_events.c.name,
                outbox_events.c.payload,
                outbox_events.c.attempts,
                outbox_events.c.created_at,
            )
        )
        rows = sorted(result.all(), key=lambda row: row.created_at)
        return [
            OutboxRow(
                id=row.id,
                organisation_id=row.organisation_id,
                name=row.name,
                payload=row.payload,
                attempts=row.attempts,
            )
            for row in rows
        ]

    async def mark_dispatched(self, row: OutboxRow) -> None:
        await self._conn.execute(
            sa.update(outbox_events)
            .where(_the(row))
            .values(dispatched_at=sa.func.clock_timestamp(), last_error=None)
        )

    async def mark_failed(self, row: OutboxRow, *, retry_in: timedelta, error: str) -> None:
        await self._conn.execute(
            sa.update(outbox_events)
            .where(_the(row))
            .values(next_attempt_at=sa.func.clock_timestamp() + retry_in, last_error=error[:2000])
        )
