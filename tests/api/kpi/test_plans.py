"""Plans through HTTP: who may set them for whom, validation on the fields, versions, the list
and what another organisation sees."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.api.attachments.support import API, world
from tests.api.deals.support import error_locs, if_match, json_of
from tests.api.kpi.support import set_plan, this_month
from tests.factories import Factory


class TestPlanLifecycle:
    async def test_an_admin_sets_changes_lists_and_removes_a_sellers_plan(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        seller = w.seller.user.id
        plan = await set_plan(factory, w.admin, user_id=seller, target="1500.5")
        assert plan["subject_kind"] == "user"
        assert plan["target"] == "1500.50"
        assert (
            plan["period_end"]
            == ((this_month() + timedelta(days=32)).replace(day=1) - timedelta(days=1)).isoformat()
        )
        url = f"{API}/kpi/plans/{plan['id']}"
        read = await factory.client.get(url, headers=w.admin.headers)
        assert json_of(read, 200)["id"] == plan["id"]
        assert read.headers["ETag"] == '"v1"'
        changed = await factory.client.patch(
            url, json={"target": "2000"}, headers={**w.admin.headers, **if_match(1)}
        )
        assert json_of(changed, 200)["target"] == "2000.00"
        stale = await factory.client.patch(
            url, json={"target": "3000"}, headers={**w.admin.headers, **if_match(1)}
        )
        assert stale.status_code == 412
        calls = await set_plan(factory, w.admin, user_id=seller, metric="calls", target="40")
        listed = json_of(
            await factory.client.get(
                f"{API}/kpi/plans",
                params={"user_id": str(seller), "metric": "calls", "period_kind": "month"},
                headers=w.admin.headers,
            ),
            200,
        )
        assert [p["id"] for p in listed["items"]] == [calls["id"]]
        # The seller sees their own plans (and may not change them).
        own = json_of(await factory.client.get(f"{API}/kpi/plans", headers=w.seller.headers), 200)
        assert {p["id"] for p in own["items"]} == {plan["id"], calls["id"]}
        denied = await factory.client.patch(url, json={"target": "1"}, headers=w.seller.headers)
        assert denied.status_code == 403
        stale_delete = await factory.client.delete(url, headers={**w.admin.headers, **if_match(1)})
        assert stale_delete.status_code == 412
        deleted = await factory.client.delete(url, headers={**w.admin.headers, **if_match(2)})
        assert deleted.status_code == 204
        assert (await factory.client.get(url, headers=w.admin.headers)).status_code == 404

    async def test_the_list_pages_by_period_latest_first(self, factory: Factory) -> None:
        w = await world(factory)
        months = [this_month().replace(month=m, year=2026) for m in (3, 1, 2)]
        for start in months:
            await set_plan(factory, w.admin, user_id=w.seller.user.id, period_start=start)
        seen: list[str] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 2, "user_id": str(w.seller.user.id)}
            if cursor:
                params["cursor"] = cursor
            page = json_of(
                await factory.client.get(
                    f"{API}/kpi/plans", params=params, headers=w.admin.headers
                ),
                200,
            )
            seen += [p["period_start"] for p in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert seen == ["2026-03-01", "2026-02-01", "2026-01-01"]


class TestWhoSetsPlans:
    async def test_a_head_sets_plans_for_their_department_and_its_people_only(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        await set_plan(factory, w.head_north, user_id=w.junior.user.id)
        await set_plan(factory, w.head_north, department_id=w.north.id, metric="won_deals")
        other = await set_plan(factory, w.head_north, status=422, user_id=w.rival.user.id)
        assert [e["loc"] for e in other["errors"]] == [["body", "user_id"]]
        south = await set_plan(factory, w.head_north, status=422, department_id=w.south.id)
        assert [e["loc"] for e in south["errors"]] == [["body", "department_id"]]

    async def test_a_seller_may_not_set_plans(self, factory: Factory) -> None:
        w = await world(factory)
        await set_plan(factory, w.seller, status=403, user_id=w.seller.user.id)

    async def test_another_organisations_people_and_plans_are_out_of_reach(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        plan = await set_plan(factory, w.admin, user_id=w.seller.user.id)
        await set_plan(factory, w.outsider, status=422, user_id=w.seller.user.id)
        url = f"{API}/kpi/plans/{plan['id']}"
        assert (await factory.client.get(url, headers=w.outsider.headers)).status_code == 404
        patched = await factory.client.patch(url, json={"target": "1"}, headers=w.outsider.headers)
        assert patched.status_code == 404
        listed = json_of(
            await factory.client.get(f"{API}/kpi/plans", headers=w.outsider.headers), 200
        )
        assert listed["items"] == []
        # Nor does another team's seller see it.
        assert (await factory.client.get(url, headers=w.rival.headers)).status_code == 404


class TestPlanValidation:
    async def test_problems_name_the_field(self, factory: Factory) -> None:
        w = await world(factory)
        seller = str(w.seller.user.id)
        month = this_month().isoformat()
        base = {"user_id": seller, "metric": "turnover", "period_kind": "month", "target": "1"}
        cases: list[tuple[dict[str, Any], list[str | int]]] = [
            ({**base, "period_start": "2026-12-02"}, ["body", "period_start"]),
            (
                {**base, "period_kind": "week", "period_start": "2026-12-01"},
                ["body", "period_start"],
            ),
            (
                {**base, "period_kind": "quarter", "period_start": "2026-02-01"},
                ["body", "period_start"],
            ),
            (
                {**base, "period_kind": "year", "period_start": "2026-07-01"},
                ["body", "period_start"],
            ),
            ({**base, "period_start": "2300-01-01"}, ["body", "period_start"]),
            ({**base, "period_start": month, "target": "-1"}, ["body", "target"]),
            ({**base, "period_start": month, "target": "1e999999999"}, ["body", "target"]),
            (
                {**base, "period_start": month, "metric": "calls", "target": "2.5"},
                ["body", "target"],
            ),
            ({**base, "period_start": month, "metric": "karma"}, ["body", "metric"]),
            (
                {**base, "period_start": month, "department_id": str(w.north.id)},
                ["body", "user_id"],
            ),
            ({**base, "period_start": month, "extra": 1}, ["body", "extra"]),
        ]
        for body, loc in cases:
            response = await factory.client.post(
                f"{API}/kpi/plans", json=body, headers=w.admin.headers
            )
            assert response.status_code == 422, (body, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
            assert error_locs(response) == [loc], body

    async def test_a_second_plan_for_the_same_subject_metric_and_period_is_refused(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        await set_plan(factory, w.admin, user_id=w.seller.user.id)
        again = await set_plan(factory, w.admin, status=422, user_id=w.seller.user.id)
        assert [e["loc"] for e in again["errors"]] == [["body", "period_start"]]
        # Another metric, or the same for the department, is another plan.
        await set_plan(factory, w.admin, user_id=w.seller.user.id, metric="margin")
        await set_plan(factory, w.admin, department_id=w.north.id)
