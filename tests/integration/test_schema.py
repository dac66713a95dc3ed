"""The migrations and the tables declared in code describe the same schema."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.db.migrate import check_no_drift


async def test_alembic_finds_no_drift_on_the_migrated_database(database_url: str) -> None:
    # Alembic's async env runs its own event loop, so it gets a thread of its own.
    await asyncio.to_thread(check_no_drift, database_url)


async def test_the_client_name_trigram_indexes_are_written_through(database_url: str) -> None:
    """Without a pending list (migration 0046), so a search never reads one whole."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                sa.text(
                    "SELECT relname, reloptions FROM pg_class "
                    "WHERE relname IN ('ix_clients_name_key_trgm', 'ix_clients_name_trgm')"
                )
            )
            options = {row.relname: row.reloptions for row in rows}
    finally:
        await engine.dispose()
    assert options == {
        "ix_clients_name_key_trgm": ["fastupdate=off"],
        "ix_clients_name_trgm": ["fastupdate=off"],
    }
