"""Invoices and payments through HTTP: what a seller, their head, a colleague of another team
and another organisation see and may do, the status as payments come and go, concurrency,
validation and the events that reach the outbox."""

from __future__ import annotations

import uuid
from typing import Any

from httpx import Response

from adapters.bootstrap import Container
from tests.api.attachments.support import API, World, make_deal, world
from tests.api.deals.support import error_locs, if_match, json_of
from tests.api.platform.test_outbox import outbox_rows
from tests.factories import Factory, Session


async def issue(
    factory: Factory, session: Session, deal_id: uuid.UUID | str, *, status: int = 201, **body: Any
) -> dict[str, Any]:
    body.setdefault("amount", "1000.00")
    response = await factory.client.post(
        f"{API}/invoices", json={"deal_id": str(deal_id), **body}, headers=session.headers
    )
    return json_of(response, status)  # type: ignore[no-any-return]


async def pay(
    factory: Factory,
    session: Session,
    invoice_id: str,
    amount: str,
    *,
    headers: dict[str, str] | None = None,
    **body: Any,
) -> Response:
    return await factory.client.post(
        f"{API}/invoices/{invoice_id}/payments",
        json={"amount": amount, **body},
        headers={**session.headers, **(headers or {})},
    )


async def seller_deal(factory: Factory) -> tuple[World, uuid.UUID]:
    w = await world(factory)
    return w, await make_deal(factory.container, w.org, w.seller.user)


