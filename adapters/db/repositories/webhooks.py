"""Webhook endpoints, deliveries and attempts in PostgreSQL."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, insert

from adapters.db.repositories.base import SqlRepository, in_organisation
from adapters.db.tables.staff import roles, users
from adapters.db.tables.webhooks import webhook_attempts, webhook_deliveries, webhook_endpoints
from domain.shared.scope import Scope
from domain.staff.permissions import ADMIN_ROLE_CODE
from domain.webhooks.model import (
    ALL_EVENTS,
    DeliveryAttempt,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
)


class SqlWebhookRepository(SqlRepository):
    # --- endpoints ------------------------------------------------------------------------

    async def add_endpoint(self, endpoint: WebhookEndpoint) -> None:
        await self._conn.execute(
            sa.insert(webhook_endpoints).values(
                id=endpoint.id,
                organisation_id=endpoint.organisation_id,
                created_at=endpoint.created_at or sa.func.now(),
                **_endpoint_values(endpoint),
            )
        )

    async def get_endpoint(self, scope: Scope, endpoint_id: UUID) -> WebhookEndpoint | None:
        row = (
            await self._conn.execute(
                sa.select(webhook_endpoints).where(
                    in_organisation(webhook_endpoints, scope), webhook_endpoints.c.id == endpoint_id
                )
            )
        ).first()
        return _endpoint(row._mapping) if row else None

    async def list_endpoints(
        self, scope: Scope, *, limit: int, after: tuple[datetime, UUID] | None = None
    ) -> Sequence[WebhookEndpoint]:
        t = webhook_endpoints
        rows = await self._newest_first(t, in_organisation(t, scope), limit=limit, after=after)
        return [_endpoint(row) for row in rows]

    async def update_endpoint(self, endpoint: WebhookEndpoint, expected_version: int) -> None:
        await self._update_versioned(
            webhook_endpoints,
            entity="Webhook endpoint",
            ident=endpoint.id,
            organisation_id=endpoint.organisation_id,
            expected_version=expected_version,
            values=_endpoint_values(endpoint),
        )
        endpoint.version = expected_version + 1

    async def save_health(self, endpoint: WebhookEndpoint, *, disabled: bool) -> None:
        t = webhook_endpoints
        values: dict[str, Any] = {"failing_since": endpoint.failing_since}
        if disabled:
            values.update(
                is_active=endpoint.is_active,
                disabled_reason=endpoint.disabled_reason,
                version=t.c.version + 1,
            )
        await self._conn.execute(
            sa.update(t)
            .where(t.c.organisation_id == endpoint.organisation_id, t.c.id == endpoint.id)
            .values(**values)
        )
        if endpoint.recorded:
            self._collect_events(list(endpoint.recorded))
            endpoint.recorded.clear()

    async def delete_endpoint(self, scope: Scope, endpoint_id: UUID) -> None:
        await self._conn.execute(
            sa.delete(webhook_endpoints).where(
                in_organisation(webhook_endpoints, scope), webhook_endpoints.c.id == endpoint_id
            )
        )

    async def endpoints_for_event(
        self, organisation_id: UUID, event_name: str
    ) -> Sequence[WebhookEndpoint]:
        t = webhook_endpoints
        names = sa.cast([event_name], JSONB)
        rows = await self._conn.execute(
            sa.select(t).where(
                t.c.organisation_id == organisation_id,
                t.c.is_active.is_(True),
                sa.or_(
                    t.c.events.contains(names), t.c.events.contains(sa.cast([ALL_EVENTS], JSONB))
                ),
            )
        )
        return [_endpoint(row._mapping) for row in rows]

    async def active_admin_ids(self, organisation_id: UUID) -> Sequence[UUID]:
        rows = await self._conn.execute(
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
        )
        return [row.id for row in rows]

    # --- deliveries -----------------------------------------------------------------------

    async def add_delivery_if_new(self, delivery: WebhookDelivery) -> bool:
        result = await self._conn.execute(
            insert(webhook_deliveries)
            .values(
                id=delivery.id,
                organisation_id=delivery.organisation_id,
                endpoint_id=delivery.endpoint_id,
                event_id=delivery.message.event_id,
                event_name=delivery.message.event_name,
                occurred_at=delivery.message.occurred_at,
                event_fields=delivery.message.fields,
                created_at=delivery.created_at or sa.func.now(),
                **_delivery_values(delivery),
            )
            .on_conflict_do_nothing(index_elements=["organisation_id", "endpoint_id", "event_id"])
            .returning(webhook_deliveries.c.id)
        )
        return result.first() is not None

    async def get_delivery(
        self, scope: Scope, endpoint_id: UUID, delivery_id: UUID
    ) -> WebhookDelivery | None:
        t = webhook_deliveries
        row = (
            await self._conn.execute(
                sa.select(t).where(
                    in_organisation(t, scope), t.c.endpoint_id == endpoint_id, t.c.id == delivery_id
                )
            )
        ).first()
        if row is None:
            return None
        return (await self._with_attempts([_delivery(row._mapping)]))[0]

    async def list_deliveries(
        self,
        scope: Scope,
        endpoint_id: UUID,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[WebhookDelivery]:
        t = webhook_deliveries
        rows = await self._newest_first(
            t,
            in_organisation(t, scope),
            t.c.endpoint_id == endpoint_id,
            limit=limit,
            after=after,
        )
        return await self._with_attempts([_delivery(row) for row in rows])

    async def _with_attempts(self, deliveries: list[WebhookDelivery]) -> list[WebhookDelivery]:
        if not deliveries:
            return deliveries
        a = webhook_attempts
        rows = await self._conn.execute(
            sa.select(a)
            .where(
                a.c.organisation_id == deliveries[0].organisation_id,
                a.c.delivery_id.in_([d.id for d in deliveries]),
            )
            .order_by(a.c.attempted_at, a.c.id)
        )
        by_delivery: defaultdict[UUID, list[DeliveryAttempt]] = defaultdict(list)
        for row in rows:
            by_delivery[row.delivery_id].append(_attempt(row._mapping))
        for delivery in deliveries:
            delivery.attempts = by_delivery[delivery.id]
        return deliveries

    async def claim_due_deliveries(
        self,
        *,
        now: datetime,
        lease: timedelta,
        organisation_id: UUID | None = None,
        ids: Sequence[UUID] | None = None,
        limit: int = 100,
    ) -> Sequence[WebhookDelivery]:
        t = webhook_deliveries
        chosen = (
            sa.select(t.c.organisation_id, t.c.id)
            .where(
                t.c.status == DeliveryStatus.PENDING.value,
                t.c.next_attempt_at <= now,
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
        return [_delivery(row._mapping) for row in rows]

    async def save_delivery(self, delivery: WebhookDelivery) -> None:
        t = webhook_deliveries
        await self._conn.execute(
            sa.update(t)
            .where(t.c.organisation_id == delivery.organisation_id, t.c.id == delivery.id)
            .values(**_delivery_values(delivery))
        )

    async def add_attempt(self, attempt: DeliveryAttempt) -> None:
        await self._conn.execute(
            sa.insert(webhook_attempts).values(
                id=attempt.id,
                organisation_id=attempt.organisation_id,
                delivery_id=attempt.delivery_id,
                attempted_at=attempt.attempted_at,
                succeeded=attempt.succeeded,
                status_code=attempt.status_code,
                duration_ms=attempt.duration_ms,
                response_body=attempt.response_body,
                error=attempt.error,
            )
        )


def _endpoint_values(e: WebhookEndpoint) -> dict[str, Any]:
    return {
        "url": e.url,
        "events": list(e.events),
        "secret": e.secret,
        "description": e.description,
        "is_active": e.is_active,
        "disabled_reason": e.disabled_reason,
        "failing_since": e.failing_since,
    }


def _endpoint(m: Any) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=m["id"],
        organisation_id=m["organisation_id"],
        url=m["url"],
        events=tuple(m["events"]),
        secret=m["secret"],
        description=m["description"],
        is_active=m["is_active"],
        disabled_reason=m["disabled_reason"],
        failing_since=m["failing_since"],
        created_at=m["created_at"],
        version=m["version"],
    )


def _delivery_values(d: WebhookDelivery) -> dict[str, Any]:
    return {
        "body": d.body,
        "status": d.status.value,
        "attempt_count": d.attempt_count,
        "next_attempt_at": d.next_attempt_at,
        "give_up_at": d.give_up_at,
    }


def _delivery(m: Any) -> WebhookDelivery:
    return WebhookDelivery(
        id=m["id"],
        organisation_id=m["organisation_id"],
        endpoint_id=m["endpoint_id"],
        message=WebhookMessage(
            event_id=m["event_id"],
            event_name=m["event_name"],
            organisation_id=m["organisation_id"],
            occurred_at=m["occurred_at"],
            fields=dict(m["event_fields"]),
        ),
        body=m["body"],
        status=DeliveryStatus(m["status"]),
        attempt_count=m["attempt_count"],
        next_attempt_at=m["next_attempt_at"],
        give_up_at=m["give_up_at"],
        created_at=m["created_at"],
    )


def _attempt(m: Any) -> DeliveryAttempt:
    return DeliveryAttempt(
        id=m["id"],
        organisation_id=m["organisation_id"],
        delivery_id=m["delivery_id"],
        attempted_at=m["attempted_at"],
        succeeded=m["succeeded"],
        status_code=m["status_code"],
        duration_ms=m["duration_ms"],
        response_body=m["response_body"],
        error=m["error"],
    )
