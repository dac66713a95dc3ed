"""Orders to 1C: deals in the integration's order stages go to 1C as CommerceML 2 documents
when 1C asks (type=sale, mode=query), exported once 1C confirms (mode=success), and again only
once they changed. Everything through the exchange as 1C:Enterprise calls it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from lxml import etree

from domain.onec import services as onec_services
from tests.api.deals.support import (
    create_client,
    create_contact,
    create_deal,
    create_funnel,
    error_locs,
    if_match,
    json_of,
    move,
)
from tests.api.onec.support import API, OneC, create_integration, exchange
from tests.api.onec.test_counterparties import counterparty, run
from tests.api.onec.test_deal_products import PORTABLE, PORTABLE_NAME, catalogue
from tests.factories import Factory, Org, Session

NS = {"c": "urn:1C.ru:commerceml_2"}
INN = "7707083893"
# Quotes, an ampersand, angle brackets and Cyrillic: escaped by the writer, read back whole.
CLIENT_NAME = 'ООО «Ромашка & Партнёры» <опт> "Юг"'


class World:
    """An organisation with a funnel, the sample catalogue and a sale integration whose order
    stage is the funnel's second stage."""

    def __init__(
        self,
        org: Org,
        admin: Session,
        funnel: dict[str, Any],
        integration: dict[str, Any],
        catalogue: dict[str, dict[str, Any]],
    ) -> None:
        self.org = org
        self.admin = admin
        self.funnel = funnel
        self.integration = integration
        self.catalogue = catalogue

    @property
    def first(self) -> str:
        return str(self.funnel["stages"][0]["id"])

    @property
    def order_stage(self) -> str:
        return str(self.funnel["stages"][1]["id"])


async def world(factory: Factory) -> World:
    org, admin = await factory.admin_session()
    funnel = await create_funnel(factory, admin)
    found = await catalogue(factory, admin)
    [integration] = json_of(
        await factory.client.get(f"{API}/onec/integrations", headers=admin.headers), 200
    )["items"]
    updated = json_of(
        await factory.client.patch(
            f"{API}/onec/integrations/{integration['id']}",
            json={"exchange_sale": True, "order_stage_ids": [funnel["stages"][1]["id"]]},
            headers=admin.headers,
        ),
        200,
    )
    assert updated["order_stage_ids"] == [funnel["stages"][1]["id"]]
    return World(org, admin, funnel, {**integration, **updated}, found)


async def order_deal(factory: Factory, w: World, **body: Any) -> dict[str, Any]:
    """A deal in the order stage: a product of the catalogue and a free line."""
    body.setdefault(
        "products",
        [
            {"product_id": w.catalogue[PORTABLE]["id"], "quantity": "2"},
            {"name": "Доставка до склада «Север»", "price": "1500.50"},
        ],
    )
    body.setdefault("stage_id", w.order_stage)
    return await create_deal(factory, w.admin, **body)


async def session(factory: Factory, w: World) -> OneC:
    one_c = OneC(factory, w.integration, exchange_type="sale")
    assert (await one_c.checkauth()).startswith("success\n")
    assert (await one_c.init()).startswith("zip=yes\n")
    return one_c


async def query(one_c: OneC) -> etree._Element:
    response = await one_c.call("query")
    assert response.headers["content-type"].startswith("application/xml")
    assert response.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(response.content, parser)
    assert root.tag == "{urn:1C.ru:commerceml_2}КоммерческаяИнформация"
    assert root.get("ВерсияСхемы") == "2.08"
    return root


def documents(root: etree._Element) -> dict[str, etree._Element]:
    return {d.findtext("c:Ид", namespaces=NS): d for d in root.findall("c:Документ", NS)}


def text(node: etree._Element, path: str) -> str | None:
    return node.findtext(path, namespaces=NS)


def requisites(node: etree._Element) -> dict[str, str]:
    return {
        str(r.findtext("c:Наименование", namespaces=NS)): str(
            r.findtext("c:Значение", namespaces=NS)
        )
        for r in node.findall("c:ЗначенияРеквизитов/c:ЗначениеРеквизита", NS)
    }


async def exported(factory: Factory, org: Org) -> dict[str, int]:
    async with factory.container.engine.connect() as conn:
        rows = await conn.execute(
            sa.text(
                "SELECT deal_id, deal_version FROM onec_exported_orders WHERE organisation_id = :o"
            ),
            {"o": org.id},
        )
        return {str(row.deal_id): row.deal_version for row in rows}


