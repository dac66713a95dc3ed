from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from arq.connections import ArqRedis
from httpx import ASGITransport, AsyncClient
from redis.asyncio import Redis

from adapters.bootstrap import Container, make_engine
from adapters.queue.arq_queue import ArqJobDispatcher
from adapters.settings import Settings
from api.app import create_app
from domain.shared.clock import SystemClock
from tests.factories import Factory

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
async def client_without_redis(settings: Settings) -> AsyncIterator[AsyncClient]:
    """The app over the real database and a Redis that refuses connections. Built by hand:
    bootstrap.build opens the arq pool eagerly and would fail before the app exists."""
    dead = settings.model_copy(update={"redis_url": DEAD_REDIS})
    arq = ArqRedis.from_url(DEAD_REDIS)
    container = Container(
        settings=dead,
        engine=make_engine(settings.require_database_url()),
        redis=Redis.from_url(DEAD_REDIS),
        arq=arq,
        clock=SystemClock(),
        mailer=_NoMail(),
        dispatcher=ArqJobDispatcher(arq),
    )
    transport = ASGITransport(app=create_app(container=container))
    try:
        async with AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http
    finally:
        await container.aclose()


class _NoMail:
    async def send(self, *, to: str, subject: str, body: str) -> None:
        raise AssertionError("no mail expected")


class TestHealth:
    async def test_healthz_answers_while_the_process_is_up(self, factory: Factory) -> None:
        response = await factory.client.get("/healthz")
        assert response.status_code == 200
        assert response.json()["status"] == "ok"

    async def test_readyz_is_200_when_database_and_redis_answer(self, factory: Factory) -> None:
        response = await factory.client.get("/readyz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}

    async def test_readyz_is_503_naming_redis_when_it_is_unreachable(
        self, client_without_redis: AsyncClient
    ) -> None:
        response = await client_without_redis.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "unavailable"
        assert body["checks"]["database"] == "ok"
        assert body["checks"]["redis"].startswith("unavailable")
        healthy = await client_without_redis.get("/healthz")
        assert healthy.status_code == 200
