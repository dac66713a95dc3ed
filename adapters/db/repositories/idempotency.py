"""Idempotency records in SQL, each operation in its own short transaction: the claim must be
visible to a concurrent retry before the request's own transaction commits."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.tables.records import idempotency_records as records
from domain.platform.idempotency import ABANDONED_AFTER, RETENTION, IdempotencyRecord

_ATTEMPTS = 3


class SqlIdempotencyStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def claim(self, record: IdempotencyRecord, *, now: datetime) -> IdempotencyRecord | None:
        values = {
            "organisation_id": record.organisation_id,
            "principal": record.principal,
            "key": record.key,
            "method": record.method,
            "path": record.path,
            "request_hash": record.request_hash,
            "status_code": None,
            "response_body": None,
            "response_headers": {},
            "created_at": record.created_at,
        }
        stmt = insert(records).values(**values)
        takeover = stmt.on_conflict_do_update(
            constraint="pk_idempotency_records",
            set_={k: stmt.excluded[k] for k in values if k not in _PK},
            where=sa.or_(
                records.c.created_at < now - RETENTION,
                sa.and_(
                    records.c.status_code.is_(None), records.c.created_at < now - ABANDONED_AFTER
                ),
            ),
        ).returning(records.c.key)
        for _ in range(_ATTEMPTS):
            async with self._engine.begin() as conn:
                if (await conn.execute(takeover)).first() is not None:
                    return None
                row = (await conn.execute(sa.select(records).where(*_pk_of(record)))).one_or_none()
            if row is not None:
                found = dict(row._mapping)
                found["response_headers"] = found["response_headers"] or {}
                return IdempotencyRecord(**found)
            # Released between our insert and our read: try again.
        raise RuntimeError("idempotency record could not be claimed")

    async def complete(
        self,
        record: IdempotencyRecord,
        *,
        status_code: int,
        body: str,
        headers: dict[str, str],
    ) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                sa.update(records)
                .where(*_pk_of(record), records.c.request_hash == record.request_hash)
                .values(status_code=status_code, response_body=body, response_headers=headers)
            )

    async def release(self, record: IdempotencyRecord) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                sa.delete(records).where(
                    *_pk_of(record),
                    records.c.request_hash == record.request_hash,
                    records.c.status_code.is_(None),
                )
            )

    async def purge(self, *, before: datetime) -> int:
        async with self._engine.begin() as conn:
            result = await conn.execute(sa.delete(records).where(records.c.created_at < before))
        return int(result.rowcount or 0)


_PK = ("organisation_id", "principal", "key")


def _pk_of(record: IdempotencyRecord) -> tuple[sa.ColumnElement[bool], ...]:
    return (
        records.c.organisation_id == record.organisation_id,
        records.c.principal == record.principal,
        records.c.key == record.key,
    )
