from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from adapters.db.tables.activities import notifications
from adapters.db.tables.deals import deals
from adapters.worker.jobs.deals import sweep_stale_deals
from adapters.worker.main import CRON_JOBS
from domain.shared.clock import FixedClock
from tests.api.deals.support import API, create_deal, json_of, move, stage_named, teams
from tests.factories import Factory
from tests.worker import drain_queue


async def enter_stage_at(factory: Factory, deal_id: str, at: datetime) -> None:
    async with factory.container.engine.begin() as conn:
        await conn.execute(
            sa.update(deals).where(deals.c.id == uuid.UUID(deal_id)).values(stage_entered_at=at)
        )


async def sweep(factory: Factory, clock: FixedClock) -> None:
    """The sweep raises deal.became_stale; the worker's subscriber stores the notices."""
    await sweep_stale_deals(factory.container, clock)
    await drain_queue(factory.container)


async def notices(factory: Factory, deal_id: str) -> list[tuple[uuid.UUID, str]]:
    async with factory.container.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(notifications.c.user_id, notifications.c.kind)
            .where(notifications.c.entity_id == uuid.UUID(deal_id))
            .order_by(notifications.c.kind, notifications.c.user_id)
        )
        return [(r.user_id, r.kind) for r in rows]


class TestStaleDealSweep:
    async def test_alerts_the_responsible_and_their_head_once_per_breach(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)  # "Заявка" allows 2 days
        deal = await create_deal(factory, world.seller)
        entered = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
        await enter_stage_at(factory, deal["id"], entered)

        await sweep(factory, FixedClock(entered + timedelta(days=1)))
        assert await notices(factory, deal["id"]) == []

        late = FixedClock(entered + timedelta(days=2, hours=1))
        await sweep(factory, late)
        await sweep(factory, late)  # the same breach: no second alert
        expected = sorted(
            [(world.seller.user.id, "stale_deal"), (world.head.user.id, "stale_deal")]
        )
        assert sorted(await notices(factory, deal["id"])) == expected

    async def test_twice_the_limit_proposes_closing_as_lost(self, factory: Factory) -> None:
        world = await teams(factory)
        deal = await create_deal(factory, world.seller)
        entered = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
        await enter_stage_at(factory, deal["id"], entered)
        await sweep(factory, FixedClock(entered + timedelta(days=3)))
        await sweep(factory, FixedClock(entered + timedelta(days=5)))
        await sweep(factory, FixedClock(entered + timedelta(days=6)))
        kinds = [
            kind
            for user, kind in await notices(factory, deal["id"])
            if user == world.seller.user.id
        ]
        assert sorted(kinds) == ["stale_deal", "stale_deal_close"]
        read = json_of(
            await factory.client.get(f"{API}/deals/{deal['id']}", headers=world.seller.headers),
            200,
        )
        assert read["is_stale"] is True
        assert read["close_proposed"] is True

    async def test_a_new_stay_is_a_new_breach(self, factory: Factory) -> None:
        world = await teams(factory)
        meeting = stage_named(world.funnel, "Встреча")  # 7 days
        deal = await create_deal(factory, world.seller)
        entered = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
        await enter_stage_at(factory, deal["id"], entered)
        await sweep(factory, FixedClock(entered + timedelta(days=3)))
        json_of(await move(factory, world.seller, deal["id"], meeting["id"]), 200)
        second_stay = entered + timedelta(days=4)
        await enter_stage_at(factory, deal["id"], second_stay)
        await sweep(factory, FixedClock(second_stay + timedelta(days=8)))
        seller_alerts = [
            k for u, k in await notices(factory, deal["id"]) if u == world.seller.user.id
        ]
        assert seller_alerts == ["stale_deal", "stale_deal"]

    async def test_closed_deals_are_never_stale(self, factory: Factory) -> None:
        world = await teams(factory)
        deal = await create_deal(factory, world.seller)
        await factory.client.post(f"{API}/deals/{deal['id']}/win", headers=world.seller.headers)
        entered = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
        await enter_stage_at(factory, deal["id"], entered)
        await sweep(factory, FixedClock(entered + timedelta(days=30)))
        assert await notices(factory, deal["id"]) == []

    def test_the_sweep_is_registered_with_the_worker(self) -> None:
        assert "notify_stale_deals" in {job.coroutine.__name__ for job in CRON_JOBS}
