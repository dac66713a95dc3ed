"""1C's counterparties become clients and contacts through the duplicate control: by tax id
first (the КПП telling branches apart), then phone, then e-mail; never a second client for one
counterparty (its Ид is kept per integration), nothing written when nothing changed, and a
counterparty matching several clients flagged on the exchange log instead of guessed."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa

from adapters.db.tables.platform import outbox_events
from adapters.db.tables.records import audit_entries
from tests.api.clients.support import create_client
from tests.api.onec.support import (
    API,
    OneC,
    create_integration,
    exchange,
    full_exchange,
    sample,
)
from tests.factories import Factory, Session

SALE_SAMPLE = "sale_orders.cp1251.xml"
INN = "7707083893"
OTHER_INN = "7736207543"


def counterparty(
    ident: str,
    name: str,
    *,
    inn: str | None = None,
    kpp: str | None = None,
    full_name: str | None = None,
    phones: tuple[str, ...] = (),
    emails: tuple[str, ...] = (),
    contact: str | None = None,
) -> str:
    parts = [f"<Ид>{ident}</Ид>", f"<Наименование>{name}</Наименование>"]
    if full_name:
        parts.append(f"<ОфициальноеНаименование>{full_name}</ОфициальноеНаименование>")
    if inn:
        parts.append(f"<ИНН>{inn}</ИНН>")
    if kpp:
        parts.append(f"<КПП>{kpp}</КПП>")
    contacts = [
        f"<Контакт><Тип>Телефон рабочий</Тип><Значение>{p}</Значение></Контакт>" for p in phones
    ] + [f"<Контакт><Тип>Почта</Тип><Значение>{e}</Значение></Контакт>" for e in emails]
    if contacts:
        parts.append("<Контакты>" + "".join(contacts) + "</Контакты>")
    if contact:
        parts.append(
            "<Представители><Представитель><Контрагент><Отношение>Контактное лицо</Отношение>"
            f"<Ид>{ident}-rep</Ид><Наименование>{contact}</Наименование></Контрагент>"
            "</Представитель></Представители>"
        )
    parts.append("<Роль>Покупатель</Роль>")
    return "<Контрагент>" + "".join(parts) + "</Контрагент>"


def counterparties_file(*items: str) -> bytes:
    """An import*.xml of 1C's counterparty exchange, UTF-8 with a BOM as 1C writes it."""
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" ВерсияСхемы="2.08" '
        'ДатаФормирования="2024-03-01T10:00:00">'
        "<Контрагенты>" + "".join(items) + "</Контрагенты></КоммерческаяИнформация>"
    )
    return b"\xef\xbb\xbf" + document.encode("utf-8")


async def run(
    factory: Factory, admin: Session, integration: dict[str, Any], *items: str
) -> dict[str, Any]:
    """One catalog exchange of these counterparties; its log entry."""
    one_c, answers = await full_exchange(
        factory, integration, [("import_counterparties.xml", counterparties_file(*items))]
    )
    assert answers[-1] == "success\n", answers
    return await exchange(factory, admin, str(one_c.sessid))


def counts(log: dict[str, Any]) -> tuple[int, int, int, int]:
    return (
        log["counterparties_created"],
        log["counterparties_updated"],
        log["counterparties_unchanged"],
        log["counterparties_flagged"],
    )


async def clients(factory: Factory, session: Session) -> list[dict[str, Any]]:
    listed = await factory.client.get(f"{API}/clients?limit=100", headers=session.headers)
    assert listed.status_code == 200, listed.text
    return list(listed.json()["items"])


async def client(factory: Factory, session: Session, client_id: str) -> dict[str, Any]:
    found = await factory.client.get(f"{API}/clients/{client_id}", headers=session.headers)
    assert found.status_code == 200, found.text
    return dict(found.json())


