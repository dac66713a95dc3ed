from __future__ import annotations

import pytest

from tests.api.webhooks.support import API, allow_private_targets, create_endpoint
from tests.factories import Factory

PUBLIC = "https://93.184.215.14/hooks"  # a literal public address: nothing is resolved or sent


class TestManageEndpoints:
    async def test_create_shows_the_secret_once_and_reads_never_return_it(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        created = await create_endpoint(
            factory, admin, url=PUBLIC, events=["deal.won", "deal.lost"], description="ERP"
        )
        assert created["secret"].startswith("whsec_")
        assert created["events"] == ["deal.lost", "deal.won"]
        assert created["is_active"] is True
        got = await factory.client.get(f"{API}/webhooks/{created['id']}", headers=admin.headers)
        assert got.status_code == 200
        assert "secret" not in got.json()
        assert got.headers["ETag"] == '"v1"'
        listed = await factory.client.get(f"{API}/webhooks", headers=admin.headers)
        assert [e["id"] for e in listed.json()["items"]] == [created["id"]]
        assert "secret" not in listed.json()["items"][0]

    async def test_list_is_keyset_paginated_newest_first(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        ids = [(await create_endpoint(factory, admin, url=PUBLIC))["id"] for _ in range(3)]
        first = (await factory.client.get(f"{API}/webhooks?limit=2", headers=admin.headers)).json()
        second = (
            await factory.client.get(
                f"{API}/webhooks?limit=2&cursor={first['next_cursor']}", headers=admin.headers
            )
        ).json()
        assert [e["id"] for e in first["items"] + second["items"]] == ids[::-1]
        assert second["next_cursor"] is None

    async def test_patch_needs_the_current_etag_and_delete_removes(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        created = await create_endpoint(factory, admin, url=PUBLIC)
        url = f"{API}/webhooks/{created['id']}"
        stale = await factory.client.patch(
            url, json={"is_active": False}, headers={**admin.headers, "If-Match": '"v7"'}
        )
        assert stale.status_code == 412
        patched = await factory.client.patch(
            url,
            json={"is_active": False, "events": ["deal.created"], "description": "off"},
            headers={**admin.headers, "If-Match": '"v1"'},
        )
        assert patched.status_code == 200, patched.text
        assert patched.json()["is_active"] is False
        assert patched.json()["events"] == ["deal.created"]
        assert patched.headers["ETag"] == '"v2"'
        assert (await factory.client.delete(url, headers=admin.headers)).status_code == 204
        assert (await factory.client.get(url, headers=admin.headers)).status_code == 404

    async def test_rotating_the_secret_returns_a_new_one(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        created = await create_endpoint(factory, admin, url=PUBLIC)
        rotated = await factory.client.post(
            f"{API}/webhooks/{created['id']}/rotate-secret", headers=admin.headers
        )
        assert rotated.status_code == 200
        assert rotated.json()["secret"].startswith("whsec_")
        assert rotated.json()["secret"] != created["secret"]


class TestValidation:
    @pytest.mark.parametrize(
        "url",
        [
            "ftp://93.184.215.14/x",
            "https://user:pw@93.184.215.14/x",
            "https:///nohost",
            "https://93.184.215.14/" + "a" * 2000,
            "http://127.0.0.1:8080/hook",
            "http://localhost/hook",
            "http://10.1.2.3/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/hook",
            "http://[::ffff:10.0.0.1]/hook",
            "http://100.64.0.1/hook",
            "http://0.0.0.0/hook",
            "http://224.0.0.1/hook",
            "http://192.168.1.1/hook",
        ],
    )
    async def test_bad_or_private_urls_are_422_on_url(self, factory: Factory, url: str) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.post(
            f"{API}/webhooks", json={"url": url, "events": ["*"]}, headers=admin.headers
        )
        assert response.status_code == 422, response.text
        assert ["body", "url"] in [e["loc"] for e in response.json()["errors"]]

    async def test_private_targets_are_allowed_when_the_organisation_says_so(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        await allow_private_targets(factory, admin)
        for url in ("http://127.0.0.1:9/hook", "http://10.0.0.1/x", "http://[::1]/x"):
            await create_endpoint(factory, admin, url=url)

    async def test_unknown_event_names_and_star_with_others_are_refused(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        for events in (["deal.exploded"], ["*", "deal.won"], []):
            response = await factory.client.post(
                f"{API}/webhooks", json={"url": PUBLIC, "events": events}, headers=admin.headers
            )
            assert response.status_code == 422, events
            assert ["body", "events"] in [e["loc"][:2] for e in response.json()["errors"]]

    async def test_event_types_lists_the_registered_names(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        names = (
            await factory.client.get(f"{API}/webhooks/event-types", headers=admin.headers)
        ).json()
        assert names[0] == "*"
        assert "deal.won" in names


class TestAccess:
    async def test_another_organisations_admin_gets_404(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        created = await create_endpoint(factory, admin, url=PUBLIC)
        _, outsider = await factory.admin_session()
        for method, path in (
            ("GET", ""),
            ("PATCH", ""),
            ("DELETE", ""),
            ("GET", "/deliveries"),
            ("POST", "/test"),
        ):
            response = await factory.client.request(
                method,
                f"{API}/webhooks/{created['id']}{path}",
                json={} if method == "PATCH" else None,
                headers=outsider.headers,
            )
            assert response.status_code == 404, (method, path)

    async def test_a_seller_gets_403(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        created = await create_endpoint(factory, admin, url=PUBLIC)
        seller = await factory.login(await factory.user(org, "seller"))
        assert (
            await factory.client.get(f"{API}/webhooks", headers=seller.headers)
        ).status_code == 403
        response = await factory.client.get(
            f"{API}/webhooks/{created['id']}", headers=seller.headers
        )
        assert response.status_code == 403
        response = await factory.client.post(
            f"{API}/webhooks", json={"url": PUBLIC, "events": ["*"]}, headers=seller.headers
        )
        assert response.status_code == 403
