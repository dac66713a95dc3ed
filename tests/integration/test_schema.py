"""The migrations and the tables declared in code describe the same schema."""

from __future__ import annotations

import asyncio

from adapters.db.migrate import check_no_drift


async def test_alembic_finds_no_drift_on_the_migrated_database(database_url: str) -> None:
    # Alembic's async env runs its own event loop, so it gets a thread of its own.
    await asyncio.to_thread(check_no_drift, database_url)
