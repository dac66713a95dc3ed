"""Plan against fact through HTTP (issue 12): with demo-like data, a seller's fulfilment moves
when an invoice of theirs is paid (or a deal won, per the organisation's setting); departments
sum their people; each caller sees only the rows their scope allows; the leaderboard is open to
everyone and shows no amounts."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from tests.api.attachments.support import API, make_client, make_deal, world
from tests.api.deals.support import json_of
from tests.api.kpi.support import (
    expect_to_close,
    fulfilment,
    log_activity,
    metric,
    row_of,
    set_plan,
    this_month,
)
from tests.factories import Factory, Session


def this_week() -> date:
    today = datetime.now(ZoneInfo("Europe/Moscow")).date()
    return today - timedelta(days=today.weekday())


async def basis(factory: Factory, session: Session, value: str) -> None:
    """The organisation's fulfilment basis, set by its admin."""
    response = await factory.client.patch(
        f"{API}/organisation", json={"fulfilment_basis": value}, headers=session.headers
    )
    json_of(response, 200)


class TestSellerFulfilment:
    async def test_a_paid_invoice_moves_the_sellers_turnover_fulfilment(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        seller = w.seller.user.id
        await set_plan(factory, w.admin, user_id=seller, target="1000")
        deal = await make_deal(factory.container, w.org, w.seller.user)
        before = row_of(await fulfilment(factory, w.seller), seller)
        assert metric(before, "turnover") | {"forecast": None} == {
            "metric": "turnover",
            "plan": "1000.00",
            "fact": "0",
            "forecast": None,
            "percent": "0.0",
        }
        invoice = json_of(
            await factory.client.post(
                f"{API}/invoices",
                json={"deal_id": str(deal), "amount": "1000"},
                headers=w.seller.headers,
            ),
            201,
        )
        # Issued but unpaid counts for nothing.
        assert (
            metric(row_of(await fulfilment(factory, w.seller), seller), "turnover")["fact"] == "0"
        )
        json_of(
            await factory.client.post(
                f"{API}/invoices/{invoice['id']}/payments",
                json={"amount": "250", "paid_on": this_month().isoformat()},
                headers=w.seller.headers,
            ),
            201,
        )
        after = metric(row_of(await fulfilment(factory, w.seller), seller), "turnover")
        assert (Decimal(after["fact"]), after["percent"]) == (Decimal(250), "25.0")
        # A payment dated in another month does not count in this one.
        json_of(
            await factory.client.post(
                f"{API}/invoices/{invoice['id']}/payments",
                json={"amount": "100", "paid_on": (this_month() - timedelta(days=1)).isoformat()},
                headers=w.seller.headers,
            ),
            201,
        )
        again = metric(row_of(await fulfilment(factory, w.seller), seller), "turnover")
        assert again["percent"] == "25.0"
        # Winning the deal moves nothing while turnover is paid invoices...
        json_of(await factory.client.post(f"{API}/deals/{deal}/win", headers=w.seller.headers), 200)
        row = row_of(await fulfilment(factory, w.seller), seller)
        assert metric(row, "turnover")["percent"] == "25.0"
        assert metric(row, "won_deals")["fact"] == "1"

    async def test_with_won_deals_as_the_basis_winning_a_deal_moves_the_fulfilment(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        await basis(factory, w.admin, "won_deals")
        seller = w.seller.user.id
        await set_plan(factory, w.admin, user_id=seller, target="200000")
        await set_plan(factory, w.admin, user_id=seller, metric="won_deals", target="4")
        deal = await make_deal(factory.container, w.org, w.seller.user)
        result = await fulfilment(factory, w.seller)
        assert result["basis"] == "won_deals"
        assert metric(row_of(result, seller), "turnover")["percent"] == "0.0"
        # A paid invoice alone does not count under this setting.
        invoice = json_of(
            await factory.client.post(
                f"{API}/invoices",
                json={"deal_id": str(deal), "amount": "500"},
                headers=w.seller.headers,
            ),
            201,
        )
        await factory.client.post(
            f"{API}/invoices/{invoice['id']}/payments",
            json={"amount": "500"},
            headers=w.seller.headers,
        )
        assert (
            metric(row_of(await fulfilment(factory, w.seller), seller), "turnover")["percent"]
            == "0.0"
        )
        json_of(await factory.client.post(f"{API}/deals/{deal}/win", headers=w.seller.headers), 200)
        row = row_of(await fulfilment(factory, w.seller), seller)
        assert metric(row, "turnover")["percent"] == "50.0"  # the deal's 100 000 of 200 000
        assert metric(row, "won_deals")["percent"] == "25.0"

    async def test_open_deals_calls_meetings_and_the_weighted_forecast(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        seller = w.seller.user.id
        c = factory.container
        client = await make_client(c, w.org, w.seller.user, "ООО Прогноз")
        deal = await make_deal(c, w.org, w.seller.user, client)
        await make_deal(c, w.org, w.seller.user, client)  # no expected close: no forecast
        await expect_to_close(c, w.org.id, deal, this_month() + timedelta(days=3), 40)
        for kind in ("call", "call", "meeting", "note"):
            await log_activity(c, w.org.id, seller, client, kind)
        await set_plan(factory, w.admin, user_id=seller, metric="calls", target="8")
        row = row_of(await fulfilment(factory, w.seller), seller)
        assert metric(row, "deals_in_work")["fact"] == "2"
        assert metric(row, "calls") == {
            "metric": "calls",
            "plan": "8.00",
            "fact": "2",
            "forecast": None,
            "percent": "25.0",
        }
        assert metric(row, "meetings")["fact"] == "1"
        assert metric(row, "turnover")["forecast"] == "40000.00"  # 100 000 x 40 %


class TestDepartmentsAndVisibility:
    async def test_a_department_sums_its_people_and_sub_departments(self, factory: Factory) -> None:
        w = await world(factory)
        await basis(factory, w.admin, "won_deals")
        c = factory.container
        for owner in (w.seller, w.junior, w.rival):
            deal = await make_deal(c, w.org, owner.user)
            json_of(
                await factory.client.post(f"{API}/deals/{deal}/win", headers=owner.headers), 200
            )
        await set_plan(factory, w.admin, department_id=w.north.id, metric="won_deals", target="4")
        result = await fulfilment(factory, w.admin)
        north = row_of(result, w.north.id, "departments")
        assert metric(north, "won_deals") | {"forecast": None} == {
            "metric": "won_deals",
            "plan": "4.00",
            "fact": "2",
            "forecast": None,
            "percent": "50.0",
        }
        assert metric(north, "turnover")["fact"] == "200000.00"
        assert metric(row_of(result, w.north_sub.id, "departments"), "won_deals")["fact"] == "1"
        assert metric(row_of(result, w.south.id, "departments"), "won_deals")["fact"] == "1"
        narrowed = await fulfilment(factory, w.admin, department_id=w.north_sub.id)
        assert [r["id"] for r in narrowed["employees"]] == [str(w.junior.user.id)]
        assert [r["id"] for r in narrowed["departments"]] == [str(w.north_sub.id)]

    async def test_each_caller_sees_the_rows_of_their_scope(self, factory: Factory) -> None:
        w = await world(factory)
        own = await fulfilment(factory, w.seller)
        assert [r["id"] for r in own["employees"]] == [str(w.seller.user.id)]
        assert own["departments"] == []
        asked_for_another = await fulfilment(factory, w.seller, user_id=w.rival.user.id)
        assert asked_for_another["employees"] == []
        head = await fulfilment(factory, w.head_north)
        assert {r["id"] for r in head["employees"]} == {
            str(s.user.id) for s in (w.head_north, w.seller, w.junior)
        }
        assert {r["id"] for r in head["departments"]} == {str(w.north.id), str(w.north_sub.id)}
        admin = await fulfilment(factory, w.admin)
        assert {str(s.user.id) for s in (w.seller, w.junior, w.rival)} <= {
            r["id"] for r in admin["employees"]
        }
        outsider = await fulfilment(factory, w.outsider)
        assert str(w.seller.user.id) not in {r["id"] for r in outsider["employees"]}
        assert outsider["departments"] == []
        # Another team's department is no filter for a head.
        response = await factory.client.get(
            f"{API}/kpi/fulfilment",
            params={
                "period": "month",
                "start": this_month().isoformat(),
                "department_id": str(w.south.id),
            },
            headers=w.head_north.headers,
        )
        assert response.status_code == 422

    async def test_a_start_that_does_not_begin_the_period_is_refused(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        response = await factory.client.get(
            f"{API}/kpi/fulfilment",
            params={"period": "month", "start": (this_month() + timedelta(days=1)).isoformat()},
            headers=w.seller.headers,
        )
        assert response.status_code == 422
        assert [e["loc"] for e in response.json()["errors"]] == [["query", "start"]]


class TestLeaderboard:
    async def test_every_seller_sees_the_ranking_without_any_deal_data(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        await basis(factory, w.admin, "won_deals")
        for owner, target in ((w.seller, "100000"), (w.rival, "400000")):
            await set_plan(factory, w.admin, user_id=owner.user.id, target=target)
            deal = await make_deal(factory.container, w.org, owner.user)
            json_of(
                await factory.client.post(f"{API}/deals/{deal}/win", headers=owner.headers), 200
            )
        response = await factory.client.get(
            f"{API}/kpi/leaderboard",
            params={"period": "month", "start": this_month().isoformat()},
            headers=w.seller.headers,
        )
        board = json_of(response, 200)
        assert [(e["rank"], e["user_id"], e["percent"]) for e in board["items"]] == [
            (1, str(w.seller.user.id), "100.0"),
            (2, str(w.rival.user.id), "25.0"),
        ]
        assert all(
            set(e) == {"rank", "user_id", "name", "percent", "karma"} for e in board["items"]
        )
        # The month's karma, public like the ranking: a won deal is 10 points by default
        # (plus 20 for the whole plan, 5 for a quarter of it).
        assert [e["karma"] for e in board["items"]] == ["30.00", "15.00"]
        await set_plan(
            factory,
            w.admin,
            user_id=w.seller.user.id,
            target="100000",
            period_kind="week",
            period_start=this_week(),
        )
        weekly = await factory.client.get(
            f"{API}/kpi/leaderboard",
            params={"period": "week", "start": this_week().isoformat()},
            headers=w.seller.headers,
        )
        assert [e["karma"] for e in json_of(weekly, 200)["items"]] == [None]
        assert "100000" not in response.text
        other = await factory.client.get(
            f"{API}/kpi/leaderboard",
            params={"period": "month", "start": this_month().isoformat()},
            headers=w.outsider.headers,
        )
        assert json_of(other, 200)["items"] == []
