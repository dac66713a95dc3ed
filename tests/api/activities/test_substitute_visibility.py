"""Item 10 (c): while an employee is absent, their substitute sees their clients, deals and
tasks; before and after the absence they do not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from httpx import AsyncClient

from adapters.bootstrap import Container
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
