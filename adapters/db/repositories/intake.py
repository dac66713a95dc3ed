"""Forms and the inbox in PostgreSQL, the public endpoint's one-statement writer and its
cached form directory."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.repositories.base import SqlRepository, in_organisation
from adapters.db.tables.deals import deals
from adapters.db.tables.intake import intake_forms, intake_inbox
from adapters.db.tables.staff import roles, users
from domain.intake.model import (
    DistributionKind,
    DistributionRule,
    Form,
    FormRoute,
    InboxItem,
    InboxState,
    LeadField,
    Source,
)
from domain.shared.scope import Scope
from domain.staff.permissions import ADMIN_ROLE_CODE

LIST_BODY_EXCERPT = 2048
_STORE = """
INSERT INTO intake_inbox (
    id, organisation_id, source, provider, channel_id, event_key, received_at, remote_addr,
    content_type, headers, body, body_size, state, attempts, next_attempt_at, last_error,
    processed_at, lead
) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15, $16, $17,
    $18::jsonb)
ON CONFLICT (organisation_id, source, event_key) DO NOTHING
RETURNING id
"""


class SqlIntakeRepository(SqlRepository):
    # --- forms ----------------------------------------------------------------------------

    async def add_form(self, form: Form) -> None:
        await self._conn.execute(
            sa.insert(intake_forms).values(
                id=form.id,
                organisation_id=form.organisation_id,
                key=form.key,
                created_at=form.created_at or sa.func.now(),
                **_form_values(form),
            )
        )

    async def get_form(self, scope: Scope, form_id: UUID) -> Form | None:
        t = intake_forms
        row = (
            await self._conn.execute(
                sa.select(t).where(in_organisation(t, scope), t.c.id == form_id)
            )
        ).first()
        return _form(row._mapping) if row else None

    async def list_forms(
        self, scope: Scope, *, limit: int, after: tuple[datetime, UUID] | None = None
    ) -> Sequence[Form]:
        t = intake_forms
        rows = await self._newest_first(t, in_organisation(t, scope), limit=limit, after=after)
        return [_form(row) for row in rows]

    async def update_form(self, form: Form, expected_version: int) -> None:
        await self._update_versioned(
            intake_forms,
            entity="Form",
            ident=form.id,
            organisation_id=form.organisation_id,
            expected_version=expected_version,
            values=_form_values(form),
        )
        form.version = expected_version + 1

    async def delete_form(self, scope: Scope, form_id: UUID) -> None:
        t = intake_forms
        await self._conn.execute(sa.delete(t).where(in_organisation(t, scope), t.c.id == form_id))

    # --- the inbox ------------------------------------------------------------------------

    async def get_item(self, scope: Scope, item_id: UUID) -> InboxItem | None:
        t = intake_inbox
        row = (
            await self._conn.execute(
                sa.select(t).where(in_organisation(t, scope), t.c.id == item_id)
            )
        ).first()
        return _item(row._mapping) if row else None

    async def list_items(
        self,
        scope: Scope,
        *,
        states: Sequence[InboxState] = (),
        sources: Sequence[Source] = (),
        channel_id: UUID | None = None,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[InboxItem]:
        t = intake_inbox
        # A page shows the beginning of each body; GET of one item has all of it.
        columns = [c for c in t.c if c.name != "body"]
        excerpt = sa.func.substring(t.c.body, 1, LIST_BODY_EXCERPT).label("body")
        query = sa.select(*columns, excerpt).where(in_organisation(t, scope))
        if states:
            query = query.where(t.c.state.in_([s.value for s in states]))
        if sources:
            query = query.where(t.c.source.in_([s.value for s in sources]))
        if channel_id is not None:
            query = query.where(t.c.channel_id == channel_id)
        if after is not None:
            query = query.where(sa.tuple_(t.c.received_at, t.c.id) < sa.tuple_(*after))
        rows = await self._conn.execute(
            query.order_by(t.c.received_at.desc(), t.c.id.desc()).limit(limit)
        )
        return [_item(row._mapping) for row in rows]

    async def save_item(self, item: InboxItem) -> None:
        t = intake_inbox
        await self._conn.execute(
            sa.update(t)
            .where(t.c.organisation_id == item.organisation_id, t.c.id == item.id)
            .values(
                state=item.state.value,
                attempts=item.attempts,
                next_attempt_at=item.next_attempt_at,
                last_error=item.last_error,
                processed_at=item.processed_at,
                lead=item.lead,
            )
        )
        self._collect(item)

    async def open_deal_of(self, organisation_id: UUID, client_id: UUID) -> UUID | None:
        found: UUID | None = await self._conn.scalar(
            sa.select(deals.c.id)
            .where(
                deals.c.organisation_id == organisation_id,
                deals.c.client_id == client_id,
                deals.c.status == "open",
            )
            .order_by(deals.c.created_at.desc(), deals.c.id.desc())
            .limit(1)
        )
        return found

    async def first_active_admin(self, organisation_id: UUID) -> UUID | None:
        found: UUID | None = await self._conn.scalar(
            sa.select(users.c.id)
            .join(
                roles,
                sa.and_(
                    roles.c.organisation_id == users.c.organisation_id,
                    roles.c.id == users.c.role_id,
                ),
            )
            .where(
                users.c.organisation_id == organisation_id,
                users.c.is_active.is_(True),
                roles.c.code == ADMIN_ROLE_CODE,
            )
            .order_by(users.c.created_at, users.c.id)
            .limit(1)
        )
        return found

    async def active_users(self, organisation_id: UUID, user_ids: Sequence[UUID]) -> set[UUID]:
        if not user_ids:
            return set()
        rows = await self._conn.execute(
            sa.select(users.c.id).where(
                users.c.organisation_id == organisation_id,
                users.c.id.in_(user_ids),
                users.c.is_active.is_(True),
            )
        )
        return {row.id for row in rows}

    async def claim_due(
        self,
        *,
        now: datetime,
        lease: timedelta,
        organisation_id: UUID | None = None,
        ids: Sequence[UUID] | None = None,
        older_than: timedelta = timedelta(0),
        limit: int = 50,
    ) -> Sequence[InboxItem]:
        t = intake_inbox
        chosen = (
            sa.select(t.c.organisation_id, t.c.id)
            .where(
                t.c.state == InboxState.PENDING.value,
                t.c.next_attempt_at <= now - older_than,
                t.c.organisation_id == organisation_id if organisation_id else sa.true(),
                t.c.id.in_(ids) if ids is not None else sa.true(),
            )
            .order_by(t.c.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = await self._conn.execute(
            sa.update(t)
            .where(sa.tuple_(t.c.organisation_id, t.c.id).in_(chosen))
            .values(next_attempt_at=now + lease)
            .returning(*t.c)
        )
        return [_item(row._mapping) for row in rows]


async def _nothing_to_reset(connection: asyncpg.Connection) -> None:
    """The writer's connections run one INSERT in autocommit and nothing else: no SET, LISTEN,
    advisory lock or open transaction for asyncpg's reset to clear. Its default (a statement of
    four commands on every release) cost as much as the INSERT itself."""


class SqlInboxWriter:
    """The public endpoints' hot path: one INSERT in its own transaction, so a request is
    durable before it is answered.

    It runs on a small asyncpg pool of its own, in autocommit (PostgreSQL's implicit
    transaction around one statement) with a statement prepared once per connection and no
    reset on release: storing a post costs one round trip and no statement building, as the
    bare anchor in bench/ does.
    Everything else about the inbox goes through the unit of work."""

    def __init__(
        self, engine: AsyncEngine, *, statement_timeout_ms: int = 5_000, max_size: int = 20
    ) -> None:
        self._engine = engine
        self._dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._timeout_ms = statement_timeout_ms
        self._max_size = max_size
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()

    async def _connections(self) -> asyncpg.Pool:
        if self._pool is None:
            async with self._opening:
                if self._pool is None:
                    self._pool = await asyncpg.create_pool(
                        self._dsn,
                        min_size=1,
                        max_size=self._max_size,
                        server_settings={
                            "application_name": "crm-intake",
                            "statement_timeout": str(self._timeout_ms),
                        },
                        reset=_nothing_to_reset,
                    )
        return self._pool

    async def store(self, item: InboxItem) -> UUID | None:
        pool = await self._connections()
        stored: UUID | None = await pool.fetchval(
            _STORE,
            item.id,
            item.organisation_id,
            item.source.value,
            item.provider,
            item.channel_id,
            item.event_key,
            item.received_at,
            item.remote_addr,
            item.content_type,
            json.dumps(item.headers, ensure_ascii=False),
            item.body,
            item.body_size,
            item.state.value,
            item.attempts,
            item.next_attempt_at,
            item.last_error,
            item.processed_at,
            json.dumps(item.lead, ensure_ascii=False) if item.lead is not None else None,
        )
        return stored

    async def aclose(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def existing(self, organisation_id: UUID, source: Source, event_key: str) -> UUID | None:
        t = intake_inbox
        async with self._engine.connect() as conn:
            found: UUID | None = await conn.scalar(
                sa.select(t.c.id).where(
                    t.c.organisation_id == organisation_id,
                    t.c.source == source.value,
                    t.c.event_key == event_key,
                )
            )
        return found


class SqlFormDirectory:
    """Forms by their public key, across organisations, kept for ``ttl_seconds`` per process:
    the hot path then costs no query for the form, and a change (a form switched off, its
    limit changed) reaches every process within that time."""

    def __init__(
        self, engine: AsyncEngine, *, ttl_seconds: float = 10.0, max_entries: int = 10_000
    ) -> None:
        self._engine = engine
        self._ttl = ttl_seconds
        self._max = max_entries
        self._cache: dict[str, tuple[float, FormRoute | None]] = {}
        # One lookup at a time: a burst of posts to a form not yet cached reads it once.
        self._loading = asyncio.Lock()

    async def route(self, key: str) -> FormRoute | None:
        cached = self._cache.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        async with self._loading:
            cached = self._cache.get(key)
            if cached is not None and cached[0] > time.monotonic():
                return cached[1]
            return await self._load(key)

    async def _load(self, key: str) -> FormRoute | None:
        now = time.monotonic()
        t = intake_forms
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    sa.select(
                        t.c.organisation_id,
                        t.c.id,
                        t.c.is_active,
                        t.c.rate_limit_per_minute,
                        t.c.honeypot_field,
                        t.c.secret,
                        t.c.secret_field,
                    ).where(t.c.key == key)
                )
            ).first()
        found = (
            FormRoute(
                organisation_id=row.organisation_id,
                form_id=row.id,
                is_active=row.is_active,
                rate_limit_per_minute=row.rate_limit_per_minute,
                honeypot_field=row.honeypot_field,
                secret=row.secret,
                secret_field=row.secret_field,
            )
            if row
            else None
        )
        if len(self._cache) >= self._max:
            self._cache.clear()
        self._cache[key] = (now + self._ttl, found)
        return found

    def forget(self, key: str) -> None:
        self._cache.pop(key, None)


def _form_values(f: Form) -> dict[str, Any]:
    return {
        "name": f.name,
        "secret": f.secret,
        "secret_field": f.secret_field,
        "require_secret": f.require_secret,
        "field_map": {role.value: list(names) for role, names in f.field_map.items()},
        "funnel_id": f.funnel_id,
        "distribution": {
            "kind": f.distribution.kind.value,
            "user_ids": [str(u) for u in f.distribution.user_ids],
            "tag": f.distribution.tag,
        },
        "honeypot_field": f.honeypot_field,
        "rate_limit_per_minute": f.rate_limit_per_minute,
        "is_active": f.is_active,
    }


def _form(m: Any) -> Form:
    rule = m["distribution"] or {}
    return Form(
        id=m["id"],
        organisation_id=m["organisation_id"],
        key=m["key"],
        name=m["name"],
        secret=m["secret"],
        secret_field=m["secret_field"],
        require_secret=m["require_secret"],
        field_map={LeadField(role): tuple(names) for role, names in m["field_map"].items()},
        funnel_id=m["funnel_id"],
        distribution=DistributionRule(
            kind=DistributionKind(rule.get("kind", DistributionKind.MANUAL.value)),
            user_ids=tuple(UUID(u) for u in rule.get("user_ids", [])),
            tag=rule.get("tag"),
        ),
        honeypot_field=m["honeypot_field"],
        rate_limit_per_minute=m["rate_limit_per_minute"],
        is_active=m["is_active"],
        created_at=m["created_at"],
        version=m["version"],
    )


def _item(m: Any) -> InboxItem:
    return InboxItem(
        id=m["id"],
        organisation_id=m["organisation_id"],
        source=Source(m["source"]),
        provider=m["provider"],
        channel_id=m["channel_id"],
        event_key=m["event_key"],
        received_at=m["received_at"],
        remote_addr=m["remote_addr"],
        content_type=m["content_type"],
        headers=dict(m["headers"]),
        body=bytes(m["body"]),
        body_size=m["body_size"],
        state=InboxState(m["state"]),
        attempts=m["attempts"],
        next_attempt_at=m["next_attempt_at"],
        last_error=m["last_error"],
        processed_at=m["processed_at"],
        lead=m["lead"],
    )
