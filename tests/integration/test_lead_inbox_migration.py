"""Migration 0019 (issue 11, item 10): whoever works deals works the lead inbox, so every role
and API key holding deals:write gets intake:write (a role's version moves on); the others are
left as they were, and the downgrade takes it back."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from alembic import command
from sqlalchemy.engine import make_url

from adapters.db.migrate import alembic_config
from tests.conftest import _admin_execute
from tests.integration.test_conveyor_roles_migration import _permissions, _role, _run


@pytest.fixture
async def database_at_0018(postgres_server_url: str) -> AsyncIterator[str]:
    name = f"crm_migration_{uuid.uuid4().hex[:12]}"
    await _admin_execute(postgres_server_url, f'CREATE DATABASE "{name}"')
    url = make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(command.upgrade, alembic_config(url), "0018")
        yield url
    finally:
        await _admin_execute(postgres_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_roles_and_keys_that_work_deals_get_the_lead_inbox(database_at_0018: str) -> None:
    url = database_at_0018
    org = uuid.uuid4()
    await _run(url, "INSERT INTO organisations (id, name) VALUES (:id, 'Ромашка')", id=org)
    await _role(url, org, "telemarketer", "Телемаркетолог", ["deals:read", "deals:write"])
    await _role(url, org, None, "Наблюдатель", ["deals:read"])
    for name, permissions in (("1С", '["deals:write"]'), ("Отчёты", '["deals:read"]')):
        await _run(
            url,
            "INSERT INTO api_keys (id, organisation_id, name, prefix, key_hash, permissions) "
            "VALUES (:id, :org, :name, :prefix, 'hash', CAST(:perms AS jsonb))",
            id=uuid.uuid4(),
            org=org,
            name=name,
            prefix=uuid.uuid4().hex[:12],
            perms=permissions,
        )

    await asyncio.to_thread(command.upgrade, alembic_config(url), "0019")

    roles = await _permissions(url, "roles")
    assert roles["Телемаркетолог"] == ({"deals:read", "deals:write", "intake:write"}, 2)
    assert roles["Наблюдатель"] == ({"deals:read"}, 1)
    keys = await _permissions(url, "api_keys")
    assert keys["1С"][0] == {"deals:write", "intake:write"}
    assert keys["Отчёты"][0] == {"deals:read"}

    await asyncio.to_thread(command.downgrade, alembic_config(url), "0018")

    roles = await _permissions(url, "roles")
    assert roles["Телемаркетолог"][0] == {"deals:read", "deals:write"}
    assert (await _permissions(url, "api_keys"))["1С"][0] == {"deals:write"}
