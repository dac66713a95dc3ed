"""Sleeping clients through HTTP and the daily sweep (issue 12, item 5): current and permanent
clients with no purchase for longer than their limit (the organisation's, or their segment's),
listed for who sees them; the sweep gives each sleep one reactivation task for the client's
responsible, and a new purchase wakes the client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from adapters.db.tables.clients import clients
from adapters.db.tables.deals import deals
from adapters.worker.jobs.retention import sweep_retention
from domain.shared.clock import FixedClock
from tests.api.attachments.support import API, world
from tests.api.deals.support import json_of
from tests.api.retention.support import bought_at, get, sale, tag
from tests.factories import Factory, Session
from tests.worker import drain_queue


async def sleeping(factory: Factory, session: Session, **params: Any) -> list[str]:
    page = await get(factory, session, "sleeping", **params)
    return [item["client_id"] for item in page["items"]]


async def reactivation_tasks(factory: Factory, session: Session, client_id: Any) -> list[Any]:
    response = await factory.client.get(
        f"{API}/tasks", params={"client_id": str(client_id)}, headers=session.headers
    )
    return [t for t in json_of(response, 200)["items"] if t["title"].startswith("Реактивировать")]


class TestSleepingClients:
    async def test_a_won_deal_is_the_clients_last_purchase(self, factory: Factory) -> None:
        w = await world(factory)
        client, deal = await sale(factory, w.org, w.seller)
        async with factory.container.engine.connect() as conn:
            closed = await conn.scalar(sa.select(deals.c.closed_at).where(deals.c.id == deal))
            last = await conn.scalar(
                sa.select(clients.c.last_purchase_at).where(clients.c.id == client)
            )
            kind = await conn.scalar(
                sa.select(clients.c.relationship_type).where(clients.c.id == client)
            )
        assert closed is not None
        assert last == closed
        assert kind == "current"
        # Reopening the only won deal leaves the client with no purchase.
        json_of(
            await factory.client.post(f"{API}/deals/{deal}/reopen", headers=w.seller.headers), 200
        )
        async with factory.container.engine.connect() as conn:
            last = await conn.scalar(
                sa.select(clients.c.last_purchase_at).where(clients.c.id == client)
            )
        assert last is None

    async def test_clients_past_their_limit_are_listed_for_who_sees_them(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        now = datetime.now(UTC)
        long_ago, _ = await sale(factory, w.org, w.seller)
        await bought_at(factory.container, long_ago, now - timedelta(days=120))
        lately, _ = await sale(factory, w.org, w.seller)
        await bought_at(factory.container, lately, now - timedelta(days=80))
        # A wholesale client sleeps after 60 days: 70 days is too long for it.
        wholesale, _ = await sale(factory, w.org, w.seller)
        await bought_at(factory.container, wholesale, now - timedelta(days=70))
        await tag(factory.container, wholesale, "Опт", "Москва")
        rivals, _ = await sale(factory, w.org, w.rival)
        await bought_at(factory.container, rivals, now - timedelta(days=200))
        assert await sleeping(factory, w.seller) == [str(long_ago)]
        json_of(
            await factory.client.put(
                f"{API}/retention/settings",
                json={
                    "abc_a_share": "80",
                    "abc_b_share": "15",
                    "sleeping_days": 90,
                    "sleeping_days_by_segment": {"Опт": 60},
                },
                headers=w.admin.headers,
            ),
            200,
        )
        page = await get(factory, w.seller, "sleeping")
        assert [(i["client_id"], i["sleeping_days"]) for i in page["items"]] == [
            (str(long_ago), 90),
            (str(wholesale), 60),
        ]
        assert page["items"][0]["days_without_purchase"] >= 120
        assert await sleeping(factory, w.seller, segment="Опт") == [str(wholesale)]
        assert await sleeping(factory, w.admin) == [str(rivals), str(long_ago), str(wholesale)]
        assert await sleeping(factory, w.rival) == [str(rivals)]
        assert await sleeping(factory, w.outsider) == []
        first = await get(factory, w.admin, "sleeping", limit=2)
        rest = await get(factory, w.admin, "sleeping", limit=2, cursor=first["next_cursor"])
        assert [i["client_id"] for i in rest["items"]] == [str(wholesale)]

    async def test_rows_name_their_responsible_and_the_total_counts_every_page(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        now = datetime.now(UTC)
        ours = []
        for days in (150, 130, 110):
            client, _ = await sale(factory, w.org, w.seller)
            await bought_at(factory.container, client, now - timedelta(days=days))
            ours.append(str(client))
        rivals, _ = await sale(factory, w.org, w.rival)
        await bought_at(factory.container, rivals, now - timedelta(days=140))
        await tag(factory.container, rivals, "Опт")
        # Awake: bought lately, so neither listed nor counted.
        await sale(factory, w.org, w.seller)

        first = await get(factory, w.admin, "sleeping", limit=2)
        assert first["total"] == 4
        assert [(i["client_id"], i["responsible_name"]) for i in first["items"]] == [
            (ours[0], w.seller.user.full_name),
            (str(rivals), w.rival.user.full_name),
        ]
        rest = await get(factory, w.admin, "sleeping", limit=2, cursor=first["next_cursor"])
        assert rest["total"] == 4
        assert [i["responsible_name"] for i in rest["items"]] == [w.seller.user.full_name] * 2
        assert rest["next_cursor"] is None
        # The total follows the filters and what the caller sees.
        assert (await get(factory, w.admin, "sleeping", segment="Опт"))["total"] == 1
        assert (await get(factory, w.admin, "sleeping", responsible_id=w.seller.user.id))[
            "total"
        ] == 3
        assert (await get(factory, w.seller, "sleeping"))["total"] == 3
        assert (await get(factory, w.rival, "sleeping"))["total"] == 1
        assert (await get(factory, w.outsider, "sleeping"))["total"] == 0

    async def test_the_sweep_wakes_each_sleep_once_with_a_task_for_the_responsible(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        client, _ = await sale(factory, w.org, w.seller)
        now = datetime.now(UTC)
        await sweep_retention(factory.container, FixedClock(now + timedelta(days=30)))
        assert await reactivation_tasks(factory, w.seller, client) == []
        later = now + timedelta(days=91)
        await sweep_retention(factory.container, FixedClock(later))
        await sweep_retention(factory.container, FixedClock(later + timedelta(days=1)))
        tasks = await reactivation_tasks(factory, w.seller, client)
        assert len(tasks) == 1
        assert tasks[0]["assignee_id"] == str(w.seller.user.id)
        # The sweep's tasks wait on the today screen: nobody gets a notice (a toast) for each.
        await drain_queue(factory.container)
        told = await factory.client.get(f"{API}/notifications", headers=w.seller.headers)
        assert [n for n in json_of(told, 200)["items"] if n["kind"] == "assignment"] == []
        # A new purchase (now) ends the sleep; the next one is woken again, once.
        await sale(factory, w.org, w.seller, client_id=client)
        await sweep_retention(factory.container, FixedClock(now + timedelta(days=60)))
        assert len(await reactivation_tasks(factory, w.seller, client)) == 1
        await sweep_retention(factory.container, FixedClock(now + timedelta(days=200)))
        assert len(await reactivation_tasks(factory, w.seller, client)) == 2
