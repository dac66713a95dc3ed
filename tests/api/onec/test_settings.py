"""1C integration settings and the exchange log through the API: the password is answered
once (on create and rotation) and never again, the exchange address is given, and another
organisation sees none of it (404)."""

from __future__ import annotations

from tests.api.onec.support import (
    API,
    CATALOG,
    OneC,
    create_integration,
    exchanges,
    full_exchange,
    products,
    sample,
)
from tests.factories import Factory


class TestIntegrations:
    async def test_create_answers_the_password_once_and_the_exchange_address(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        created = await factory.client.post(
            f"{API}/onec/integrations",
            json={"name": "УТ 11", "login": "site"},
            headers=admin.headers,
        )
        assert created.status_code == 201, created.text
        body = created.json()
        assert len(body["password"]) >= 16
        assert body["exchange_path"] == f"/api/v1/onec/{body['id']}/exchange"
        assert (body["exchange_catalog"], body["exchange_sale"]) == (True, False)
        read = await factory.client.get(
            f"{API}/onec/integrations/{body['id']}", headers=admin.headers
        )
        assert read.status_code == 200
        assert "password" not in read.json()
        assert "password_hash" not in read.text
        listed = await factory.client.get(f"{API}/onec/integrations", headers=admin.headers)
        assert [i["id"] for i in listed.json()["items"]] == [body["id"]]
        assert "password" not in listed.json()["items"][0]
        # The generated password is the one 1C signs in with.
        assert (await OneC(factory, body).checkauth("site", body["password"])).startswith(
            "success\n"
        )

    async def test_rotating_the_password_retires_the_old_one(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        rotated = await factory.client.patch(
            f"{API}/onec/integrations/{integration['id']}",
            json={"rotate_password": True, "exchange_sale": True},
            headers=admin.headers,
        )
        assert rotated.status_code == 200, rotated.text
        new_password = rotated.json()["password"]
        assert new_password
        assert rotated.json()["exchange_sale"] is True
        one_c = OneC(factory, integration)
        assert (await one_c.checkauth()).startswith("failure\n")
        assert (await one_c.checkauth("site", new_password)).startswith("success\n")
        renamed = await factory.client.patch(
            f"{API}/onec/integrations/{integration['id']}",
            json={"name": "Бухгалтерия"},
            headers=admin.headers,
        )
        assert renamed.json()["password"] is None

    async def test_hostile_settings_are_422(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        for body in (
            {"name": "x", "login": "with:colon"},
            {"name": "x", "login": "site", "password": "short"},
            {"name": "", "login": "site"},
            {"name": "x", "login": "site", "extra": 1},
        ):
            answer = await factory.client.post(
                f"{API}/onec/integrations", json=body, headers=admin.headers
            )
            assert answer.status_code == 422, body

    async def test_delete_removes_the_integration_and_its_log_not_the_products(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        await full_exchange(factory, integration, [(CATALOG, sample(CATALOG))])
        deleted = await factory.client.delete(
            f"{API}/onec/integrations/{integration['id']}", headers=admin.headers
        )
        assert deleted.status_code == 204
        assert await exchanges(factory, admin) == []
        assert len(await products(factory, admin)) == 3
        gone = await factory.client.get(
            integration["exchange_path"], params={"type": "catalog", "mode": "init"}
        )
        assert gone.status_code == 404


class TestScoping:
    async def test_another_organisation_sees_no_integration_log_or_product(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        one_c, _ = await full_exchange(factory, integration, [(CATALOG, sample(CATALOG))])
        _, stranger = await factory.admin_session()
        for path in (
            f"/onec/integrations/{integration['id']}",
            f"/onec/exchanges/{one_c.sessid}",
        ):
            answer = await factory.client.get(f"{API}{path}", headers=stranger.headers)
            assert answer.status_code == 404, path
        for method in ("PATCH", "DELETE"):
            answer = await factory.client.request(
                method,
                f"{API}/onec/integrations/{integration['id']}",
                json={"name": "x"} if method == "PATCH" else None,
                headers=stranger.headers,
            )
            assert answer.status_code == 404, method
        assert await exchanges(factory, stranger) == []
        listed = await factory.client.get(f"{API}/onec/integrations", headers=stranger.headers)
        assert listed.json()["items"] == []
        assert await products(factory, stranger) == []
        assert len(await products(factory, admin)) == 3

    async def test_products_page_by_name(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        await full_exchange(factory, integration, [(CATALOG, sample(CATALOG))])
        first = await factory.client.get(f"{API}/onec/products?limit=2", headers=admin.headers)
        page = first.json()
        assert len(page["items"]) == 2
        rest = await factory.client.get(
            f"{API}/onec/products?limit=2&cursor={page['next_cursor']}", headers=admin.headers
        )
        names = [p["name"] for p in page["items"] + rest.json()["items"]]
        assert names == sorted(names)
        assert len(names) == 3
        assert rest.json()["next_cursor"] is None
