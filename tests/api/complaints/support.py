"""Complaints through HTTP: helpers shared by the complaint and follow-up tests."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from adapters.bootstrap import Container
from adapters.db.tables.complaints import complaints
from adapters.db.tables.platform import outbox_events
from tests.api.attachments.support import API
from tests.api.deals.support import json_of
from tests.factories import Factory, Session

TZ = ZoneInfo("Europe/Moscow")  # the organisations' default time zone


def today() -> date:
    return datetime.now(TZ).date()


async def record(
    factory: Factory, session: Session, client_id: uuid.UUID | str, **fields: Any
) -> dict[str, Any]:
    body = {"client_id": str(client_id), "kind": "delivery", "description": "Привезли не то"}
    response = await factory.client.post(
        f"{API}/complaints", json={**body, **fields}, headers=session.headers
    )
    result: dict[str, Any] = json_of(response, 201)
    return result


async def set_deadline(container: Container, complaint_id: str, deadline: date) -> None:
    """A deadline in the past, which the API refuses to set, as time passing makes it."""
    async with container.engine.begin() as conn:
        await conn.execute(
            sa.update(complaints)
            .where(complaints.c.id == uuid.UUID(complaint_id))
            .values(deadline=deadline)
        )


async def events(container: Container, organisation_id: uuid.UUID, name: str) -> list[Any]:
    async with container.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(outbox_events.c.payload)
            .where(outbox_events.c.organisation_id == organisation_id, outbox_events.c.name == name)
            .order_by(outbox_events.c.created_at)
        )
        return [r.payload for r in rows]
