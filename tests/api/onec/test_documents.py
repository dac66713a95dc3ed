"""Documents from 1C (type=sale): orders and invoices become deals and invoices, payments
record payments, through the exchange as 1C runs it. A second identical exchange changes
nothing; a changed sum updates the invoice; a deletion mark cancels an unpaid invoice; another
organisation's deal is never touched; a malformed document is reported and the rest imports."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from tests.api.deals.support import create_deal, create_funnel, get_deal, json_of
from tests.api.kpi.support import fulfilment, metric, row_of, set_plan
from tests.api.onec.support import (
    API,
    CATALOG,
    OneC,
    create_integration,
    exchange,
    products,
    sample,
)
from tests.api.platform.test_outbox import outbox_rows
from tests.factories import Factory, Session

SALE_SAMPLE = "sale_orders.cp1251.xml"
INN = "7707083893"


def today() -> date:
    return datetime.now(ZoneInfo("Europe/Moscow")).date()


def document(
    ident: str,
    *,
    number: str | None = None,
    amount: str = "1500,50",
    operation: str = "Заказ товара",
    counterparty: str = "cp-1",
    inn: str | None = INN,
    currency: str = "руб",
    day: str = "2026-11-20",
    paid: bool | None = None,
    paid_on: str | None = None,
    deleted: bool = False,
    status: str | None = None,
    basis: str | None = None,
    lines: tuple[tuple[str, str, str, str], ...] = (("p-1", "Стул офисный", "750,25", "2"),),
) -> str:
    requisites = []
    if paid is not None:
        requisites.append(("Заказ оплачен", "true" if paid else "false"))
    if paid_on is not None:
        requisites.append(("Дата оплаты", paid_on))
    if status is not None:
        requisites.append(("Статус заказа", status))
    goods = "".join(
        f"<Товар><Ид>{i}</Ид><Наименование>{n}</Наименование><ЦенаЗаЕдиницу>{p}</ЦенаЗаЕдиницу>"
        f"<Количество>{q}</Количество><Сумма>{p}</Сумма></Товар>"
        for i, n, p, q in lines
    )
    values = "".join(
        f"<ЗначениеРеквизита><Наименование>{k}</Наименование><Значение>{v}</Значение>"
        "</ЗначениеРеквизита>"
        for k, v in requisites
    )
    return f"""
  <Документ>
    <Ид>{ident}</Ид>
    <Номер>{number or ident}</Номер>
    <Дата>{day}</Дата>
    <Время>10:15:00</Время>
    <ХозОперация>{operation}</ХозОперация>
    <Роль>Продавец</Роль>
    <Валюта>{currency}</Валюта>
    <Курс>1</Курс>
    <Сумма>{amount}</Сумма>
    {"<ПометкаУдаления>true</ПометкаУдаления>" if deleted else ""}
    {f"<Основание>{basis}</Основание>" if basis else ""}
    <Контрагенты>
      <Контрагент>
        <Ид>{counterparty}</Ид>
        <Наименование>ООО «Ромашка»</Наименование>
        {f"<ИНН>{inn}</ИНН>" if inn else ""}
        <Роль>Покупатель</Роль>
      </Контрагент>
    </Контрагенты>
    <Товары>{goods}</Товары>
    <ЗначенияРеквизитов>{values}</ЗначенияРеквизитов>
  </Документ>"""


def package(*documents: str) -> bytes:
    body = "".join(documents)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" ВерсияСхемы="2.08" '
        f'ДатаФормирования="2026-11-20T10:20:00">{body}\n</КоммерческаяИнформация>\n'
    ).encode()


async def sale(
    factory: Factory, admin: Session, integration: dict[str, Any], data: bytes
) -> tuple[dict[str, Any], list[str]]:
    """One sale exchange of ``data`` as 1C runs it; the exchange log and the import answers."""
    one_c = OneC(factory, integration, exchange_type="sale")
    assert (await one_c.checkauth()).startswith("success\n")
    assert (await one_c.init()).startswith("zip=yes\n")
    await one_c.upload("orders.xml", data, chunk=8192)
    answers = await one_c.import_until_done("orders.xml", max_calls=100)
    assert answers[-1] == "success\n", answers[-1]
    return await exchange(factory, admin, str(one_c.sessid)), answers


def documents(log: dict[str, Any]) -> dict[str, int]:
    return {k: v for k, v in log["documents"].items() if v}


async def ready(factory: Factory, **fields: Any) -> tuple[Any, Session, dict[str, Any]]:
    """An organisation with a funnel, its admin and a sale integration."""
    org, admin = await factory.admin_session()
    await create_funnel(factory, admin)
    integration = await create_integration(factory, admin, exchange_sale=True, **fields)
    return org, admin, integration


async def listed(factory: Factory, session: Session, path: str, **params: Any) -> list[Any]:
    response = await factory.client.get(f"{API}/{path}", params=params, headers=session.headers)
    return json_of(response, 200)["items"]  # type: ignore[no-any-return]


async def invoice_of(factory: Factory, session: Session, deal_id: str) -> dict[str, Any]:
    [invoice] = await listed(factory, session, f"deals/{deal_id}/invoices")
    return invoice  # type: ignore[no-any-return]


class TestSample:
    async def test_the_windows_1251_sample_makes_deals_and_invoices_once(
        self, factory: Factory
    ) -> None:
        _, admin, integration = await ready(factory)
        log, _ = await sale(factory, admin, integration, sample(SALE_SAMPLE))
        assert documents(log) == {"created": 2, "deals_created": 2, "invoices_issued": 2}, log[
            "errors"
        ]
        assert log["errors"] == []
        deals = {d["title"]: d for d in await listed(factory, admin, "deals")}
        assert set(deals) == {"Заказ № 132 (1С)", "Заказ № 133 (1С)"}
        big = deals["Заказ № 133 (1С)"]
        assert (big["amount"], big["currency"]) == ("14380.58", "RUB")
        full = json_of(
            await factory.client.get(f"{API}/deals/{big['id']}", headers=admin.headers), 200
        )
        assert len(full["products"]) == 7
        assert {p["name"] for p in full["products"]} >= {
            "Kaneyon 5Kg / Dishwashing liquid detergent"
        }
        invoice = await invoice_of(factory, admin, big["id"])
        assert (invoice["number"], invoice["amount"], invoice["status"]) == (
            "133",
            "14380.58",
            "issued",
        )
        assert invoice["issued_on"] == "2021-02-12"
        # "Заказ оплачен" is false in the sample: nothing is paid.
        assert await listed(factory, admin, "payments") == []

        again, _ = await sale(factory, admin, integration, sample(SALE_SAMPLE))
        assert documents(again) == {"unchanged": 2}
        assert len(await listed(factory, admin, "deals")) == 2
        assert len(await listed(factory, admin, "invoices")) == 2


class TestCatalogue:
    async def test_lines_point_to_the_catalogues_products(self, factory: Factory) -> None:
        _, admin, integration = await ready(factory)
        catalog = OneC(factory, integration, exchange_type="catalog")
        assert (await catalog.checkauth()).startswith("success\n")
        await catalog.upload(CATALOG, sample(CATALOG), chunk=8192)
        assert (await catalog.import_until_done(CATALOG))[-1] == "success\n"
        [product, *_] = await products(factory, admin)
        line = (product["external_id"], "Как в 1С", "100", "3")
        await sale(factory, admin, integration, package(document("o-1", lines=(line,))))
        [deal] = await listed(factory, admin, "deals")
        full = json_of(
            await factory.client.get(f"{API}/deals/{deal['id']}", headers=admin.headers), 200
        )
        assert [(p["name"], p["product_id"]) for p in full["products"]] == [
            ("Как в 1С", product["id"])
        ]


class TestPayments:
    async def test_a_paid_order_records_a_payment_that_moves_fulfilment(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        await create_funnel(factory, admin)
        orders = await create_funnel(factory, admin)
        seller = await factory.user(org, "seller")
        integration = await create_integration(
            factory,
            admin,
            exchange_sale=True,
            responsible_id=str(seller.id),
            deal_funnel_id=orders["id"],
        )
        await set_plan(factory, admin, user_id=seller.id, target="3000")
        paid = document("order-1", amount="1500,50", paid=True, paid_on=today().isoformat())
        log, _ = await sale(factory, admin, integration, package(paid))
        assert documents(log) == {
            "created": 1,
            "deals_created": 1,
            "invoices_issued": 1,
            "payments": 1,
        }
        [deal] = await listed(factory, admin, "deals")
        assert deal["responsible_id"] == str(seller.id)
        # In the first stage of the integration's funnel.
        assert deal["stage_id"] == orders["stages"][0]["id"]
        invoice = await invoice_of(factory, admin, deal["id"])
        assert (invoice["status"], invoice["paid_on"]) == ("paid", today().isoformat())
        assert [p["amount"] for p in invoice["payments"]] == ["1500.50"]
        turnover = metric(row_of(await fulfilment(factory, admin), seller.id), "turnover")
        assert Decimal(turnover["fact"]) == Decimal("1500.50")
        # Karma and the rest hear of it as of a payment made by hand.
        [event] = await outbox_rows(factory.container, org.id, "invoice.paid")
        assert event.payload["invoice_id"] == invoice["id"]
        assert event.payload["responsible_id"] == str(seller.id)

        again, _ = await sale(factory, admin, integration, package(paid))
        assert documents(again) == {"unchanged": 1}
        assert len(await listed(factory, admin, "payments")) == 1

    async def test_a_payment_document_settles_the_order_of_its_container(
        self, factory: Factory
    ) -> None:
        _, admin, integration = await ready(factory)
        order = document("order-2", amount="1000")
        payment = document(
            "pay-2",
            amount="400,00",
            operation="Выплата безналичных денег",
            day="2026-11-21",
            lines=(),
        )
        log, _ = await sale(
            factory,
            admin,
            integration,
            package(f"<Контейнер>{order}{payment}</Контейнер>"),
        )
        assert documents(log)["payments"] == 1, log
        [deal] = await listed(factory, admin, "deals")
        invoice = await invoice_of(factory, admin, deal["id"])
        assert (invoice["status"], invoice["paid_amount"]) == ("partly_paid", "400.00")
        assert invoice["payments"][0]["paid_on"] == "2026-11-21"
        # A payment naming its order by Основание, in a later exchange.
        rest = document(
            "pay-3", amount="900", operation="Выплата наличных денег", basis="order-2", lines=()
        )
        log, _ = await sale(factory, admin, integration, package(rest))
        invoice = await invoice_of(factory, admin, deal["id"])
        # Never more than what is left to pay.
        assert (invoice["status"], invoice["paid_amount"]) == ("paid", "1000.00")


class TestChanges:
    async def test_a_changed_sum_updates_the_invoice(self, factory: Factory) -> None:
        _, admin, integration = await ready(factory)
        await sale(factory, admin, integration, package(document("order-1", amount="1000")))
        log, _ = await sale(
            factory, admin, integration, package(document("order-1", amount="1 250,75"))
        )
        assert documents(log) == {"updated": 1, "deals_updated": 1, "invoices_updated": 1}
        [deal] = await listed(factory, admin, "deals")
        assert deal["amount"] == "1250.75"
        invoice = await invoice_of(factory, admin, deal["id"])
        assert (invoice["amount"], invoice["status"]) == ("1250.75", "issued")

    async def test_a_deletion_mark_cancels_an_unpaid_invoice_and_leaves_a_paid_one(
        self, factory: Factory
    ) -> None:
        _, admin, integration = await ready(factory)
        unpaid = document("order-1", amount="1000")
        paid = document("order-2", amount="500", paid=True)
        await sale(factory, admin, integration, package(unpaid, paid))
        log, _ = await sale(
            factory,
            admin,
            integration,
            package(
                document("order-1", amount="1000", deleted=True),
                document("order-2", amount="500", paid=True, status="[C] Отменен"),
            ),
        )
        assert documents(log) == {"updated": 2, "invoices_cancelled": 1}
        assert any("document order-2" in e and "has payments" in e for e in log["errors"]), log[
            "errors"
        ]
        by_number = {i["number"]: i for i in await listed(factory, admin, "invoices")}
        assert by_number["order-1"]["status"] == "cancelled"
        assert by_number["order-2"]["status"] == "paid"

    async def test_unknown_and_hryvnia_currencies(self, factory: Factory) -> None:
        _, admin, integration = await ready(factory)
        log, _ = await sale(
            factory,
            admin,
            integration,
            package(
                document("ua-1", currency="грн", counterparty="cp-1"),
                document("xx-1", currency="тугрики", counterparty="cp-1"),
            ),
        )
        by_number = {i["number"]: i for i in await listed(factory, admin, "invoices")}
        assert by_number["ua-1"]["currency"] == "UAH"
        assert by_number["xx-1"]["currency"] == "RUB"
        assert any("xx-1" in e and "unknown currency" in e for e in log["errors"])


class TestOwnDeals:
    async def test_an_order_the_crm_sent_comes_back_onto_its_deal(self, factory: Factory) -> None:
        _, admin, integration = await ready(factory)
        deal = await create_deal(factory, admin, amount="2000")
        log, _ = await sale(
            factory,
            admin,
            integration,
            package(document(deal["id"], number="А-77", amount="2000", paid=True)),
        )
        assert documents(log) == {"created": 1, "invoices_issued": 1, "payments": 1}
        assert [d["id"] for d in await listed(factory, admin, "deals")] == [deal["id"]]
        invoice = await invoice_of(factory, admin, deal["id"])
        assert (invoice["number"], invoice["status"]) == ("А-77", "paid")

    async def test_a_done_status_wins_the_deal_only_when_the_integration_says_so(
        self, factory: Factory
    ) -> None:
        _, admin, integration = await ready(factory)
        deal = await create_deal(factory, admin, amount="900")
        done = package(document(deal["id"], amount="900", status="[F] Выполнен"))
        log, _ = await sale(factory, admin, integration, done)
        assert "deals_won" not in documents(log)
        assert json_of(await get_deal(factory, admin, deal["id"]), 200)["status"] == "open"
        switched = await factory.client.patch(
            f"{API}/onec/integrations/{integration['id']}",
            json={"win_on_status": True},
            headers=admin.headers,
        )
        assert switched.json()["win_on_status"] is True
        log, _ = await sale(
            factory,
            admin,
            integration,
            package(document(deal["id"], amount="900", status="[F] Выполнен", paid=True)),
        )
        assert documents(log) == {"updated": 1, "payments": 1, "deals_won": 1}
        assert json_of(await get_deal(factory, admin, deal["id"]), 200)["status"] == "won"

    async def test_another_organisations_deal_is_never_touched(self, factory: Factory) -> None:
        _, theirs = await factory.admin_session()
        await create_funnel(factory, theirs)
        their_deal = await create_deal(factory, theirs, amount="700")
        their_invoice = json_of(
            await factory.client.post(
                f"{API}/invoices",
                json={"deal_id": their_deal["id"], "amount": "700"},
                headers=theirs.headers,
            ),
            201,
        )
        _, admin, integration = await ready(factory)
        log, _ = await sale(
            factory,
            admin,
            integration,
            package(document(their_deal["id"], amount="700", paid=True)),
        )
        still = json_of(
            await factory.client.get(
                f"{API}/invoices/{their_invoice['id']}", headers=theirs.headers
            ),
            200,
        )
        assert (still["status"], still["version"]) == ("issued", their_invoice["version"])
        assert len(await listed(factory, theirs, "deals")) == 1
        # For this organisation it is a document of 1C like any other.
        [mine] = await listed(factory, admin, "deals")
        assert mine["id"] != their_deal["id"]
        assert documents(log)["deals_created"] == 1


class TestHostileInput:
    async def test_malformed_numbers_and_dates_are_reported_and_the_rest_imports(
        self, factory: Factory
    ) -> None:
        _, admin, integration = await ready(factory)
        log, _ = await sale(
            factory,
            admin,
            integration,
            package(
                document("bad-sum", amount="12abc"),
                document("bad-day", day="2021-13-45"),
                document("huge", amount="1" * 30),
                document("bad-paid", paid_on="вчера"),
                document("good"),
            ),
        )
        assert documents(log) == {
            "created": 1,
            "failed": 4,
            "deals_created": 1,
            "invoices_issued": 1,
        }
        errors = "\n".join(log["errors"])
        assert "document bad-sum (№ bad-sum): Сумма: not a number within bounds: 12abc" in errors
        assert "document bad-day (№ bad-day): Дата: not a date: 2021-13-45" in errors
        assert "document huge" in errors
        assert "document bad-paid (№ bad-paid): Дата оплаты: not a date: вчера" in errors
        assert [i["number"] for i in await listed(factory, admin, "invoices")] == ["good"]


class TestSlices:
    async def test_many_documents_import_in_slices(self, factory: Factory) -> None:
        _, admin, integration = await ready(factory)
        many = package(
            *(
                document(f"o-{n}", counterparty=f"cp-{n % 7}", inn=None, amount="10")
                for n in range(600)
            )
        )
        log, answers = await sale(factory, admin, integration, many)
        assert answers[0].startswith("progress\n")
        assert documents(log) == {
            "created": 600,
            "deals_created": 600,
            "invoices_issued": 600,
        }, log["errors"][:3]
        again, _ = await sale(factory, admin, integration, many)
        assert documents(again) == {"unchanged": 600}


class TestSettings:
    async def test_the_deal_funnel_is_one_of_the_organisations(self, factory: Factory) -> None:
        _, theirs = await factory.admin_session()
        foreign = await create_funnel(factory, theirs)
        _, admin = await factory.admin_session()
        mine = await create_funnel(factory, admin)
        refused = await factory.client.post(
            f"{API}/onec/integrations",
            json={"name": "1С", "login": "site", "deal_funnel_id": foreign["id"]},
            headers=admin.headers,
        )
        assert refused.status_code == 422, refused.text
        assert [e["loc"] for e in refused.json()["errors"]] == [["body", "deal_funnel_id"]]
        integration = await create_integration(factory, admin, deal_funnel_id=mine["id"])
        assert integration["deal_funnel_id"] == mine["id"]
        cleared = await factory.client.patch(
            f"{API}/onec/integrations/{integration['id']}",
            json={"deal_funnel_id": None},
            headers=admin.headers,
        )
        assert cleared.status_code == 200, cleared.text
        assert cleared.json()["deal_funnel_id"] is None
