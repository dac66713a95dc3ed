"""Migration 0034: the funnel analytics' cohort rollup is filled from the deals and stage moves
already there (the backfill), in each organisation's days, kept by triggers from then on, and
the downgrade takes every part of it away."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.db.migrate import alembic_config
from tests.api.analytics.rollup_support import Rows, rollup_rows
from tests.api.analytics.support import FUNNEL_ROLLUP
from tests.conftest import _admin_execute
from tests.integration.test_conveyor_roles_migration import _run

# Relations (tables, keys, the open deals' index, the change type), types, functions, triggers.
_OBJECTS = """
    SELECT relkind::text || ' ' || relname AS name FROM pg_class
    WHERE relname LIKE '%funnel_cohort%' OR relname LIKE '%funnel_rollup%'
       OR relname = 'ix_deals_cohort_open'
    UNION ALL SELECT 'type ' || typname FROM pg_type WHERE typname LIKE '%funnel_rollup%'
    UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE proname LIKE 'funnel_rollup%'
    UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgname LIKE 'funnel_rollup%'
"""
_STAGES = """
    SELECT is_month, bucket, stage_id, reached, stays, stay_seconds FROM funnel_cohort_stages
    WHERE organisation_id = :org AND (reached, stays) <> (0, 0)
    ORDER BY is_month, bucket, reached DESC, stays DESC
"""


@pytest.fixture
async def database_at_0033(postgres_server_url: str) -> AsyncIterator[str]:
    name = f"crm_migration_{uuid.uuid4().hex[:12]}"
    await _admin_execute(postgres_server_url, f'CREATE DATABASE "{name}"')
    url = make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(command.upgrade, alembic_config(url), "0033")
        yield url
    finally:
        await _admin_execute(postgres_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _funnel(url: str) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID, uuid.UUID]:
    """An organisation in Kolkata (UTC+05:30) with a funnel A → B and two deals created at
    20:00 UTC on 31 October (1 November there): one went to B after an hour and was won after
    two more, the other is open in A. Returns (organisation, A, B, a deal)."""
    org, role, user, client, funnel, a, b, won, open_ = (uuid.uuid4() for _ in range(9))
    statements = [
        "INSERT INTO organisations (id, name, time_zone) VALUES (:org, 'Ромашка', 'Asia/Kolkata')",
        "INSERT INTO roles (id, organisation_id, name, permissions) "
        "VALUES (:role, :org, 'Продавец', '[]')",
        "INSERT INTO users (id, organisation_id, email, full_name, role_id) "
        "VALUES (:user, :org, :email, 'Анна', :role)",
        "INSERT INTO clients (id, organisation_id, kind, name, name_key, responsible_id) "
        "VALUES (:client, :org, 'company', 'Ромашка', 'ромашка', :user)",
        "INSERT INTO funnels (id, organisation_id, name) VALUES (:funnel, :org, 'Продажи')",
        "INSERT INTO stages (id, organisation_id, funnel_id, position, name, probability) "
        "VALUES (:a, :org, :funnel, 0, 'A', 10), (:b, :org, :funnel, 1, 'B', 50)",
        "INSERT INTO deals (id, organisation_id, client_id, funnel_id, stage_id, responsible_id, "
        "currency, amount, stage_entered_at, title, status, closed_at, created_at) VALUES "
        "(:won, :org, :client, :funnel, :b, :user, 'RUB', 700, :created, 'Поставка', 'won', "
        "'2026-10-31 23:00+00', :created), "
        "(:open, :org, :client, :funnel, :a, :user, 'RUB', 300, :created, 'Монтаж', 'open', "
        "NULL, :created)",
        "INSERT INTO stage_moves (id, organisation_id, deal_id, kind, from_stage_id, "
        "to_stage_id, from_status, to_status, seconds_in_previous, at) VALUES "
        "(gen_random_uuid(), :org, :won, 'created', NULL, :a, NULL, 'open', NULL, :created), "
        "(gen_random_uuid(), :org, :won, 'moved', :a, :b, 'open', 'open', 3600, "
        "'2026-10-31 21:00+00'), "
        "(gen_random_uuid(), :org, :won, 'won', :b, :b, 'open', 'won', 7200, "
        "'2026-10-31 23:00+00'), "
        "(gen_random_uuid(), :org, :open, 'created', NULL, :a, NULL, 'open', NULL, :created)",
    ]
    params = {
        "org": org,
        "role": role,
        "user": user,
        "email": f"{uuid.uuid4().hex}@example.com",
        "client": client,
        "funnel": funnel,
        "a": a,
        "b": b,
        "won": won,
        "open": open_,
        "created": datetime(2026, 10, 31, 20, tzinfo=UTC),
    }
    for statement in statements:
        names = {k: v for k, v in params.items() if f":{k}" in statement}
        await _run(url, statement, **names)
    return org, a, b, won


async def _rollup(url: str, org: uuid.UUID) -> Rows:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await rollup_rows(conn, org, FUNNEL_ROLLUP)
    finally:
        await engine.dispose()


async def test_existing_deals_are_rolled_up_and_the_downgrade_leaves_nothing(
    database_at_0033: str,
) -> None:
    url = database_at_0033
    org, a, b, won = await _funnel(url)

    await asyncio.to_thread(command.upgrade, alembic_config(url), "0034")

    first = date(2026, 11, 1)
    # The day and the month of 1 November in Kolkata: both deals reached A (one stay in it
    # ended, an hour), the won one B (two hours).
    assert [tuple(r) for r in await _run(url, _STAGES, org=org)] == [
        (False, first, a, 2, 1, 3600),
        (False, first, b, 1, 1, 7200),
        (True, first, a, 2, 1, 3600),
        (True, first, b, 1, 1, 7200),
    ]
    # The backfill is the rebuild: run again, it writes the same rows, no more.
    backfilled = await _rollup(url, org)
    await _run(url, "SELECT funnel_rollup_rebuild(:org)", org=org)
    assert await _rollup(url, org) == backfilled

    # From now on the triggers count: the open deal moves to B after half an hour.
    await _run(
        url,
        "INSERT INTO stage_moves (id, organisation_id, deal_id, kind, from_stage_id, "
        "to_stage_id, from_status, to_status, seconds_in_previous, at) SELECT "
        "gen_random_uuid(), :org, id, 'moved', :a, :b, 'open', 'open', 1800, "
        "'2026-10-31 20:30+00' FROM deals WHERE organisation_id = :org AND id <> :won",
        org=org,
        a=a,
        b=b,
        won=won,
    )
    stages = [tuple(r) for r in await _run(url, _STAGES, org=org)]
    assert stages[:2] == [(False, first, a, 2, 2, 5400), (False, first, b, 2, 1, 7200)]

    assert {
        "r funnel_cohort_deals",
        "r funnel_cohort_stages",
        "r funnel_cohort_bins",
        "i ix_deals_cohort_open",
        "type funnel_rollup_change",
        "function funnel_rollup_rebuild",
        "trigger funnel_rollup_rezone",
    } <= {r.name for r in await _run(url, _OBJECTS)}

    await asyncio.to_thread(command.downgrade, alembic_config(url), "0033")

    assert await _run(url, _OBJECTS) == []
    # The deals and their moves are untouched, and writing them needs nothing of the rollup.
    await _run(
        url, "DELETE FROM deals WHERE organisation_id = :org AND id = :won", org=org, won=won
    )
    left = await _run(url, "SELECT kind FROM stage_moves WHERE organisation_id = :org", org=org)
    assert sorted(r.kind for r in left) == ["created", "moved"]
