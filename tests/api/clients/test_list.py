from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from adapters.db.repositories import clients as client_repository
from tests.api.clients.support import API, create_client, define_field, json_of, two_teams
from tests.factories import Factory, Session


async def _ids(factory: Factory, session: Session, query: str) -> list[str]:
    body = json_of(await factory.client.get(f"{API}/clients?{query}", headers=session.headers), 200)
    return [c["id"] for c in body["items"]]


class TestSearch:
    async def test_names_contacts_partial_phones_and_emails_case_insensitively(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        romashka = await create_client(
            factory,
            admin,
            name='ООО "Ромашка Юг"',
            contacts=[
                {
                    "full_name": "Сергей Лебедев",
                    "phones": ["+7 (912) 345-67-89"],
                    "emails": ["Sales@Romashka.ru"],
                }
            ],
        )
        await create_client(factory, admin, name="Василёк Север", inn="7707083893")
        for q in (
            "ромашка",
            "РОМАШКА ЮГ",
            "лебедев",
            "345-67",
            "912345",
            "89123456789",
            "sales@rom",
        ):
            assert await _ids(factory, admin, f"q={quote(q)}") == [romashka["id"]], q
        assert len(await _ids(factory, admin, "q=василек")) == 1
        assert len(await _ids(factory, admin, "q=7707083893")) == 1
        assert await _ids(factory, admin, f"q={quote('Незабудка')}") == []

    @pytest.mark.parametrize(
        "id_limit",
        [2000, 3, 2],
        ids=["collected", "all-past-the-limit-walk", "own-past-the-limit-walk"],
    )
    async def test_matches_are_sorted_and_paged_in_every_order(
        self, factory: Factory, monkeypatch: pytest.MonkeyPatch, id_limit: int
    ) -> None:
        """A search's matches are collected (own names and contacts' by their indexes) and
        sorted, or, past SEARCH_ID_LIMIT of them (3 by name and 1 by a contact here), found
        by walking the sort order: the order, the cursor and the count are the list's own,
        whichever column."""
        monkeypatch.setattr(client_repository, "SEARCH_ID_LIMIT", id_limit)
        _, admin = await factory.admin_session()
        names = ["Сибирь-Б", "Сибирь-В", "Сибирь-А"]
        made = {name: (await create_client(factory, admin, name=name))["id"] for name in names}
        # Found by its contact's name only.
        made["Байкал"] = (
            await create_client(
                factory, admin, name="Байкал", contacts=[{"full_name": "Иван Сибиряков"}]
            )
        )["id"]
        await create_client(factory, admin, name="Урал")
        by_name = [made[n] for n in sorted(made)]
        assert await _ids(factory, admin, f"q={quote('сибир')}&sort=name") == by_name
        assert await _ids(factory, admin, f"q={quote('сибир')}&sort=-name") == by_name[::-1]
        newest = [made[n] for n in [*names, "Байкал"][::-1]]
        assert await _ids(factory, admin, f"q={quote('сибир')}&sort=-created_at") == newest
        paged: list[str] = []
        query = f"q={quote('сибир')}&sort=name&limit=2"
        while True:
            body = json_of(
                await factory.client.get(f"{API}/clients?{query}", headers=admin.headers), 200
            )
            paged.extend(c["id"] for c in body["items"])
            if not body["next_cursor"]:
                break
            query = f"q={quote('сибир')}&sort=name&limit=2&cursor={body['next_cursor']}"
        assert paged == by_name
        counted = await factory.client.get(
            f"{API}/clients/count?q={quote('сибир')}", headers=admin.headers
        )
        assert json_of(counted, 200) == {"total": 4, "capped": False}

    @pytest.mark.parametrize("id_limit", [2000, 1], ids=["collected", "contacts-past-the-limit"])
    async def test_contact_matches_within_visibility_filters_and_cursor(
        self, factory: Factory, monkeypatch: pytest.MonkeyPatch, id_limit: int
    ) -> None:
        """Clients found by their contacts only, collected or (more contact matches than the
        limit) by walking the sort order: a seller gets their own only, the other filters and
        the cursor apply either way."""
        monkeypatch.setattr(client_repository, "SEARCH_ID_LIMIT", id_limit)
        _, admin, seller, stranger = await two_teams(factory)
        person = [{"full_name": "Иван Сибиряков"}, {"full_name": "Пётр Сибиряков"}]
        hot_b = await create_client(
            factory, seller, name="Байкал", temperature="hot", contacts=person
        )
        hot_a = await create_client(
            factory, seller, name="Ангара", temperature="hot", contacts=person[:1]
        )
        cold = await create_client(factory, seller, name="Амур", contacts=person[1:])
        theirs = await create_client(
            factory, stranger, name="Обь", temperature="hot", contacts=person[:1]
        )
        q = f"q={quote('сибиряк')}"
        assert await _ids(factory, seller, q) == [cold["id"], hot_a["id"], hot_b["id"]]
        assert await _ids(factory, seller, f"{q}&temperature=hot") == [hot_a["id"], hot_b["id"]]
        assert await _ids(factory, stranger, q) == [theirs["id"]]
        first = json_of(
            await factory.client.get(
                f"{API}/clients?{q}&temperature=hot&limit=1", headers=seller.headers
            ),
            200,
        )
        assert [c["id"] for c in first["items"]] == [hot_a["id"]]
        rest = f"{q}&temperature=hot&limit=1&cursor={first['next_cursor']}"
        assert await _ids(factory, seller, rest) == [hot_b["id"]]
        assert len(await _ids(factory, admin, q)) == 4


class TestFilters:
    async def test_by_responsible_temperature_source_tags_kind_and_dates(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        colleague = await factory.user(org)
        hot = await create_client(
            factory,
            admin,
            temperature="hot",
            segment_tags=["vip", "msk"],
            source={"channel": "website"},
        )
        person = await create_client(
            factory, admin, kind="person", segment_tags=["msk"], responsible_id=str(colleague.id)
        )
        assert await _ids(factory, admin, "temperature=hot") == [hot["id"]]
        assert await _ids(factory, admin, f"responsible_id={colleague.id}") == [person["id"]]
        assert await _ids(factory, admin, "source_channel=website") == [hot["id"]]
        assert sorted(await _ids(factory, admin, "tags=vip&tags=msk")) == sorted(
            [hot["id"], person["id"]]
        )
        assert await _ids(factory, admin, "tags=vip&tags=msk&tags_mode=all") == [hot["id"]]
        assert await _ids(factory, admin, "kind=person") == [person["id"]]
        assert await _ids(factory, admin, "relationship_type=potential") == []
        future = quote((datetime.now(UTC) + timedelta(days=1)).isoformat())
        assert await _ids(factory, admin, f"created_from={future}") == []
        assert len(await _ids(factory, admin, f"updated_to={future}")) == 2

    async def test_by_custom_fields_with_ranges(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        await define_field(factory, admin, key="employees", label="Сотрудники", type="number")
        await define_field(factory, admin, key="founded", label="Основана", type="date")
        await define_field(
            factory, admin, key="tier", label="Уровень", type="enum", options=["gold", "silver"]
        )
        await define_field(factory, admin, key="budget", label="Бюджет", type="money")
        small = await create_client(
            factory,
            admin,
            custom_fields={
                "employees": 10,
                "founded": "2001-01-01",
                "tier": "gold",
                "budget": {"amount": "500", "currency": "RUB"},
            },
        )
        big = await create_client(
            factory,
            admin,
            custom_fields={
                "employees": 900.5,
                "founded": "2020-06-01",
                "tier": "silver",
                "budget": {"amount": "90000", "currency": "RUB"},
            },
        )
        assert await _ids(factory, admin, "cf.tier=gold") == [small["id"]]
        assert await _ids(factory, admin, "cf.employees.gte=100") == [big["id"]]
        assert await _ids(factory, admin, "cf.employees=10") == [small["id"]]
        assert await _ids(factory, admin, "cf.founded.lte=2010-01-01") == [small["id"]]
        assert await _ids(factory, admin, "cf.founded=2020-06-01") == [big["id"]]
        assert await _ids(factory, admin, "cf.budget.gte=1000&cf.budget.lte=100000") == [big["id"]]
        bad = await factory.client.get(f"{API}/clients?cf.nope=1", headers=admin.headers)
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["loc"] == ["query", "cf.nope"]


class TestSortingAndPages:
    async def test_every_sort_pages_through_every_client_once(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        names = ["Берёза", "Акация", "Вяз", "Граб", "Дуб"]
        for name in names:
            await create_client(factory, admin, name=f"{name} {name}")
        for sort in ("name", "-name", "created_at", "-created_at", "updated_at", "-updated_at"):
            seen: list[str] = []
            cursor = None
            while True:
                query = f"sort={sort}&limit=2" + (f"&cursor={cursor}" if cursor else "")
                body = json_of(
                    await factory.client.get(f"{API}/clients?{query}", headers=admin.headers), 200
                )
                seen += [c["name"].split()[0] for c in body["items"]]
                cursor = body["next_cursor"]
                if cursor is None:
                    break
            assert len(seen) == 5, sort
            if sort == "name":
                assert seen == sorted(names)
            if sort == "-created_at":
                assert seen == list(reversed(names))

    async def test_a_cursor_of_another_sort_is_refused(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        for _ in range(2):
            await create_client(factory, admin)
        page = json_of(
            await factory.client.get(f"{API}/clients?sort=name&limit=1", headers=admin.headers), 200
        )
        response = await factory.client.get(
            f"{API}/clients?sort=created_at&cursor={page['next_cursor']}", headers=admin.headers
        )
        assert response.status_code == 422


class TestVisibility:
    async def test_lists_and_exports_show_only_visible_clients(self, factory: Factory) -> None:
        _, admin, seller, stranger = await two_teams(factory)
        mine = await create_client(factory, seller)
        await create_client(factory, stranger)
        assert await _ids(factory, seller, "") == [mine["id"]]
        assert len(await _ids(factory, admin, "")) == 2
        response = await factory.client.get(
            f"{API}/clients/export?format=csv", headers=seller.headers
        )
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [r[0] for r in rows[1:]] == [mine["id"]]
        _, outsider = await factory.admin_session()
        assert await _ids(factory, outsider, "") == []


class TestExport:
    async def test_csv_with_filters_contacts_and_custom_fields(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        await define_field(factory, admin, key="budget", label="Бюджет", type="money")
        hot = await create_client(
            factory,
            admin,
            name="Клён Экспортный",
            temperature="hot",
            custom_fields={"budget": {"amount": "10", "currency": "RUB"}},
            contacts=[{"full_name": "Ирина", "phones": ["89123456789"], "emails": ["i@klen.ru"]}],
        )
        await create_client(factory, admin, temperature="cold")
        response = await factory.client.get(
            f"{API}/clients/export?format=csv&temperature=hot", headers=admin.headers
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert "clients.csv" in response.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows) == 1
        row = rows[0]
        assert (
            row["ID"],
            row["Клиент"],
            row["Телефоны"],
            row["E-mail"],
            row["Контактные лица"],
            row["Бюджет"],
            row["Ответственный"],
        ) == (
            hot["id"],
            "Клён Экспортный",
            "+79123456789",
            "i@klen.ru",
            "Ирина",
            "10.00 RUB",
            admin.user.full_name,
        )

    async def test_xlsx(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        await create_client(factory, admin, name="Липа Табличная")
        response = await factory.client.get(
            f"{API}/clients/export?format=xlsx", headers=admin.headers
        )
        assert response.status_code == 200
        with zipfile.ZipFile(io.BytesIO(response.content)) as book:
            sheet = book.read("xl/worksheets/sheet1.xml").decode()
        assert "Липа Табличная" in sheet

    async def test_needs_clients_read(self, factory: Factory) -> None:
        org = await factory.organisation()
        user = await factory.user(org)
        # A role without clients:read: strip it from a custom role.
        from domain.staff.model import Role
        from domain.staff.permissions import Permission

        role = Role.custom(org.id, name="Без клиентов", permissions=[Permission.USERS_READ])
        async with factory.container.uow() as uow:
            await uow.roles.add(role)
            user.role_id = role.id
            await uow.users.update(user, user.version)
            await uow.commit()
        session = await factory.login(user)
        for url in ("/clients/export", "/clients", "/clients/duplicates"):
            assert (
                await factory.client.get(f"{API}{url}", headers=session.headers)
            ).status_code == 403
