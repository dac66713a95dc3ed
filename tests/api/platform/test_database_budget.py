"""Database budgets: a statement or lock wait that runs over the connection's budget is
cancelled by PostgreSQL and answered 503 problem+json with Retry-After, never a hung request;
the worker's pool gets the longer job budget."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from adapters.bootstrap import Container, build
from adapters.db.tables.clients import clients
from adapters.settings import Settings
from api.app import create_app
from api.errors import install_error_handlers
from tests.api.clients.support import API, create_client
from tests.factories import Factory


@asynccontextmanager
async def _budgeted(settings: Settings, **budget: int) -> AsyncIterator[Container]:
    """A container of its own whose pool runs with a tiny budget."""
    container = await build(settings.model_copy(update=budget))
    try:
        yield container
    finally:
        await container.aclose()


@asynccontextmanager
async def _http(app: Any) -> AsyncIterator[AsyncClient]:
    transport = ASGITransport(app=app, client=("10.200.0.1", 50000))
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@asynccontextmanager
async def _row_locked(container: Container, client_id: str) -> AsyncIterator[None]:
    """Another transaction holds the client's row, as a long edit or a stuck session would."""
    async with container.engine.connect() as conn:
        await conn.execute(
            sa.select(clients.c.id).where(clients.c.id == client_id).with_for_update()
        )
        try:
            yield
        finally:
            await conn.rollback()


def _assert_unavailable(response: Any) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["Retry-After"]) >= 1
    body = response.json()
    assert body["status"] == 503
    assert body["type"].endswith("/unavailable")


class TestRequestBudget:
    async def test_a_lock_wait_over_the_lock_timeout_answers_503(
        self, factory: Factory, settings: Settings
    ) -> None:
        _, admin = await factory.admin_session()
        client = await create_client(factory, admin)
        async with (
            _budgeted(settings, db_lock_timeout_ms=200, db_statement_timeout_ms=30_000) as tight,
            _http(create_app(container=tight)) as http,
            _row_locked(factory.container, client["id"]),
        ):
            started = time.monotonic()
            response = await asyncio.wait_for(
                http.patch(
                    f"{API}/clients/{client['id']}", json={"sector": "IT"}, headers=admin.headers
                ),
                timeout=10,
            )
            assert time.monotonic() - started < 5
        _assert_unavailable(response)
        # Once the lock is gone the same request goes through.
        retried = await factory.client.patch(
            f"{API}/clients/{client['id']}", json={"sector": "IT"}, headers=admin.headers
        )
        assert retried.status_code == 200, retried.text

    async def test_a_statement_over_the_statement_timeout_answers_503(
        self, factory: Factory, settings: Settings
    ) -> None:
        _, admin = await factory.admin_session()
        client = await create_client(factory, admin)
        async with (
            _budgeted(settings, db_statement_timeout_ms=300, db_lock_timeout_ms=30_000) as tight,
            _http(create_app(container=tight)) as http,
            _row_locked(factory.container, client["id"]),
        ):
            response = await asyncio.wait_for(
                http.patch(
                    f"{API}/clients/{client['id']}", json={"sector": "IT"}, headers=admin.headers
                ),
                timeout=10,
            )
        _assert_unavailable(response)

    async def test_a_slow_query_outside_a_unit_of_work_answers_503(
        self, settings: Settings
    ) -> None:
        async with _budgeted(settings, db_statement_timeout_ms=200) as tight:
            app = FastAPI()
            install_error_handlers(app)

            @app.get("/slow")
            async def slow() -> None:  # a test-only path: a deliberately slow query
                async with tight.engine.connect() as conn:
                    await conn.execute(sa.text("SELECT pg_sleep(5)"))

            async with _http(app) as http:
                started = time.monotonic()
                response = await asyncio.wait_for(http.get("/slow"), timeout=10)
                assert time.monotonic() - started < 3
        _assert_unavailable(response)


class TestBudgets:
    @staticmethod
    async def _budget_of(container: Container) -> tuple[str, str]:
        async with container.engine.connect() as conn:
            statement = await conn.scalar(sa.text("SHOW statement_timeout"))
            lock = await conn.scalar(sa.text("SHOW lock_timeout"))
        return str(statement), str(lock)

    async def test_web_requests_run_with_the_request_budget(self, container: Container) -> None:
        assert await self._budget_of(container) == ("15s", "5s")

    async def test_the_worker_runs_with_the_longer_job_budget(self, settings: Settings) -> None:
        worker = await build(settings, workload="jobs")
        try:
            assert await self._budget_of(worker) == ("10min", "30s")
        finally:
            await worker.aclose()

    async def test_budgets_are_settings(self, settings: Settings) -> None:
        async with _budgeted(
            settings, db_statement_timeout_ms=2_500, db_lock_timeout_ms=750
        ) as tuned:
            assert await self._budget_of(tuned) == ("2500ms", "750ms")
