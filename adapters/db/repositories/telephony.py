"""Telephony integrations and calls in PostgreSQL, and the public endpoint's cached directory
of integrations."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.repositories.base import SqlRepository, in_organisation
from adapters.db.tables.activities import tasks
from adapters.db.tables.telephony import calls, telephony_integrations
from domain.intake.calls import (
    Call,
    CallDirection,
    CallResult,
    IntegrationRoute,
    Provider,
    RecordingStatus,
    TelephonyIntegration,
    TrackingNumber,
)
from domain.intake.telephony import CALLBACK_ORIGIN
from domain.shared.scope import Scope


class SqlTelephonyRepository(SqlRepository):
    # --- integrations ---------------------------------------------------------------------

    async def add_integration(self, integration: TelephonyIntegration) -> None:
        await self._conn.execute(
            sa.insert(telephony_integrations).values(
                id=integration.id,
                organisation_id=integration.organisation_id,
                provider=integration.provider.value,
                created_at=integration.created_at or sa.func.now(),
                **_integration_values(integration),
            )
        )

    async def get_integration(
        self, scope: Scope, integration_id: UUID
    ) -> TelephonyIntegration | None:
        t = telephony_integrations
        row = (
            await self._conn.execute(
                sa.select(t).where(in_organisation(t, scope), t.c.id == integration_id)
            )
        ).first()
        return _integration(row._mapping) if row else None

    async def list_integrations(
        self, scope: Scope, *, limit: int, after: tuple[datetime, UUID] | None = None
    ) -> Sequence[TelephonyIntegration]:
        t = telephony_integrations
        rows = await self._newest_first(t, in_organisation(t, scope), limit=limit, after=after)
        return [_integration(row) for row in rows]

    async def update_integration(
        self, integration: TelephonyIntegration, expected_version: int
    ) -> None:
        await self._update_versioned(
            telephony_integrations,
            entity="Telephony integration",
            ident=integration.id,
            organisation_id=integration.organisation_id,
            expected_version=expected_version,
            values=_integration_values(integration),
        )
        integration.version = expected_version + 1

    async def delete_integration(self, scope: Scope, integration_id: UUID) -> None:
        t = telephony_integrations
        await self._conn.execute(
            sa.delete(t).where(in_organisation(t, scope), t.c.id == integration_id)
        )

    # --- calls ----------------------------------------------------------------------------

    async def lock_call(self, call: Call) -> Call:
        inserted = await self._conn.scalar(
            insert(calls)
            .values(id=call.id, organisation_id=call.organisation_id, **_call_values(call))
            .on_conflict_do_nothing(
                index_elements=["organisation_id", "integration_id", "provider_call_id"]
            )
            .returning(calls.c.id)
        )
        if inserted is not None:
            call.is_new = True
            return call
        row = (
            await self._conn.execute(
                sa.select(calls)
                .where(
                    calls.c.organisation_id == call.organisation_id,
                    calls.c.integration_id == call.integration_id,
                    calls.c.provider_call_id == call.provider_call_id,
                )
                .with_for_update()
            )
        ).one()
        return _call(row._mapping)

    async def save_call(self, call: Call) -> None:
        await self._conn.execute(
            sa.update(calls)
            .where(calls.c.organisation_id == call.organisation_id, calls.c.id == call.id)
            .values(**_call_values(call), updated_at=sa.func.now())
        )
        self._collect(call)

    async def open_callbacks(
        self, organisation_id: UUID, client_number: str
    ) -> Sequence[tuple[UUID, UUID]]:
        rows = await self._conn.execute(
            sa.select(tasks.c.id, tasks.c.assignee_id)
            .select_from(
                calls.join(
                    tasks,
                    sa.and_(
                        tasks.c.organisation_id == calls.c.organisation_id,
                        tasks.c.id == calls.c.callback_task_id,
                    ),
                )
            )
            .where(
                calls.c.organisation_id == organisation_id,
                calls.c.client_number == client_number,
                tasks.c.done_at.is_(None),
                tasks.c.origin == CALLBACK_ORIGIN,
            )
            .group_by(tasks.c.id, tasks.c.assignee_id, tasks.c.created_at)
            .order_by(tasks.c.created_at, tasks.c.id)
        )
        return [(row.id, row.assignee_id) for row in rows]

    async def get_call(self, scope: Scope, call_id: UUID) -> Call | None:
        row = (
            await self._conn.execute(
                sa.select(calls).where(
                    calls.c.organisation_id == scope.organisation_id, calls.c.id == call_id
                )
            )
        ).first()
        return _call(row._mapping) if row else None

    async def stale_calls(
        self,
        *,
        before: datetime,
        hung_up_before: datetime,
        organisation_id: UUID | None,
        limit: int,
    ) -> Sequence[tuple[UUID, UUID]]:
        rows = await self._conn.execute(
            sa.select(calls.c.organisation_id, calls.c.id)
            .where(
                *_stale(before, hung_up_before),
                calls.c.organisation_id == organisation_id if organisation_id else sa.true(),
            )
            .order_by(calls.c.started_at)
            .limit(limit)
        )
        return [(row.organisation_id, row.id) for row in rows]

    async def lock_stale_call(
        self, organisation_id: UUID, call_id: UUID, *, before: datetime, hung_up_before: datetime
    ) -> Call | None:
        row = (
            await self._conn.execute(
                sa.select(calls)
                .where(
                    calls.c.organisation_id == organisation_id,
                    calls.c.id == call_id,
                    *_stale(before, hung_up_before),
                )
                .with_for_update(skip_locked=True)
            )
        ).first()
        return _call(row._mapping) if row else None

    async def claim_due_recordings(
        self,
        *,
        now: datetime,
        lease: timedelta,
        organisation_id: UUID | None = None,
        limit: int,
    ) -> Sequence[Call]:
        t = calls
        chosen = (
            sa.select(t.c.organisation_id, t.c.id)
            .where(
                t.c.recording_status == RecordingStatus.PENDING.value,
                t.c.recording_next_attempt_at <= now,
                t.c.organisation_id == organisation_id if organisation_id else sa.true(),
            )
            .order_by(t.c.recording_next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = await self._conn.execute(
            sa.update(t)
            .where(sa.tuple_(t.c.organisation_id, t.c.id).in_(chosen))
            .values(recording_next_attempt_at=now + lease)
            .returning(*t.c)
        )
        return [_call(row._mapping) for row in rows]

    async def save_recording(self, call: Call) -> None:
        await self._conn.execute(
            sa.update(calls)
            .where(calls.c.organisation_id == call.organisation_id, calls.c.id == call.id)
            .values(**_recording_values(call), updated_at=sa.func.now())
        )

    async def list_calls(
        self,
        scope: Scope,
        *,
        results: Sequence[CallResult] = (),
        integration_id: UUID | None = None,
        client_id: UUID | None = None,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[Call]:
        t = calls
        query = sa.select(t).where(in_organisation(t, scope))
        if results:
            query = query.where(t.c.result.in_([r.value for r in results]))
        if integration_id is not None:
            query = query.where(t.c.integration_id == integration_id)
        if client_id is not None:
            query = query.where(t.c.client_id == client_id)
        if after is not None:
            query = query.where(sa.tuple_(t.c.started_at, t.c.id) < sa.tuple_(*after))
        rows = await self._conn.execute(
            query.order_by(t.c.started_at.desc(), t.c.id.desc()).limit(limit)
        )
        return [_call(row._mapping) for row in rows]


class SqlIntegrationDirectory:
    """Integrations by id, across organisations, kept for ``ttl_seconds`` per process (as
    the forms' directory): a PBX's event costs no query for its integration, and a change (a
    rotated secret, an integration switched off) reaches every process within that time."""

    def __init__(
        self, engine: AsyncEngine, *, ttl_seconds: float = 10.0, max_entries: int = 10_000
    ) -> None:
        self._engine = engine
        self._ttl = ttl_seconds
        self._max = max_entries
        self._cache: dict[UUID, tuple[float, IntegrationRoute | None]] = {}
        self._loading = asyncio.Lock()

    async def route(self, integration_id: UUID) -> IntegrationRoute | None:
        cached = self._cache.get(integration_id)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        async with self._loading:
            cached = self._cache.get(integration_id)
            if cached is not None and cached[0] > time.monotonic():
                return cached[1]
            return await self._load(integration_id)

    async def _load(self, integration_id: UUID) -> IntegrationRoute | None:
        now = time.monotonic()
        t = telephony_integrations
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    sa.select(
                        t.c.organisation_id,
                        t.c.id,
                        t.c.provider,
                        t.c.is_active,
                        t.c.api_key,
                        t.c.secret,
                    ).where(t.c.id == integration_id)
                )
            ).first()
        found = (
            IntegrationRoute(
                organisation_id=row.organisation_id,
                integration_id=row.id,
                provider=Provider(row.provider),
                is_active=row.is_active,
                api_key=row.api_key,
                secret=row.secret,
            )
            if row
            else None
        )
        if len(self._cache) >= self._max:
            self._cache.clear()
        self._cache[integration_id] = (now + self._ttl, found)
        return found

    def forget(self, integration_id: UUID) -> None:
        self._cache.pop(integration_id, None)


def _integration_values(i: TelephonyIntegration) -> dict[str, Any]:
    return {
        "name": i.name,
        "api_key": i.api_key,
        "secret": i.secret,
        "numbers": list(i.numbers),
        "extensions": {ext: str(user) for ext, user in i.extensions.items()},
        "tracking": [
            {"number": t.number, "source": t.source, "campaign": t.campaign} for t in i.tracking
        ],
        "default_user_id": i.default_user_id,
        "funnel_id": i.funnel_id,
        "callback_minutes": i.callback_minutes,
        "is_active": i.is_active,
    }


def _integration(m: Any) -> TelephonyIntegration:
    return TelephonyIntegration(
        id=m["id"],
        organisation_id=m["organisation_id"],
        name=m["name"],
        provider=Provider(m["provider"]),
        api_key=m["api_key"],
        secret=m["secret"],
        numbers=tuple(m["numbers"]),
        extensions={ext: UUID(user) for ext, user in m["extensions"].items()},
        tracking=tuple(
            TrackingNumber(t["number"], t.get("source"), t.get("campaign")) for t in m["tracking"]
        ),
        default_user_id=m["default_user_id"],
        funnel_id=m["funnel_id"],
        callback_minutes=m["callback_minutes"],
        is_active=m["is_active"],
        created_at=m["created_at"],
        version=m["version"],
    )


_CALL_FIELDS = (
    "integration_id",
    "provider",
    "provider_call_id",
    "client_number",
    "company_number",
    "source",
    "campaign",
    "extension",
    "employee_id",
    "started_at",
    "answered_at",
    "ended_at",
    "duration_seconds",
    "talk_seconds",
    "recording_id",
    "recording_url",
    "disconnect_reason",
    "client_id",
    "contact_id",
    "deal_id",
    "callback_task_id",
)


_RECORDING_FIELDS = (
    "recording_error",
    "recording_attempts",
    "recording_next_attempt_at",
    "recording_key",
    "recording_size",
    "recording_content_type",
)


def _stale(before: datetime, hung_up_before: datetime) -> tuple[sa.ColumnElement[bool], ...]:
    """In progress, and nothing heard since ``before`` (by our clock), or since
    ``hung_up_before`` once every leg hung up. Calls stored before the sweep existed have no
    such time and are left alone: ending them all at once would open a callback task for
    every old one. The start bound lets the partial index on it serve: a call starts before
    its last event comes, unless the PBX's clock runs ahead, and then it is only swept that
    much later."""
    return (
        calls.c.result == CallResult.IN_PROGRESS.value,
        calls.c.started_at < hung_up_before,
        sa.or_(
            calls.c.last_heard_at < before,
            sa.and_(calls.c.legs_closed_at.is_not(None), calls.c.last_heard_at < hung_up_before),
        ),
    )


def _recording_values(c: Call) -> dict[str, Any]:
    values = {name: getattr(c, name) for name in _RECORDING_FIELDS}
    values["recording_status"] = c.recording_status.value if c.recording_status else None
    return values


def _call_values(c: Call) -> dict[str, Any]:
    values = {name: getattr(c, name) for name in _CALL_FIELDS}
    values.update(
        direction=c.direction.value,
        result=c.result.value,
        events=list(c.event_names),
        last_event_at=c.last_event_at,
        last_heard_at=c.last_heard_at,
        last_item_id=c.last_item_id,
        swept_at=c.swept_at,
        legs=dict(c.legs),
        legs_closed_at=c.legs_closed_at,
        **_recording_values(c),
    )
    return values


def _call(m: Any) -> Call:
    return Call(
        id=m["id"],
        organisation_id=m["organisation_id"],
        direction=CallDirection(m["direction"]),
        result=CallResult(m["result"]),
        event_names=list(m["events"]),
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        recording_status=(
            RecordingStatus(m["recording_status"]) if m["recording_status"] else None
        ),
        last_event_at=m["last_event_at"],
        last_heard_at=m["last_heard_at"],
        last_item_id=m["last_item_id"],
        swept_at=m["swept_at"],
        legs=dict(m["legs"]),
        legs_closed_at=m["legs_closed_at"],
        **{name: m[name] for name in _CALL_FIELDS + _RECORDING_FIELDS},
    )
