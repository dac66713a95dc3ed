"""The payments list through HTTP (issue 12 item 12): the rows behind turnover on the
paid-invoices basis. Who sees which payments (through the deal's responsible, as invoices),
the filters, paging, validation, and that a seller's month of payments sums to their plan fact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from domain.staff.model import User
from tests.api.attachments.support import API, World, make_deal, world
from tests.api.billing.test_invoices import issue, pay
from tests.api.deals.support import error_locs, json_of
from tests.api.kpi.support import fulfilment, metric, row_of, set_plan, this_month
from tests.factories import Factory, Session

DAY = date(2026, 10, 15)


@dataclass(frozen=True, slots=True)
class Paid:
    """One payment made by the test, as the list should show it."""

    id: str
    paid_on: date
    invoice: dict[str, Any]


async def paid(
    factory: Factory,
    w: World,
    owner: User,
    amount: str,
    on: date,
    *,
    currency: str | None = None,
) -> Paid:
    """A payment of ``amount`` on ``on`` on a new invoice of a new deal of ``owner``, entered
    by the admin."""
    deal = await make_deal(factory.container, w.org, owner)
    extra = {"currency": currency} if currency else {}
    invoice = await issue(factory, w.admin, deal, amount="10000", **extra)
    after = json_of(await pay(factory, w.admin, invoice["id"], amount, paid_on=on.isoformat()), 201)
    payment = next(p for p in after["payments"] if p["paid_on"] == on.isoformat())
    return Paid(payment["id"], on, after)


async def listed(factory: Factory, session: Session, **params: Any) -> dict[str, Any]:
    response = await factory.client.get(
        f"{API}/payments", params={k: str(v) for k, v in params.items()}, headers=session.headers
    )
    return json_of(response, 200)  # type: ignore[no-any-return]


async def ids(factory: Factory, session: Session, **params: Any) -> set[str]:
    return {i["id"] for i in (await listed(factory, session, **params))["items"]}


@dataclass(frozen=True, slots=True)
class Payments:
    w: World
    seller: Paid
    junior: Paid
    rival: Paid


async def payments(factory: Factory) -> Payments:
    """One payment each for the seller (north), the junior (below north) and the rival
    (south), on different days."""
    w = await world(factory)
    return Payments(
        w,
        await paid(factory, w, w.seller.user, "100", DAY),
        await paid(factory, w, w.junior.user, "200", DAY - timedelta(days=1)),
        await paid(factory, w, w.rival.user, "300", DAY - timedelta(days=2)),
    )


class TestListPayments:
    async def test_an_item_shows_the_payment_with_its_invoice_deal_client_and_responsible(
        self, factory: Factory
    ) -> None:
        p = await payments(factory)
        body = await listed(factory, p.w.seller)
        invoice = p.seller.invoice
        assert body == {
            "items": [
                {
                    "id": p.seller.id,
                    "paid_on": DAY.isoformat(),
                    "amount": "100.00",
                    "currency": "RUB",
                    "invoice_id": invoice["id"],
                    "invoice_number": invoice["number"],
                    "deal_id": invoice["deal_id"],
                    "deal_title": "Поставка",
                    "client_id": invoice["client_id"],
                    "client_name": invoice["client_name"],
                    "responsible_id": str(p.w.seller.user.id),
                    "responsible_name": p.w.seller.user.full_name,
                }
            ],
            "next_cursor": None,
        }

    async def test_each_caller_sees_the_payments_of_the_deals_they_see(
        self, factory: Factory
    ) -> None:
        p = await payments(factory)
        everyone = {p.seller.id, p.junior.id, p.rival.id}
        assert await ids(factory, p.w.admin) == everyone
        assert await ids(factory, p.w.head_north) == {p.seller.id, p.junior.id}
        assert await ids(factory, p.w.seller) == {p.seller.id}
        assert await ids(factory, p.w.rival) == {p.rival.id}
        assert await ids(factory, p.w.outsider) == set()
        # A filter cannot widen what is seen.
        assert await ids(factory, p.w.seller, department_id=p.w.south.id) == set()

    async def test_filters_by_days_responsible_department_and_currency(
        self, factory: Factory
    ) -> None:
        p = await payments(factory)
        dollars = await paid(factory, p.w, p.w.seller.user, "50", DAY, currency="USD")
        admin = p.w.admin
        previous = DAY - timedelta(days=1)
        assert await ids(factory, admin, paid_from=DAY) == {p.seller.id, dollars.id}
        assert await ids(factory, admin, paid_to=previous) == {p.junior.id, p.rival.id}
        assert await ids(factory, admin, paid_from=previous, paid_to=previous) == {p.junior.id}
        assert await ids(factory, admin, responsible_id=p.w.rival.user.id) == {p.rival.id}
        # The department takes its subtree: north_sub's junior is in north.
        assert await ids(factory, admin, department_id=p.w.north.id) == {
            p.seller.id,
            p.junior.id,
            dollars.id,
        }
        assert await ids(factory, admin, department_id=p.w.north_sub.id) == {p.junior.id}
        assert await ids(factory, admin, currency="USD") == {dollars.id}
        assert dollars.id not in await ids(factory, admin, currency="RUB")

    async def test_pages_newest_first_by_cursor(self, factory: Factory) -> None:
        p = await payments(factory)
        first = await listed(factory, p.w.admin, limit=2)
        assert [i["id"] for i in first["items"]] == [p.seller.id, p.junior.id]
        assert first["next_cursor"]
        second = await listed(factory, p.w.admin, limit=2, cursor=first["next_cursor"])
        assert [i["id"] for i in second["items"]] == [p.rival.id]
        assert second["next_cursor"] is None

    async def test_bad_filters_are_refused_on_their_query_fields(self, factory: Factory) -> None:
        w = await world(factory)

        async def refused(**params: str) -> list[list[str | int]]:
            response = await factory.client.get(
                f"{API}/payments", params=params, headers=w.admin.headers
            )
            assert response.status_code == 422, response.text
            assert response.headers["content-type"].startswith("application/problem+json")
            return error_locs(response)

        assert await refused(paid_from="2026-10-02", paid_to="2026-10-01") == [["query", "paid_to"]]
        assert await refused(paid_from="0001-01-01") == [["query", "paid_from"]]
        assert await refused(currency="rub") == [["query", "currency"]]
        assert await refused(department_id="north") == [["query", "department_id"]]
        assert await refused(cursor="garbage") == [["query", "cursor"]]
        assert await refused(limit="0") == [["query", "limit"]]


class TestPaymentsBehindTheTurnover:
    async def test_a_sellers_month_of_payments_sums_to_their_plan_fact(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        seller = w.seller.user
        await set_plan(factory, w.admin, user_id=seller.id, target="1000")
        month = this_month()
        next_month = (month + timedelta(days=32)).replace(day=1)
        await paid(factory, w, seller, "120.50", month)
        await paid(factory, w, seller, "30", next_month - timedelta(days=1))
        await paid(factory, w, seller, "999", month - timedelta(days=1))  # the month before
        await paid(factory, w, w.junior.user, "77", month)  # someone else's
        answer = await fulfilment(factory, w.seller)
        assert answer["basis"] == "paid_invoices"
        fact = Decimal(metric(row_of(answer, seller.id), "turnover")["fact"])
        items = (
            await listed(
                factory,
                w.seller,
                paid_from=month,
                paid_to=next_month - timedelta(days=1),
                responsible_id=seller.id,
                currency=answer["currency"],
            )
        )["items"]
        assert sum(Decimal(i["amount"]) for i in items) == fact == Decimal("150.50")
