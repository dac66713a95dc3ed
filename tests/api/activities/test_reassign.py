from __future__ import annotations

import sqlalchemy as sa
from httpx import AsyncClient

from adapters.bootstrap import Container
from adapters.db.tables.clients import clients
from adapters.db.tables.deals import deals
from adapters.db.tables.records import audit_entries
from tests.api.activities.support import client_of, deal_of, world
from tests.factories import Factory


class TestReassign:
    async def test_moves_clients_deals_and_open_tasks_with_one_audit_record_per_kind(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        other_client = await client_of(container, w.org, w.seller, "ИП Иванов")
        deal_id = await deal_of(container, w.org, client_id, w.seller)
        async with container.engine.begin() as conn:
            won = await deal_of(container, w.org, other_client, w.seller)
            await conn.execute(sa.update(deals).where(deals.c.id == won).values(status="won"))
        open_task = await client.post(
            "/api/v1/tasks",
            json={"title": "a", "client_id": str(client_id)},
            headers=w.seller_s.headers,
        )
        done_task = await client.post(
            "/api/v1/tasks",
            json={"title": "b", "client_id": str(client_id)},
            headers=w.seller_s.headers,
        )
        await client.post(
            f"/api/v1/tasks/{done_task.json()['id']}/complete", headers=w.seller_s.headers
        )
        response = await client.post(
            f"/api/v1/users/{w.seller.id}/reassign",
            json={"to_user_id": str(w.colleague.id)},
            headers=w.admin.headers,
        )
        assert response.status_code == 200, response.text
        assert response.json() == {"clients": 2, "deals": 1, "tasks": 1}
        async with container.engine.connect() as conn:
            owners = dict(
                (
                    await conn.execute(
                        sa.select(deals.c.id, deals.c.responsible_id).where(
                            deals.c.id.in_([deal_id, won])
                        )
                    )
                ).all()
            )
            client_owners = set(
                (
                    await conn.execute(
                        sa.select(clients.c.responsible_id).where(
                            clients.c.id.in_([client_id, other_client])
                        )
                    )
                ).scalars()
            )
            audits = (
                (
                    await conn.execute(
                        sa.select(audit_entries.c.changes).where(
                            audit_entries.c.organisation_id == w.org.id,
                            audit_entries.c.entity_id == w.seller.id,
                            audit_entries.c.action == "reassign",
                        )
                    )
                )
                .scalars()
                .all()
            )
        assert owners == {deal_id: w.colleague.id, won: w.seller.id}
        assert client_owners == {w.colleague.id}
        assert sorted(next(iter(c)) for c in audits) == ["clients", "deals", "tasks"]
        tasks_entry = next(c["tasks"] for c in audits if "tasks" in c)
        assert tasks_entry["ids"] == [open_task.json()["id"]]
        moved = await client.get(
            f"/api/v1/tasks/{open_task.json()['id']}", headers=w.colleague_s.headers
        )
        assert moved.json()["assignee_id"] == str(w.colleague.id)
        told = await client.get("/api/v1/notifications", headers=w.colleague_s.headers)
        [notice] = told.json()["items"]
        assert notice["kind"] == "work_handed_over"
        assert notice["params"]["tasks"] == 1

    async def test_only_chosen_kinds_move(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.seller)
        await deal_of(container, w.org, client_id, w.seller)
        response = await client.post(
            f"/api/v1/users/{w.seller.id}/reassign",
            json={"to_user_id": str(w.colleague.id), "clients": False, "tasks": False},
            headers=w.admin.headers,
        )
        assert response.json() == {"clients": 0, "deals": 1, "tasks": 0}

    async def test_needs_users_manage_and_a_colleague_of_the_same_organisation(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        url = f"/api/v1/users/{w.seller.id}/reassign"
        body = {"to_user_id": str(w.colleague.id)}
        assert (await client.post(url, json=body, headers=w.head_s.headers)).status_code == 403
        assert (await client.post(url, json=body, headers=w.stranger_s.headers)).status_code == 404
        inactive = await factory.user(w.org, is_active=False)
        refused = await client.post(
            url, json={"to_user_id": str(inactive.id)}, headers=w.admin.headers
        )
        assert refused.status_code == 422
        same = await client.post(
            url, json={"to_user_id": str(w.seller.id)}, headers=w.admin.headers
        )
        assert same.status_code == 422