class TestIssueAndRead:
    async def test_a_seller_issues_an_invoice_on_their_deal_numbered_automatically(
        self, factory: Factory
    ) -> None:
        w, deal = await seller_deal(factory)
        first = await issue(factory, w.seller, deal, due_on="2099-01-31", comment="Аванс")
        second = await issue(factory, w.seller, deal, amount="250.5")
        assert (first["number"], second["number"]) == ("1", "2")
        assert first["status"] == "issued"
        assert first["currency"] == "RUB"  # the deal's
        assert first["deal_title"] == "Поставка"
        assert first["client_name"] == "ООО «Ромашка»"
        assert first["outstanding"] == "1000.00"
        assert second["amount"] == "250.50"
        listed = json_of(
            await factory.client.get(f"{API}/deals/{deal}/invoices", headers=w.seller.headers), 200
        )
        assert {i["id"] for i in listed["items"]} == {first["id"], second["id"]}

    async def test_a_number_given_by_hand_is_kept_and_skipped_by_the_automatic_ones(
        self, factory: Factory
    ) -> None:
        w, deal = await seller_deal(factory)
        await issue(factory, w.seller, deal, number="1")
        assert (await issue(factory, w.seller, deal))["number"] == "2"

    async def test_a_number_taken_in_the_organisation_is_refused_on_the_field(
        self, factory: Factory
    ) -> None:
        w, deal = await seller_deal(factory)
        await issue(factory, w.seller, deal, number="СЧ-1")
        response = await factory.client.post(
            f"{API}/invoices",
            json={"deal_id": str(deal), "amount": "1", "number": "СЧ-1"},
            headers=w.seller.headers,
        )
        assert response.status_code == 422
        assert error_locs(response) == [["body", "number"]]
        # Another organisation may use the same number.
        other_org, other_admin = await factory.admin_session()
        other = await make_deal(factory.container, other_org, other_org.admin)
        await issue(factory, other_admin, other, number="СЧ-1")

    async def test_validation_errors_name_the_field(self, factory: Factory) -> None:
        w, deal = await seller_deal(factory)
        cases: list[tuple[dict[str, Any], list[str | int]]] = [
            ({"amount": "0"}, ["body", "amount"]),
            ({"amount": "1e999999999"}, ["body", "amount"]),
            ({"amount": "1", "issued_on": "20245-01-01"}, ["body", "issued_on"]),
            ({"amount": "1", "issued_on": "2200-01-01"}, ["body", "issued_on"]),
            ({"amount": "1", "currency": "XXX"}, ["body", "currency"]),
            ({"amount": "1", "number": "x" * 51}, ["body", "number"]),
            (
                {"amount": "1", "issued_on": "2026-03-02", "due_on": "2026-03-01"},
                ["body", "due_on"],
            ),
            ({"amount": "1", "external_id": "77"}, ["body", "external_source"]),
        ]
        for body, loc in cases:
            response = await factory.client.post(
                f"{API}/invoices", json={"deal_id": str(deal), **body}, headers=w.seller.headers
            )
            assert response.status_code == 422, (body, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
            assert error_locs(response) == [loc], body

    async def test_an_invisible_deal_is_no_such_deal(self, factory: Factory) -> None:
        w, deal = await seller_deal(factory)
        response = await factory.client.post(
            f"{API}/invoices", json={"deal_id": str(deal), "amount": "1"}, headers=w.rival.headers
        )
        assert response.status_code == 422
        assert error_locs(response) == [["body", "deal_id"]]


class TestPayments:
    async def test_payments_settle_the_invoice_and_a_deleted_one_unsettles_it(
        self, factory: Factory
    ) -> None:
        w, deal = await seller_deal(factory)
        invoice = await issue(factory, w.seller, deal)
        partly = json_of(
            await pay(factory, w.seller, invoice["id"], "400", paid_on="2026-03-03"), 201
        )
        assert (partly["status"], partly["paid_amount"], partly["outstanding"]) == (
            "partly_paid",
            "400.00",
            "600.00",
        )
        paid = json_of(
            await pay(factory, w.seller, invoice["id"], "600", paid_on="2026-03-09"), 201
        )
        assert paid["status"] == "paid"
        assert paid["paid_on"] == "2026-03-09"
        assert [p["amount"] for p in paid["payments"]] == ["400.00", "600.00"]
        last = paid["payments"][-1]["id"]
        response = await factory.client.delete(
            f"{API}/invoices/{invoice['id']}/payments/{last}", headers=w.seller.headers
        )
        after = json_of(response, 200)
        assert (after["status"], after["paid_on"], after["outstanding"]) == (
            "partly_paid",
            None,
            "600.00",
        )
        stored = json_of(
            await factory.client.get(f"{API}/invoices/{invoice['id']}", headers=w.seller.headers),
            200,
        )
        assert [p["amount"] for p in stored["payments"]] == ["400.00"]

    async def test_an_overpayment_is_refused_with_what_is_left(self, factory: Factory) -> None:
        w, deal = await seller_deal(factory)
        invoice = await issue(factory, w.seller, deal)
        json_of(await pay(factory, w.seller, invoice["id"], "900"), 201)
        response = await pay(factory, w.seller, invoice["id"], "100.01")
        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert error["loc"] == ["body", "amount"]
        assert error["code"] == "less_than_equal"
        assert error["ctx"] == {"le": "100.00"}

    async def test_a_paid_invoice_cannot_be_cancelled_but_an_unpaid_one_can(
        self, factory: Factory
    ) -> None:
        w, deal = await seller_deal(factory)
        paid = await issue(factory, w.seller, deal)
        json_of(await pay(factory, w.seller, paid["id"], "1000"), 201)
        refused = await factory.client.post(
            f"{API}/invoices/{paid['id']}/cancel", headers=w.seller.headers
        )
        assert refused.status_code == 409
        unpaid = await issue(factory, w.seller, deal)
        cancelled = json_of(
            await factory.client.post(
                f"{API}/invoices/{unpaid['id']}/cancel", headers=w.seller.headers
            ),
            200,
        )
        assert cancelled["status"] == "cancelled"
        assert (await pay(factory, w.seller, unpaid["id"], "1")).status_code == 409
        listed = json_of(
            await factory.client.get(
                f"{API}/invoices",
                params={"status": "cancelled", "deal_id": str(deal)},
                headers=w.seller.headers,
            ),
            200,
        )
        assert [i["id"] for i in listed["items"]] == [unpaid["id"]]


class TestConcurrency:
    async def test_a_stale_etag_is_refused_and_the_current_one_accepted(
        self, factory: Factory
    ) -> None:
        w, deal = await seller_deal(factory)
        invoice = await issue(factory, w.seller, deal)
        assert invoice["version"] == 1
        json_of(await pay(factory, w.seller, invoice["id"], "10"), 201)  # version 2
        stale = await factory.client.patch(
            f"{API}/invoices/{invoice['id']}",
            json={"comment": "old view"},
            headers={**w.seller.headers, **if_match(1)},
        )
        assert stale.status_code == 412
        fresh = await factory.client.patch(
            f"{API}/invoices/{invoice['id']}",
            json={"comment": "current view"},
            headers={**w.seller.headers, **if_match(2)},
        )
        body = json_of(fresh, 200)
        assert fresh.headers["ETag"] == '"v3"'
        assert body["comment"] == "current view"
        stale_payment = await pay(factory, w.seller, invoice["id"], "10", headers=if_match(2))
        assert stale_payment.status_code == 412

    async def test_a_number_another_invoice_has_is_refused_on_edit(self, factory: Factory) -> None:
        w, deal = await seller_deal(factory)
        await issue(factory, w.seller, deal, number="A-1")
        second = await issue(factory, w.seller, deal, number="A-2")
        response = await factory.client.patch(
            f"{API}/invoices/{second['id']}", json={"number": "A-1"}, headers=w.seller.headers
        )
        assert response.status_code == 422
        assert error_locs(response) == [["body", "number"]]

    async def test_an_external_reference_is_unique_in_the_organisation(
        self, factory: Factory
    ) -> None:
        w, deal = await seller_deal(factory)
        ref = {"external_source": "1c", "external_id": "00-000042"}
        await issue(factory, w.seller, deal, **ref)
        again = await factory.client.post(
            f"{API}/invoices",
            json={"deal_id": str(deal), "amount": "5", **ref},
            headers=w.seller.headers,
        )
        assert again.status_code == 409


class TestVisibility:
    async def test_another_teams_seller_neither_reads_nor_changes_the_invoice(
        self, factory: Factory
    ) -> None:
        w, deal = await seller_deal(factory)
        invoice = await issue(factory, w.seller, deal)
        path = f"{API}/invoices/{invoice['id']}"
        for session in (w.rival, w.outsider):
            assert (await factory.client.get(path, headers=session.headers)).status_code == 404
            patched = await factory.client.patch(
                path, json={"comment": "x"}, headers=session.headers
            )
            assert patched.status_code == 404
            assert (await pay(factory, session, invoice["id"], "1")).status_code == 404
            cancel = await factory.client.post(f"{path}/cancel", headers=session.headers)
            assert cancel.status_code == 404
            of_deal = await factory.client.get(
                f"{API}/deals/{deal}/invoices", headers=session.headers
            )
            assert of_deal.status_code == 404
            listed = json_of(
                await factory.client.get(f"{API}/invoices", headers=session.headers), 200
            )
            assert invoice["id"] not in {i["id"] for i in listed["items"]}
        stored = json_of(await factory.client.get(path, headers=w.seller.headers), 200)
        assert (stored["status"], stored["comment"]) == ("issued", None)

    async def test_the_head_of_the_sellers_department_manages_the_invoice(
        self, factory: Factory
    ) -> None:
        w, deal = await seller_deal(factory)
        invoice = await issue(factory, w.seller, deal)
        paid = json_of(await pay(factory, w.head_north, invoice["id"], "1000"), 201)
        assert paid["status"] == "paid"
        listed = json_of(
            await factory.client.get(
                f"{API}/invoices", params={"status": "paid"}, headers=w.head_north.headers
            ),
            200,
        )
        assert [i["id"] for i in listed["items"]] == [invoice["id"]]


class TestListing:
    async def test_the_list_pages_newest_first_and_filters_by_date(self, factory: Factory) -> None:
        w, deal = await seller_deal(factory)
        made = [
            await issue(factory, w.seller, deal, issued_on=f"2026-03-0{day}")
            for day in (1, 2, 3, 4, 5)
        ]
        seen: list[str] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 2, "deal_id": str(deal)}
            if cursor:
                params["cursor"] = cursor
            page = json_of(
                await factory.client.get(
                    f"{API}/invoices", params=params, headers=w.seller.headers
                ),
                200,
            )
            seen.extend(i["id"] for i in page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == [i["id"] for i in reversed(made)]
        window = json_of(
            await factory.client.get(
                f"{API}/invoices",
                params={"issued_from": "2026-03-02", "issued_to": "2026-03-03"},
                headers=w.seller.headers,
            ),
            200,
        )
        assert [i["issued_on"] for i in window["items"]] == ["2026-03-03", "2026-03-02"]

    async def test_a_forged_cursor_names_the_cursor(self, factory: Factory) -> None:
        w, _ = await seller_deal(factory)
        response = await factory.client.get(
            f"{API}/invoices", params={"cursor": "garbage"}, headers=w.seller.headers
        )
        assert response.status_code == 422
        assert error_locs(response) == [["query", "cursor"]]


class TestEvents:
    async def test_issuing_paying_and_cancelling_land_in_the_outbox(
        self, factory: Factory, container: Container
    ) -> None:
        w, deal = await seller_deal(factory)
        invoice = await issue(factory, w.seller, deal)
        json_of(await pay(factory, w.seller, invoice["id"], "1000", paid_on="2026-03-09"), 201)
        other = await issue(factory, w.seller, deal)
        json_of(
            await factory.client.post(
                f"{API}/invoices/{other['id']}/cancel", headers=w.seller.headers
            ),
            200,
        )
        names = [r.name for r in await outbox_rows(container, w.org.id)]
        assert [n for n in names if n.startswith("invoice.")] == [
            "invoice.issued",
            "invoice.payment_recorded",
            "invoice.paid",
            "invoice.issued",
            "invoice.cancelled",
        ]
        [paid] = await outbox_rows(container, w.org.id, "invoice.paid")
        assert paid.payload["invoice_id"] == invoice["id"]
        assert paid.payload["deal_id"] == str(deal)
        assert paid.payload["client_id"] == invoice["client_id"]
        assert paid.payload["responsible_id"] == str(w.seller.user.id)
        assert paid.payload["amount"] == "1000.00"
        assert paid.payload["currency"] == "RUB"
        assert paid.payload["paid_on"] == "2026-03-09"
        assert paid.payload["actor_id"] == str(w.seller.user.id)

    async def test_webhooks_can_subscribe_to_the_invoice_events(self, factory: Factory) -> None:
        w, _ = await seller_deal(factory)
        names = json_of(
            await factory.client.get(f"{API}/webhooks/event-types", headers=w.admin.headers), 200
        )
        assert {
            "invoice.issued",
            "invoice.paid",
            "invoice.payment_recorded",
            "invoice.payment_deleted",
            "invoice.cancelled",
        } <= set(names)