class TestQueryAndSuccess:
    async def test_orders_go_once_and_the_next_query_is_empty(self, factory: Factory) -> None:
        w = await world(factory)
        client = await create_client(
            factory, w.admin, name=CLIENT_NAME, legal_name=CLIENT_NAME + " полное", inn=INN
        )
        await create_contact(
            factory,
            w.admin,
            client["id"],
            full_name="Пётр Ёлкин",
            phones=["+7 912 345-67-89"],
            emails=["petr@romashka.ru"],
            is_primary=True,
        )
        deal = await order_deal(factory, w, client_id=client["id"], title="Заказ «Север»")
        # Not in an order stage: never sent.
        await create_deal(factory, w.admin, client_id=client["id"], stage_id=w.first)

        one_c = await session(factory, w)
        found = documents(await query(one_c))

        assert list(found) == [deal["id"]]
        doc = found[deal["id"]]
        assert text(doc, "c:Номер") == deal["id"]
        assert text(doc, "c:ХозОперация") == "Заказ товара"
        assert text(doc, "c:Роль") == "Продавец"
        assert text(doc, "c:Валюта") == "RUB"
        assert text(doc, "c:Курс") == "1"
        assert Decimal(str(text(doc, "c:Сумма"))) == Decimal("7700.50")
        assert text(doc, "c:Дата")
        assert text(doc, "c:Время")
        [party] = doc.findall("c:Контрагенты/c:Контрагент", NS)
        assert text(party, "c:Ид") == client["id"]
        assert text(party, "c:Наименование") == CLIENT_NAME
        assert text(party, "c:ПолноеНаименование") == CLIENT_NAME + " полное"
        assert text(party, "c:ИНН") == INN
        assert text(party, "c:Роль") == "Покупатель"
        reach = {
            text(c, "c:Тип"): text(c, "c:Значение")
            for c in party.findall("c:Контакты/c:Контакт", NS)
        }
        assert reach == {"Телефон рабочий": "+79123456789", "Почта": "petr@romashka.ru"}
        product, delivery = doc.findall("c:Товары/c:Товар", NS)
        assert text(product, "c:Ид") == PORTABLE
        assert text(product, "c:Наименование") == PORTABLE_NAME
        assert text(product, "c:Артикул") == "PM-421-WP"
        assert text(product, "c:БазоваяЕдиница") == "Штука"
        assert text(product, "c:ЦенаЗаЕдиницу") == "3100.00"
        assert text(product, "c:Количество") == "2"
        assert text(product, "c:Сумма") == "6200.00"
        assert text(delivery, "c:Ид") not in (PORTABLE, None)
        assert text(delivery, "c:Наименование") == "Доставка до склада «Север»"
        assert text(delivery, "c:Сумма") == "1500.50"
        values = requisites(doc)
        assert values["Статус заказа"] == "Второй"
        assert values["Ответственный"] == "Админ Тестовый"
        assert text(doc, "c:Комментарий") == "Заказ «Север»"
        assert await exported(factory, w.org) == {}  # nothing marked before success

        assert (await one_c.call("success")).text == "success\n"
        assert await exported(factory, w.org) == {deal["id"]: deal["version"]}
        assert documents(await query(one_c)) == {}
        assert (await one_c.call("success")).text == "success\n"

        log = await exchange(factory, w.admin, str(one_c.sessid))
        assert log["orders_sent"] == 1
        # The next exchange has nothing either.
        assert documents(await query(await session(factory, w))) == {}

    async def test_success_without_a_query_marks_nothing(self, factory: Factory) -> None:
        w = await world(factory)
        deal = await order_deal(factory, w)
        one_c = await session(factory, w)
        assert (await one_c.call("success")).text == "success\n"
        assert await exported(factory, w.org) == {}
        assert (await exchange(factory, w.admin, str(one_c.sessid)))["orders_sent"] == 0
        assert list(documents(await query(one_c))) == [deal["id"]]

    async def test_a_query_not_confirmed_is_sent_again(self, factory: Factory) -> None:
        w = await world(factory)
        deal = await order_deal(factory, w)
        assert list(documents(await query(await session(factory, w)))) == [deal["id"]]
        # 1C failed before success: the next exchange sends it again.
        one_c = await session(factory, w)
        assert list(documents(await query(one_c))) == [deal["id"]]
        await one_c.call("success")
        assert await exported(factory, w.org) == {deal["id"]: deal["version"]}


