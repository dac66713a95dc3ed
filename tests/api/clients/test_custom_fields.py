from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from adapters.db.tables.clients import clients
from adapters.db.tables.deals import deals
from tests.api.clients.support import (
    API,
    audit_of,
    create_client,
    define_field,
    if_match,
    insert_deal,
    json_of,
)
from tests.factories import Factory


class TestCustomFieldDefinitions:
    async def test_admin_defines_fields_for_clients_and_deals(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        tier = await define_field(
            factory, admin, key="tier", label="Уровень", type="enum", options=["a", "b"]
        )
        await define_field(
            factory, admin, entity="deal", key="tender_no", label="Тендер", type="string"
        )
        seller = await factory.login(await factory.user(org))
        listed = json_of(
            await factory.client.get(f"{API}/custom-fields?entity=client", headers=seller.headers),
            200,
        )
        assert [d["key"] for d in listed] == ["tier"]
        both = json_of(
            await factory.client.get(f"{API}/custom-fields", headers=seller.headers), 200
        )
        assert len(both) == 2
        url = f"{API}/custom-fields/{tier['id']}"
        updated = json_of(
            await factory.client.patch(
                url,
                json={"options": ["a", "b", "c"], "required": True},
                headers={**admin.headers, **if_match(1)},
            ),
            200,
        )
        assert updated["options"] == ["a", "b", "c"]
        assert updated["required"]
        assert (
            await factory.client.patch(
                url, json={"label": "X"}, headers={**admin.headers, **if_match(1)}
            )
        ).status_code == 412
        assert (await factory.client.delete(url, headers=admin.headers)).status_code == 204

    async def test_sellers_cannot_change_definitions(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        field = await define_field(factory, admin, key="site", label="Сайт", type="string")
        seller = await factory.login(await factory.user(org))
        response = await factory.client.post(
            f"{API}/custom-fields",
            json={"entity": "client", "key": "x", "label": "X", "type": "string"},
            headers=seller.headers,
        )
        assert response.status_code == 403
        patch = await factory.client.patch(
            f"{API}/custom-fields/{field['id']}", json={"label": "Y"}, headers=seller.headers
        )
        assert patch.status_code == 403

    async def test_keys_are_unique_per_entity_and_enum_needs_options(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        await define_field(factory, admin, key="site", label="Сайт", type="string")
        again = await factory.client.post(
            f"{API}/custom-fields",
            json={"entity": "client", "key": "site", "label": "Сайт 2", "type": "string"},
            headers=admin.headers,
        )
        assert again.status_code == 422
        enum = await factory.client.post(
            f"{API}/custom-fields",
            json={"entity": "client", "key": "tier", "label": "Уровень", "type": "enum"},
            headers=admin.headers,
        )
        assert enum.status_code == 422

    async def test_another_organisations_definitions_are_404(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        field = await define_field(factory, admin, key="site", label="Сайт", type="string")
        _, outsider = await factory.admin_session()
        url = f"{API}/custom-fields/{field['id']}"
        assert (
            await factory.client.patch(url, json={"label": "Y"}, headers=outsider.headers)
        ).status_code == 404
        assert (await factory.client.delete(url, headers=outsider.headers)).status_code == 404
        assert (
            json_of(await factory.client.get(f"{API}/custom-fields", headers=outsider.headers), 200)
            == []
        )


async def stored_custom_fields(factory: Factory, table: Any, ident: str) -> dict[str, Any]:
    async with factory.container.engine.connect() as conn:
        row = await conn.execute(sa.select(table.c.custom_fields).where(table.c.id == ident))
        return dict(row.scalar_one())


async def store_custom_fields(factory: Factory, table: Any, ident: Any, values: dict) -> None:
    async with factory.container.engine.begin() as conn:
        await conn.execute(sa.update(table).where(table.c.id == ident).values(custom_fields=values))


class TestDeletingADefinition:
    async def test_removes_its_values_from_the_organisations_records_only(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        site = await define_field(factory, admin, key="site", label="Сайт", type="string")
        await define_field(
            factory, admin, key="tier", label="Уровень", type="enum", options=["a", "b"]
        )
        await define_field(factory, admin, entity="deal", key="site", label="Сайт", type="string")
        client = await create_client(factory, admin, custom_fields={"site": "x.ru", "tier": "a"})
        deal_id = await insert_deal(factory, org.id, client["id"], org.admin.id, "open")
        await store_custom_fields(factory, deals, deal_id, {"site": "deal.ru"})
        _, outsider = await factory.admin_session()
        await define_field(factory, outsider, key="site", label="Сайт", type="string")
        foreign = await create_client(factory, outsider, custom_fields={"site": "y.ru"})

        deleted = await factory.client.delete(
            f"{API}/custom-fields/{site['id']}", headers=admin.headers
        )
        assert deleted.status_code == 204, deleted.text

        read = await factory.client.get(f"{API}/clients/{client['id']}", headers=admin.headers)
        assert json_of(read, 200)["custom_fields"] == {"tier": "a"}
        assert read.headers["etag"] != f'"v{client["version"]}"'  # cached copies go stale
        # The deal field of the same key and the other organisation's field are untouched.
        assert await stored_custom_fields(factory, deals, str(deal_id)) == {"site": "deal.ru"}
        assert await stored_custom_fields(factory, clients, foreign["id"]) == {"site": "y.ru"}
        # The record is as editable as before.
        edited = await factory.client.patch(
            f"{API}/clients/{client['id']}",
            json={"custom_fields": {"tier": "b"}},
            headers={**admin.headers, "If-Match": read.headers["etag"]},
        )
        assert json_of(edited, 200)["custom_fields"] == {"tier": "b"}
        entries = await audit_of(factory, org.id, "custom_field", site["id"])
        assert any(e.action == "delete" for e in entries)

    async def test_null_clears_a_value_whose_definition_is_gone(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        await define_field(
            factory, admin, key="tier", label="Уровень", type="enum", options=["a", "b"]
        )
        client = await create_client(factory, admin, custom_fields={"tier": "a"})
        # A value left behind before definitions took their values with them.
        await store_custom_fields(factory, clients, client["id"], {"tier": "a", "gone": "old"})
        url = f"{API}/clients/{client['id']}"
        cleared = await factory.client.patch(
            url, json={"custom_fields": {"gone": None, "tier": "b"}}, headers=admin.headers
        )
        assert json_of(cleared, 200)["custom_fields"] == {"tier": "b"}
        # Null for a key the record does not hold and no definition names is accepted too.
        again = await factory.client.patch(
            url, json={"custom_fields": {"never": None}}, headers=admin.headers
        )
        assert json_of(again, 200)["custom_fields"] == {"tier": "b"}
