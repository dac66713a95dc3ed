from __future__ import annotations

import asyncio

from tests.api.clients.support import (
    API,
    audit_of,
    create_client,
    define_field,
    if_match,
    json_of,
    two_teams,
    unique_name,
)
from tests.factories import Factory


class TestCreateClient:
    async def test_a_company_with_legal_details_source_and_contacts(self, factory: Factory) -> None:
        org, _, seller, _ = await two_teams(factory)
        response = await factory.client.post(
            f"{API}/clients",
            json={
                "name": unique_name("ООО Ромашка"),
                "inn": "7707083893",
                "kpp": "773601001",
                "ogrn": "1027700132195",
                "sector": "Ритейл",
                "segment_tags": ["vip", "москва", "vip"],
                "source": {"channel": "website", "campaign": "spring", "utm": {"utm_source": "ya"}},
                "temperature": "hot",
                "contacts": [
                    {
                        "full_name": "Иван Петров",
                        "position": "Директор",
                        "phones": [
                            "8 (912) 345 67 89",
                            {"number": "+7 495 123-45-67", "kind": "work"},
                        ],
                        "emails": ["Ivan.Petrov@Example.COM"],
                        "messengers": [{"kind": "telegram", "handle": "@ivan"}],
                    }
                ],
            },
            headers=seller.headers,
        )
        body = json_of(response, 201)
        assert response.headers["etag"] == '"v1"'
        assert body["responsible_id"] == str(seller.user.id)
        assert body["relationship_type"] == "cold"
        assert body["segment_tags"] == ["vip", "москва"]
        assert body["source"] == {
            "channel": "website",
            "campaign": "spring",
            "utm": {"utm_source": "ya"},
        }
        contact = body["contacts"][0]
        assert [p["e164"] for p in contact["phones"]] == ["+79123456789", "+74951234567"]
        assert contact["emails"] == ["ivan.petrov@example.com"]
        fetched = json_of(
            await factory.client.get(f"{API}/clients/{body['id']}", headers=seller.headers), 200
        )
        assert fetched == body
        [created] = await audit_of(factory, org.id, "client", body["id"])
        assert created.action == "create"
        assert created.changes["inn"] == {"before": None, "after": "7707083893"}

    async def test_a_wrong_inn_checksum_is_refused_with_the_field_named(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.post(
            f"{API}/clients",
            json={"name": unique_name(), "inn": "7707083894"},
            headers=admin.headers,
        )
        assert response.status_code == 422
        assert ["body", "inn"] in [e["loc"] for e in response.json()["errors"]]

    async def test_a_ukrainian_company_with_edrpou(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        body = await create_client(factory, admin, edrpou="14360570")
        assert body["edrpou"] == "14360570"
        bad = await factory.client.post(
            f"{API}/clients", json={"name": unique_name(), "edrpou": "1436"}, headers=admin.headers
        )
        assert bad.status_code == 422

    async def test_responsible_must_be_an_active_user_of_the_organisation(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        former = await factory.user(org, is_active=False)
        foreign = await factory.user(await factory.organisation())
        colleague = await factory.user(org)
        for user in (former, foreign):
            response = await factory.client.post(
                f"{API}/clients",
                json={"name": unique_name(), "responsible_id": str(user.id)},
                headers=admin.headers,
            )
            assert response.status_code == 422
            assert ["body", "responsible_id"] in [e["loc"] for e in response.json()["errors"]]
        body = await create_client(factory, admin, responsible_id=str(colleague.id))
        assert body["responsible_id"] == str(colleague.id)

    async def test_custom_fields_are_validated_and_required_ones_enforced(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        await define_field(
            factory, admin, key="employees", label="Сотрудников", type="number", required=True
        )
        await define_field(
            factory, admin, key="tier", label="Уровень", type="enum", options=["gold", "silver"]
        )
        missing = await factory.client.post(
            f"{API}/clients",
            json={"name": unique_name(), "custom_fields": {"tier": "bronze"}},
            headers=admin.headers,
        )
        assert missing.status_code == 422
        locs = [e["loc"] for e in missing.json()["errors"]]
        assert ["body", "custom_fields", "employees"] in locs
        assert ["body", "custom_fields", "tier"] in locs
        body = await create_client(
            factory, admin, custom_fields={"employees": "250", "tier": "gold"}
        )
        assert body["custom_fields"] == {"employees": 250, "tier": "gold"}

    async def test_a_user_without_clients_write_is_forbidden(self, factory: Factory) -> None:
        org = await factory.organisation()
        # The lawyer reads clients and files documents, but creates none.
        lawyer = await factory.login(await factory.user(org, "lawyer"))
        response = await factory.client.post(
            f"{API}/clients", json={"name": unique_name()}, headers=lawyer.headers
        )
        assert response.status_code == 403


class TestReadClient:
    async def test_another_organisations_user_gets_404(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        client = await create_client(factory, admin)
        _, outsider = await factory.admin_session()
        response = await factory.client.get(
            f"{API}/clients/{client['id']}", headers=outsider.headers
        )
        assert response.status_code == 404

    async def test_a_seller_of_another_department_gets_404_and_the_head_sees_the_team(
        self, factory: Factory
    ) -> None:
        org, _admin, seller, stranger = await two_teams(factory)
        client = await create_client(factory, seller)
        for method, extra in (("GET", {}), ("PATCH", {"json": {"sector": "IT"}})):
            response = await factory.client.request(
                method, f"{API}/clients/{client['id']}", headers=stranger.headers, **extra
            )
            assert response.status_code == 404
        head = await factory.login(
            await factory.user(
                org, "head_of_sales", department=await _department_of(factory, seller)
            )
        )
        assert (
            await factory.client.get(f"{API}/clients/{client['id']}", headers=head.headers)
        ).status_code == 200


async def _department_of(factory: Factory, session):  # type: ignore[no-untyped-def]
    from domain.shared.scope import Scope

    async with factory.container.uow() as uow:
        user = await uow.users.get(
            Scope.organisation_wide(session.user.organisation_id), session.user.id
        )
        return await uow.departments.get(
            Scope.organisation_wide(user.organisation_id), user.department_id
        )


class TestUpdateClient:
    async def test_changes_only_the_fields_sent_and_audits_them(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        client = await create_client(
            factory, admin, sector="Ритейл", temperature="cold", source={"channel": "call"}
        )
        response = await factory.client.patch(
            f"{API}/clients/{client['id']}",
            json={"temperature": "warm", "source": {"campaign": "autumn"}},
            headers={**admin.headers, **if_match(1)},
        )
        body = json_of(response, 200)
        assert response.headers["etag"] == '"v2"'
        assert body["temperature"] == "warm"
        assert body["sector"] == "Ритейл"
        assert body["source"]["channel"] == "call"
        assert body["source"]["campaign"] == "autumn"
        entries = await audit_of(factory, org.id, "client", client["id"])
        update = next(e for e in entries if e.action == "update")
        assert update.changes == {
            "temperature": {"before": "cold", "after": "warm"},
            "source_campaign": {"before": None, "after": "autumn"},
        }

    async def test_a_stale_if_match_is_refused_with_412(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        client = await create_client(factory, admin)
        url = f"{API}/clients/{client['id']}"
        first, second = await asyncio.gather(
            factory.client.patch(
                url, json={"sector": "A"}, headers={**admin.headers, **if_match(1)}
            ),
            factory.client.patch(
                url, json={"sector": "B"}, headers={**admin.headers, **if_match(1)}
            ),
        )
        assert sorted([first.status_code, second.status_code]) == [200, 412]
        stale = await factory.client.patch(
            url, json={"sector": "C"}, headers={**admin.headers, **if_match(1)}
        )
        assert stale.status_code == 412

    async def test_relationship_type_cannot_be_typed(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        client = await create_client(factory, admin)
        response = await factory.client.patch(
            f"{API}/clients/{client['id']}",
            json={"relationship_type": "permanent"},
            headers=admin.headers,
        )
        assert response.status_code == 422

    async def test_custom_fields_merge_and_null_clears(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        await define_field(factory, admin, key="site", label="Сайт", type="string")
        await define_field(factory, admin, key="founded", label="Основана", type="date")
        client = await create_client(
            factory, admin, custom_fields={"site": "a.ru", "founded": "2001-02-03"}
        )
        body = json_of(
            await factory.client.patch(
                f"{API}/clients/{client['id']}",
                json={"custom_fields": {"site": None}},
                headers=admin.headers,
            ),
            200,
        )
        assert body["custom_fields"] == {"founded": "2001-02-03"}
