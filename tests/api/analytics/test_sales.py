"""Sales structure through HTTP (issue 12, item 10): the share of repeat, upsell and
cross-sell deals among the won ones, the average check per currency, and demand by product
(asked for against sold), over the deals the caller sees."""

from __future__ import annotations

from decimal import Decimal

from tests.api.analytics.sales_support import deal, period, sales
from tests.api.attachments.support import API, make_client, world
from tests.api.deals.support import error_locs
from tests.factories import Factory


class TestSalesStructure:
    async def test_repeat_upsell_cross_sell_average_check_and_demand(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        x = await make_client(factory.container, w.org, w.seller.user, "Икс")
        y = await make_client(factory.container, w.org, w.seller.user, "Игрек")
        z = await make_client(factory.container, w.org, w.seller.user, "Зет")
        await deal(factory, w, w.seller, x, ["Лицензия"], won_days_ago=3)  # first purchase
        await deal(factory, w, w.seller, x, ["ЛИЦЕНЗИЯ"], won_days_ago=2)  # more of the same
        await deal(factory, w, w.seller, x, ["Обучение"], won_days_ago=1)  # something new
        await deal(factory, w, w.seller, y, ["Сервер"], won_days_ago=2, currency="USD")
        await deal(factory, w, w.seller, z, ["Лицензия"], won_days_ago=None)  # asked only
        rival = await make_client(factory.container, w.org, w.rival.user, "Чужой")
        await deal(factory, w, w.rival, rival, ["Сервер"], won_days_ago=1)
        result = await sales(factory, w.seller)
        assert (result["won"], result["repeat"], result["upsell"], result["cross_sell"]) == (
            4,
            2,
            1,
            1,
        )
        assert (
            result["repeat_share"],
            result["upsell_share"],
            result["cross_sell_share"],
        ) == ("50.0", "25.0", "25.0")
        assert [(c["currency"], c["won"], c["average"]) for c in result["average_check"]] == [
            ("RUB", 3, "100000.00"),
            ("USD", 1, "100000.00"),
        ]
        demand = {p["product"].lower(): p for p in result["products"]}
        licence = demand["лицензия"]
        assert (licence["asked_deals"], licence["sold_deals"], licence["sold_share"]) == (
            3,
            2,
            "66.7",
        )
        assert Decimal(licence["sold_amount"]) == Decimal(400)
        assert Decimal(demand["сервер"]["sold_amount"]) == 0  # sold in dollars
        assert result["products"][0]["product"].lower() == "лицензия"  # most asked first
        admin = await sales(factory, w.admin)
        assert admin["won"] == 5
        assert demand.keys() == {"лицензия", "обучение", "сервер"}

    async def test_filters_and_refusals(self, factory: Factory) -> None:
        w = await world(factory)
        x = await make_client(factory.container, w.org, w.rival.user)
        await deal(factory, w, w.rival, x, ["Сервер"], won_days_ago=1)
        south = await sales(factory, w.admin, department_id=str(w.south.id))
        assert south["won"] == 1
        north = await sales(factory, w.admin, department_id=str(w.north.id))
        assert (north["won"], north["repeat_share"], north["products"]) == (0, None, [])
        hidden = await factory.client.get(
            f"{API}/analytics/sales",
            params={**period(), "responsible_id": str(w.rival.user.id)},
            headers=w.seller.headers,
        )
        assert hidden.status_code == 404
        reversed_period = await factory.client.get(
            f"{API}/analytics/sales",
            params={"from": "2026-11-30", "to": "2026-11-01"},
            headers=w.admin.headers,
        )
        assert error_locs(reversed_period) == [["query", "to"]]

    async def test_a_product_new_to_the_client_is_a_cross_sell_whoever_else_bought_it(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        other = await make_client(factory.container, w.org, w.seller.user, "Вэ")
        await deal(factory, w, w.seller, other, ["Монтаж"], won_days_ago=5)
        await deal(factory, w, w.seller, other, ["Монтаж"], won_days_ago=4)  # an upsell
        x = await make_client(factory.container, w.org, w.seller.user, "Икс")
        await deal(factory, w, w.seller, x, ["Лицензия"], won_days_ago=3)
        await deal(factory, w, w.seller, x, ["Монтаж"], won_days_ago=2)  # new to Икс
        result = await sales(factory, w.seller)
        assert (result["won"], result["repeat"], result["upsell"], result["cross_sell"]) == (
            4,
            2,
            1,
            1,
        )
