"""Funnel analytics through HTTP (issue 12, item 3): exact figures of a funnel with a known
history (tests/api/analytics/support.py draws it), each caller's figures over the deals they
see, filters that narrow them, and the refusals."""

from __future__ import annotations

from datetime import date, timedelta

from tests.api.analytics.support import analytics, estimated, shop, stage_rows
from tests.api.deals.support import error_locs
from tests.factories import Factory

API_PATH = "/api/v1/analytics/funnel"


class TestFiguresOfTheWholeFunnel:
    async def test_the_admin_sees_every_stage_total_and_loss_reason(self, factory: Factory) -> None:
        s = await shop(factory)
        result = await analytics(factory, s.w.admin, {"funnel_id": s.funnel["id"], **s.period})
        assert (result["funnel_id"], result["first_day"], result["last_day"]) == (
            s.funnel["id"],
            s.period["from"],
            s.period["to"],
        )
        # name, reached, to next, from first, stays, average h, median h (of the stays), stale
        assert stage_rows(result) == [
            ("A", 7, "85.7", "100.0", 7, "39.7", estimated(10, 20, 30, 2, 210, 5, 1), 0),
            ("B", 6, "50.0", "85.7", 6, "12.0", estimated(20, 4, 10, 30, 6, 2), 1),
            ("C", 3, None, "42.9", 3, "48.7", estimated(90, 8, 48), 0),
        ]
        cycle_median = result["totals"].pop("cycle_median_days")
        # 5, 2 and 2.125 days
        assert cycle_median == estimated(5, 2, 2.125)
        assert result["totals"] == {
            "deals": 7,
            "won": 3,
            "lost": 3,
            "open": 1,
            "win_rate": "50.0",
            "average_won": [
                {"currency": "RUB", "won": 2, "average_amount": "3000.00"},
                {"currency": "USD", "won": 1, "average_amount": "500.00"},
            ],
            "cycle_average_days": "3.0",
        }
        reasons = result["loss_reasons"]
        assert [(r["reason_id"], r["count"]) for r in reasons] == [(str(s.expensive), 2), (None, 1)]
        assert reasons[0]["amounts"] == [
            {"currency": "EUR", "count": 1, "amount": "400.00"},
            {"currency": "RUB", "count": 1, "amount": "3000.00"},
        ]
        assert reasons[1] == {
            "reason_id": None,
            "name": None,
            "count": 1,
            "amounts": [{"currency": "RUB", "count": 1, "amount": "2000.00"}],
        }

    async def test_without_a_funnel_the_organisations_default_one_is_shown(
        self, factory: Factory
    ) -> None:
        s = await shop(factory)
        result = await analytics(factory, s.w.admin, s.period)
        assert result["funnel_id"] == s.funnel["id"]
        assert result["totals"]["deals"] == 7

    async def test_a_period_before_the_deals_were_created_is_empty(self, factory: Factory) -> None:
        s = await shop(factory)
        old = s.base.date() - timedelta(days=60)
        result = await analytics(
            factory, s.w.admin, {"from": old.isoformat(), "to": (old + timedelta(days=10))}
        )
        assert [
            (r["reached"], r["conversion_to_next"], r["average_hours"]) for r in result["stages"]
        ] == [(0, None, None)] * 3
        assert result["totals"]["win_rate"] is None
        assert result["totals"]["average_won"] == []
        assert result["loss_reasons"] == []


