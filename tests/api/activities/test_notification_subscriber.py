"""Notifications are the subscriber's: one per recipient and event, none for what you did
yourself, and an event delivered twice stores nothing new."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from httpx import AsyncClient

from adapters.bootstrap import Container
from adapters.db.tables.activities import notifications
from domain.activities.events import AssignmentReason, TaskAssigned
from domain.activities.subscribers import NotificationSubscriber
from domain.shared.scope import Scope
from tests.api.activities.support import client_of, now, world
from tests.factories import Factory
from tests.worker import drain_queue


async def stored(container: Container, user_id: object) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    async with container.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(notifications.c.kind, notifications.c.params)
            .where(notifications.c.user_id == user_id)
            .order_by(notifications.c.created_at)
        )
        return [(r.kind, r.params) for r in rows]


class TestNotificationSubscriber:
    async def test_assignment_tells_the_assignee_once_with_the_task_as_parameters(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        created = await client.post(
            "/api/v1/tasks",
            json={
                "title": "Позвонить",
                "client_id": str(client_id),
                "assignee_id": str(w.colleague.id),
            },
            headers=w.seller_s.headers,
        )
        assert created.status_code == 201, created.text
        await drain_queue(container)
        await drain_queue(container)
        [(kind, params)] = await stored(container, w.colleague.id)
        assert kind == "assignment"
        assert params["task_title"] == "Позвонить"
        assert params["assigned_by"] == str(w.seller.id)
        assert await stored(container, w.seller.id) == []

    async def test_assigning_yourself_tells_nobody(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.colleague)
        task = (
            await client.post(
                "/api/v1/tasks",
                json={"title": "Сам", "client_id": str(client_id)},
                headers=w.colleague_s.headers,
            )
        ).json()
        # Given to someone else and taken back by the assignee themself.
        await client.patch(
            f"/api/v1/tasks/{task['id']}",
            json={"assignee_id": str(w.seller.id)},
            headers=w.colleague_s.headers,
        )
        await drain_queue(container)
        assert [k for k, _ in await stored(container, w.seller.id)] == ["assignment"]
        assert await stored(container, w.colleague.id) == []

    async def test_replaying_an_event_stores_nothing_new(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        task = (
            await client.post(
                "/api/v1/tasks",
                json={
                    "title": "Отправить КП",
                    "client_id": str(client_id),
                    "due_at": (now() + timedelta(days=1)).isoformat(),
                },
                headers=w.seller_s.headers,
            )
        ).json()
        async with container.uow() as uow:
            loaded = await uow.tasks.get(Scope.organisation_wide(w.org.id), task["id"])
        assert loaded is not None
        event = TaskAssigned(
            organisation_id=w.org.id,
            occurred_at=now(),
            actor_id=None,
            task_id=loaded.id,
            client_id=client_id,
            deal_id=None,
            assignee_id=w.seller.id,
            previous_assignee_id=w.colleague.id,
            reason=AssignmentReason.HAND_OVER,
        )
        subscriber = NotificationSubscriber(container.uow)
        await subscriber(event)
        await subscriber(event)
        assert [k for k, _ in await stored(container, w.seller.id)] == ["hand_over"]

    async def test_mentions_tell_each_mentioned_user_once_and_not_the_author(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        body = f"@[Анна]({w.colleague.id}) @[Я]({w.seller.id}) @[Анна]({w.colleague.id})"
        response = await client.post(
            "/api/v1/discussions",
            json={"client_id": str(client_id), "body": body},
            headers=w.seller_s.headers,
        )
        assert response.status_code == 201, response.text
        await drain_queue(container)
        [(kind, params)] = await stored(container, w.colleague.id)
        assert kind == "mention"
        assert params["author_name"] == w.seller.full_name
        assert params["client_id"] == str(client_id)
        assert await stored(container, w.seller.id) == []

    async def test_an_absence_tells_the_substitute_once(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        today = now().date()
        recorded = await client.post(
            "/api/v1/absences",
            # The admin may name a substitute from another team (the seller could not).
            headers=w.admin.headers,
            json={
                "kind": "vacation",
                "user_id": str(w.colleague.id),
                "starts_on": today.isoformat(),
                "ends_on": (today + timedelta(days=3)).isoformat(),
                "substitute_id": str(w.other_team.id),
            },
        )
        assert recorded.status_code == 201, recorded.text
        await drain_queue(container)
        await drain_queue(container)
        [(kind, params)] = await stored(container, w.other_team.id)
        assert kind == "absence_substitute"
        assert params["user_id"] == str(w.colleague.id)
        assert params["starts_on"] == today.isoformat()

    async def test_reminder_and_overdue_are_told_once_each(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        from domain.activities.services.notifications import send_due_reminders

        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        await client.post(
            "/api/v1/tasks",
            json={
                "title": "Просрочено",
                "client_id": str(client_id),
                "remind_at": (now() - timedelta(minutes=2)).isoformat(),
                "due_at": (now() - timedelta(minutes=1)).isoformat(),
            },
            headers=w.seller_s.headers,
        )
        for _ in range(2):
            await send_due_reminders(container.uow(), container.clock)
            await drain_queue(container)
        kinds = sorted(k for k, _ in await stored(container, w.seller.id))
        assert kinds == ["overdue", "reminder"]
