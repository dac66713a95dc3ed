"""Pooled connections are pinged only after sitting idle, and a dead one is replaced then."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.db.pool import ping_when_idle

EngineMaker = Callable[[float], AsyncEngine]


@pytest.fixture
async def engines(database_url: str) -> AsyncIterator[EngineMaker]:
    made: list[AsyncEngine] = []

    def make(idle_seconds: float) -> AsyncEngine:
        # One pooled connection, so the second checkout gets the first one back.
        engine = create_async_engine(database_url, pool_size=1, max_overflow=0)
        ping_when_idle(engine, idle_seconds)
        made.append(engine)
        return engine

    yield make
    for engine in made:
        await engine.dispose()


async def _pid_after_terminating_it(engine: AsyncEngine, other: AsyncEngine) -> int:
    """Uses the pooled connection once, then has another engine cut it off server-side."""
    async with engine.connect() as conn:
        pid = int(await conn.scalar(sa.text("SELECT pg_backend_pid()")) or 0)
    async with other.connect() as admin:
        await admin.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        await admin.commit()
    return pid


class TestPingWhenIdle:
    async def test_an_idle_connection_that_died_is_replaced_before_use(
        self, engines: EngineMaker
    ) -> None:
        engine, other = engines(0.0), engines(3600.0)
        pid = await _pid_after_terminating_it(engine, other)
        async with engine.connect() as conn:
            fresh = await conn.scalar(sa.text("SELECT pg_backend_pid()"))
        assert fresh != pid

    async def test_a_connection_used_a_moment_ago_is_not_pinged(self, engines: EngineMaker) -> None:
        # Not pinged: the cut-off connection is handed out as it is and fails on first use
        # (which the pool then replaces); this is the cost the idle threshold trades away.
        engine, other = engines(3600.0), engines(3600.0)
        await _pid_after_terminating_it(engine, other)
        with pytest.raises(DBAPIError):
            async with engine.connect() as conn:
                await conn.scalar(sa.text("SELECT 1"))
        async with engine.connect() as conn:
            assert await conn.scalar(sa.text("SELECT 1")) == 1
