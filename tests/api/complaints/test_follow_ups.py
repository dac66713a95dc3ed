"""Recurring follow-ups (issue 14, part 5) through HTTP and the worker's sweep: a postponed deal
reminds its responsible every N days while it stays open in its stage, never piling up more
than one open follow-up task, and a stage move or closing stops it; a warranty end date is
reminded N days before, once per end date."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.db.tables.funnels import stages
from adapters.worker.jobs.deals import sweep_deal_reminders
from domain.shared.clock import FixedClock
from tests.api.attachments.support import API, insert, make_deal, world
from tests.api.complaints.support import today
from tests.api.deals.support import json_of, move
from tests.factories import Factory, Session


async def reminders(
    factory: Factory, session: Session, deal_id: uuid.UUID, origin: str
) -> list[dict[str, Any]]:
    response = await factory.client.get(
        f"{API}/tasks", params={"deal_id": str(deal_id)}, headers=session.headers
    )
    return [t for t in json_of(response, 200)["items"] if t["origin"] == origin]


async def sweep(factory: Factory, at: datetime) -> None:
    await sweep_deal_reminders(factory.container, FixedClock(at))


class TestPostponedDeal:
    async def test_a_task_every_n_days_one_open_at_a_time_until_the_stage_changes(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        deal_id = await make_deal(factory.container, w.org, w.seller.user)
        path = f"{API}/deals/{deal_id}"
        deal = json_of(
            await factory.client.patch(
                path, json={"follow_up_every_days": 3}, headers=w.seller.headers
            ),
            200,
        )
        assert deal["follow_up_every_days"] == 3
        now = datetime.now(UTC)
        await sweep(factory, now + timedelta(days=2))
        assert await reminders(factory, w.seller, deal_id, "deal_follow_up") == []
        await sweep(factory, now + timedelta(days=3, minutes=1))
        await sweep(factory, now + timedelta(days=3, minutes=2))
        tasks = await reminders(factory, w.seller, deal_id, "deal_follow_up")
        assert len(tasks) == 1
        assert tasks[0]["assignee_id"] == str(w.seller.user.id)
        # Three more days with the task still open: no second one piles up.
        await sweep(factory, now + timedelta(days=6, minutes=2))
        assert len(await reminders(factory, w.seller, deal_id, "deal_follow_up")) == 1
        json_of(
            await factory.client.post(
                f"{API}/tasks/{tasks[0]['id']}/complete", headers=w.seller.headers
            ),
            200,
        )
        await sweep(factory, now + timedelta(days=9, minutes=3))
        assert len(await reminders(factory, w.seller, deal_id, "deal_follow_up")) == 2
        # A stage move ends the postponement.
        deal = json_of(await factory.client.get(path, headers=w.seller.headers), 200)
        next_stage = await insert(
            factory.container,
            stages,
            organisation_id=w.org.id,
            funnel_id=uuid.UUID(deal["funnel_id"]),
            name="Переговоры",
            position=1,
            probability=50,
        )
        moved = json_of(await move(factory, w.seller, str(deal_id), str(next_stage)), 200)
        assert moved["follow_up_every_days"] is None
        for task in await reminders(factory, w.seller, deal_id, "deal_follow_up"):
            if task["done_at"] is None:
                json_of(
                    await factory.client.post(
                        f"{API}/tasks/{task['id']}/complete", headers=w.seller.headers
                    ),
                    200,
                )
        await sweep(factory, now + timedelta(days=30))
        assert len(await reminders(factory, w.seller, deal_id, "deal_follow_up")) == 2

    async def test_closing_stops_it_and_the_interval_is_bounded(self, factory: Factory) -> None:
        w = await world(factory)
        deal_id = await make_deal(factory.container, w.org, w.seller.user)
        path = f"{API}/deals/{deal_id}"
        for days in (0, 366, "часто"):
            refused = await factory.client.patch(
                path, json={"follow_up_every_days": days}, headers=w.seller.headers
            )
            assert refused.status_code == 422, days
            assert refused.json()["errors"][0]["loc"] == ["body", "follow_up_every_days"]
        json_of(
            await factory.client.patch(
                path, json={"follow_up_every_days": 1}, headers=w.seller.headers
            ),
            200,
        )
        won = json_of(await factory.client.post(f"{path}/win", headers=w.seller.headers), 200)
        assert won["follow_up_every_days"] is None
        await sweep(factory, datetime.now(UTC) + timedelta(days=5))
        assert await reminders(factory, w.seller, deal_id, "deal_follow_up") == []
        closed = await factory.client.patch(
            path, json={"follow_up_every_days": 2}, headers=w.seller.headers
        )
        assert closed.status_code == 422
        other = await factory.client.patch(
            path, json={"follow_up_every_days": 2}, headers=w.rival.headers
        )
        assert other.status_code == 404


class TestWarranty:
    async def test_reminded_n_days_before_the_end_once_per_end_date(self, factory: Factory) -> None:
        w = await world(factory)
        deal_id = await make_deal(factory.container, w.org, w.seller.user)
        path = f"{API}/deals/{deal_id}"
        ends = today() + timedelta(days=10)
        deal = json_of(
            await factory.client.patch(
                path,
                json={"warranty_ends_on": ends.isoformat(), "warranty_remind_days": 5},
                headers=w.seller.headers,
            ),
            200,
        )
        assert (deal["warranty_ends_on"], deal["warranty_remind_days"]) == (ends.isoformat(), 5)
        now = datetime.now(UTC)
        await sweep(factory, now)
        assert await reminders(factory, w.seller, deal_id, "warranty") == []
        await sweep(factory, now + timedelta(days=6))
        await sweep(factory, now + timedelta(days=7))
        tasks = await reminders(factory, w.seller, deal_id, "warranty")
        assert len(tasks) == 1
        assert ends.isoformat() in tasks[0]["title"]
        # A new end date is reminded of once more.
        later = ends + timedelta(days=365)
        json_of(
            await factory.client.patch(
                path, json={"warranty_ends_on": later.isoformat()}, headers=w.seller.headers
            ),
            200,
        )
        await sweep(factory, now + timedelta(days=8))
        assert len(await reminders(factory, w.seller, deal_id, "warranty")) == 1
        await sweep(factory, now + timedelta(days=372))
        await sweep(factory, now + timedelta(days=373))
        assert len(await reminders(factory, w.seller, deal_id, "warranty")) == 2
        bounded = await factory.client.patch(
            path, json={"warranty_remind_days": 400}, headers=w.seller.headers
        )
        assert bounded.status_code == 422
