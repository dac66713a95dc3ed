"""Stored duplicate pairs: kept up to date by the changes that make or break a match and by a
rescan job, so listing them is a keyset read; and concurrent creates of one new phone."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import sqlalchemy as sa

from adapters.db.tables.clients import clients, contact_emails, contact_phones, contacts
from domain.clients.model import name_key
from tests.api.clients.support import (
    API,
    create_client,
    create_contact,
    json_of,
    two_teams,
    unique_name,
)
from tests.factories import Factory, Session
from tests.worker import drain_queue


async def _pairs(factory: Factory, session: Session) -> dict[frozenset[str], list[str]]:
    body = json_of(
        await factory.client.get(f"{API}/clients/duplicates?limit=200", headers=session.headers),
        200,
    )
    return {frozenset((p["first"]["id"], p["second"]["id"])): p["reasons"] for p in body["items"]}


def _pair(a: dict[str, Any], b: dict[str, Any]) -> frozenset[str]:
    return frozenset((a["id"], b["id"]))


class TestPairsFollowChanges:
    async def test_a_contact_added_later_pairs_the_clients_and_its_removal_unpairs_them(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        a = await create_client(
            factory, admin, contacts=[{"full_name": "Анна", "phones": ["+79123450001"]}]
        )
        b = await create_client(factory, admin)
        assert await _pairs(factory, admin) == {}
        contact = await create_contact(
            factory, admin, b["id"], phones=["8 912 345 00 01"], confirm_duplicate=True
        )
        assert await _pairs(factory, admin) == {_pair(a, b): ["phone"]}
        deleted = await factory.client.delete(
            f"{API}/contacts/{contact['id']}", headers=admin.headers
        )
        assert deleted.status_code == 204, deleted.text
        assert await _pairs(factory, admin) == {}

    async def test_a_contact_moved_to_another_client_takes_its_pair_along(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        a = await create_client(
            factory, admin, contacts=[{"full_name": "Анна", "emails": ["anna@pairs.example"]}]
        )
        b, c = await create_client(factory, admin), await create_client(factory, admin)
        contact = await create_contact(
            factory, admin, b["id"], emails=["ANNA@pairs.example"], confirm_duplicate=True
        )
        assert await _pairs(factory, admin) == {_pair(a, b): ["email"]}
        moved = await factory.client.patch(
            f"{API}/contacts/{contact['id']}?force=true",
            json={"client_id": c["id"]},
            headers=admin.headers,
        )
        assert moved.status_code == 200, moved.text
        assert await _pairs(factory, admin) == {_pair(a, c): ["email"]}

    async def test_renaming_and_changing_the_tax_id_make_and_break_pairs(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        name = unique_name("Незабудка")
        a = await create_client(factory, admin, name=name, inn="7707083893")
        b = await create_client(factory, admin)
        url = f"{API}/clients/{b['id']}?force=true"
        renamed = await factory.client.patch(url, json={"name": name}, headers=admin.headers)
        assert renamed.status_code == 200, renamed.text
        assert await _pairs(factory, admin) == {_pair(a, b): ["similar_name"]}
        taxed = await factory.client.patch(url, json={"inn": "7707083893"}, headers=admin.headers)
        assert taxed.status_code == 200, taxed.text
        assert await _pairs(factory, admin) == {_pair(a, b): ["inn", "similar_name"]}
        renamed_away = await factory.client.patch(
            url, json={"name": unique_name("Лилия"), "inn": None}, headers=admin.headers
        )
        assert renamed_away.status_code == 200, renamed_away.text
        assert await _pairs(factory, admin) == {}

    async def test_merging_removes_the_pairs_of_the_merged_client(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        a = await create_client(factory, admin, inn="7707083893")
        b = await create_client(factory, admin, inn="7707083893", confirm_duplicate=True)
        c = await create_client(factory, admin, inn="7707083893", confirm_duplicate=True)
        assert set(await _pairs(factory, admin)) == {_pair(a, b), _pair(a, c), _pair(b, c)}
        merged = await factory.client.post(
            f"{API}/clients/{a['id']}/merge", json={"other_id": b["id"]}, headers=admin.headers
        )
        assert merged.status_code == 200, merged.text
        assert await _pairs(factory, admin) == {_pair(a, c): ["inn"]}


class TestRescan:
    async def test_clients_loaded_in_bulk_pair_up_only_after_a_rescan_job(
        self, factory: Factory
    ) -> None:
        """The endpoint reads stored pairs; it no longer compares every client with every
        other on each call. Rows written around the API are found by the rescan job."""
        org, admin = await factory.admin_session()
        name = unique_name("Импорт")
        rows = [
            {
                "id": uuid.uuid4(),
                "organisation_id": org.id,
                "kind": "company",
                "name": name,
                "name_key": name_key(name),
                "inn": "7707083893",
                "responsible_id": admin.user.id,
            }
            for _ in range(2)
        ]
        async with factory.container.engine.begin() as conn:
            await conn.execute(sa.insert(clients), rows)
        assert await _pairs(factory, admin) == {}

        started = await factory.client.post(
            f"{API}/clients/duplicates/rescan", headers=admin.headers
        )
        job = json_of(started, 202)
        assert job["kind"] == "clients.rescan_duplicates"
        assert job["status"] == "queued"
        await drain_queue(factory.container)

        done = json_of(
            await factory.client.get(f"{API}/jobs/{job['id']}", headers=admin.headers), 200
        )
        assert (done["status"], done["progress"]) == ("done", 100)
        assert done["result"] == {"pairs": 1}
        ids = frozenset(str(r["id"]) for r in rows)
        assert await _pairs(factory, admin) == {ids: ["inn", "similar_name"]}

    async def test_a_rescan_forgets_pairs_that_no_longer_hold(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        a = await create_client(factory, admin, inn="7707083893")
        b = await create_client(factory, admin, inn="7707083893", confirm_duplicate=True)
        assert set(await _pairs(factory, admin)) == {_pair(a, b)}
        async with factory.container.engine.begin() as conn:
            await conn.execute(sa.update(clients).where(clients.c.id == b["id"]).values(inn=None))
        json_of(
            await factory.client.post(f"{API}/clients/duplicates/rescan", headers=admin.headers),
            202,
        )
        await drain_queue(factory.container)
        assert await _pairs(factory, admin) == {}

    async def test_a_rescan_pairs_names_phones_emails_and_tax_ids_of_bulk_loaded_clients(
        self, factory: Factory
    ) -> None:
        """Equal normalised names are grouped; similar ones are compared within the block of
        a word they share; phones, e-mails and tax ids are matched exactly."""
        org, admin = await factory.admin_session()
        names = {
            "legal_form": ("ООО «Ромашка-Ёлка»", "Ромашка ёлка, ТОВ"),
            "word_order": (
                "Северная торговая компания Берёзка",
                "Берёзка Северная торговая компания",
            ),
            "typo": ("Промстройкомплект Урал", "Промстройкомплект Уралл"),
            "phone": ("Гамма", "Дельта"),
            "email": ("Каппа", "Лямбда"),
            "inn": ("Сигма", "Омега"),
            "edrpou": ("Тета", "Йота"),
        }
        ids = {key: (uuid.uuid4(), uuid.uuid4()) for key in names}
        rows = [
            {
                "id": client_id,
                "organisation_id": org.id,
                "kind": "company",
                "name": name,
                "name_key": name_key(name),
                "inn": "7707083893" if key == "inn" else None,
                "edrpou": "14360570" if key == "edrpou" else None,
                "responsible_id": admin.user.id,
            }
            for key, pair in names.items()
            for client_id, name in zip(ids[key], pair, strict=True)
        ]
        people = {client_id: uuid.uuid4() for pair in ids.values() for client_id in pair}
        async with factory.container.engine.begin() as conn:
            await conn.execute(sa.insert(clients), rows)
            await conn.execute(
                sa.insert(contacts),
                [
                    {
                        "id": person,
                        "organisation_id": org.id,
                        "client_id": client_id,
                        "full_name": "Анна",
                        "name_key": "анна",
                    }
                    for client_id, person in people.items()
                ],
            )
            await conn.execute(
                sa.insert(contact_phones),
                [
                    {
                        "id": uuid.uuid4(),
                        "organisation_id": org.id,
                        "contact_id": people[client_id],
                        "client_id": client_id,
                        "e164": "+79123450077",
                        "raw": "+79123450077",
                    }
                    for client_id in ids["phone"]
                ],
            )
            await conn.execute(
                sa.insert(contact_emails),
                [
                    {
                        "id": uuid.uuid4(),
                        "organisation_id": org.id,
                        "contact_id": people[client_id],
                        "client_id": client_id,
                        "email": "office@rescan.example",
                    }
                    for client_id in ids["email"]
                ],
            )

        json_of(
            await factory.client.post(f"{API}/clients/duplicates/rescan", headers=admin.headers),
            202,
        )
        await drain_queue(factory.container)
        reasons = {"phone": "phone", "email": "email", "inn": "inn", "edrpou": "edrpou"}
        assert await _pairs(factory, admin) == {
            frozenset(str(i) for i in pair): [reasons.get(key, "similar_name")]
            for key, pair in ids.items()
        }

    async def test_only_an_administrator_may_start_one(self, factory: Factory) -> None:
        _, _admin, seller, _ = await two_teams(factory)
        response = await factory.client.post(
            f"{API}/clients/duplicates/rescan", headers=seller.headers
        )
        assert response.status_code == 403


class TestConcurrentCreates:
    async def test_twenty_parallel_creates_of_one_new_phone_make_one_client(
        self, factory: Factory
    ) -> None:
        _, admin, seller, stranger = await two_teams(factory)
        phone = f"+7912{uuid.uuid4().int % 10**7:07d}"

        async def create(session: Session) -> int:
            response = await factory.client.post(
                f"{API}/clients",
                json={
                    "name": unique_name(),
                    "contacts": [{"full_name": "Анна Смирнова", "phones": [phone]}],
                },
                headers=session.headers,
            )
            return response.status_code

        statuses = await asyncio.gather(*(create((seller, stranger)[i % 2]) for i in range(20)))
        assert sorted(statuses) == [201] + [409] * 19
        found = json_of(
            await factory.client.get(
                f"{API}/clients", params={"q": phone.removeprefix("+")}, headers=admin.headers
            ),
            200,
        )
        assert len(found["items"]) == 1
