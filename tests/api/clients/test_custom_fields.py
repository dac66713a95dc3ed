from __future__ import annotations

from tests.api.clients.support import API, define_field, if_match, json_of
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
