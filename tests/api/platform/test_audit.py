"""The audit log per record: settings changes need audit:read; a client's, contact's or
deal's history is shown to whoever may see the record."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.db.tables.clients import contacts
from domain.platform.audit import AuditEntry
from tests.api.attachments.support import API, insert, make_client, make_deal, upload, world
from tests.factories import Factory, Session


async def audit(
    factory: Factory, session: Session, entity_type: str, entity_id: object, **params: Any
) -> Any:
    return await factory.client.get(
        f"{API}/audit",
        params={"entity_type": entity_type, "entity_id": str(entity_id), **params},
        headers=session.headers,
    )


class TestSettingsHistory:
    async def test_department_changes_are_recorded_field_by_field(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        created = await factory.client.post(
            f"{API}/departments", json={"name": "Продажи"}, headers=admin.headers
        )
        department = created.json()
        renamed = await factory.client.patch(
            f"{API}/departments/{department['id']}",
            json={"name": "Продажи Москва"},
            headers=admin.headers,
        )
        assert renamed.status_code == 200
        response = await audit(factory, admin, "department", department["id"])
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        assert [i["action"] for i in items] == ["update", "create"]
        assert items[0]["changes"] == {"name": {"before": "Продажи", "after": "Продажи Москва"}}
        assert items[1]["changes"]["name"] == {"before": None, "after": "Продажи"}
        assert items[0]["actor_user_id"] == str(admin.user.id)
        assert items[0]["request_id"]

    async def test_role_and_organisation_changes_are_recorded(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        role = await factory.client.post(
            f"{API}/roles",
            json={"name": "Стажёр", "permissions": ["clients:read"]},
            headers=admin.headers,
        )
        assert role.status_code == 201, role.text
        changed = await factory.client.patch(
            f"{API}/roles/{role.json()['id']}",
            json={"permissions": ["clients:read", "deals:read"]},
            headers=admin.headers,
        )
        assert changed.status_code == 200, changed.text
        items = (await audit(factory, admin, "role", role.json()["id"])).json()["items"]
        assert items[0]["changes"]["permissions"] == {
            "before": ["clients:read"],
            "after": ["clients:read", "deals:read"],
        }
        updated = await factory.client.patch(
            f"{API}/organisation", json={"time_zone": "Asia/Almaty"}, headers=admin.headers
        )
        assert updated.status_code == 200, updated.text
        org_items = (await audit(factory, admin, "organisation", org.id)).json()["items"]
        assert org_items[0]["changes"]["time_zone"]["after"] == "Asia/Almaty"

    async def test_settings_history_needs_audit_read(self, factory: Factory) -> None:
        w = await world(factory)
        response = await audit(factory, w.seller, "department", w.north.id)
        assert response.status_code == 403
        # The head of sales holds audit:read.
        assert (await audit(factory, w.head_north, "department", w.north.id)).status_code == 200

    async def test_another_organisations_history_is_empty(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        department = await factory.client.post(
            f"{API}/departments", json={"name": "Закрытый"}, headers=admin.headers
        )
        _, outsider = await factory.admin_session()
        response = await audit(factory, outsider, "department", department.json()["id"])
        assert response.json()["items"] == []

    async def test_a_malformed_entity_type_is_422(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        assert (await audit(factory, admin, "Client; drop", uuid.uuid4())).status_code == 422


async def add_entries(
    factory: Factory, org_id: uuid.UUID, entity_type: str, entity_id: uuid.UUID, n: int
) -> None:
    start = datetime.now(UTC) - timedelta(hours=1)
    async with factory.container.uow() as uow:
        for i in range(n):
            await uow.audit.add(
                AuditEntry(
                    organisation_id=org_id,
                    entity_type=entity_type,
                    entity_id=entity_id,
                    action="update",
                    changes={"name": {"before": str(i), "after": str(i + 1)}},
                    actor_user_id=None,
                    actor_api_key_id=None,
                    at=start + timedelta(minutes=i),
                )
            )
        await uow.commit()


class TestRecordHistory:
    async def test_a_client_history_follows_client_visibility(self, factory: Factory) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        await add_entries(factory, w.org.id, "client", client_id, 1)
        for viewer in (w.seller, w.head_north, w.admin):
            response = await audit(factory, viewer, "client", client_id)
            assert response.status_code == 200
            assert len(response.json()["items"]) == 1
            alias = await factory.client.get(
                f"{API}/clients/{client_id}/audit", headers=viewer.headers
            )
            assert alias.json() == response.json()
        for stranger in (w.rival, w.junior, w.outsider):
            assert (await audit(factory, stranger, "client", client_id)).status_code == 404
            alias = await factory.client.get(
                f"{API}/clients/{client_id}/audit", headers=stranger.headers
            )
            assert alias.status_code == 404

    async def test_a_deal_history_follows_deal_visibility_and_pages(self, factory: Factory) -> None:
        w = await world(factory)
        deal_id = await make_deal(factory.container, w.org, w.seller.user)
        await add_entries(factory, w.org.id, "deal", deal_id, 3)
        assert (await upload(factory, w.seller, deal_id=deal_id)).status_code == 201
        first = await factory.client.get(
            f"{API}/deals/{deal_id}/audit", params={"limit": 2}, headers=w.seller.headers
        )
        page = first.json()
        assert [i["action"] for i in page["items"]] == ["attach", "update"]
        assert page["items"][1]["changes"]["name"]["after"] == "3"
        rest = await factory.client.get(
            f"{API}/deals/{deal_id}/audit",
            params={"limit": 2, "cursor": page["next_cursor"]},
            headers=w.seller.headers,
        )
        assert [i["changes"]["name"]["after"] for i in rest.json()["items"]] == ["2", "1"]
        assert rest.json()["next_cursor"] is None
        for stranger in (w.rival, w.outsider):
            response = await factory.client.get(
                f"{API}/deals/{deal_id}/audit", headers=stranger.headers
            )
            assert response.status_code == 404

    async def test_a_contact_history_follows_its_client(self, factory: Factory) -> None:
        w = await world(factory)
        client_id = await make_client(factory.container, w.org, w.seller.user)
        contact_id = await insert(
            factory.container,
            contacts,
            organisation_id=w.org.id,
            client_id=client_id,
            full_name="Иван Петров",
            name_key="иван петров",
        )
        await add_entries(factory, w.org.id, "contact", contact_id, 2)
        assert len((await audit(factory, w.seller, "contact", contact_id)).json()["items"]) == 2
        assert (await audit(factory, w.rival, "contact", contact_id)).status_code == 404
        assert (await audit(factory, w.outsider, "contact", contact_id)).status_code == 404
        assert (await audit(factory, w.seller, "contact", uuid.uuid4())).status_code == 404
