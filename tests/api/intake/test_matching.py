"""A form's lead is taken in: matched to the client who owns its phone or e-mail (whoever's
client it is), joined to that client's open deal, or opened as a new client, contact and deal
in the first stage of the form's funnel; a redelivery creates nothing new."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tests.api.deals.support import create_client, create_funnel
from tests.api.intake.support import API, create_form, drain, item, post_form
from tests.factories import Factory, Session


async def _get(factory: Factory, session: Session, path: str) -> dict[str, Any]:
    got = await factory.client.get(f"{API}{path}", headers=session.headers)
    assert got.status_code == 200, got.text
    return dict(got.json())


async def _deals_of(factory: Factory, session: Session, client_id: str) -> list[dict[str, Any]]:
    listed = await _get(factory, session, f"/deals?client_id={client_id}")
    return list(listed["items"])


class TestTakeIn:
    async def test_a_new_lead_opens_a_client_contact_and_deal_in_the_forms_funnel(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        seller = await factory.user(org, "seller")
        funnel = await create_funnel(factory, admin)
        form = await create_form(
            factory,
            admin,
            name="Заявка на курс",
            funnel_id=funnel["id"],
            distribution={"kind": "round_robin", "user_ids": [str(seller.id)]},
        )
        posted = await post_form(
            factory.client,
            form["key"],
            "name=Мария+Иванова&phone=8+(916)+555-01-80&email=Maria@Example.ru"
            "&product=Курс+Python&utm_source=yandex&utm_campaign=autumn",
        )
        await drain(factory.container)
        lead = (await item(factory, admin, posted.json()["id"]))["lead"]
        assert lead["match"] == "new_client"
        client = await _get(factory, admin, f"/clients/{lead['client_id']}")
        assert client["kind"] == "person"
        assert client["name"] == "Мария Иванова"
        assert client["responsible_id"] == str(seller.id)
        assert client["source"]["channel"] == "yandex"
        assert client["source"]["campaign"] == "autumn"
        assert client["relationship_type"] == "potential"
        (contact,) = client["contacts"]
        assert contact["id"] == lead["contact_id"]
        assert [p["e164"] for p in contact["phones"]] == ["+79165550180"]
        assert contact["emails"] == ["maria@example.ru"]
        deal = await _get(factory, admin, f"/deals/{lead['deal_id']}")
        assert deal["funnel_id"] == funnel["id"]
        assert deal["stage_id"] == funnel["stages"][0]["id"]
        assert deal["client_id"] == lead["client_id"]
        assert deal["contact_id"] == lead["contact_id"]
        assert deal["responsible_id"] == str(seller.id)
        assert deal["title"] == "Заявка на курс: Курс Python"
        assert deal["source_channel"] == "yandex"

    async def test_a_known_phone_is_that_clients_lead_and_joins_its_open_deal(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        owner_user = await factory.user(org, "seller")
        owner = await factory.login(owner_user)
        await create_funnel(factory, admin)
        known = await create_client(
            factory,
            owner,
            name="ООО Ромашка",
            contacts=[{"full_name": "Пётр", "phones": ["+7 916 555-01-81"]}],
        )
        form = await create_form(factory, admin)
        first = await post_form(factory.client, form["key"], "name=Пётр&phone=89165550181")
        await drain(factory.container)
        first_lead = (await item(factory, admin, first.json()["id"]))["lead"]
        assert first_lead["match"] == "client"
        assert first_lead["client_id"] == known["id"]
        deal = await _get(factory, admin, f"/deals/{first_lead['deal_id']}")
        assert deal["responsible_id"] == str(owner_user.id)
        second = await post_form(
            factory.client, form["key"], "name=Пётр&email=x@example.com&phone=%2B79165550181"
        )
        await drain(factory.container)
        second_lead = (await item(factory, admin, second.json()["id"]))["lead"]
        assert second_lead["match"] == "open_deal"
        assert second_lead["deal_id"] == first_lead["deal_id"]
        assert len(await _deals_of(factory, admin, known["id"])) == 1

    async def test_a_redelivery_creates_nothing_new(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        await create_funnel(factory, admin)
        form = await create_form(factory, admin)
        body = "name=Олег&phone=89165550182&formid=form9&tranid=77:1"
        ids = {(await post_form(factory.client, form["key"], body)).json()["id"] for _ in range(3)}
        await drain(factory.container)
        assert len(ids) == 1
        async with factory.container.engine.connect() as conn:
            clients = await conn.scalar(
                sa.text("SELECT count(*) FROM clients WHERE organisation_id = :o"), {"o": org.id}
            )
            deals = await conn.scalar(
                sa.text("SELECT count(*) FROM deals WHERE organisation_id = :o"), {"o": org.id}
            )
        assert (clients, deals) == (1, 1)

    async def test_without_any_funnel_the_client_is_kept_and_no_deal_opened(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        form = await create_form(factory, admin, name="Контакты")
        posted = await post_form(
            factory.client, form["key"], "name=Ann&email=ann@example.com&company=Acme"
        )
        await drain(factory.container)
        stored = await item(factory, admin, posted.json()["id"])
        assert stored["state"] == "processed"
        assert "deal_id" not in stored["lead"]
        assert "no funnel" in stored["lead"]["deal_note"]
        client = await _get(factory, admin, f"/clients/{stored['lead']['client_id']}")
        assert (client["kind"], client["name"]) == ("company", "Acme")
