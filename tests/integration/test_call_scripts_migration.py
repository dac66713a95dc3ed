"""Migration 0053 (call scripts): scripts:manage for the built-in administrator and head of
sales roles, and a call list's script_id, unchecked until then, now a reference (an id that
names no script is cleared first); the downgrade takes both back."""

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
async def database_at_0052(postgres_server_url: str) -> AsyncIterator[str]:
    name = f"crm_migration_{uuid.uuid4().hex[:12]}"
    await _admin_execute(postgres_server_url, f'CREATE DATABASE "{name}"')
    url = make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(command.upgrade, alembic_config(url), "0052_call_originations")
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


async def test_heads_get_scripts_and_call_lists_reference_them(database_at_0052: str) -> None:
    url = database_at_0052
    org = uuid.uuid4()
    await _run(url, "INSERT INTO organisations (id, name) VALUES (:id, 'Ромашка')", id=org)
    for code, permissions in (("admin", ["users:read"]), ("head_of_sales", []), ("seller", [])):
        await _run(
            url,
            "INSERT INTO roles (id, organisation_id, code, name, permissions) "
            "VALUES (:id, :org, :code, :code, CAST(:perms AS jsonb))",
            id=uuid.uuid4(),
            org=org,
            code=code,
            perms=json.dumps(permissions),
        )
    await _run(
        url,
        "INSERT INTO call_lists (id, organisation_id, name, script_id) "
        "VALUES (:id, :org, 'Обзвон', :script)",
        id=uuid.uuid4(),
        org=org,
        script=uuid.uuid4(),
    )
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0053_call_scripts")
    rows = await _run(url, "SELECT code, permissions, version FROM roles ORDER BY code")
    assert [(r.code, set(r.permissions), r.version) for r in rows] == [
        ("admin", {"users:read", "scripts:manage"}, 2),
        ("head_of_sales", {"scripts:manage"}, 2),
        ("seller", set(), 1),
    ]
    assert [r.script_id for r in await _run(url, "SELECT script_id FROM call_lists")] == [None]
    with pytest.raises(sa.exc.IntegrityError):
        await _run(url, "UPDATE call_lists SET script_id = :s", s=uuid.uuid4())

    await asyncio.to_thread(command.downgrade, alembic_config(url), "0052_call_originations")
    rows = await _run(url, "SELECT code, permissions FROM roles WHERE code = 'admin'")
    assert set(rows[0].permissions) == {"users:read"}
    assert not await _run(url, "SELECT 1 FROM pg_tables WHERE tablename = 'call_scripts'")