class TestChangedDeals:
    async def test_a_changed_deal_goes_again_with_its_new_lines(self, factory: Factory) -> None:
        w = await world(factory)
        deal = await order_deal(factory, w)
        one_c = await session(factory, w)
        await query(one_c)
        await one_c.call("success")

        changed = json_of(
            await factory.client.patch(
                f"{API}/deals/{deal['id']}",
                json={"products": [{"product_id": w.catalogue[PORTABLE]["id"], "quantity": "5"}]},
                headers={**w.admin.headers, **if_match(deal["version"])},
            ),
            200,
        )
        found = documents(await query(one_c))
        assert list(found) == [deal["id"]]
        assert text(found[deal["id"]], "c:Сумма") == "15500.00"
        [line] = found[deal["id"]].findall("c:Товары/c:Товар", NS)
        assert text(line, "c:Количество") == "5"
        await one_c.call("success")
        assert await exported(factory, w.org) == {deal["id"]: changed["version"]}
        assert documents(await query(one_c)) == {}

    async def test_a_change_1c_does_not_see_sends_nothing(self, factory: Factory) -> None:
        w = await world(factory)
        deal = await order_deal(factory, w)
        colleague = await factory.user(w.org, "seller")
        one_c = await session(factory, w)
        await query(one_c)
        await one_c.call("success")

        # Another responsible and an expected close date move the deal's version, not the
        # order 1C has: nothing is sent, and the exported version catches up.
        changed = json_of(
            await factory.client.patch(
                f"{API}/deals/{deal['id']}",
                json={"responsible_id": str(colleague.id), "expected_close_date": "2027-01-15"},
                headers={**w.admin.headers, **if_match(deal["version"])},
            ),
            200,
        )
        assert changed["version"] > deal["version"]
        assert documents(await query(one_c)) == {}
        assert await exported(factory, w.org) == {deal["id"]: changed["version"]}
        await one_c.call("success")

        # A new amount is what 1C sees: the order goes again.
        again = json_of(
            await factory.client.patch(
                f"{API}/deals/{deal['id']}",
                json={"amount": "9000"},
                headers={**w.admin.headers, **if_match(changed["version"])},
            ),
            200,
        )
        found = documents(await query(one_c))
        assert list(found) == [deal["id"]]
        assert Decimal(str(text(found[deal["id"]], "c:Сумма"))) == Decimal("9000")
        await one_c.call("success")
        assert await exported(factory, w.org) == {deal["id"]: again["version"]}

    async def test_a_deal_moved_into_an_order_stage_becomes_an_order(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        deal = await order_deal(factory, w, stage_id=w.first)
        one_c = await session(factory, w)
        assert documents(await query(one_c)) == {}
        moved = await move(factory, w.admin, deal["id"], w.order_stage)
        assert moved.status_code == 200, moved.text
        assert list(documents(await query(one_c))) == [deal["id"]]

    async def test_an_answer_is_bounded_oldest_change_first(
        self, factory: Factory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(onec_services, "ORDERS_PER_ANSWER", 2)
        w = await world(factory)
        deals = [await order_deal(factory, w) for _ in range(3)]
        one_c = await session(factory, w)
        assert list(documents(await query(one_c))) == [deals[0]["id"], deals[1]["id"]]
        await one_c.call("success")
        assert list(documents(await query(one_c))) == [deals[2]["id"]]
        await one_c.call("success")
        assert documents(await query(one_c)) == {}
        assert (await exchange(factory, w.admin, str(one_c.sessid)))["orders_sent"] == 3

    async def test_a_deal_made_from_1cs_own_order_is_not_sent_back(self, factory: Factory) -> None:
        w = await world(factory)
        made = await order_deal(factory, w, source_channel="1c")
        ours = await order_deal(factory, w, source_channel="1c")
        echoed = await order_deal(factory, w)
        async with factory.container.engine.begin() as conn:
            for deal, external_id in ((made, "1c-order-7"), (echoed, echoed["id"])):
                await conn.execute(
                    sa.text(
                        "INSERT INTO onec_documents (organisation_id, integration_id,"
                        " external_id, deal_id) VALUES (:o, :i, :e, :d)"
                    ),
                    {"o": w.org.id, "i": w.integration["id"], "e": external_id, "d": deal["id"]},
                )
        # Made from 1C's order: 1C has it. Ours that 1C sent back, or merely from channel 1c:
        # still orders.
        assert sorted(documents(await query(await session(factory, w)))) == sorted(
            [ours["id"], echoed["id"]]
        )


class TestBuyers:
    async def test_a_client_from_1c_is_named_by_its_ид(self, factory: Factory) -> None:
        w = await world(factory)
        await run(
            factory,
            w.admin,
            w.integration,
            counterparty("cp-ид-001", "ИП Ёжиков", inn="500100732259"),
        )
        async with factory.container.engine.connect() as conn:
            client_id = await conn.scalar(
                sa.text(
                    "SELECT client_id FROM onec_counterparties"
                    " WHERE organisation_id = :o AND external_id = 'cp-ид-001'"
                ),
                {"o": w.org.id},
            )
        deal = await order_deal(factory, w, client_id=str(client_id))
        doc = documents(await query(await session(factory, w)))[deal["id"]]
        [party] = doc.findall("c:Контрагенты/c:Контрагент", NS)
        assert text(party, "c:Ид") == "cp-ид-001"
        assert text(party, "c:Наименование") == "ИП Ёжиков"
        assert text(party, "c:ИНН") == "500100732259"

    async def test_a_ukrainian_client_keeps_its_letters_and_edrpou(self, factory: Factory) -> None:
        w = await world(factory)
        client = await create_client(
            factory, w.admin, name="ТОВ «Їжак і Ґудзик» є", edrpou="14360570"
        )
        deal = await order_deal(
            factory,
            w,
            client_id=client["id"],
            currency="UAH",
            products=[{"name": "Ґрунтовка «Єдність»", "price": "99.90", "quantity": "1.5"}],
        )
        doc = documents(await query(await session(factory, w)))[deal["id"]]
        assert text(doc, "c:Валюта") == "UAH"
        [party] = doc.findall("c:Контрагенты/c:Контрагент", NS)
        assert text(party, "c:Наименование") == "ТОВ «Їжак і Ґудзик» є"
        assert text(party, "c:ОКПО") == "14360570"
        assert text(party, "c:ИНН") is None
        [line] = doc.findall("c:Товары/c:Товар", NS)
        assert text(line, "c:Наименование") == "Ґрунтовка «Єдність»"
        assert text(line, "c:Количество") == "1.5"
        assert text(line, "c:Сумма") == "149.85"

    async def test_another_organisations_deals_never_appear(self, factory: Factory) -> None:
        w = await world(factory)
        theirs = await world(factory)
        await order_deal(factory, theirs)
        mine = await order_deal(factory, w)
        assert list(documents(await query(await session(factory, w)))) == [mine["id"]]


class TestOrderStageSettings:
    async def test_only_the_organisations_stages_and_a_bounded_list(self, factory: Factory) -> None:
        w = await world(factory)
        _, stranger = await factory.admin_session()
        other = await create_funnel(factory, stranger)
        url = f"{API}/onec/integrations/{w.integration['id']}"
        refused = await factory.client.patch(
            url,
            json={"order_stage_ids": [w.order_stage, other["stages"][0]["id"]]},
            headers=w.admin.headers,
        )
        assert refused.status_code == 422, refused.text
        assert error_locs(refused) == [["body", "order_stage_ids", 1]]
        too_many = await factory.client.patch(
            url, json={"order_stage_ids": [w.order_stage] * 101}, headers=w.admin.headers
        )
        assert too_many.status_code == 422
        cleared = json_of(
            await factory.client.patch(url, json={"order_stage_ids": []}, headers=w.admin.headers),
            200,
        )
        assert cleared["order_stage_ids"] == []
        await order_deal(factory, w)
        assert documents(await query(await session(factory, w))) == {}

    async def test_a_new_integration_takes_its_order_stages(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        funnel = await create_funnel(factory, admin)
        stage_ids = [s["id"] for s in funnel["stages"]]
        made = await create_integration(
            factory, admin, login="sale", exchange_sale=True, order_stage_ids=stage_ids[::-1]
        )
        assert sorted(made["order_stage_ids"]) == sorted(stage_ids)
        read = json_of(
            await factory.client.get(
                f"{API}/onec/integrations/{made['id']}", headers=admin.headers
            ),
            200,
        )
        assert sorted(read["order_stage_ids"]) == sorted(stage_ids)
