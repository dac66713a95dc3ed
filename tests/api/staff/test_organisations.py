from __future__ import annotations

from tests.api.staff.support import API, auth, error_locs, if_match, json_of
from tests.factories import Factory


class TestGetOrganisation:
    async def test_every_user_reads_their_own_organisation_with_an_etag(
        self, factory: Factory
    ) -> None:
        org = await factory.organisation()
        seller = await factory.login(await factory.user(org))
        response = await factory.client.get(f"{API}/organisation", headers=seller.headers)
        body = json_of(response, 200)
        assert body["id"] == str(org.id)
        assert body["currency"] == "RUB"
        assert response.headers["etag"] == f'"v{body["version"]}"'


class TestUpdateOrganisation:
    async def test_admin_changes_name_currency_time_zone_and_fulfilment_basis(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.patch(
            f"{API}/organisation",
            json={
                "name": "Ромашка",
                "currency": "EUR",
                "time_zone": "Europe/Kyiv",
                "fulfilment_basis": "won_deals",
            },
            headers=admin.headers,
        )
        body = json_of(response, 200)
        assert (body["name"], body["currency"], body["time_zone"], body["fulfilment_basis"]) == (
            "Ромашка",
            "EUR",
            "Europe/Kyiv",
            "won_deals",
        )
        stored = await factory.client.get(f"{API}/organisation", headers=admin.headers)
        assert stored.json()["currency"] == "EUR"

    async def test_seller_is_forbidden(self, factory: Factory) -> None:
        org = await factory.organisation()
        seller = await factory.login(await factory.user(org))
        response = await factory.client.patch(
            f"{API}/organisation", json={"name": "Взлом"}, headers=seller.headers
        )
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"

    async def test_currency_must_be_three_capital_letters(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.patch(
            f"{API}/organisation", json={"currency": "euro"}, headers=admin.headers
        )
        assert response.status_code == 422
        assert ["body", "currency"] in error_locs(response)

    async def test_unknown_time_zone_is_refused_with_the_field_named(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.patch(
            f"{API}/organisation", json={"time_zone": "Mars/Olympus"}, headers=admin.headers
        )
        assert response.status_code == 422
        assert ["body", "time_zone"] in error_locs(response)

    async def test_stale_if_match_is_412_and_changes_nothing(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        current = json_of(
            await factory.client.get(f"{API}/organisation", headers=admin.headers), 200
        )
        json_of(
            await factory.client.patch(
                f"{API}/organisation",
                json={"name": "Первое"},
                headers=auth(admin, **if_match(current["version"])),
            ),
            200,
        )
        stale = await factory.client.patch(
            f"{API}/organisation",
            json={"name": "Второе"},
            headers=auth(admin, **if_match(current["version"])),
        )
        assert stale.status_code == 412
        assert stale.headers["content-type"] == "application/problem+json"
        stored = await factory.client.get(f"{API}/organisation", headers=admin.headers)
        assert stored.json()["name"] == "Первое"
