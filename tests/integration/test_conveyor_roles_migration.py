"""Migration 0015 gives existing organisations the conveyor roles (issue 10, item 12): the
lawyer comments and attaches, the marketer creates clients and leads, and no role or API key
loses what it could do when commenting and attaching became permissions of their own."""

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
async def database_at_0014(postgres_server_url: str) -> AsyncIterator[str]:
    name = f"crm_migration_{uuid.uuid4().hex[:12]}"
    await _admin_execute(postgres_server_url, f'CREATE DATABASE "{name}"')
    url = make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(command.upgrade, alembic_config(url), "0014")
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


async def _role(url: str, org: uuid.UUID, code: str | None, name: str, perms: list[str]) -> None:
    await _run(
        url,
        "INSERT INTO roles (id, organisation_id, code, name, permissions) "
        "VALUES (:id, :org, :code, :name, CAST(:perms AS jsonb))",
        id=uuid.uuid4(),
        org=org,
        code=code,
        name=name,
        perms=json.dumps(perms),
    )


async def _permissions(url: str, table: str) -> dict[str, tuple[set[str], int | None]]:
    version = "version" if table == "roles" else "NULL AS version"
    rows = await _run(url, f"SELECT name, permissions, {version} FROM {table}")  # noqa: S608
    return {row.name: (set(row.permissions), row.version) for row in rows}


async def test_existing_roles_and_keys_keep_their_reach_and_the_conveyor_roles_widen(
    database_at_0014: str,
) -> None:
    url = database_at_0014
    org = uuid.uuid4()
    await _run(url, "INSERT INTO organisations (id, name) VALUES (:id, 'Ромашка')", id=org)
    await _role(url, org, "lawyer", "Юрист", ["users:read", "clients:read", "deals:read"])
    await _role(url, org, "marketer", "Маркетолог", ["users:read", "clients:read"])
    await _role(url, org, "seller", "Продавец", ["deals:read", "deals:write", "tasks:write"])
    await _role(url, org, None, "Наблюдатель", ["deals:read"])
    await _run(
        url,
        "INSERT INTO api_keys (id, organisation_id, name, prefix, key_hash, permissions) "
        "VALUES (:id, :org, '1С', :prefix, 'hash', '[\"clients:write\", \"tasks:write\"]')",
        id=uuid.uuid4(),
        org=org,
        prefix=uuid.uuid4().hex[:12],
    )

    await asyncio.to_thread(command.upgrade, alembic_config(url), "0015")

    roles = await _permissions(url, "roles")
    assert roles["Юрист"] == (
        {"users:read", "clients:read", "deals:read", "comments:write", "attachments:write"},
        3,
    )
    assert roles["Маркетолог"][0] == {"users:read", "clients:read", "clients:write", "leads:create"}
    assert roles["Продавец"][0] == {
        "deals:read",
        "deals:write",
        "tasks:write",
        "comments:write",
        "attachments:write",
    }
    # A role that could neither comment nor attach still cannot, and is left untouched.
    assert roles["Наблюдатель"] == ({"deals:read"}, 1)
    keys = await _permissions(url, "api_keys")
    assert keys["1С"][0] == {"clients:write", "tasks:write", "comments:write", "attachments:write"}

    await asyncio.to_thread(command.downgrade, alembic_config(url), "0014")

    roles = await _permissions(url, "roles")
    assert roles["Юрист"][0] == {"users:read", "clients:read", "deals:read"}
    assert roles["Продавец"][0] == {"deals:read", "deals:write", "tasks:write"}
    assert (await _permissions(url, "api_keys"))["1С"][0] == {"clients:write", "tasks:write"}
