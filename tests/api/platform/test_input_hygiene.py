"""Issue 8, item 3: hostile and clumsy input is a 422 with a fixed text at the edge (or cleaned),
never a 500; searches of punctuation find nothing; stored rows outside today's limits stay
readable."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from adapters.db.tables.clients import clients
from adapters.db.tables.deals import deals
from tests.api.deals.support import API, create_client, create_deal, teams
from tests.factories import Factory, Session


async def post(factory: Factory, session: Session, path: str, body: dict[str, Any]) -> Any:
    return await factory.client.post(f"{API}{path}", json=body, headers=session.headers)


def refused(response: Any, *loc: str | int) -> list[str]:
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert list(loc) in [e["loc"] for e in errors], errors
    return [e["msg"] for e in errors]


class TestStrings:
    async def test_nul_and_control_characters_are_refused_in_bodies_and_queries(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        refused(await post(factory, admin, "/clients", {"name": "A\x00B"}), "body", "name")
        refused(
            await post(factory, admin, "/clients", {"name": "A", "notes": "x\x00"}), "body", "notes"
        )
        response = await factory.client.get(
            f"{API}/clients", params={"q": "a\x00b"}, headers=admin.headers
        )
        refused(response, "query", "q")
        response = await factory.client.get(
            f"{API}/deals", params={"q": "\x07"}, headers=admin.headers
        )
        refused(response, "query", "q")

    async def test_bidi_overrides_and_zero_width_characters_are_stripped_from_names(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        client = await create_client(factory, admin, name="Ро\u202emashka\u200b Ltd")
        assert client["name"] == "Роmashka Ltd"

    async def test_utm_is_bounded(self, factory: Factory) -> None:
        world = await teams(factory)
        client = await create_client(factory, world.admin)
        many = {f"k{i}": "v" for i in range(100)}
        body = {"client_id": client["id"], "title": "T", "utm": many}
        refused(await post(factory, world.admin, "/deals", body), "body", "utm")
        body = {"client_id": client["id"], "title": "T", "utm": {"k": "v\x00"}}
        refused(await post(factory, world.admin, "/deals", body), "body", "utm", "k")


class TestNumbersAndDates:
    async def test_amounts_are_finite_and_at_most_ten_to_the_sixteen(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)
        client = await create_client(factory, world.admin)
        for amount in ("1e16", "Infinity", "-Infinity", "NaN", "10000000000000000"):
            body = {"client_id": client["id"], "title": "T", "amount": amount}
            refused(await post(factory, world.admin, "/deals", body), "body", "amount")
        body = {"client_id": client["id"], "title": "T", "amount": "9999999999999999.99"}
        assert (await post(factory, world.admin, "/deals", body)).status_code == 201

    async def test_dates_and_moments_outside_the_window_are_refused(self, factory: Factory) -> None:
        world = await teams(factory)
        client = await create_client(factory, world.admin)
        for day in ("0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"):
            body = {"client_id": client["id"], "title": "T", "expected_close_date": day}
            msgs = refused(
                await post(factory, world.admin, "/deals", body), "body", "expected_close_date"
            )
            assert msgs == ["must be between 1900-01-01 and 2199-12-31"]
        body = {"title": "T", "due_at": "9999-12-31T00:00:00+00:00"}
        refused(await post(factory, world.admin, "/tasks", body), "body", "due_at")
        response = await factory.client.get(
            f"{API}/deals",
            params={"created_from": "0001-01-01T00:00:00Z"},
            headers=world.admin.headers,
        )
        refused(response, "query", "created_from")

    async def test_messages_are_fixed_texts_not_python_internals(self, factory: Factory) -> None:
        world = await teams(factory)
        client = await create_client(factory, world.admin)
        body = {"client_id": client["id"], "title": "T", "amount": ["x"], "currency": "rub"}
        response = await post(factory, world.admin, "/deals", body)
        assert response.status_code == 422
        for error in response.json()["errors"]:
            assert "Decimal" not in error["msg"]
            assert "Input should" not in error["msg"]
            assert "pattern" not in error["msg"]


class TestFormats:
    async def test_emails_need_exactly_one_at_and_rfc_lengths(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        client = await create_client(factory, admin)
        path = f"/clients/{client['id']}/contacts"
        for email in ("a@b@example.com", "x" * 65 + "@example.com", "a@" + "b" * 250 + ".com"):
            body = {"full_name": "Иван", "emails": [email]}
            refused(await post(factory, admin, path, body), "body", "emails", 0)

    async def test_currency_must_be_an_iso_4217_code(self, factory: Factory) -> None:
        world = await teams(factory)
        client = await create_client(factory, world.admin)
        body = {"client_id": client["id"], "title": "T", "currency": "XYZ"}
        refused(await post(factory, world.admin, "/deals", body), "body", "currency")
        body["currency"] = "EUR"
        assert (await post(factory, world.admin, "/deals", body)).status_code == 201

    async def test_all_zero_tax_ids_are_refused(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        for field, value in (
            ("inn", "0000000000"),
            ("inn", "000000000000"),
            ("kpp", "000000000"),
            ("ogrn", "0000000000000"),
            ("edrpou", "00000000"),
        ):
            response = await post(factory, admin, "/clients", {"name": "N", field: value})
            assert response.status_code == 422, (field, value, response.text)
            assert ["body", field] in [e["loc"] for e in response.json()["errors"]]


class TestSearch:
    async def test_punctuation_only_searches_match_nothing(self, factory: Factory) -> None:
        world = await teams(factory)
        client = await create_client(factory, world.admin)
        await create_deal(factory, world.admin, client_id=client["id"], title="Сделка...")
        contact_path = f"{API}/clients/{client['id']}/contacts"
        await factory.client.post(
            contact_path, json={"full_name": "Иван"}, headers=world.admin.headers
        )
        for path in ("/clients", "/deals", "/contacts"):
            for q in ("...", "-", "%", "_", "!?"):
                response = await factory.client.get(
                    f"{API}{path}", params={"q": q}, headers=world.admin.headers
                )
                assert response.status_code == 200, (path, response.text)
                assert response.json()["items"] == [], (path, q)


class TestLegacyRows:
    async def test_stored_values_outside_the_limits_do_not_break_lists(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)
        client = await create_client(factory, world.admin)
        deal = await create_deal(factory, world.admin, client_id=client["id"])
        async with factory.container.uow() as uow:
            conn = uow.clients._conn  # type: ignore[attr-defined]
            await conn.execute(
                sa.update(deals)
                .where(deals.c.id == deal["id"])
                .values(expected_close_date=sa.text("'9999-12-31'::date"), currency="XYZ")
            )
            await conn.execute(
                sa.update(clients)
                .where(clients.c.id == client["id"])
                .values(utm={f"k{i}": "v" * 600 for i in range(40)})
            )
            await uow.commit()
        for path in ("/deals", "/clients", f"/deals/{deal['id']}", f"/clients/{client['id']}"):
            response = await factory.client.get(f"{API}{path}", headers=world.admin.headers)
            assert response.status_code == 200, (path, response.text)


class TestRepeatedFilters:
    async def test_a_filter_naming_too_many_values_is_refused(self, factory: Factory) -> None:
        world = await teams(factory)
        for path, name, value in (
            ("/deals", "stage_id", str(world.funnel["stages"][0]["id"])),
            ("/deals", "source_channel", "yandex"),
            ("/clients", "tags", "опт"),
            ("/clients", "responsible_id", str(world.admin.user.id)),
        ):
            too_many = [(name, value)] * 101
            response = await factory.client.get(
                f"{API}{path}", params=too_many, headers=world.admin.headers
            )
            assert response.status_code == 422, (path, name, response.text)
            assert ["query", name] in [e["loc"] for e in response.json()["errors"]]
            enough = await factory.client.get(
                f"{API}{path}", params=too_many[:100], headers=world.admin.headers
            )
            assert enough.status_code == 200, (path, name, enough.text)
