"""Employee karma through HTTP (issue 12, item 8): a month's points from the criteria, a
head's karma as the mean of the team's, closing a month that freezes it and turns it into a
bonus, and the bonus statement as XLSX."""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from httpx import Response

from adapters.db.tables.deals import deals
from adapters.db.tables.staff import departments
from tests.api.attachments.support import API, make_client, make_deal, world
from tests.api.deals.support import error_locs, json_of
from tests.factories import Factory, Session

MOSCOW = ZoneInfo("Europe/Moscow")


def months() -> tuple[date, date]:
    """This month and the one before it (the organisation's, Moscow time)."""
    today = datetime.now(MOSCOW).date()
    this = today.replace(day=1)
    return this, (this - timedelta(days=1)).replace(day=1)


async def won(
    factory: Factory, w: Any, seller: Session, *, client: uuid.UUID | None = None, on: date
) -> uuid.UUID:
    """A deal of ``seller`` won through the API, dated at noon of ``on``."""
    deal = await make_deal(factory.container, w.org, seller.user, client)
    json_of(await factory.client.post(f"{API}/deals/{deal}/win", headers=seller.headers), 200)
    async with factory.container.engine.begin() as conn:
        await conn.execute(
            sa.update(deals)
            .where(deals.c.id == deal)
            .values(closed_at=datetime.combine(on, time(12), MOSCOW))
        )
    return deal


async def month_karma(factory: Factory, session: Session, month: date) -> dict[str, Any]:
    response = await factory.client.get(
        f"{API}/karma/employees", params={"month": month.isoformat()}, headers=session.headers
    )
    return json_of(response, 200)  # type: ignore[no-any-return]


def scores(result: dict[str, Any]) -> dict[str, str]:
    return {r["user_id"]: r["score"] for r in result["items"]}


def assert_period_problem(response: Response, kind: str, period: date) -> None:
    """A 409 of its own problem type whose detail and `period` name the month."""
    body = response.json()
    assert (response.status_code, body["type"], body["period"]) == (
        409,
        f"https://crm.example/problems/{kind}",
        period.isoformat(),
    )
    assert response.headers["content-type"] == "application/problem+json"
    assert f"{period:%Y-%m}" in body["detail"]


async def team(factory: Factory) -> Any:
    """head_north heads north (seller); north_sub below has no head, so junior counts for
    head_north too. Last month: seller won two deals (the second for a client who had bought
    before: an upsell), junior one."""
    w = await world(factory)
    async with factory.container.engine.begin() as conn:
        await conn.execute(
            sa.update(departments)
            .where(departments.c.id == w.north.id)
            .values(head_id=w.head_north.user.id)
        )
    _, last = months()
    client = await make_client(factory.container, w.org, w.seller.user)
    await won(factory, w, w.seller, client=client, on=last + timedelta(days=3))
    await won(factory, w, w.seller, client=client, on=last + timedelta(days=10))
    await won(factory, w, w.junior, on=last + timedelta(days=5))
    return w


