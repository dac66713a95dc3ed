"""Cross-sell reminders through HTTP and the daily sweep (issue 12, item 5): N days after a
deal is won with a product whose name holds a rule's pattern, the deal's responsible gets a
task to offer the rule's suggestion, once; sales from before the rule are not reminded of."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.worker.jobs.retention import sweep_retention
from domain.shared.clock import FixedClock
from tests.api.attachments.support import API, world
from tests.api.deals.support import json_of
from tests.api.retention.support import bought_at, sale
from tests.factories import Factory, Session

RULE = {"product_pattern": "лицензи", "after_days": 30, "suggestion": "Продление и обучение"}


async def offers(factory: Factory, session: Session, deal_id: Any) -> list[Any]:
    response = await factory.client.get(
        f"{API}/tasks", params={"deal_id": str(deal_id)}, headers=session.headers
    )
    return [t for t in json_of(response, 200)["items"] if t["title"].startswith("Предложить")]


class TestCrossSell:
    async def test_a_matching_sale_gets_one_offer_task_when_its_day_comes(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        created = await factory.client.post(
            f"{API}/retention/cross-sell-rules", json=RULE, headers=w.admin.headers
        )
        rule = json_of(created, 201)
        assert rule["version"] == 1
        # Case and ё/е do not matter.
        _, licence = await sale(factory, w.org, w.seller, product="ЛИЦЕНЗИЯ 1С:Предприятие")
        _, server = await sale(factory, w.org, w.seller, product="Сервер")
        now = datetime.now(UTC)
        await sweep_retention(factory.container, FixedClock(now + timedelta(days=29)))
        assert await offers(factory, w.seller, licence) == []
        await sweep_retention(factory.container, FixedClock(now + timedelta(days=31)))
        await sweep_retention(factory.container, FixedClock(now + timedelta(days=32)))
        tasks = await offers(factory, w.seller, licence)
        assert [t["title"] for t in tasks] == ["Предложить: Продление и обучение"]
        assert tasks[0]["assignee_id"] == str(w.seller.user.id)
        assert await offers(factory, w.seller, server) == []

    async def test_sales_from_before_the_rule_are_not_reminded_of(self, factory: Factory) -> None:
        w = await world(factory)
        client, old = await sale(factory, w.org, w.seller, product="Лицензия")
        now = datetime.now(UTC)
        # The sale was 40 days before the rule is made: its reminder moment had passed.
        await bought_at(factory.container, client, now - timedelta(days=40))
        clock = FixedClock(now + timedelta(days=1))
        json_of(
            await factory.client.post(
                f"{API}/retention/cross-sell-rules", json=RULE, headers=w.admin.headers
            ),
            201,
        )
        await sweep_retention(factory.container, clock)
        assert await offers(factory, w.seller, old) == []
        # Once its rule goes inactive, a new sale is not reminded of either.
        rules = json_of(
            await factory.client.get(f"{API}/retention/cross-sell-rules", headers=w.seller.headers),
            200,
        )["items"]
        rule = rules[0]
        json_of(
            await factory.client.patch(
                f"{API}/retention/cross-sell-rules/{rule['id']}",
                json={"is_active": False},
                headers={**w.admin.headers, "If-Match": f'"v{rule["version"]}"'},
            ),
            200,
        )
        _, new = await sale(factory, w.org, w.seller, product="Лицензия")
        await sweep_retention(factory.container, FixedClock(now + timedelta(days=31)))
        assert await offers(factory, w.seller, new) == []

    async def test_rules_are_managed_by_an_admin_with_bounded_values(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        refused = await factory.client.post(
            f"{API}/retention/cross-sell-rules", json=RULE, headers=w.seller.headers
        )
        assert refused.status_code == 403
        for body, loc in (
            ({**RULE, "after_days": 0}, ["body", "after_days"]),
            ({**RULE, "suggestion": "   "}, ["body", "suggestion"]),
            ({**RULE, "product_pattern": "x" * 201}, ["body", "product_pattern"]),
            ({**RULE, "product_pattern": "ли\u0007ц"}, ["body", "product_pattern"]),
        ):
            response = await factory.client.post(
                f"{API}/retention/cross-sell-rules", json=body, headers=w.admin.headers
            )
            assert response.status_code == 422, body
            assert [e["loc"] for e in response.json()["errors"]] == [loc], response.json()
        rule = json_of(
            await factory.client.post(
                f"{API}/retention/cross-sell-rules", json=RULE, headers=w.admin.headers
            ),
            201,
        )
        path = f"{API}/retention/cross-sell-rules/{rule['id']}"
        changed = await factory.client.patch(
            path, json={"after_days": 45}, headers={**w.admin.headers, "If-Match": '"v1"'}
        )
        assert json_of(changed, 200)["after_days"] == 45
        stale = await factory.client.patch(
            path, json={"after_days": 50}, headers={**w.admin.headers, "If-Match": '"v1"'}
        )
        assert stale.status_code == 412
        other = await factory.client.delete(
            f"{API}/retention/cross-sell-rules/{rule['id']}", headers=w.outsider.headers
        )
        assert other.status_code == 404
        gone = await factory.client.delete(path, headers=w.admin.headers)
        assert gone.status_code == 204
        listed = await factory.client.get(
            f"{API}/retention/cross-sell-rules", headers=w.admin.headers
        )
        assert json_of(listed, 200)["items"] == []
