"""Plans and fulfilment through HTTP: helpers shared by the KPI tests."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from adapters.bootstrap import Container
from adapters.db.tables.activities import activities
from adapters.db.tables.deals import deals
from adapters.db.tables.funnels import stages
from tests.api.attachments.support import API, insert
from tests.api.deals.support import json_of
from tests.factories import Factory, Session


def this_month() -> date:
    """The first day of the organisation's month (organisations default to Moscow time)."""
    return datetime.now(ZoneInfo("Europe/Moscow")).date().replace(day=1)


async def set_plan(
    factory: Factory,
    session: Session,
    *,
    status: int = 201,
    metric: str = "turnover",
    target: str = "1000",
    period_kind: str = "month",
    period_start: date | None = None,
    **subject: Any,
) -> dict[str, Any]:
    body = {
        "metric": metric,
        "target": target,
        "period_kind": period_kind,
        "period_start": (period_start or this_month()).isoformat(),
        **{k: str(v) for k, v in subject.items()},
    }
    response = await factory.client.post(f"{API}/kpi/plans", json=body, headers=session.headers)
    return json_of(response, status)  # type: ignore[no-any-return]


async def fulfilment(
    factory: Factory, session: Session, *, start: date | None = None, **params: Any
) -> dict[str, Any]:
    query = {"period": "month", "start": (start or this_month()).isoformat(), **params}
    response = await factory.client.get(
        f"{API}/kpi/fulfilment",
        params={k: str(v) for k, v in query.items()},
        headers=session.headers,
    )
    return json_of(response, 200)  # type: ignore[no-any-return]


def metric(row: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(m for m in row["metrics"] if m["metric"] == name)
    return found


def row_of(result: dict[str, Any], ident: uuid.UUID, part: str = "employees") -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in result[part] if r["id"] == str(ident))
    return found


async def log_activity(
    container: Container, org_id: uuid.UUID, author: uuid.UUID, client: uuid.UUID, kind: str
) -> None:
    await insert(
        container,
        activities,
        organisation_id=org_id,
        client_id=client,
        kind=kind,
        occurred_at=datetime.now(ZoneInfo("Europe/Moscow")),
        author_id=author,
    )


async def expect_to_close(
    container: Container, org_id: uuid.UUID, deal_id: uuid.UUID, on: date, probability: int
) -> None:
    """The deal expected to close on ``on``, in a stage of ``probability`` percent."""
    async with container.engine.begin() as conn:
        stage = await conn.scalar(
            sa.select(deals.c.stage_id).where(
                deals.c.organisation_id == org_id, deals.c.id == deal_id
            )
        )
        await conn.execute(
            sa.update(stages)
            .where(stages.c.organisation_id == org_id, stages.c.id == stage)
            .values(probability=probability)
        )
        await conn.execute(
            sa.update(deals)
            .where(deals.c.organisation_id == org_id, deals.c.id == deal_id)
            .values(expected_close_date=on)
        )
