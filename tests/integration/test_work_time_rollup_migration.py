"""Migration 0032: the work-time rollup is filled from the events already there (the
backfill), kept by triggers from then on, and the downgrade takes every part of it away."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy.engine import make_url

from adapters.db.migrate import alembic_config
from tests.conftest import _admin_execute
from tests.integration.test_conveyor_roles_migration import _run

# Relations (a table, its key, a composite type) and types, functions and triggers.
_OBJECTS = """
    SELECT relkind::text || ' ' || relname AS name FROM pg_class
    WHERE relname LIKE '%work_time%'
    UNION ALL SELECT 'type ' || typname FROM pg_type WHERE typname LIKE '%work_time%'
    UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE proname LIKE '%work_time%'
    UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgname LIKE '%work_time%'
"""


@pytest.fixture
async def database_at_0031(postgres_server_url: str) -> AsyncIterator[str]:
    name = f"crm_migration_{uuid.uuid4().hex[:12]}"
    await _admin_execute(postgres_server_url, f'CREATE DATABASE "{name}"')
    url = make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(command.upgrade, alembic_config(url), "0031")
        yield url
    finally:
        await _admin_execute(postgres_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _events(url: str) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """An organisation with one employee's call, note, task done and deal moves (its
    creation, a move), and a move by nobody; returns (organisation, employee, deal)."""
    org, role, user, client, funnel, stage, deal = (uuid.uuid4() for _ in range(7))
    statements = [
        ("INSERT INTO organisations (id, name) VALUES (:org, 'Ромашка')", {}),
        (
            "INSERT INTO roles (id, organisation_id, name, permissions) "
            "VALUES (:role, :org, 'Продавец', '[]')",
            {"role": role},
        ),
        (
            "INSERT INTO users (id, organisation_id, email, full_name, role_id) "
            "VALUES (:user, :org, :email, 'Анна', :role)",
            {"user": user, "email": f"{uuid.uuid4().hex}@example.com", "role": role},
        ),
        (
            "INSERT INTO clients (id, organisation_id, kind, name, name_key, responsible_id) "
            "VALUES (:client, :org, 'company', 'Ромашка', 'ромашка', :user)",
            {"client": client, "user": user},
        ),
        (
            "INSERT INTO funnels (id, organisation_id, name) VALUES (:funnel, :org, 'Продажи')",
            {"funnel": funnel},
        ),
        (
            "INSERT INTO stages (id, organisation_id, funnel_id, position, name, probability) "
            "VALUES (:stage, :org, :funnel, 0, 'Заявка', 10)",
            {"stage": stage, "funnel": funnel},
        ),
        (
            "INSERT INTO deals (id, organisation_id, client_id, funnel_id, stage_id, "
            "responsible_id, currency, amount, stage_entered_at, title) "
            "VALUES (:deal, :org, :client, :funnel, :stage, :user, 'RUB', 1, now(), 'Поставка')",
            {"deal": deal, "client": client, "funnel": funnel, "stage": stage, "user": user},
        ),
        (
            "INSERT INTO activities (id, organisation_id, client_id, kind, occurred_at, author_id) "
            "VALUES (gen_random_uuid(), :org, :client, 'call', '2026-11-02 07:15+00', :user), "
            "(gen_random_uuid(), :org, :client, 'note', '2026-11-02 07:20+00', :user)",
            {"client": client, "user": user},
        ),
        (
            "INSERT INTO tasks (id, organisation_id, client_id, title, assignee_id, done_at, "
            "done_by) VALUES (gen_random_uuid(), :org, :client, 'КП', :user, "
            "'2026-11-02 07:40+00', :user)",
            {"client": client, "user": user},
        ),
        (
            "INSERT INTO stage_moves (id, organisation_id, deal_id, kind, to_stage_id, "
            "to_status, at, by_user_id) VALUES "
            "(gen_random_uuid(), :org, :deal, 'created', :stage, 'open', "
            "'2026-11-02 08:00+00', :user), "
            "(gen_random_uuid(), :org, :deal, 'moved', :stage, 'open', "
            "'2026-11-02 08:10+00', :user), "
            "(gen_random_uuid(), :org, :deal, 'moved', :stage, 'open', "
            "'2026-11-02 08:20+00', NULL)",
            {"deal": deal, "stage": stage, "user": user},
        ),
    ]
    for statement, params in statements:
        await _run(url, statement, org=org, **params)
    return org, user, deal


async def test_existing_events_are_counted_and_the_downgrade_leaves_nothing(
    database_at_0031: str,
) -> None:
    url = database_at_0031
    org, user, deal = await _events(url)

    await asyncio.to_thread(command.upgrade, alembic_config(url), "0032")

    query = (
        "SELECT hour_at, user_id, calls, meetings, tasks_done, stage_moves "
        "FROM work_time_hours WHERE organisation_id = :org ORDER BY hour_at"
    )
    rows = [tuple(r) for r in await _run(url, query, org=org)]
    assert rows == [
        (datetime(2026, 11, 2, 7, tzinfo=UTC), user, 1, 0, 1, 0),
        (datetime(2026, 11, 2, 8, tzinfo=UTC), user, 0, 0, 0, 1),
    ]
    # From now on the triggers count: another move in the same hour.
    await _run(
        url,
        "INSERT INTO stage_moves (id, organisation_id, deal_id, kind, to_status, at, by_user_id)"
        " VALUES (gen_random_uuid(), :org, :deal, 'won', 'won', '2026-11-02 08:50+00', :user)",
        org=org,
        deal=deal,
        user=user,
    )
    rows = [tuple(r) for r in await _run(url, query, org=org)]
    assert rows[1] == (datetime(2026, 11, 2, 8, tzinfo=UTC), user, 0, 0, 0, 2)
    assert {r.name for r in await _run(url, _OBJECTS)} == {
        "r work_time_hours",
        "i pk_work_time_hours",
        "c work_time_change",
        # Each with its row type and the array of it.
        *(f"type {a}work_time_{n}" for a in ("", "_") for n in ("hours", "change")),
        "function work_time_apply",
        "function work_time_rebuild",
        *(f"function work_time_on_{t}" for t in ("activities", "tasks", "stage_moves")),
        *(
            f"trigger work_time_{t}_{op}"
            for t in ("activities", "tasks", "stage_moves")
            for op in ("insert", "update", "delete")
        ),
    }

    await asyncio.to_thread(command.downgrade, alembic_config(url), "0031")

    assert await _run(url, _OBJECTS) == []
    # The events themselves are untouched, and writing them needs nothing of the rollup.
    await _run(
        url,
        "DELETE FROM stage_moves WHERE organisation_id = :org AND kind = 'won'",
        org=org,
    )
    left = await _run(url, "SELECT kind FROM stage_moves WHERE organisation_id = :org", org=org)
    assert sorted(r.kind for r in left) == ["created", "moved", "moved"]
