"""Item 10 (c): while an employee is absent, their substitute sees their clients, deals and
tasks; before and after the absence they do not."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from httpx import AsyncClient

from adapters.bootstrap import Container
from adapters.db.tables.staff import organisations
from domain.auth.loading import load_principal
from domain.shared.clock import FixedClock
from domain.staff.permissions import Resource
from tests.api.activities.support import absence, client_of, deal_of, world
from tests.factories import Factory


class TestSubstituteVisibility:
    async def test_substitute_sees_clients_deals_and_tasks_only_during_the_absence(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        client_id = await client_of(container, w.org, w.colleague)
        deal_id = await deal_of(container, w.org, client_id, w.colleague)
        task = await client.post(
            "/api/v1/tasks",
            json={"title": "Счёт", "deal_id": str(deal_id)},
            headers=w.colleague_s.headers,
        )
        paths = [
            f"/api/v1/clients/{client_id}",
            f"/api/v1/deals/{deal_id}",
            f"/api/v1/tasks/{task.json()['id']}",
        ]
        headers = w.other_team_s.headers
        for path in paths:
            assert (await client.get(path, headers=headers)).status_code == 404, path
        today = datetime.now(UTC).date()
        await absence(
            container,
            w.org,
            w.colleague,
            w.other_team,
            starts_on=today + timedelta(days=10),
            ends_on=today + timedelta(days=12),
        )
        for path in paths:  # a future absence grants nothing yet
            assert (await client.get(path, headers=headers)).status_code == 404, path
        await absence(
            container, w.org, w.colleague, w.other_team, ends_on=today + timedelta(days=2)
        )
        for path in paths:
            assert (await client.get(path, headers=headers)).status_code == 200, path
        listed = await client.get("/api/v1/tasks", params={"mine": "false"}, headers=headers)
        assert task.json()["id"] in [t["id"] for t in listed.json()["items"]]


class TestSubstitutionDay:
    """Whom a substitute stands in for is decided on the organisation's calendar day by the
    injected clock, not on the database's (UTC) date."""

    async def test_substitute_sees_records_on_the_absence_days_of_the_organisations_zone(
        self, factory: Factory, container: Container
    ) -> None:
        w = await world(factory)
        async with container.engine.begin() as conn:
            await conn.execute(
                sa.update(organisations)
                .where(organisations.c.id == w.org.id)
                .values(time_zone="Asia/Vladivostok")  # UTC+10, no daylight saving
            )
        client_id = await client_of(container, w.org, w.colleague)
        deal_id = await deal_of(container, w.org, client_id, w.colleague)
        day = datetime.now(UTC).date() + timedelta(days=1)
        await absence(container, w.org, w.colleague, w.other_team, starts_on=day, ends_on=day)
        midnight_utc = datetime.combine(day, time(), tzinfo=UTC)

        async def sees(at: datetime) -> tuple[bool, bool]:
            async with container.uow() as uow:
                principal = await load_principal(
                    uow, w.other_team.id, w.org.id, clock=FixedClock(at)
                )
                client = await uow.clients.get(principal.scope_for(Resource.CLIENTS), client_id)
                deal = await uow.deals.get(principal.scope_for(Resource.DEALS), deal_id)
                return client is not None, deal is not None

        # The evening before in UTC is already the absence's morning in Vladivostok.
        assert await sees(midnight_utc - timedelta(hours=4)) == (True, True)
        assert await sees(midnight_utc + timedelta(hours=13)) == (True, True)
        # Still the absence's day in UTC, but the next day in Vladivostok: no longer.
        assert await sees(midnight_utc + timedelta(hours=15)) == (False, False)
        # The day before in Vladivostok.
        assert await sees(midnight_utc - timedelta(hours=11)) == (False, False)
