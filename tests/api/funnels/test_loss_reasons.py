from __future__ import annotations

from tests.api.deals.support import API, create_deal, if_match, json_of, teams
from tests.factories import Factory


class TestLossReasons:
    async def test_defaults_come_with_the_first_funnel(self, factory: Factory) -> None:
        world = await teams(factory)
        listed = json_of(
            await factory.client.get(f"{API}/loss-reasons", headers=world.seller.headers), 200
        )
        assert "Дорого" in [r["name"] for r in listed]

    async def test_an_admin_creates_renames_and_deletes_an_unused_reason(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        created = json_of(
            await factory.client.post(
                f"{API}/loss-reasons", json={"name": "Сорвали сроки"}, headers=admin.headers
            ),
            201,
        )
        url = f"{API}/loss-reasons/{created['id']}"
        renamed = json_of(
            await factory.client.patch(
                url,
                json={"name": "Сорвали сроки поставки"},
                headers={**admin.headers, **if_match(created["version"])},
            ),
            200,
        )
        assert renamed["name"] == "Сорвали сроки поставки"
        stale = await factory.client.patch(
            url, json={"name": "X"}, headers={**admin.headers, **if_match(created["version"])}
        )
        assert stale.status_code == 412
        duplicate = await factory.client.post(
            f"{API}/loss-reasons", json={"name": "СОРВАЛИ СРОКИ ПОСТАВКИ"}, headers=admin.headers
        )
        assert duplicate.status_code == 422
        assert (await factory.client.delete(url, headers=admin.headers)).status_code == 204
        assert (await factory.client.get(url, headers=admin.headers)).status_code == 404

    async def test_a_used_reason_is_deactivated_instead_of_deleted(self, factory: Factory) -> None:
        world = await teams(factory)
        reason = json_of(
            await factory.client.post(
                f"{API}/loss-reasons",
                json={"name": "Ушли к конкуренту"},
                headers=world.admin.headers,
            ),
            201,
        )
        deal = await create_deal(factory, world.seller)
        lost = await factory.client.post(
            f"{API}/deals/{deal['id']}/lose",
            json={"loss_reason_id": reason["id"]},
            headers=world.seller.headers,
        )
        assert lost.status_code == 200, lost.text
        url = f"{API}/loss-reasons/{reason['id']}"
        assert (await factory.client.delete(url, headers=world.admin.headers)).status_code == 204
        kept = json_of(await factory.client.get(url, headers=world.admin.headers), 200)
        assert kept["is_active"] is False
        active = json_of(
            await factory.client.get(f"{API}/loss-reasons", headers=world.admin.headers), 200
        )
        assert reason["id"] not in {r["id"] for r in active}
        everything = json_of(
            await factory.client.get(
                f"{API}/loss-reasons?include_inactive=true", headers=world.admin.headers
            ),
            200,
        )
        assert reason["id"] in {r["id"] for r in everything}

    async def test_sellers_cannot_edit_and_other_organisations_get_404(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)
        created = await factory.client.post(
            f"{API}/loss-reasons", json={"name": "Моя причина"}, headers=world.seller.headers
        )
        assert created.status_code == 403
        reason = json_of(
            await factory.client.get(f"{API}/loss-reasons", headers=world.admin.headers), 200
        )[0]
        url = f"{API}/loss-reasons/{reason['id']}"
        outsider = world.outsider.headers
        assert (await factory.client.get(url, headers=outsider)).status_code == 404
        assert (
            await factory.client.patch(url, json={"name": "X"}, headers=outsider)
        ).status_code == 404
        assert (await factory.client.delete(url, headers=outsider)).status_code == 404


class TestLossReasonOrder:
    async def test_an_admin_reorders_every_reason_deactivated_ones_too(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)
        url = f"{API}/loss-reasons"
        everything = json_of(
            await factory.client.get(
                url, params={"include_inactive": True}, headers=world.admin.headers
            ),
            200,
        )
        retired = everything[0]
        json_of(
            await factory.client.patch(
                f"{url}/{retired['id']}", json={"is_active": False}, headers=world.admin.headers
            ),
            200,
        )
        wanted = [r["id"] for r in reversed(everything)]
        reordered = json_of(
            await factory.client.post(
                f"{url}/reorder", json={"reason_ids": wanted}, headers=world.admin.headers
            ),
            200,
        )
        assert [r["id"] for r in reordered] == wanted
        assert [r["position"] for r in reordered] == list(range(len(wanted)))
        offered = json_of(await factory.client.get(url, headers=world.seller.headers), 200)
        assert [r["id"] for r in offered] == [i for i in wanted if i != retired["id"]]

        without_retired = await factory.client.post(
            f"{url}/reorder", json={"reason_ids": wanted[:-1]}, headers=world.admin.headers
        )
        assert without_retired.status_code == 422
        assert without_retired.headers["content-type"] == "application/problem+json"
        forbidden = await factory.client.post(
            f"{url}/reorder", json={"reason_ids": wanted}, headers=world.seller.headers
        )
        assert forbidden.status_code == 403
        elsewhere = await factory.client.post(
            f"{url}/reorder", json={"reason_ids": wanted}, headers=world.outsider.headers
        )
        assert elsewhere.status_code == 422
