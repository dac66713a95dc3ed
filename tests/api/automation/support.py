"""Helpers for the automation tests: a sales team, rules made through HTTP, the worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from adapters.bootstrap import Container
from adapters.db.tables.activities import notifications, tasks
from adapters.db.tables.automation import automation_rule_runs
from adapters.db.tables.platform import outbox_events
from tests.api.deals.support import API, Teams, create_deal, json_of, stage_named, teams
from tests.factories import Factory, Session
from tests.worker import drain_queue


@dataclass(slots=True)
class World:
    t: Teams
    lawyer: Session
    funnel: dict[str, Any]  # plain stages: Первый, Второй, Третий

    def stage(self, name: str) -> str:
        return str(stage_named(self.funnel, name)["id"])


async def world(factory: Factory) -> World:
    t = await teams(factory)
    lawyer = await factory.login(await factory.user(t.org, "lawyer"))
    response = await factory.client.post(
        f"{API}/funnels",
        json={
            "name": "Простая воронка",
            "stages": [
                {"name": "Первый", "probability": 10},
                {"name": "Второй", "probability": 50},
                {"name": "Третий", "probability": 70},
            ],
        },
        headers=t.admin.headers,
    )
    return World(t=t, lawyer=lawyer, funnel=json_of(response, 201))


async def make_rule(
    factory: Factory, session: Session, *, status: int = 201, **body: Any
) -> dict[str, Any]:
    body.setdefault("name", "Правило")
    body.setdefault("conditions", [])
    response = await factory.client.post(
        f"{API}/automation/rules", json=body, headers=session.headers
    )
    return json_of(response, status)  # type: ignore[no-any-return]


async def deal_in(factory: Factory, w: World, stage: str = "Первый", **body: Any) -> dict[str, Any]:
    return await create_deal(
        factory,
        w.t.seller,
        funnel_id=w.funnel["id"],
        stage_id=w.stage(stage),
        **body,
    )


async def move(factory: Factory, session: Session, deal_id: str, stage_id: str) -> None:
    response = await factory.client.post(
        f"{API}/deals/{deal_id}/move", json={"stage_id": stage_id}, headers=session.headers
    )
    assert response.status_code == 200, response.text


async def settle(container: Container, rounds: int = 6) -> None:
    """Run the worker until the events that rules raise have been handled too."""
    for _ in range(rounds):
        await drain_queue(container)


async def runs_of(factory: Factory, session: Session, rule_id: str) -> list[dict[str, Any]]:
    response = await factory.client.get(
        f"{API}/automation/rules/{rule_id}/runs", headers=session.headers
    )
    return json_of(response, 200)["items"]  # type: ignore[no-any-return]


async def open_tasks_of(container: Container, user_id: object) -> list[dict[str, Any]]:
    async with container.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(tasks.c.title, tasks.c.deal_id, tasks.c.origin).where(
                tasks.c.assignee_id == user_id, tasks.c.done_at.is_(None)
            )
        )
        return [dict(row._mapping) for row in rows]


async def notices_of(container: Container, user_id: object) -> list[dict[str, Any]]:
    async with container.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(notifications.c.kind, notifications.c.params).where(
                notifications.c.user_id == user_id
            )
        )
        return [dict(row._mapping) for row in rows]


async def stored_runs(container: Container, rule_id: str) -> int:
    async with container.engine.connect() as conn:
        count = await conn.scalar(
            sa.select(sa.func.count()).where(automation_rule_runs.c.rule_id == rule_id)
        )
        return int(count or 0)


async def redeliver_all(container: Container, organisation_id: object) -> int:
    """Mark the organisation's dispatched events undelivered again, as a worker that died
    after running the subscribers but before marking them would leave them."""
    async with container.engine.begin() as conn:
        result = await conn.execute(
            sa.update(outbox_events)
            .where(
                outbox_events.c.organisation_id == organisation_id,
                outbox_events.c.dispatched_at.is_not(None),
            )
            .values(
                dispatched_at=None, next_attempt_at=sa.func.now() - sa.text("interval '1 hour'")
            )
        )
        return int(result.rowcount)
