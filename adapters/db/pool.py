"""Checking pooled connections only when they may have gone stale.

SQLAlchemy's ``pool_pre_ping`` pings on every checkout; with asyncpg a ping is three round
trips (BEGIN, an empty query, ROLLBACK), and a request checks a connection out twice (the
caller, then the use case), so a busy server paid six round trips a request for connections
it had used a moment before. A connection that was checked in less than ``idle_seconds`` ago
is handed out as it is; an older one is pinged first and, if the server has gone (restarted,
failed over, the connection cut by a proxy), replaced before the request sees it.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

_CHECKED_IN = "crm_checked_in_at"


def ping_when_idle(engine: AsyncEngine, idle_seconds: float) -> None:
    """Ping a connection at checkout only when it sat in the pool over ``idle_seconds``."""
    pool = engine.sync_engine.pool

    @event.listens_for(pool, "checkin")
    def _checked_in(dbapi_connection: DBAPIConnection | None, record: ConnectionPoolEntry) -> None:
        record.info[_CHECKED_IN] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _checked_out(
        dbapi_connection: DBAPIConnection,
        record: ConnectionPoolEntry,
        proxy: PoolProxiedConnection,
    ) -> None:
        checked_in = record.info.get(_CHECKED_IN)
        if checked_in is None or time.monotonic() - checked_in <= idle_seconds:
            return  # new, or used a moment ago
        try:
            _ping(dbapi_connection)
        except Exception as error:
            # The pool discards this connection and checks out (or opens) another.
            raise exc.DisconnectionError(f"a pooled connection did not answer: {error}") from error


def _ping(dbapi_connection: Any) -> None:
    # The asyncpg adapter's ping (it runs inside SQLAlchemy's greenlet, as checkout does).
    dbapi_connection.ping()
