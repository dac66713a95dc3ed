"""The anchor of bench/ingest.py: the least an intake endpoint can do, as a bare Starlette
route that inserts the raw body with asyncpg and answers 202. The real endpoint
(POST /api/v1/intake/forms/{key}) is measured against it in the same run.

    .venv/bin/python bench/ingest_anchor.py --database-url postgresql://postgres@127.0.0.1/crm \
        --port 8001 --workers 2

It keeps its rows in its own table, ``bench_anchor_inbox`` (created if missing, never in the
CRM's schema), and answers GET /ingest/count?run=<marker> for the lost-request check.
"""

from __future__ import annotations

import argparse
import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import asyncpg
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

TABLE = """
CREATE TABLE IF NOT EXISTS bench_anchor_inbox (
    id uuid PRIMARY KEY,
    received_at timestamptz NOT NULL,
    remote_addr text,
    content_type text,
    headers jsonb NOT NULL,
    body bytea NOT NULL
)
"""
INSERT = (
    "INSERT INTO bench_anchor_inbox (id, received_at, remote_addr, content_type, headers, body) "
    "VALUES ($1, $2, $3, $4, $5, $6)"
)


def create_app(database_url: str) -> Starlette:
    pool: asyncpg.Pool | None = None

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        nonlocal pool
        pool = await asyncpg.create_pool(database_url, min_size=4, max_size=20)
        async with pool.acquire() as conn:
            await conn.execute(TABLE)
        try:
            yield
        finally:
            await pool.close()

    async def ingest(request: Request) -> Response:
        body = await request.body()
        assert pool is not None
        await pool.execute(
            INSERT,
            uuid.uuid4(),
            datetime.now(UTC),
            request.client.host if request.client else None,
            request.headers.get("content-type"),
            json.dumps(dict(request.headers)),
            body,
        )
        return Response(status_code=202)

    async def count(request: Request) -> Response:
        assert pool is not None
        marker = request.query_params.get("run", "")
        found = await pool.fetchval(
            "SELECT count(*) FROM bench_anchor_inbox WHERE body LIKE $1",
            f"%{marker}%".encode(),
        )
        return JSONResponse({"count": found})

    return Starlette(
        routes=[
            Route("/ingest", ingest, methods=["POST"]),
            Route("/ingest/count", count, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def _app() -> Starlette:
    """uvicorn's factory for worker processes (the URL travels in the environment)."""
    return create_app(os.environ["ANCHOR_DATABASE_URL"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not args.database_url:
        raise SystemExit("give --database-url (or DATABASE_URL)")
    os.environ["ANCHOR_DATABASE_URL"] = args.database_url.replace(
        "postgresql+asyncpg://", "postgresql://"
    )
    uvicorn.run(
        "ingest_anchor:_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="warning",
        access_log=False,
        app_dir=os.path.dirname(os.path.abspath(__file__)),
    )


if __name__ == "__main__":
    main()
