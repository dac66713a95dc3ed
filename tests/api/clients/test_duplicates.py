from __future__ import annotations

from tests.api.clients.support import (
    API,
    create_client,
    create_contact,
    json_of,
    two_teams,
    unique_name,
)
from tests.factories import Factory


def _phone_contact(phone: str) -> list[dict[str, object]]:
    return [{"full_name": "Анна Смирнова", "phones": [phone]}]


class TestDuplicateOnCreate:
    async def test_the_same_phone_in_another_format_is_caught_and_names_the_owner(
        self, factory: Factory
    ) -> None:
        _org, _, seller, stranger = await two_teams(factory)
        existing = await create_client(
            factory, seller, contacts=_phone_contact("+7 (912) 345-67-89")
        )
        response = await factory.client.post(
            f"{API}/clients",
            json={"name": unique_name(), "contacts": _phone_contact("89123456789")},
            headers=stranger.headers,
        )
        assert response.status_code == 409
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["candidates"] == [
            {
                "id": existing["id"],
                "name": existing["name"],
                "responsible_id": str(seller.user.id),
                "responsible_name": seller.user.full_name,
                "reasons": ["phone"],
            }
        ]
        # Whoever tries to take the client is told who already works it.
        assert seller.user.full_name in response.json()["detail"]

    async def test_email_tax_id_and_similar_name_are_strong_matches(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        name = unique_name("Ромашка")
        existing = await create_client(
            factory,
            admin,
            name=f'ООО "{name}"',
            inn="7707083893",
            contacts=[{"full_name": "Олег", "emails": ["oleg@romashka.ru"]}],
        )
        cases = [
            {
                "name": unique_name(),
                "contacts": [{"full_name": "X", "emails": ["OLEG@romashka.ru"]}],
            },
            {"name": unique_name(), "inn": "7707083893"},
            {"name": f"{name} ООО"},
        ]
        reasons = []
        for body in cases:
            response = await factory.client.post(f"{API}/clients", json=body, headers=admin.headers)
            assert response.status_code == 409, response.text
            [candidate] = response.json()["candidates"]
            assert candidate["id"] == existing["id"]
            reasons.append(candidate["reasons"])
        assert reasons == [["email"], ["inn"], ["similar_name"]]

    async def test_a_different_name_is_not_a_duplicate(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        await create_client(factory, admin, name="Ромашка Северная 17")
        await create_client(factory, admin, name="Лютик Южный 42")

    async def test_confirming_or_force_creates_it_anyway(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        await create_client(factory, admin, inn="7707083893")
        await create_client(factory, admin, inn="7707083893", confirm_duplicate=True)
        response = await factory.client.post(
            f"{API}/clients?force=true",
            json={"name": unique_name(), "inn": "7707083893"},
            headers=admin.headers,
        )
        assert response.status_code == 201

    async def test_another_organisations_clients_never_match(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        await create_client(factory, admin, inn="7707083893")
        _, other_admin = await factory.admin_session()
        await create_client(factory, other_admin, inn="7707083893")


class TestDuplicateOnUpdate:
    async def test_renaming_into_an_existing_name_is_caught(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        name = unique_name("Василёк")
        await create_client(factory, admin, name=name)
        other = await create_client(factory, admin)
        url = f"{API}/clients/{other['id']}"
        response = await factory.client.patch(
            url, json={"name": name.upper()}, headers=admin.headers
        )
        assert response.status_code == 409
        unrelated = await factory.client.patch(url, json={"sector": "IT"}, headers=admin.headers)
        assert unrelated.status_code == 200

    async def test_a_contact_with_a_known_phone_is_caught(self, factory: Factory) -> None:
        _, _admin, seller, stranger = await two_teams(factory)
        await create_client(factory, seller, contacts=_phone_contact("+7 (912) 345-67-89"))
        mine = await create_client(factory, stranger)
        response = await factory.client.post(
            f"{API}/clients/{mine['id']}/contacts",
            json={"full_name": "Пётр", "phones": ["8 912 345 67 89"]},
            headers=stranger.headers,
        )
        assert response.status_code == 409
        [candidate] = response.json()["candidates"]
        assert candidate["responsible_id"] == str(seller.user.id)
        assert candidate["reasons"] == ["phone"]
        await create_contact(
            factory,
            stranger,
            mine["id"],
            full_name="Пётр",
            phones=["89123456789"],
            confirm_duplicate=True,
        )


class TestListDuplicates:
    async def test_pairs_with_reasons_keyset_paginated(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        a = await create_client(
            factory, admin, inn="7707083893", contacts=_phone_contact("+79123456789")
        )
        b = await create_client(
            factory,
            admin,
            inn="7707083893",
            contacts=_phone_contact("89123456789"),
            confirm_duplicate=True,
        )
        name = unique_name("Одуванчик")
        c = await create_client(factory, admin, name=name)
        d = await create_client(factory, admin, name=f"ИП {name}", confirm_duplicate=True)
        await create_client(factory, admin)
        first = json_of(
            await factory.client.get(f"{API}/clients/duplicates?limit=1", headers=admin.headers),
            200,
        )
        assert len(first["items"]) == 1
        assert first["next_cursor"]
        second = json_of(
            await factory.client.get(
                f"{API}/clients/duplicates?limit=1&cursor={first['next_cursor']}",
                headers=admin.headers,
            ),
            200,
        )
        assert second["next_cursor"] is None
        pairs = {
            frozenset((p["first"]["id"], p["second"]["id"])): p["reasons"]
            for p in first["items"] + second["items"]
        }
        assert pairs == {
            frozenset((a["id"], b["id"])): ["phone", "inn"],
            frozenset((c["id"], d["id"])): ["similar_name"],
        }

    async def test_a_seller_sees_only_pairs_of_clients_they_may_see(self, factory: Factory) -> None:
        _, admin, seller, stranger = await two_teams(factory)
        await create_client(factory, seller, inn="7707083893")
        await create_client(factory, stranger, inn="7707083893", confirm_duplicate=True)
        mine = json_of(
            await factory.client.get(f"{API}/clients/duplicates", headers=seller.headers), 200
        )
        assert mine["items"] == []
        everything = json_of(
            await factory.client.get(f"{API}/clients/duplicates", headers=admin.headers), 200
        )
        assert len(everything["items"]) == 1