class TestEachCallerSeesTheirDeals:
    async def test_a_head_sees_their_department_and_its_sub_department(
        self, factory: Factory
    ) -> None:
        s = await shop(factory)
        result = await analytics(factory, s.w.head_north, s.period)
        assert stage_rows(result) == [
            ("A", 4, "100.0", "100.0", 4, "67.5", estimated(10, 20, 30, 210), 0),
            ("B", 4, "50.0", "100.0", 4, "16.0", estimated(20, 4, 10, 30), 1),
            ("C", 2, None, "50.0", 2, "49.0", estimated(90, 8), 0),
        ]
        totals = result["totals"]
        assert (totals["deals"], totals["won"], totals["lost"], totals["open"]) == (4, 2, 1, 1)
        assert totals["win_rate"] == "66.7"
        assert totals["cycle_average_days"] == "3.5"
        assert totals["cycle_median_days"] == estimated(5, 2)
        assert [(r["reason_id"], r["count"]) for r in result["loss_reasons"]] == [
            (str(s.expensive), 1)
        ]

    async def test_a_seller_sees_only_their_own_deals(self, factory: Factory) -> None:
        s = await shop(factory)
        result = await analytics(factory, s.w.seller, s.period)
        assert [(r["name"], r["reached"], r["conversion_to_next"]) for r in result["stages"]] == [
            ("A", 3, "100.0"),
            ("B", 3, "33.3"),
            ("C", 1, None),
        ]
        assert result["totals"]["win_rate"] == "50.0"
        assert result["totals"]["average_won"] == [
            {"currency": "RUB", "won": 1, "average_amount": "1000.00"}
        ]

    async def test_another_organisation_does_not_reach_the_funnel(self, factory: Factory) -> None:
        s = await shop(factory)
        await analytics(factory, s.w.outsider, {"funnel_id": s.funnel["id"], **s.period}, 404)


class TestFilters:
    async def test_by_responsible_department_and_source(self, factory: Factory) -> None:
        s = await shop(factory)
        admin = s.w.admin

        async def totals(**params: object) -> tuple[int, int, int, str | None]:
            t = (await analytics(factory, admin, {**s.period, **params}))["totals"]
            return t["deals"], t["won"], t["lost"], t["win_rate"]

        assert await totals(responsible_id=s.w.rival.user.id) == (3, 1, 2, "33.3")
        assert await totals(department_id=s.w.north.id) == (4, 2, 1, "66.7")
        assert await totals(department_id=s.w.north_sub.id) == (1, 1, 0, "100.0")
        assert await totals(department_id=s.w.south.id, source="site") == (0, 0, 0, None)
        assert await totals(source="site") == (1, 1, 0, "100.0")

    async def test_a_head_filters_within_their_department(self, factory: Factory) -> None:
        s = await shop(factory)
        result = await analytics(
            factory, s.w.head_north, {**s.period, "department_id": s.w.north_sub.id}
        )
        assert result["totals"]["deals"] == 1

    async def test_a_user_or_department_out_of_sight_is_not_found(self, factory: Factory) -> None:
        s = await shop(factory)
        w = s.w
        await analytics(factory, w.seller, {**s.period, "responsible_id": w.rival.user.id}, 404)
        await analytics(factory, w.head_north, {**s.period, "responsible_id": w.rival.user.id}, 404)
        await analytics(factory, w.head_north, {**s.period, "department_id": w.south.id}, 404)
        # A seller sees no department whole, not even their own.
        await analytics(factory, w.seller, {**s.period, "department_id": w.north.id}, 404)
        await analytics(factory, w.outsider, {**s.period, "responsible_id": w.seller.user.id}, 404)
        # Their own deals are the seller's to filter by.
        own = await analytics(factory, w.seller, {**s.period, "responsible_id": w.seller.user.id})
        assert own["totals"]["deals"] == 3


class TestPeriod:
    async def test_to_before_from_is_refused_on_to(self, factory: Factory) -> None:
        s = await shop(factory)
        response = await factory.client.get(
            API_PATH,
            params={"from": "2026-10-10", "to": "2026-10-09"},
            headers=s.w.admin.headers,
        )
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
        assert error_locs(response) == [["query", "to"]]

    async def test_a_period_longer_than_366_days_is_refused_on_to(self, factory: Factory) -> None:
        s = await shop(factory)
        first = date(2025, 1, 1)

        async def asked(days: int) -> int:
            response = await factory.client.get(
                API_PATH,
                params={
                    "from": first.isoformat(),
                    "to": (first + timedelta(days=days - 1)).isoformat(),
                },
                headers=s.w.admin.headers,
            )
            if response.status_code == 422:
                assert error_locs(response) == [["query", "to"]]
            return response.status_code

        assert await asked(366) == 200
        assert await asked(367) == 422

    async def test_from_and_to_are_required_days(self, factory: Factory) -> None:
        s = await shop(factory)
        response = await factory.client.get(
            API_PATH, params={"from": "yesterday"}, headers=s.w.admin.headers
        )
        assert response.status_code == 422
        assert sorted(error_locs(response)) == [["query", "from"], ["query", "to"]]
