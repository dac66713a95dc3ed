"""The editable list of document types."""

from __future__ import annotations

from tests.api.attachments.support import API, make_client, upload, world
from tests.factories import Factory

URL = f"{API}/document-types"


class TestDocumentTypes:
    async def test_defaults_are_created_on_first_list(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.get(URL, headers=admin.headers)
        assert response.status_code == 200
        assert [(t["code"], t["name"]) for t in response.json()] == [
            ("contract", "Договор"),
            ("invoice", "Счёт"),
            ("act", "Акт"),
            ("proposal", "Коммерческое предложение"),
            ("other", "Прочее"),
        ]
        again = await factory.client.get(URL, headers=admin.headers)
        assert [t["id"] for t in again.json()] == [t["id"] for t in response.json()]

    async def test_an_admin_adds_renames_and_deactivates(self, factory: Factory) -> None:
        w = await world(factory)
        created = await factory.client.post(
            URL, json={"code": "nda", "name": "NDA", "position": 9}, headers=w.admin.headers
        )
        assert created.status_code == 201, created.text
        assert created.headers["etag"] == '"v1"'
        duplicate = await factory.client.post(
            URL, json={"code": "nda", "name": "Ещё"}, headers=w.admin.headers
        )
        assert duplicate.status_code == 409
        renamed = await factory.client.patch(
            f"{URL}/{created.json()['id']}",
            json={"name": "Соглашение о неразглашении"},
            headers={**w.admin.headers, "If-Match": '"v1"'},
        )
        assert renamed.json()["name"] == "Соглашение о неразглашении"
        stale = await factory.client.patch(
            f"{URL}/{created.json()['id']}",
            json={"is_active": False},
            headers={**w.admin.headers, "If-Match": '"v1"'},
        )
        assert stale.status_code == 412
        contract = next(
            t
            for t in (await factory.client.get(URL, headers=w.admin.headers)).json()
            if t["code"] == "contract"
        )
        off = await factory.client.patch(
            f"{URL}/{contract['id']}", json={"is_active": False}, headers=w.admin.headers
        )
        assert off.json()["is_active"] is False
        listed = (await factory.client.get(URL, headers=w.seller.headers)).json()
        assert "contract" not in [t["code"] for t in listed]
        assert "nda" in [t["code"] for t in listed]
        everything = await factory.client.get(
            URL, params={"include_inactive": "true"}, headers=w.seller.headers
        )
        assert "contract" in [t["code"] for t in everything.json()]
        client_id = await make_client(factory.container, w.org, w.seller.user)
        refused = await upload(factory, w.seller, client_id=client_id, document_type="contract")
        assert refused.status_code == 422
        accepted = await upload(factory, w.seller, client_id=client_id, document_type="nda")
        assert accepted.status_code == 201

    async def test_sellers_cannot_change_the_list(self, factory: Factory) -> None:
        w = await world(factory)
        response = await factory.client.post(
            URL, json={"code": "memo", "name": "Записка"}, headers=w.seller.headers
        )
        assert response.status_code == 403
        types = (await factory.client.get(URL, headers=w.seller.headers)).json()
        patch = await factory.client.patch(
            f"{URL}/{types[0]['id']}", json={"name": "x"}, headers=w.seller.headers
        )
        assert patch.status_code == 403

    async def test_another_organisations_type_is_404(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        types = (await factory.client.get(URL, headers=admin.headers)).json()
        _, outsider = await factory.admin_session()
        response = await factory.client.patch(
            f"{URL}/{types[0]['id']}", json={"name": "Чужой"}, headers=outsider.headers
        )
        assert response.status_code == 404

    async def test_codes_are_latin_identifiers(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.post(
            URL, json={"code": "Договор", "name": "x"}, headers=admin.headers
        )
        assert response.status_code == 422


class TestDocumentTypeOrder:
    async def test_an_admin_reorders_every_type_deactivated_ones_too(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        listed = (await factory.client.get(URL, headers=w.admin.headers)).json()
        retired = listed[1]
        deactivated = await factory.client.patch(
            f"{URL}/{retired['id']}", json={"is_active": False}, headers=w.admin.headers
        )
        assert deactivated.status_code == 200
        wanted = [t["id"] for t in (listed[2:] + listed[:2])]
        reordered = await factory.client.post(
            f"{URL}/reorder", json={"type_ids": wanted}, headers=w.admin.headers
        )
        assert reordered.status_code == 200, reordered.text
        assert [t["id"] for t in reordered.json()] == wanted
        assert [t["position"] for t in reordered.json()] == list(range(len(wanted)))
        again = await factory.client.get(
            URL, params={"include_inactive": True}, headers=w.seller.headers
        )
        assert [t["id"] for t in again.json()] == wanted
        # Moved ones got a new version: a rename against the old ETag is refused.
        stale = await factory.client.patch(
            f"{URL}/{listed[0]['id']}",
            json={"name": "Договор поставки"},
            headers={**w.admin.headers, "If-Match": f'"v{listed[0]["version"]}"'},
        )
        assert stale.status_code == 412

        partial = await factory.client.post(
            f"{URL}/reorder", json={"type_ids": wanted[1:]}, headers=w.admin.headers
        )
        assert partial.status_code == 422
        assert partial.headers["content-type"] == "application/problem+json"
        forbidden = await factory.client.post(
            f"{URL}/reorder", json={"type_ids": wanted}, headers=w.seller.headers
        )
        assert forbidden.status_code == 403