class TestEmployeeKarma:
    async def test_points_from_the_criteria_and_a_head_as_the_mean_of_the_team(
        self, factory: Factory
    ) -> None:
        w = await team(factory)
        _, last = months()
        result = await month_karma(factory, w.admin, last)
        assert result["closed"] is None
        assert scores(result)[str(w.seller.user.id)] == "25.00"  # 2 x 10 + 1 upsell x 5
        assert scores(result)[str(w.junior.user.id)] == "10.00"
        head = next(r for r in result["items"] if r["user_id"] == str(w.head_north.user.id))
        assert (head["is_head"], head["own_score"], head["score"]) == (True, "0.00", "17.50")
        assert head["bonus"] == "1750.00"  # 100 per point by default
        seller = next(r for r in result["items"] if r["user_id"] == str(w.seller.user.id))
        assert seller["facts"] | {"plan_percent": None} == {
            "won_deals": 2,
            "upsells": 1,
            "promoters": 0,
            "detractors": 0,
            "overdue_tasks": 0,
            "plan_percent": None,
        }
        assert result["items"][0]["user_id"] == str(w.seller.user.id)  # best first

    async def test_each_caller_sees_the_people_they_see(self, factory: Factory) -> None:
        w = await team(factory)
        _, last = months()
        assert set(scores(await month_karma(factory, w.seller, last))) == {str(w.seller.user.id)}
        head = set(scores(await month_karma(factory, w.head_north, last)))
        assert {str(w.seller.user.id), str(w.junior.user.id)} <= head
        assert str(w.rival.user.id) not in head
        assert scores(await month_karma(factory, w.outsider, last)).keys().isdisjoint(head)

    async def test_the_turnover_plan_counts_pro_rata(self, factory: Factory) -> None:
        w = await world(factory)
        this, _ = months()
        json_of(
            await factory.client.patch(
                f"{API}/organisation",
                json={"fulfilment_basis": "won_deals"},
                headers=w.admin.headers,
            ),
            200,
        )
        json_of(
            await factory.client.post(
                f"{API}/kpi/plans",
                json={
                    "user_id": str(w.seller.user.id),
                    "metric": "turnover",
                    "period_kind": "month",
                    "period_start": this.isoformat(),
                    "target": "200000",
                },
                headers=w.admin.headers,
            ),
            201,
        )
        deal = await make_deal(factory.container, w.org, w.seller.user)
        json_of(await factory.client.post(f"{API}/deals/{deal}/win", headers=w.seller.headers), 200)
        mine = await month_karma(factory, w.seller, this)
        row = mine["items"][0]
        # One won deal (10) and half the plan (100 000 of 200 000: 20 x 0.5).
        assert (row["facts"]["plan_percent"], row["score"]) == ("50.0", "20.00")

    async def test_closing_a_month_freezes_it_and_the_statement_opens_as_xlsx(
        self, factory: Factory
    ) -> None:
        w = await team(factory)
        this, last = months()
        refused = await factory.client.post(
            f"{API}/karma/periods/{last.isoformat()}/close", headers=w.seller.headers
        )
        assert refused.status_code == 403
        not_over = await factory.client.post(
            f"{API}/karma/periods/{this.isoformat()}/close", headers=w.admin.headers
        )
        assert_period_problem(not_over, "period-not-over", this)
        closed = json_of(
            await factory.client.post(
                f"{API}/karma/periods/{last.isoformat()}/close", headers=w.admin.headers
            ),
            200,
        )
        assert closed["closed"]["month"] == last.isoformat()
        assert scores(closed)[str(w.head_north.user.id)] == "17.50"
        # A deal won later into the closed month, and new weights, move nothing in it.
        await won(factory, w, w.seller, on=last + timedelta(days=20))
        rules = await factory.client.get(f"{API}/karma/employee-rules", headers=w.admin.headers)
        body = json_of(rules, 200)
        body["weights"]["won_deal"] = "50"
        json_of(
            await factory.client.put(
                f"{API}/karma/employee-rules",
                json={"weights": body["weights"], "bonus_per_point": "10"},
                headers={**w.admin.headers, "If-Match": rules.headers["ETag"]},
            ),
            200,
        )
        frozen = await month_karma(factory, w.admin, last)
        assert frozen["closed"] is not None
        assert scores(frozen)[str(w.seller.user.id)] == "25.00"
        assert frozen["bonus_per_point"] == "100.00"
        again = await factory.client.post(
            f"{API}/karma/periods/{last.isoformat()}/close", headers=w.admin.headers
        )
        assert_period_problem(again, "period-already-closed", last)
        periods = json_of(
            await factory.client.get(f"{API}/karma/periods", headers=w.admin.headers), 200
        )
        assert [p["month"] for p in periods["items"]] == [last.isoformat()]
        statement = await factory.client.get(
            f"{API}/karma/periods/{last.isoformat()}/bonus-statement.xlsx",
            headers=w.admin.headers,
        )
        assert statement.status_code == 200
        assert statement.headers["content-type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        with zipfile.ZipFile(io.BytesIO(statement.content)) as book:
            names = book.namelist()
            assert "xl/workbook.xml" in names
            sheet = book.read("xl/worksheets/sheet1.xml").decode()
            shared = (
                book.read("xl/sharedStrings.xml").decode()
                if "xl/sharedStrings.xml" in names
                else ""
            )
        text = sheet + shared
        assert "Премия" in text
        assert w.seller.user.full_name in text
        assert "2500" in sheet  # the seller's bonus, a number
        open_month = await factory.client.get(
            f"{API}/karma/periods/{this.isoformat()}/bonus-statement.xlsx",
            headers=w.admin.headers,
        )
        assert open_month.status_code == 404

    async def test_the_criteria_are_changed_with_karma_manage_within_bounds(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        rules = json_of(
            await factory.client.get(f"{API}/karma/employee-rules", headers=w.seller.headers),
            200,
        )
        assert (rules["version"], rules["weights"]["won_deal"], rules["bonus_per_point"]) == (
            0,
            "10.00",
            "100.00",
        )
        body = {"weights": rules["weights"], "bonus_per_point": "50"}
        seller = await factory.client.put(
            f"{API}/karma/employee-rules", json=body, headers=w.seller.headers
        )
        assert seller.status_code == 403
        for bad, loc in (
            ({**body, "bonus_per_point": "-1"}, ["body", "bonus_per_point"]),
            (
                {**body, "weights": {**rules["weights"], "won_deal": "1e9"}},
                ["body", "weights", "won_deal"],
            ),
            (
                {**body, "weights": {k: v for k, v in rules["weights"].items() if k != "upsell"}},
                ["body", "weights", "upsell"],
            ),
        ):
            response = await factory.client.put(
                f"{API}/karma/employee-rules", json=bad, headers=w.admin.headers
            )
            assert response.status_code == 422, bad
            assert loc in error_locs(response), response.json()
        first_month = date(1899, 12, 1)
        bad_month = await factory.client.get(
            f"{API}/karma/employees",
            params={"month": first_month.isoformat()},
            headers=w.admin.headers,
        )
        assert bad_month.status_code == 422
        mid_month = await factory.client.get(
            f"{API}/karma/employees", params={"month": "2026-11-15"}, headers=w.admin.headers
        )
        assert error_locs(mid_month) == [["query", "month"]]


class TestClosedMonths:
    """A closed month's plans and marketing costs no longer change: 409 period-closed, told
    apart from a month closed already and from a plain conflict."""

    async def test_plans_of_closed_months_no_longer_change(self, factory: Factory) -> None:
        w = await world(factory)
        this, last = months()
        plans = {}
        for kind, start in (("month", last), ("month", this), ("quarter", quarter_of(last))):
            plans[(kind, start)] = json_of(
                await factory.client.post(
                    f"{API}/kpi/plans",
                    json=plan_body(w.seller.user.id, kind, start, metric="won_deals"),
                    headers=w.admin.headers,
                ),
                201,
            )
        await close(factory, w.admin, last)

        closed_plan = plans[("month", last)]
        changed = await factory.client.patch(
            f"{API}/kpi/plans/{closed_plan['id']}", json={"target": "7"}, headers=w.admin.headers
        )
        assert_period_problem(changed, "period-closed", last)
        removed = await factory.client.delete(
            f"{API}/kpi/plans/{closed_plan['id']}", headers=w.admin.headers
        )
        assert_period_problem(removed, "period-closed", last)
        added = await factory.client.post(
            f"{API}/kpi/plans",
            json=plan_body(w.seller.user.id, "month", last, metric="turnover"),
            headers=w.admin.headers,
        )
        assert_period_problem(added, "period-closed", last)
        kept = json_of(
            await factory.client.get(
                f"{API}/kpi/plans/{closed_plan['id']}", headers=w.admin.headers
            ),
            200,
        )
        assert kept["version"] == closed_plan["version"]
        # The open month, and a quarter with a month still open, change as before.
        for key in (("month", this), ("quarter", quarter_of(last))):
            json_of(
                await factory.client.patch(
                    f"{API}/kpi/plans/{plans[key]['id']}",
                    json={"target": "9"},
                    headers=w.admin.headers,
                ),
                200,
            )

    async def test_a_closed_months_marketing_costs_no_longer_change(self, factory: Factory) -> None:
        w = await world(factory)
        this, last = months()
        costs = {
            month: json_of(
                await factory.client.post(
                    f"{API}/marketing/costs",
                    json=cost_body(month),
                    headers=w.admin.headers,
                ),
                201,
            )
            for month in (last, this)
        }
        twice = await factory.client.post(
            f"{API}/marketing/costs", json=cost_body(this), headers=w.admin.headers
        )
        assert (twice.status_code, twice.json()["type"]) == (
            409,
            "https://crm.example/problems/conflict",
        )
        await close(factory, w.admin, last)

        cost = costs[last]
        changed = await factory.client.patch(
            f"{API}/marketing/costs/{cost['id']}", json={"amount": "1"}, headers=w.admin.headers
        )
        assert_period_problem(changed, "period-closed", last)
        removed = await factory.client.delete(
            f"{API}/marketing/costs/{cost['id']}", headers=w.admin.headers
        )
        assert_period_problem(removed, "period-closed", last)
        added = await factory.client.post(
            f"{API}/marketing/costs",
            json={**cost_body(last), "campaign": "Осень"},
            headers=w.admin.headers,
        )
        assert_period_problem(added, "period-closed", last)
        json_of(
            await factory.client.patch(
                f"{API}/marketing/costs/{costs[this]['id']}",
                json={"amount": "1"},
                headers=w.admin.headers,
            ),
            200,
        )


def quarter_of(month: date) -> date:
    return month.replace(month=(month.month - 1) // 3 * 3 + 1)


def plan_body(user_id: uuid.UUID, kind: str, start: date, *, metric: str) -> dict[str, str]:
    return {
        "user_id": str(user_id),
        "metric": metric,
        "period_kind": kind,
        "period_start": start.isoformat(),
        "target": "5",
    }


def cost_body(month: date) -> dict[str, str]:
    return {"month": month.isoformat(), "source": "yandex", "amount": "1000"}


async def close(factory: Factory, session: Session, month: date) -> None:
    json_of(
        await factory.client.post(
            f"{API}/karma/periods/{month.isoformat()}/close", headers=session.headers
        ),
        200,
    )
