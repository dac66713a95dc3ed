"""Documents from 1C over time: two 1C integrations of one organisation keep their documents
apart even when both send the same Ид; a changed document changes the deal it made (lines,
sum) through the deals' use case and the unpaid invoice's sum, never a paid invoice's (the
exchange log says so); the same document again changes nothing."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tests.api.deals.support import json_of
from tests.api.onec.support import API, OneC, create_integration, exchange
from tests.api.onec.test_documents import document, documents, invoice_of, listed, package, ready
from tests.api.platform.test_outbox import outbox_rows
from tests.factories import Factory, Session


async def sale(
    factory: Factory, admin: Session, integration: dict[str, Any], data: bytes
) -> dict[str, Any]:
    """One sale exchange of ``data`` as 1C runs it, signed in with the integration's login."""
    one_c = OneC(factory, integration, exchange_type="sale")
    assert (await one_c.checkauth(integration["login"])).startswith("success\n")
    await one_c.upload("orders.xml", data, chunk=8192)
    answers = await one_c.import_until_done("orders.xml", max_calls=100)
    assert answers[-1] == "success\n", answers[-1]
    return await exchange(factory, admin, str(one_c.sessid))


async def deal_of(factory: Factory, admin: Session, deal_id: str) -> dict[str, Any]:
    response = await factory.client.get(f"{API}/deals/{deal_id}", headers=admin.headers)
    return json_of(response, 200)  # type: ignore[no-any-return]


def lines_of(deal: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(p["name"], p["quantity"], p["price"]) for p in deal["products"]]


class TestTwoIntegrations:
    async def test_the_same_document_id_from_two_integrations_makes_two_deals_and_invoices(
        self, factory: Factory
    ) -> None:
        org, admin, first = await ready(factory)
        second = await create_integration(factory, admin, exchange_sale=True, login="site-2")
        paid = document("00-000042", amount="1000", paid=True)
        one = await sale(factory, admin, first, package(paid))
        two = await sale(factory, admin, second, package(paid))
        expected = {"created": 1, "deals_created": 1, "invoices_issued": 1, "payments": 1}
        assert documents(one) == expected, one["errors"]
        assert documents(two) == expected, two["errors"]
        deals = await listed(factory, admin, "deals")
        assert len(deals) == 2
        invoices = [await invoice_of(factory, admin, d["id"]) for d in deals]
        # Each integration's invoice and payment, told apart by the integration.
        assert sorted(i["external_source"] for i in invoices) == sorted(
            [f"1c:{first['id']}", f"1c:{second['id']}"]
        )
        assert {i["external_id"] for i in invoices} == {"00-000042"}
        assert {i["status"] for i in invoices} == {"paid"}
        assert len(await listed(factory, admin, "payments")) == 2
        async with factory.container.engine.connect() as conn:
            links = (
                await conn.execute(
                    sa.text(
                        "SELECT integration_id, invoice_id FROM onec_documents"
                        " WHERE organisation_id = :o AND external_id = '00-000042'"
                    ),
                    {"o": org.id},
                )
            ).all()
        assert {str(r.integration_id) for r in links} == {first["id"], second["id"]}
        assert {str(r.invoice_id) for r in links} == {i["id"] for i in invoices}

        # Each one's next exchange finds its own document unchanged.
        assert documents(await sale(factory, admin, first, package(paid))) == {"unchanged": 1}
        assert documents(await sale(factory, admin, second, package(paid))) == {"unchanged": 1}
        assert len(await listed(factory, admin, "invoices")) == 2


class TestChangedDocument:
    async def test_new_changed_and_removed_lines_change_the_deal_and_the_unpaid_invoice(
        self, factory: Factory
    ) -> None:
        org, admin, integration = await ready(factory)
        first = document(
            "order-1",
            amount="2000",
            lines=(("p-1", "Стул офисный", "500", "2"), ("p-2", "Стол письменный", "1000", "1")),
        )
        await sale(factory, admin, integration, package(first))
        [made] = await listed(factory, admin, "deals")
        before = await deal_of(factory, admin, made["id"])
        assert lines_of(before) == [
            ("Стул офисный", "2.000", "500.00"),
            ("Стол письменный", "1.000", "1000.00"),
        ]

        changed = document(
            "order-1",
            amount="2 300,00",
            lines=(("p-1", "Стул офисный", "500", "3"), ("p-3", "Лампа настольная", "800", "1")),
        )
        log = await sale(factory, admin, integration, package(changed))
        assert documents(log) == {"updated": 1, "deals_updated": 1, "invoices_updated": 1}, log[
            "errors"
        ]
        after = await deal_of(factory, admin, made["id"])
        assert lines_of(after) == [
            ("Стул офисный", "3.000", "500.00"),
            ("Лампа настольная", "1.000", "800.00"),
        ]
        assert after["amount"] == "2300.00"
        assert after["version"] == before["version"] + 1
        invoice = await invoice_of(factory, admin, made["id"])
        assert (invoice["amount"], invoice["status"]) == ("2300.00", "issued")
        # As an edit by hand: the deal's event and audit entry, by the system.
        [event] = await outbox_rows(factory.container, org.id, "deal.updated")
        assert event.payload["deal_id"] == made["id"]
        assert {"products", "amount"} <= set(event.payload["changed"])
        audit = json_of(
            await factory.client.get(
                f"{API}/audit",
                params={"entity_type": "deal", "entity_id": made["id"]},
                headers=admin.headers,
            ),
            200,
        )
        assert [e["action"] for e in audit["items"]].count("update") == 1

        # The same document again changes nothing.
        again = await sale(factory, admin, integration, package(changed))
        assert documents(again) == {"unchanged": 1}
        assert (await deal_of(factory, admin, made["id"]))["version"] == after["version"]
        assert len(await outbox_rows(factory.container, org.id, "deal.updated")) == 1

    async def test_a_paid_invoice_keeps_its_sum_and_the_log_says_why(
        self, factory: Factory
    ) -> None:
        _, admin, integration = await ready(factory)
        await sale(
            factory, admin, integration, package(document("order-9", amount="500", paid=True))
        )
        [made] = await listed(factory, admin, "deals")
        log = await sale(
            factory,
            admin,
            integration,
            package(
                document(
                    "order-9",
                    amount="650",
                    paid=True,
                    lines=(("p-1", "Стул офисный", "650", "1"),),
                )
            ),
        )
        assert documents(log) == {"updated": 1, "deals_updated": 1}, log["errors"]
        [error] = log["errors"]
        assert error.startswith("orders.xml: document order-9"), error
        assert "sum 650.00 RUB differs" in error
        assert "has payments" in error
        invoice = await invoice_of(factory, admin, made["id"])
        assert (invoice["amount"], invoice["status"], invoice["paid_amount"]) == (
            "500.00",
            "paid",
            "500.00",
        )
        assert (await deal_of(factory, admin, made["id"]))["amount"] == "650.00"
