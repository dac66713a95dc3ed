"""Migration 0048 gives existing organisations' roles the complaints (issue 14, part 6):
complaints:read where a role reads deals, complaints:write where it changes them, and the
complaints seen as far as the role sees deals."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.db.migrate import alembic_config
from tests.conftest import _admin_execute


@pytest.fixture
async def database_at_0047(postgres_server_url: str) -> AsyncIterator[str]:
    name = f"crm_migration_{uuid.uuid4().hex[:12]}"
    await _admin_execute(postgres_server_url, f'CREATE DATABASE "{name}"')
    url = make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(command.upgrade, alembic_config(url), "0047_onec_gaps")
        yield url
    finally:
        await _admin_execute(postgres_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _run(url: str, statement: str, **params: object) -> list[sa.Row[Any]]:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            result = await conn.execute(sa.text(statement), params)
            return list(result) if result.returns_rows else []
    finally:
        await engine.dispose()


async def test_roles_get_complaints_as_far_as_they_reach_deals(database_at_0047: str) -> None:
    url = database_at_0047
    org = uuid.uuid4()
    await _run(url, "INSERT INTO organisations (id, name) VALUES (:id, 'Ромашка')", id=org)
    for name, permissions, visibility in (
        ("Продавец", ["deals:read", "deals:write"], {"deals": "own", "clients": "own"}),
        ("Юрист", ["deals:read"], {"deals": "all"}),
        ("Маркетолог", ["clients:read"], {}),
    ):
        await _run(
            url,
            "INSERT INTO roles (id, organisation_id, name, permissions, visibility) "
            "VALUES (:id, :org, :name, CAST(:perms AS jsonb), CAST(:vis AS jsonb))",
            id=uuid.uuid4(),
            org=org,
            name=name,
            perms=json.dumps(permissions),
            vis=json.dumps(visibility),
        )
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0048_complaints")
    rows = await _run(url, "SELECT name, permissions, visibility, version FROM roles")
    roles = {r.name: (set(r.permissions), r.visibility, r.version) for r in rows}
    assert roles["Продавец"] == (
        {"deals:read", "deals:write", "complaints:read", "complaints:write"},
        {"deals": "own", "clients": "own", "complaints": "own"},
        3,
    )
    assert roles["Юрист"] == (
        {"deals:read", "complaints:read"},
        {"deals": "all", "complaints": "all"},
        2,
    )
    assert roles["Маркетолог"] == ({"clients:read"}, {}, 1)
    await asyncio.to_thread(command.downgrade, alembic_config(url), "0047_onec_gaps")
    rows = await _run(url, "SELECT name, permissions, visibility FROM roles WHERE name = 'Юрист'")
    assert (set(rows[0].permissions), rows[0].visibility) == ({"deals:read"}, {"deals": "all"})
