from __future__ import annotations

import asyncio
from typing import Any

import sqlalchemy as sa

from adapters.db.tables.activities import tasks
from tests.api.clients.support import API, create_client, insert_deal, json_of, two_teams
from tests.api.deals import support as deal_support
from tests.api.deals.support import Teams, teams
from tests.factories import Factory


class TestRelationshipType:
    async def test_follows_deals_and_requests_with_history(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        client = await create_client(factory, admin)
        url = f"{API}/clients/{client['id']}"
        body = json_of(
            await factory.client.post(
                f"{url}/inbound-requests", json={"channel": "form"}, headers=admin.headers
            ),
            201,
        )
        assert (body["relationship_type"], body["inbound_requests"]) == ("potential", 1)
        await insert_deal(factory, org.id, client["id"], admin.user.id, "won")
        assert (
            json_of(await factory.client.get(url, headers=admin.headers), 200)["relationship_type"]
            == "current"
        )
        await insert_deal(factory, org.id, client["id"], admin.user.id, "won")
        assert (
            json_of(await factory.client.get(url, headers=admin.headers), 200)["relationship_type"]
            == "permanent"
        )
        page = json_of(
            await factory.client.get(f"{url}/relationship-history?limit=2", headers=admin.headers),
            200,
        )
        assert [(t["from_type"], t["to_type"]) for t in page["items"]] == [
            ("current", "permanent"),
            ("potential", "current"),
        ]
        rest = json_of(
            await factory.client.get(
                f"{url}/relationship-history?limit=2&cursor={page['next_cursor']}",
                headers=admin.headers,
            ),
            200,
        )
        assert [(t["from_type"], t["to_type"], t["reason"]) for t in rest["items"]] == [
            ("cold", "potential", "inbound_request: form")
        ]

    async def test_entering_a_type_creates_the_configured_follow_up_task(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        seller = await factory.user(org)
        created = json_of(
            await factory.client.post(
                f"{API}/relationship-follow-ups",
                json={
                    "relationship_type": "current",
                    "task_title": "Приветственный звонок",
                    "due_in_days": 2,
                },
                headers=admin.headers,
            ),
            201,
        )
        json_of(
            await factory.client.post(
                f"{API}/relationship-follow-ups",
                json={
                    "relationship_type": "permanent",
                    "task_title": "Не должно быть",
                    "is_active": False,
                },
                headers=admin.headers,
            ),
            201,
        )
        client = await create_client(factory, admin, responsible_id=str(seller.id))
        await insert_deal(factory, org.id, client["id"], seller.id, "won")
        await insert_deal(factory, org.id, client["id"], seller.id, "won")
        async with factory.container.engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.select(
                        tasks.c.title,
                        tasks.c.assignee_id,
                        tasks.c.origin,
                        tasks.c.due_at,
                        tasks.c.created_at,
                    ).where(tasks.c.client_id == sa.literal(client["id"], tasks.c.client_id.type))
                )
            ).all()
        assert [(r.title, r.assignee_id, r.origin) for r in rows] == [
            ("Приветственный звонок", seller.id, "follow_up")
        ]
        assert 1 <= (rows[0].due_at - rows[0].created_at).days <= 2
        listed = json_of(
            await factory.client.get(f"{API}/relationship-follow-ups", headers=admin.headers), 200
        )
        assert created["id"] in [f["id"] for f in listed]

    async def test_follow_ups_are_managed_by_admins_only(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        seller = await factory.login(await factory.user(org))
        response = await factory.client.post(
            f"{API}/relationship-follow-ups",
            json={"relationship_type": "current", "task_title": "X"},
            headers=seller.headers,
        )
        assert response.status_code == 403
        created = json_of(
            await factory.client.post(
                f"{API}/relationship-follow-ups",
                json={"relationship_type": "current", "task_title": "X"},
                headers=admin.headers,
            ),
            201,
        )
        _, outsider = await factory.admin_session()
        url = f"{API}/relationship-follow-ups/{created['id']}"
        assert (
            await factory.client.patch(url, json={"due_in_days": 3}, headers=outsider.headers)
        ).status_code == 404
        updated = json_of(
            await factory.client.patch(url, json={"due_in_days": 3}, headers=admin.headers), 200
        )
        assert updated["due_in_days"] == 3
        assert (
            await factory.client.delete(url, headers={**admin.headers, "If-Match": '"v1"'})
        ).status_code == 412
        assert (await factory.client.delete(url, headers=admin.headers)).status_code == 204

    async def test_history_and_inbound_requests_of_another_team_are_404(
        self, factory: Factory
    ) -> None:
        _, _, seller, stranger = await two_teams(factory)
        client = await create_client(factory, seller)
        url = f"{API}/clients/{client['id']}"
        assert (
            await factory.client.get(f"{url}/relationship-history", headers=stranger.headers)
        ).status_code == 404
        assert (
            await factory.client.post(f"{url}/inbound-requests", json={}, headers=stranger.headers)
        ).status_code == 404
        _, outsider = await factory.admin_session()
        assert (
            await factory.client.get(f"{url}/relationship-history", headers=outsider.headers)
        ).status_code == 404


class TestConcurrentWork:
    async def test_parallel_deals_and_calls_on_one_client_all_succeed(
        self, factory: Factory
    ) -> None:
        # Each insert holds KEY SHARE on the client row and the relationship handler then locks
        # the row: with FOR UPDATE two such transactions deadlocked (503, "collided").
        world = await teams(factory)
        client = await create_deal_client(factory, world)
        deals = [
            factory.client.post(
                f"{API}/deals",
                json={"client_id": client["id"], "title": f"Поставка {n}"},
                headers=world.seller.headers,
            )
            for n in range(6)
        ]
        calls = [
            factory.client.post(
                f"{API}/activities",
                json={"client_id": client["id"], "kind": "call", "subject": f"Звонок {n}"},
                headers=world.seller.headers,
            )
            for n in range(6)
        ]
        answers = await asyncio.gather(*deals, *calls)
        assert [a.status_code for a in answers] == [201] * 12, [a.text for a in answers]
        history = json_of(
            await factory.client.get(
                f"{API}/clients/{client['id']}/relationship-history", headers=world.seller.headers
            ),
            200,
        )
        # Cold to potential once, however many deals opened it at the same time.
        assert [(t["from_type"], t["to_type"]) for t in history["items"]] == [("cold", "potential")]


async def create_deal_client(factory: Factory, world: Teams) -> dict[str, Any]:
    return await deal_support.create_client(factory, world.seller)
