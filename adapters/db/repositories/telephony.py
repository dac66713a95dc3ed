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
from adapters.db.repositories.visibility import owned_by, visible_owner_ids
from adapters.db.tables.activities import tasks
from adapters.db.tables.telephony import (
    call_originations,
    call_reviews,
    calls,
    telephony_integrations,
)
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
from domain.intake.originate import Origination, OriginationStatus
from domain.intake.reviews import CallFilter, CallReview
from domain.intake.telephony import CALLBACK_ORIGIN
from domain.shared.events import DomainEvent
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


class SqlCallReviewRepository(SqlRepository):
    """Calls as heads see them (owned by the people whose deals they see: who answered, else
    who must call back) and their reviews."""

    def _seen(self, scope: Scope, owners: list[UUID] | None) -> tuple[Any, list[Any], Any]:
        task = tasks.alias("callback")
        joined = calls.outerjoin(
            task,
            sa.and_(
                task.c.organisation_id == calls.c.organisation_id,
                task.c.id == calls.c.callback_task_id,
            ),
        )
        owner = sa.func.coalesce(calls.c.employee_id, task.c.assignee_id)
        return (
            joined,
            [
                calls.c.organisation_id == scope.organisation_id,
                owned_by(owner, owners),
            ],
            owner,
        )

    async def seen_calls(
        self,
        scope: Scope,
        *,
        everyone: bool,
        where: CallFilter,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[Call]:
        owners = None if everyone else await visible_owner_ids(self._conn, scope)
        source, conditions, owner = self._seen(scope, owners)
        if where.results:
            conditions.append(calls.c.result.in_([r.value for r in where.results]))
        if where.integration_id is not None:
            conditions.append(calls.c.integration_id == where.integration_id)
        if where.client_id is not None:
            conditions.append(calls.c.client_id == where.client_id)
        if where.deal_id is not None:
            conditions.append(calls.c.deal_id == where.deal_id)
        if where.owner_id is not None:
            conditions.append(owner == where.owner_id)
        if where.with_recording is not None:
            stored = calls.c.recording_status == RecordingStatus.STORED.value
            conditions.append(stored if where.with_recording else sa.not_(stored))
        if where.reviewed is not None:
            reviewed = (
                sa.select(sa.literal(1))
                .where(
                    call_reviews.c.organisation_id == calls.c.organisation_id,
                    call_reviews.c.call_id == calls.c.id,
                )
                .exists()
            )
            conditions.append(reviewed if where.reviewed else sa.not_(reviewed))
        if after is not None:
            conditions.append(sa.tuple_(calls.c.started_at, calls.c.id) < sa.tuple_(*after))
        rows = await self._conn.execute(
            sa.select(calls)
            .select_from(source)
            .where(*conditions)
            .order_by(calls.c.started_at.desc(), calls.c.id.desc())
            .limit(limit)
        )
        return [_call(row._mapping) for row in rows]

    async def seen_call(self, scope: Scope, call_id: UUID, *, everyone: bool) -> Call | None:
        owners = None if everyone else await visible_owner_ids(self._conn, scope)
        source, conditions, _ = self._seen(scope, owners)
        row = (
            await self._conn.execute(
                sa.select(calls).select_from(source).where(*conditions, calls.c.id == call_id)
            )
        ).first()
        return _call(row._mapping) if row else None

    async def reviews(self, scope: Scope, call_ids: Sequence[UUID]) -> dict[UUID, CallReview]:
        if not call_ids:
            return {}
        r = call_reviews
        rows = await self._conn.execute(
            sa.select(r).where(
                r.c.organisation_id == scope.organisation_id, r.c.call_id.in_(call_ids)
            )
        )
        return {
            row.call_id: CallReview(
                organisation_id=row.organisation_id,
                call_id=row.call_id,
                reviewer_id=row.reviewer_id,
                score=row.score,
                comment=row.comment,
                reviewed_at=row.reviewed_at,
            )
            for row in rows
        }

    async def save(self, review: CallReview, events: Sequence[DomainEvent] = ()) -> None:
        values = {
            "reviewer_id": review.reviewer_id,
            "score": review.score,
            "comment": review.comment,
            "reviewed_at": review.reviewed_at,
            "updated_at": sa.func.now(),
        }
        await self._conn.execute(
            insert(call_reviews)
            .values(organisation_id=review.organisation_id, call_id=review.call_id, **values)
            .on_conflict_do_update(index_elements=["organisation_id", "call_id"], set_=values)
        )
        if events:
            self._collect_events(list(events))


class SqlOriginationRepository(SqlRepository):
    """Click-to-call requests."""

    async def add(self, origination: Origination) -> None:
        await self._conn.execute(
            sa.insert(call_originations).values(
                id=origination.id,
                organisation_id=origination.organisation_id,
                user_id=origination.user_id,
                integration_id=origination.integration_id,
                extension=origination.extension,
                number=origination.number,
                client_id=origination.client_id,
                deal_id=origination.deal_id,
                call_list_item_id=origination.call_list_item_id,
                requested_at=origination.requested_at,
                **_origination_state(origination),
            )
        )

    async def save(self, origination: Origination) -> None:
        t = call_originations
        await self._conn.execute(
            sa.update(t)
            .where(t.c.organisation_id == origination.organisation_id, t.c.id == origination.id)
            .values(**_origination_state(origination))
        )

    async def count_since(self, organisation_id: UUID, user_id: UUID, since: datetime) -> int:
        t = call_originations
        found = await self._conn.scalar(
            sa.select(sa.func.count()).where(
                t.c.organisation_id == organisation_id,
                t.c.user_id == user_id,
                t.c.requested_at >= since,
            )
        )
        return int(found or 0)

    async def recent(
        self, scope: Scope, user_id: UUID, *, limit: int, after: tuple[datetime, UUID] | None
    ) -> Sequence[Origination]:
        t = call_originations
        query = sa.select(t).where(
            t.c.organisation_id == scope.organisation_id, t.c.user_id == user_id
        )
        if after is not None:
            query = query.where(sa.tuple_(t.c.requested_at, t.c.id) < sa.tuple_(*after))
        rows = await self._conn.execute(
            query.order_by(t.c.requested_at.desc(), t.c.id.desc()).limit(limit)
        )
        return [_origination(row._mapping) for row in rows]

    async def claim_for(self, call: Call, since: datetime) -> Origination | None:
        t = call_originations
        row = (
            await self._conn.execute(
                sa.select(t)
                .where(
                    t.c.organisation_id == call.organisation_id,
                    t.c.user_id == call.employee_id,
                    t.c.number == call.client_number,
                    t.c.requested_at >= since,
                    t.c.call_id.is_(None),
                    t.c.status == OriginationStatus.ACCEPTED.value,
                )
                .order_by(t.c.requested_at.desc())
                .limit(1)
                .with_for_update(skip_locked=True)
            )
        ).first()
        return _origination(row._mapping) if row else None


def _origination_state(o: Origination) -> dict[str, Any]:
    return {"status": o.status.value, "error": o.error, "call_id": o.call_id}


def _origination(row: Any) -> Origination:
    return Origination(
        id=row["id"],
        organisation_id=row["organisation_id"],
        user_id=row["user_id"],
        integration_id=row["integration_id"],
        extension=row["extension"],
        number=row["number"],
        client_id=row["client_id"],
        deal_id=row["deal_id"],
        call_list_item_id=row["call_list_item_id"],
        status=OriginationStatus(row["status"]),
        error=row["error"],
        requested_at=row["requested_at"],
        call_id=row["call_id"],
    )
