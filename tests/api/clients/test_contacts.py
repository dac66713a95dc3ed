from __future__ import annotations

from tests.api.clients.support import (
    API,
    audit_of,
    create_client,
    create_contact,
    if_match,
    json_of,
    two_teams,
)
from tests.factories import Factory


class TestContacts:
    async def test_several_contacts_per_client_nested_and_flat(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        client = await create_client(factory, admin)
        first = await create_contact(
            factory,
            admin,
            client["id"],
            full_name="Борис Орлов",
            position="Закупщик",
            phones=[{"number": "8 (912) 345 67 89", "kind": "work"}],
            emails=["B.Orlov@Mail.RU"],
            messengers=[{"kind": "whatsapp", "handle": "+79123456789"}],
        )
        assert first["phones"] == [
            {"e164": "+79123456789", "raw": "8 (912) 345 67 89", "kind": "work"}
        ]
        assert first["emails"] == ["b.orlov@mail.ru"]
        response = await factory.client.post(
            f"{API}/contacts",
            json={"client_id": client["id"], "full_name": "Алла Орлова"},
            headers=admin.headers,
        )
        second = json_of(response, 201)
        nested = json_of(
            await factory.client.get(
                f"{API}/clients/{client['id']}/contacts", headers=admin.headers
            ),
            200,
        )
        assert [c["id"] for c in nested["items"]] == [second["id"], first["id"]]
        found = json_of(
            await factory.client.get(f"{API}/contacts?q=орлов", headers=admin.headers), 200
        )
        assert len(found["items"]) == 2
        by_phone = json_of(
            await factory.client.get(f"{API}/contacts?q=345-67", headers=admin.headers), 200
        )
        assert [c["id"] for c in by_phone["items"]] == [first["id"]]
        [entry] = await audit_of(factory, org.id, "contact", first["id"])
        assert entry.changes["phones"] == {"before": None, "after": ["+79123456789"]}

    async def test_ukrainian_numbers_by_organisation_currency_or_region(
        self, factory: Factory
    ) -> None:
        _org, admin = await factory.admin_session()
        client = await create_client(factory, admin)
        refused = await factory.client.post(
            f"{API}/clients/{client['id']}/contacts",
            json={"full_name": "Тарас", "phones": ["0441234567"]},
            headers=admin.headers,
        )
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["loc"] == ["body", "phones", 0]
        ok = json_of(
            await factory.client.post(
                f"{API}/clients/{client['id']}/contacts?region=UA",
                json={"full_name": "Тарас", "phones": ["0441234567"]},
                headers=admin.headers,
            ),
            201,
        )
        assert ok["phones"][0]["e164"] == "+380441234567"
        json_of(
            await factory.client.patch(
                f"{API}/organisation", json={"currency": "UAH"}, headers=admin.headers
            ),
            200,
        )
        other = await create_contact(
            factory, admin, client["id"], full_name="Олена", phones=["0501234567"]
        )
        assert other["phones"][0]["e164"] == "+380501234567"

    async def test_update_replaces_channels_checks_if_match_and_audits(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        client = await create_client(factory, admin)
        contact = await create_contact(factory, admin, client["id"], phones=["+79123456789"])
        url = f"{API}/contacts/{contact['id']}"
        response = await factory.client.patch(
            url,
            json={"phones": ["+7 495 123 45 67"], "position": "CEO"},
            headers={**admin.headers, **if_match(1)},
        )
        body = json_of(response, 200)
        assert response.headers["etag"] == '"v2"'
        assert [p["e164"] for p in body["phones"]] == ["+74951234567"]
        stale = await factory.client.patch(
            url, json={"position": "CTO"}, headers={**admin.headers, **if_match(1)}
        )
        assert stale.status_code == 412
        update = next(
            e
            for e in await audit_of(factory, org.id, "contact", contact["id"])
            if e.action == "update"
        )
        assert update.changes["phones"] == {"before": ["+79123456789"], "after": ["+74951234567"]}
        assert (
            await factory.client.delete(url, headers={**admin.headers, **if_match(1)})
        ).status_code == 412
        assert (await factory.client.delete(url, headers=admin.headers)).status_code == 204
        assert (await factory.client.get(url, headers=admin.headers)).status_code == 404

    async def test_contacts_of_invisible_clients_are_404(self, factory: Factory) -> None:
        _, _, seller, stranger = await two_teams(factory)
        client = await create_client(factory, seller)
        contact = await create_contact(factory, seller, client["id"])
        _, outsider = await factory.admin_session()
        for session in (stranger, outsider):
            url = f"{API}/contacts/{contact['id']}"
            assert (await factory.client.get(url, headers=session.headers)).status_code == 404
            assert (
                await factory.client.patch(url, json={"position": "x"}, headers=session.headers)
            ).status_code == 404
            assert (await factory.client.delete(url, headers=session.headers)).status_code == 404
            nested = f"{API}/clients/{client['id']}/contacts"
            assert (await factory.client.get(nested, headers=session.headers)).status_code == 404
            assert (
                await factory.client.post(nested, json={"full_name": "X"}, headers=session.headers)
            ).status_code == 404
            listed = json_of(
                await factory.client.get(f"{API}/contacts", headers=session.headers), 200
            )
            assert listed["items"] == []
