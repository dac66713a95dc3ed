"""The demo organisation: realistic volume, consistent history, and the visibility rules
holding on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import UUID

import pytest_asyncio
import sqlalchemy as sa
from httpx import AsyncClient

from adapters.bootstrap import Container
from adapters.db.tables import metadata
from adapters.seed import (
    CLIENTS,
    DEALS,
    DEMO_ADMIN_EMAIL,
    DEMO_ADMIN_PASSWORD,
    DEMO_STAFF_PASSWORD,
    SeedResult,
    seed_demo,
)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def demo(container: Container) -> AsyncIterator[UUID]:
    result = await seed_demo(container)
    assert result.created
    yield UUID(result.organisation_id)


async def _scalar(container: Container, query: str, org: UUID) -> int:
    async with container.engine.connect() as conn:
        return int(await conn.scalar(sa.text(query), {"org": org}) or 0)


async def _login(client: AsyncClient, email: str, password: str) -> dict[str, str]:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


class TestDemoSeed:
    async def test_it_creates_the_documented_volume_once(
        self, demo: UUID, container: Container
    ) -> None:
        counts = {}
        async with container.engine.connect() as conn:
            for name in ("users", "departments", "funnels", "clients", "deals", "tasks"):
                table = metadata.tables[name]
                counts[name] = await conn.scalar(
                    sa.select(sa.func.count()).where(table.c.organisation_id == demo)
                )
        assert counts["users"] == 12
        assert counts["departments"] == 3
        assert counts["funnels"] == 2
        assert counts["clients"] == CLIENTS
        assert counts["deals"] == DEALS
        assert counts["tasks"] > 1000
        again: SeedResult = await seed_demo(container)
        assert again.created is False
        assert UUID(again.organisation_id) == demo

    async def test_histories_span_the_last_twelve_months_and_end_where_deals_stand(
        self, demo: UUID, container: Container
    ) -> None:
        span_days = await _scalar(
            container,
            "SELECT extract(day FROM max(created_at) - min(created_at)) FROM deals"
            " WHERE organisation_id = :org",
            demo,
        )
        assert span_days >= 300
        mismatched = await _scalar(
            container,
            """
            SELECT count(*) FROM deals d
            JOIN LATERAL (
                SELECT to_stage_id FROM stage_moves m
                WHERE m.organisation_id = d.organisation_id AND m.deal_id = d.id
                ORDER BY m.at DESC, m.kind = 'moved' LIMIT 1
            ) last ON true
            WHERE d.organisation_id = :org AND last.to_stage_id <> d.stage_id
            """,
            demo,
        )
        assert mismatched == 0

    async def test_relationship_types_agree_with_the_deals(
        self, demo: UUID, container: Container
    ) -> None:
        wrong = await _scalar(
            container,
            """
            SELECT count(*) FROM clients c
            LEFT JOIN LATERAL (
                SELECT count(*) FILTER (WHERE status = 'won') AS won,
                       count(*) FILTER (WHERE status = 'open') AS open
                FROM deals WHERE organisation_id = c.organisation_id AND client_id = c.id
            ) d ON true
            WHERE c.organisation_id = :org AND c.relationship_type <> CASE
                WHEN d.won > 1 THEN 'permanent' WHEN d.won = 1 THEN 'current'
                WHEN d.open > 0 THEN 'potential' ELSE 'cold' END
            """,
            demo,
        )
        assert wrong == 0

    async def test_a_seller_sees_only_their_own_deals_and_the_head_sees_the_team(
        self, demo: UUID, client: AsyncClient
    ) -> None:
        seller = await _login(client, "a.sidorov@example.com", DEMO_STAFF_PASSWORD)
        me = (await client.get("/api/v1/users/me", headers=seller)).json()
        page = (await client.get("/api/v1/deals?limit=200", headers=seller)).json()
        assert page["items"]
        assert {d["responsible_id"] for d in page["items"]} == {me["id"]}
        head = await _login(client, "i.petrova@example.com", DEMO_STAFF_PASSWORD)
        team = (await client.get("/api/v1/deals?limit=200", headers=head)).json()
        assert len({d["responsible_id"] for d in team["items"]}) > 1

    async def test_the_admin_finds_clients_by_a_cyrillic_fragment(
        self, demo: UUID, client: AsyncClient
    ) -> None:
        admin = await _login(client, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD)
        found = await client.get("/api/v1/clients", params={"q": "сибирь"}, headers=admin)
        assert found.status_code == 200
        assert found.json()["items"]
        assert all("сибирь" in c["name"].lower() for c in found.json()["items"])
