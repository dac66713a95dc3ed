"""Every event an integrator receives carries the event's own fields and the record it names,
read through the API's read schemas."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from adapters.bootstrap import Container
from tests.api.deals.support import create_client, json_of, teams
from tests.api.webhooks.support import (
    API,
    allow_private_targets,
    create_endpoint,
    receiver,
    verify_standard_webhook,
)
from tests.factories import Factory
from tests.worker import drain_queue


async def payloads_of(container: Container, hook: Any, count: int) -> list[dict[str, Any]]:
    async with asyncio.timeout(5):
        while len(hook.requests) < count:
            await drain_queue(container)
    return [json.loads(r.body) for r in hook.requests]


class TestPayloads:
    async def test_client_task_and_relationship_events_carry_their_records(
        self, factory: Factory, container: Container
    ) -> None:
        world = await teams(factory)
        await allow_private_targets(factory, world.admin)
        async with receiver(200) as hook:
            endpoint = await create_endpoint(
                factory,
                world.admin,
                url=hook.url,
                events=["client.created", "client.updated", "task.assigned"],
            )
            client = await create_client(factory, world.seller, name="ООО «Ромашка»")
            json_of(
                await factory.client.patch(
                    f"{API}/clients/{client['id']}",
                    json={"sector": "Логистика"},
                    headers=world.seller.headers,
                ),
                200,
            )
            task = json_of(
                await factory.client.post(
                    f"{API}/tasks",
                    json={"title": "Перезвонить", "client_id": client["id"]},
                    headers=world.seller.headers,
                ),
                201,
            )
            received = await payloads_of(container, hook, 3)
        assert all(verify_standard_webhook(endpoint["secret"], r) for r in hook.requests)
        by_type = {p["type"]: p for p in received}
        assert set(by_type) == {"client.created", "client.updated", "task.assigned"}
        created = by_type["client.created"]
        assert created["version"] == 1
        assert created["event"]["client_id"] == client["id"]
        assert created["data"]["id"] == client["id"]
        assert created["data"]["name"] == "ООО «Ромашка»"
        assert by_type["client.updated"]["event"]["changed"] == ["sector"]
        assert by_type["client.updated"]["data"]["sector"] == "Логистика"
        assigned = by_type["task.assigned"]
        assert assigned["event"]["reason"] == "created"
        assert assigned["event"]["assignee_id"] == str(world.seller.user.id)
        assert assigned["data"]["id"] == task["id"]
        assert assigned["data"]["title"] == "Перезвонить"