class TestMatching:
    async def test_an_inn_of_an_existing_client_updates_and_links_it(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        existing = await create_client(factory, admin, name="Ромашка", inn=INN)
        integration = await create_integration(factory, admin)
        log = await run(
            factory,
            admin,
            integration,
            counterparty(
                "cp-1",
                "Ромашка (1С)",
                inn=INN,
                kpp="773601001",
                full_name='ООО "Ромашка"',
                phones=("+7 (912) 345-67-89",),
                contact="Олег Иванов",
            ),
        )
        assert counts(log) == (0, 1, 0, 0)
        [only] = await clients(factory, admin)
        assert only["id"] == existing["id"]
        found = await client(factory, admin, existing["id"])
        # What 1C says fills the client; the name the managers gave it stays.
        assert (found["name"], found["kpp"], found["legal_name"]) == (
            "Ромашка",
            "773601001",
            'ООО "Ромашка"',
        )
        [contact] = found["contacts"]
        assert contact["full_name"] == "Олег Иванов"
        assert [p["e164"] for p in contact["phones"]] == ["+79123456789"]

    async def test_a_phone_alone_matches_a_client(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        existing = await create_client(
            factory,
            admin,
            contacts=[{"full_name": "Анна", "phones": ["8 (912) 111-22-33"]}],
        )
        integration = await create_integration(factory, admin)
        log = await run(
            factory,
            admin,
            integration,
            counterparty("cp-phone", "Анна Смирнова", phones=("+79121112233",)),
        )
        assert counts(log) == (0, 1, 0, 0)
        assert [c["id"] for c in await clients(factory, admin)] == [existing["id"]]
        # The phone is known already: no contact is added.
        assert len((await client(factory, admin, existing["id"]))["contacts"]) == 1

    async def test_an_email_matches_when_there_is_no_tax_id_or_phone(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        existing = await create_client(
            factory, admin, contacts=[{"full_name": "Олег", "emails": ["oleg@romashka.ru"]}]
        )
        integration = await create_integration(factory, admin)
        log = await run(
            factory,
            admin,
            integration,
            counterparty("cp-mail", "Олег", emails=("OLEG@romashka.ru",)),
        )
        assert counts(log) == (0, 1, 0, 0)
        assert [c["id"] for c in await clients(factory, admin)] == [existing["id"]]

    async def test_a_phone_of_a_client_with_another_inn_is_no_match(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        other = await create_client(
            factory,
            admin,
            inn=OTHER_INN,
            contacts=[{"full_name": "Секретарь", "phones": ["+79125550000"]}],
        )
        integration = await create_integration(factory, admin)
        log = await run(
            factory,
            admin,
            integration,
            counterparty("cp-x", "Ромашка", inn=INN, phones=("+79125550000",)),
        )
        assert counts(log) == (1, 0, 0, 0)
        listed = {c["inn"]: c["id"] for c in await clients(factory, admin)}
        assert listed[OTHER_INN] == other["id"]
        assert INN in listed

    async def test_the_kpp_tells_branches_apart(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        head = await create_client(factory, admin, name="Ромашка", inn=INN, kpp="773601001")
        branch = await create_client(
            factory,
            admin,
            name="Ромашка СПб",
            inn=INN,
            kpp="781001001",
            confirm_duplicate=True,
        )
        integration = await create_integration(factory, admin)
        log = await run(
            factory,
            admin,
            integration,
            counterparty("cp-spb", "Ромашка, филиал СПб", inn=INN, kpp="781001001"),
            counterparty("cp-kzn", "Ромашка, филиал Казань", inn=INN, kpp="165501001"),
        )
        # The branch of its КПП is linked; a КПП nobody has is a new branch, a client of its own.
        assert counts(log) == (1, 1, 0, 0)
        listed = {c["kpp"]: c for c in await clients(factory, admin)}
        assert listed["773601001"]["id"] == head["id"]
        assert listed["781001001"]["id"] == branch["id"]
        assert listed["165501001"]["name"] == "Ромашка, филиал Казань"

    async def test_several_candidates_flag_the_counterparty_and_create_nothing(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        phone = [{"full_name": "Общий номер", "phones": ["+79127770000"]}]
        first = await create_client(factory, admin, contacts=phone)
        second = await create_client(factory, admin, contacts=phone, confirm_duplicate=True)
        integration = await create_integration(factory, admin)
        item = counterparty("cp-amb", "Кто-то", phones=("+7 912 777-00-00",))
        log = await run(factory, admin, integration, item)
        assert counts(log) == (0, 0, 0, 1)
        [flag] = log["flagged"]
        assert flag["external_id"] == "cp-amb"
        assert flag["reason"] == "several clients have this phone"
        assert sorted(flag["candidates"]) == sorted([first["id"], second["id"]])
        assert len(await clients(factory, admin)) == 2
        # Not linked: the next exchange weighs it again, and flags it again.
        assert counts(await run(factory, admin, integration, item)) == (0, 0, 0, 1)
        assert len(await clients(factory, admin)) == 2


class TestNewCounterparties:
    async def test_a_new_counterparty_becomes_a_client_with_its_contact(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        log = await run(
            factory,
            admin,
            integration,
            counterparty(
                "cp-new",
                "Лютик",
                inn=OTHER_INN,
                kpp="773601001",
                full_name='ООО "Лютик"',
                phones=("8 912 345-00-11",),
                emails=("Info@Lutik.ru",),
                contact="Мария Петрова",
            ),
        )
        assert counts(log) == (1, 0, 0, 0)
        [made] = await clients(factory, admin)
        found = await client(factory, admin, made["id"])
        assert (found["name"], found["legal_name"], found["inn"], found["kpp"]) == (
            "Лютик",
            'ООО "Лютик"',
            OTHER_INN,
            "773601001",
        )
        assert found["source"]["channel"] == "1c"
        # No responsible chosen on the integration: the first active administrator.
        assert found["responsible_id"] == str(org.admin.id)
        assert found["created_by"] is None
        [contact] = found["contacts"]
        assert contact["full_name"] == "Мария Петрова"
        assert [p["e164"] for p in contact["phones"]] == ["+79123450011"]
        assert contact["emails"] == ["info@lutik.ru"]
        # Made through the clients' use case: its event and audit entry are there.
        client_id = UUID(made["id"])
        async with factory.container.engine.connect() as conn:
            events = await conn.execute(
                sa.select(outbox_events.c.name).where(
                    outbox_events.c.organisation_id == org.id,
                    outbox_events.c.payload["client_id"].astext == made["id"],
                )
            )
            assert "client.created" in set(events.scalars())
            audit = await conn.execute(
                sa.select(audit_entries.c.action).where(
                    audit_entries.c.organisation_id == org.id,
                    audit_entries.c.entity_type == "client",
                    audit_entries.c.entity_id == client_id,
                )
            )
            assert list(audit.scalars()) == ["create"]

    async def test_a_slice_matches_existing_clients_and_its_own_new_counterparties_at_once(
        self, factory: Factory
    ) -> None:
        """The new counterparties of a slice are matched together: against the existing
        clients, and one sharing a value with another new one of the same slice is matched to
        the client that one becomes."""
        _, admin = await factory.admin_session()
        existing = await create_client(
            factory, admin, contacts=[{"full_name": "Ян", "phones": [{"number": "+79120000101"}]}]
        )
        integration = await create_integration(factory, admin)
        log = await run(
            factory,
            admin,
            integration,
            counterparty("cp-a", "Альфа", inn=OTHER_INN),
            counterparty("cp-b", "Бета", phones=("+7 912 000-01-01",)),  # the existing client
            counterparty("cp-c", "Альфа филиал", inn=OTHER_INN),  # cp-a's ИНН, same slice
            counterparty("cp-d", "Гамма", emails=("g@gamma.example",)),
            counterparty("cp-e", "Дельта", emails=("G@gamma.example",)),  # cp-d's e-mail
        )
        assert counts(log) == (2, 3, 0, 0), log
        listed = await clients(factory, admin)
        assert sorted(c["name"] for c in listed) == sorted([existing["name"], "Альфа", "Гамма"])
        again = await run(
            factory,
            admin,
            integration,
            counterparty("cp-a", "Альфа", inn=OTHER_INN),
            counterparty("cp-d", "Гамма", emails=("g@gamma.example",)),
        )
        assert counts(again) == (0, 0, 2, 0)

    async def test_many_counterparties_of_one_new_tax_id_become_one_client(
        self, factory: Factory
    ) -> None:
        """Not only the second: every later one of the slice finds the client the first one
        became, though the matches were looked up before it existed."""
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        items = [
            counterparty(f"cp-{i}", f"Покупатель {i}", inn=OTHER_INN, phones=(f"+79120000{i:03d}",))
            for i in range(7)
        ]
        log = await run(factory, admin, integration, *items)
        assert counts(log) == (1, 6, 0, 0), log
        [made] = await clients(factory, admin)
        assert made["name"] == "Покупатель 0"
        assert counts(await run(factory, admin, integration, *items)) == (0, 0, 7, 0)

    async def test_new_clients_go_to_the_integrations_responsible(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        seller = await factory.user(org, "seller")
        integration = await create_integration(factory, admin, responsible_id=str(seller.id))
        assert integration["responsible_id"] == str(seller.id)
        await run(factory, admin, integration, counterparty("cp-s", "Василёк", inn=INN))
        [made] = await clients(factory, admin)
        assert made["responsible_id"] == str(seller.id)

    async def test_a_responsible_of_another_organisation_is_refused(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        stranger = await factory.user(await factory.organisation(), "seller")
        response = await factory.client.post(
            f"{API}/onec/integrations",
            json={"name": "1С", "login": "site", "responsible_id": str(stranger.id)},
            headers=admin.headers,
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["loc"][-1] == "responsible_id"

    async def test_the_same_exchange_twice_changes_nothing(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        items = (
            counterparty("cp-a", "Альфа", inn=INN, phones=("+79120000001",), contact="Иван"),
            counterparty("cp-b", "Бета", emails=("beta@example.ru",)),
        )
        assert counts(await run(factory, admin, integration, *items)) == (2, 0, 0, 0)
        before = {c["id"]: c for c in await clients(factory, admin)}
        assert counts(await run(factory, admin, integration, *items)) == (0, 0, 2, 0)
        after = {c["id"]: c for c in await clients(factory, admin)}
        assert after == before  # versions and updated_at included
        # A changed record updates the same client, and only it.
        changed = counterparty("cp-b", "Бета", emails=("beta@example.ru", "sales@example.ru"))
        assert counts(await run(factory, admin, integration, items[0], changed)) == (0, 1, 1, 0)
        assert {c["id"] for c in await clients(factory, admin)} == set(before)
        beta = next(c for c in before.values() if c["name"] == "Бета")
        contacts = (await client(factory, admin, beta["id"]))["contacts"]
        emails = [e for c in contacts for e in c["emails"]]
        assert sorted(emails) == ["beta@example.ru", "sales@example.ru"]

    async def test_a_merged_client_keeps_its_counterparty_on_the_survivor(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        item = counterparty("cp-m", "Гамма", inn=INN)
        await run(factory, admin, integration, item)
        [made] = await clients(factory, admin)
        survivor = await create_client(factory, admin, name="Гамма главная")
        merged = await factory.client.post(
            f"{API}/clients/{survivor['id']}/merge",
            json={"other_id": made["id"]},
            headers=admin.headers,
        )
        assert merged.status_code == 200, merged.text
        assert counts(await run(factory, admin, integration, item)) == (0, 0, 1, 0)
        assert [c["id"] for c in await clients(factory, admin)] == [survivor["id"]]


class TestSaleDocuments:
    async def test_the_windows_1251_sample_brings_its_buyers_once(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin, exchange_sale=True)
        document = sample(SALE_SAMPLE)

        async def sale_exchange() -> dict[str, Any]:
            one_c = OneC(factory, integration, exchange_type="sale")
            assert (await one_c.checkauth()).startswith("success\n")
            assert (await one_c.init()).startswith("zip=yes\n")
            await one_c.upload("orders.xml", document, chunk=8192)
            assert await one_c.import_until_done("orders.xml") == ["success\n"]
            return await exchange(factory, admin, str(one_c.sessid))

        assert counts(await sale_exchange()) == (2, 0, 0, 0)
        made = {c["name"]: c for c in await clients(factory, admin)}
        # Bitrix writes a buyer's Ид as "<id>#<login>#<name>": the name, else the login.
        assert set(made) == {"Контент менджер", "catalog_exchange"}
        assert {c["source"]["channel"] for c in made.values()} == {"1c"}
        assert {c["kind"] for c in made.values()} == {"person"}
        assert counts(await sale_exchange()) == (0, 0, 2, 0)
        assert len(await clients(factory, admin)) == 2


class TestIsolation:
    async def test_another_organisations_client_never_matches(self, factory: Factory) -> None:
        _, theirs = await factory.admin_session()
        foreign = await create_client(factory, theirs, name="Ромашка", inn=INN)
        _, admin = await factory.admin_session()
        integration = await create_integration(factory, admin)
        log = await run(factory, admin, integration, counterparty("cp-1", "Ромашка", inn=INN))
        assert counts(log) == (1, 0, 0, 0)
        [mine] = await clients(factory, admin)
        assert mine["id"] != foreign["id"]
        assert [c["id"] for c in await clients(factory, theirs)] == [foreign["id"]]
        assert (await client(factory, theirs, foreign["id"]))["version"] == foreign["version"]
        # Neither sees the other's exchange log.
        hidden = await factory.client.get(
            f"{API}/onec/exchanges/{log['id']}", headers=theirs.headers
        )
        assert hidden.status_code == 404
