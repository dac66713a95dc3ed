"""The demo organisation: realistic volume, consistent history, and the visibility rules
holding on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest_asyncio
import sqlalchemy as sa
from httpx import AsyncClient

from adapters.bootstrap import Container
from adapters.db.tables import metadata
from adapters.seed import (
    CALL_LIST_SIZE,
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

    async def test_sellers_won_deals_carry_invoices_mostly_paid_and_consistent(
        self, demo: UUID, container: Container
    ) -> None:
        paid = await _scalar(
            container,
            "SELECT count(*) FROM invoices WHERE organisation_id = :org AND status = 'paid'",
            demo,
        )
        unpaid = await _scalar(
            container,
            "SELECT count(*) FROM invoices WHERE organisation_id = :org AND status <> 'paid'",
            demo,
        )
        assert paid > unpaid > 0
        # Every invoice is on a won deal, and its status is what its payments say.
        inconsistent = await _scalar(
            container,
            """
            SELECT count(*) FROM invoices i
            JOIN deals d ON d.organisation_id = i.organisation_id AND d.id = i.deal_id
            LEFT JOIN LATERAL (
                SELECT coalesce(sum(p.amount), 0) AS paid, max(p.paid_on) AS last
                FROM invoice_payments p
                WHERE p.organisation_id = i.organisation_id AND p.invoice_id = i.id
            ) p ON true
            WHERE i.organisation_id = :org AND (
                d.status <> 'won'
                OR i.status <> CASE WHEN p.paid = 0 THEN 'issued'
                                    WHEN p.paid < i.amount THEN 'partly_paid' ELSE 'paid' END
                OR i.paid_on IS DISTINCT FROM CASE WHEN p.paid >= i.amount THEN p.last END
            )
            """,
            demo,
        )
        assert inconsistent == 0

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

    async def test_deals_close_at_the_pace_of_the_year_not_all_just_before_seeding(
        self, demo: UUID, container: Container
    ) -> None:
        # A history that would run past now stays open where it stands by now, so the last
        # fortnight closes about as many deals as an average fortnight of the year.
        last, average = await _pace(container, demo)
        assert average > 0
        assert last < 2 * average, (last, average)

    async def test_last_purchases_agree_with_the_won_deals_and_some_clients_sleep(
        self, demo: UUID, container: Container
    ) -> None:
        wrong = await _scalar(
            container,
            """
            SELECT count(*) FROM clients c
            WHERE c.organisation_id = :org AND c.last_purchase_at IS DISTINCT FROM (
                SELECT max(closed_at) FROM deals
                WHERE organisation_id = c.organisation_id AND client_id = c.id
                    AND status = 'won')
            """,
            demo,
        )
        assert wrong == 0
        sleeping = await _scalar(
            container,
            """
            SELECT count(*) FROM clients WHERE organisation_id = :org
                AND relationship_type IN ('current', 'permanent')
                AND last_purchase_at < now() - interval '90 days'
            """,
            demo,
        )
        assert sleeping > 10

    async def test_the_work_time_rollup_counts_every_seeded_event(
        self, demo: UUID, container: Container
    ) -> None:
        # The seed writes its events with plain inserts: the triggers count them as they go,
        # to the very rows work_time_rebuild makes of them (rolled back afterwards).
        query = sa.text(
            "SELECT hour_at, user_id, calls, meetings, tasks_done, stage_moves "
            "FROM work_time_hours WHERE organisation_id = :org "
            "AND (calls, meetings, tasks_done, stage_moves) <> (0, 0, 0, 0)"
        )
        async with container.engine.connect() as conn:
            kept = {tuple(r) for r in await conn.execute(query, {"org": demo})}
        async with container.engine.connect() as conn, conn.begin() as transaction:
            await conn.execute(sa.text("SELECT work_time_rebuild(:org)"), {"org": demo})
            rebuilt = {tuple(r) for r in await conn.execute(query, {"org": demo})}
            await transaction.rollback()
        assert len(kept) > 100
        assert kept == rebuilt

    async def test_lately_closed_deals_have_surveys_and_some_answers(
        self, demo: UUID, container: Container
    ) -> None:
        answered = await _scalar(
            container,
            "SELECT count(*) FROM surveys WHERE organisation_id = :org AND score IS NOT NULL",
            demo,
        )
        unanswered = await _scalar(
            container,
            "SELECT count(*) FROM surveys WHERE organisation_id = :org AND score IS NULL",
            demo,
        )
        assert answered > 20
        assert unanswered > 20

    async def test_the_heads_karma_is_the_mean_of_their_teams(
        self, demo: UUID, client: AsyncClient
    ) -> None:
        admin = await _login(client, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD)
        today = datetime.now(ZoneInfo("Europe/Moscow")).date()
        last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        response = await client.get(
            "/api/v1/karma/employees", params={"month": last_month.isoformat()}, headers=admin
        )
        assert response.status_code == 200, response.text
        karma = {r["name"]: Decimal(r["score"]) for r in response.json()["items"]}
        # The head of sales: her sellers, and the heads of the two departments below.
        team = ["Алексей Сидоров", "Олена Коваленко", "Дмитрий Морозов"]
        team += ["Мария Иванова", "Николай Новиков"]
        mean = (sum(karma[name] for name in team) / len(team)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        assert karma["Ирина Петрова"] == mean
        assert karma["Николай Новиков"] == (
            (karma["Елена Соколова"] + karma["Павел Волков"]) / 2
        ).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert any(karma[name] != 0 for name in team)

    async def test_clients_have_karma_from_their_seeded_history(
        self, demo: UUID, container: Container
    ) -> None:
        scored = await _scalar(
            container,
            "SELECT count(*) FROM karma_scores WHERE organisation_id = :org AND score <> 0",
            demo,
        )
        assert scored > 100

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

    async def test_the_head_hears_the_sellers_calls_to_review(
        self, demo: UUID, client: AsyncClient
    ) -> None:
        head = await _login(client, "i.petrova@example.com", DEMO_STAFF_PASSWORD)
        listed = await client.get("/api/v1/intake/calls?reviewed=false", headers=head)
        assert listed.status_code == 200, listed.text
        team_calls = listed.json()["items"]
        assert len(team_calls) >= 20
        assert len({c["employee_id"] for c in team_calls}) > 1
        assert all(c["deal_id"] and c["client_number"] for c in team_calls)
        seller = await _login(client, "a.sidorov@example.com", DEMO_STAFF_PASSWORD)
        me = (await client.get("/api/v1/users/me", headers=seller)).json()
        own = (await client.get("/api/v1/intake/calls", headers=seller)).json()["items"]
        assert {c["employee_id"] for c in own} == {me["id"]}

    async def test_the_admin_finds_clients_by_a_cyrillic_fragment(
        self, demo: UUID, client: AsyncClient
    ) -> None:
        admin = await _login(client, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD)
        found = await client.get("/api/v1/clients", params={"q": "сибирь"}, headers=admin)
        assert found.status_code == 200
        assert found.json()["items"]
        assert all("сибирь" in c["name"].lower() for c in found.json()["items"])

    async def test_the_sellers_have_plans_for_this_month_and_the_leaderboard_ranks_them(
        self, demo: UUID, client: AsyncClient
    ) -> None:
        seller = await _login(client, "a.sidorov@example.com", DEMO_STAFF_PASSWORD)
        plans = (await client.get("/api/v1/kpi/plans", headers=seller)).json()["items"]
        assert {p["metric"] for p in plans} == {"turnover", "won_deals", "calls", "meetings"}
        period = {"period": "month", "start": plans[0]["period_start"]}
        mine = (await client.get("/api/v1/kpi/fulfilment", params=period, headers=seller)).json()
        assert len(mine["employees"]) == 1
        board = (await client.get("/api/v1/kpi/leaderboard", params=period, headers=seller)).json()
        assert len(board["items"]) == 4  # the three sellers and their head
        head = await _login(client, "i.petrova@example.com", DEMO_STAFF_PASSWORD)
        team = (await client.get("/api/v1/kpi/fulfilment", params=period, headers=head)).json()
        sales = next(d for d in team["departments"] if d["department_id"] is None)
        turnover = next(m for m in sales["metrics"] if m["metric"] == "turnover")
        assert turnover["plan"] == "7500000.00"

    async def test_a_telemarketer_has_an_active_call_list_of_cold_clients(
        self, demo: UUID, client: AsyncClient
    ) -> None:
        headers = await _login(client, "m.ivanova@example.com", DEMO_STAFF_PASSWORD)
        lists = (await client.get("/api/v1/call-lists", headers=headers)).json()["items"]
        assert len(lists) == 1
        assert lists[0]["status"] == "active"
        assert lists[0]["progress"]["total"] == CALL_LIST_SIZE
        assert len(lists[0]["assignee_ids"]) == 2
        card = (
            await client.post(f"/api/v1/call-lists/{lists[0]['id']}/next", headers=headers)
        ).json()["card"]
        assert card["client_name"]


async def _pace(container: Container, org: UUID) -> tuple[float, float]:
    """Deals closed in the last 14 days, and per 14 days over the 50 weeks before them."""
    async with container.engine.connect() as conn:
        row = (
            await conn.execute(
                sa.text(
                    """
                    SELECT count(*) FILTER (WHERE closed_at >= now() - interval '14 days'),
                           count(*) FILTER (WHERE closed_at < now() - interval '14 days'
                                            AND closed_at >= now() - interval '364 days') / 25.0
                    FROM deals WHERE organisation_id = :org AND status <> 'open'
                    """
                ),
                {"org": org},
            )
        ).one()
    return float(row[0]), float(row[1])
