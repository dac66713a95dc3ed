from __future__ import annotations

import uuid

from domain.activities.model import Task
from tests.api.clients.support import (
    API,
    audit_of,
    create_client,
    if_match,
    insert_deal,
    json_of,
    two_teams,
)
from tests.factories import Factory


async def _task_on(
    factory: Factory, org_id: uuid.UUID, client_id: str, assignee: uuid.UUID
) -> uuid.UUID:
    task = Task(
        organisation_id=org_id,
        client_id=uuid.UUID(client_id),
        assignee_id=assignee,
        title="Позвонить",
        due_at=factory.container.clock.now(),
    )
    async with factory.container.uow() as uow:
        await uow.tasks.add(task)
        await uow.commit()
    return task.id


async def _client_of_task(factory: Factory, task_id: uuid.UUID) -> uuid.UUID:
    import sqlalchemy as sa

    from adapters.db.tables.activities import tasks

    async with factory.container.engine.connect() as conn:
        return (
            await conn.execute(sa.select(tasks.c.client_id).where(tasks.c.id == task_id))
        ).scalar_one()


class TestMerge:
    async def test_moves_everything_fills_gaps_keeps_the_survivors_responsible(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        other_owner = await factory.user(org)
        survivor = await create_client(
            factory,
            admin,
            sector="Ритейл",
            segment_tags=["a"],
            contacts=[{"full_name": "Иван", "phones": ["+79123456789"]}],
        )
        other = await create_client(
            factory,
            admin,
            inn="7707083893",
            sector="Опт",
            segment_tags=["b"],
            responsible_id=str(other_owner.id),
            contacts=[{"full_name": "Мария", "emails": ["maria@example.com"]}],
        )
        task = await _task_on(factory, org.id, other["id"], other_owner.id)
        await insert_deal(factory, org.id, other["id"], other_owner.id, "won")
        response = await factory.client.post(
            f"{API}/clients/{survivor['id']}/merge",
            json={"other_id": other["id"]},
            headers={**admin.headers, **if_match(1)},
        )
        body = json_of(response, 200)
        assert body["responsible_id"] == str(admin.user.id)
        assert body["sector"] == "Ритейл"
        assert body["inn"] == "7707083893"
        assert body["segment_tags"] == ["a", "b"]
        assert sorted(c["full_name"] for c in body["contacts"]) == ["Иван", "Мария"]
        assert body["relationship_type"] == "current"
        assert await _client_of_task(factory, task) == uuid.UUID(survivor["id"])

        gone = await factory.client.get(f"{API}/clients/{other['id']}", headers=admin.headers)
        assert gone.status_code == 404
        assert gone.json()["merged_into_id"] == survivor["id"]
        listed = json_of(await factory.client.get(f"{API}/clients", headers=admin.headers), 200)
        assert [c["id"] for c in listed["items"]] == [survivor["id"]]

        entry = next(
            e
            for e in await audit_of(factory, org.id, "client", survivor["id"])
            if e.action == "merge"
        )
        assert entry.changes["merged_client_id"]["after"] == other["id"]
        assert entry.changes["merged_client_responsible_id"] == {
            "before": str(other_owner.id),
            "after": str(admin.user.id),
        }
        [other_entry] = [
            e for e in await audit_of(factory, org.id, "client", other["id"]) if e.action == "merge"
        ]
        assert other_entry.changes["merged_into_id"]["after"] == survivor["id"]
        history = json_of(
            await factory.client.get(
                f"{API}/clients/{survivor['id']}/relationship-history", headers=admin.headers
            ),
            200,
        )
        assert history["items"][0]["to_type"] == "current"

    async def test_a_client_cannot_be_merged_into_itself_or_twice(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        a, b = await create_client(factory, admin), await create_client(factory, admin)
        same = await factory.client.post(
            f"{API}/clients/{a['id']}/merge", json={"other_id": a["id"]}, headers=admin.headers
        )
        assert same.status_code == 422
        json_of(
            await factory.client.post(
                f"{API}/clients/{a['id']}/merge", json={"other_id": b["id"]}, headers=admin.headers
            ),
            200,
        )
        again = await factory.client.post(
            f"{API}/clients/{a['id']}/merge", json={"other_id": b["id"]}, headers=admin.headers
        )
        assert again.status_code == 404

    async def test_a_stale_survivor_is_refused_and_nothing_moves(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        a = await create_client(factory, admin)
        b = await create_client(factory, admin, contacts=[{"full_name": "Ольга"}])
        stale = await factory.client.post(
            f"{API}/clients/{a['id']}/merge",
            json={"other_id": b["id"]},
            headers={**admin.headers, **if_match(7)},
        )
        assert stale.status_code == 412
        still = json_of(
            await factory.client.get(f"{API}/clients/{b['id']}", headers=admin.headers), 200
        )
        assert [c["full_name"] for c in still["contacts"]] == ["Ольга"]

    async def test_clients_of_another_team_or_organisation_cannot_be_merged(
        self, factory: Factory
    ) -> None:
        _, _, seller, stranger = await two_teams(factory)
        mine = await create_client(factory, seller)
        theirs = await create_client(factory, stranger)
        response = await factory.client.post(
            f"{API}/clients/{mine['id']}/merge",
            json={"other_id": theirs["id"]},
            headers=seller.headers,
        )
        assert response.status_code == 404
        _, outsider = await factory.admin_session()
        response = await factory.client.post(
            f"{API}/clients/{mine['id']}/merge",
            json={"other_id": theirs["id"]},
            headers=outsider.headers,
        )
        assert response.status_code == 404
