"""The idempotency middleware's handling of failures, with an in-memory store."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from httpx import ASGITransport, AsyncClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from adapters.security.tokens import AccessClaims
from api.idempotency import IdempotencyMiddleware
from domain.platform.idempotency import IdempotencyRecord
from domain.shared.clock import FixedClock
from domain.staff.model import User


class InMemoryIdempotencyStore:
    def __init__(self) -> None:
        self.records: dict[tuple[Any, str, str], IdempotencyRecord] = {}
        self.released = 0

    async def claim(self, record: IdempotencyRecord, *, now: datetime) -> IdempotencyRecord | None:
        pk = (record.organisation_id, record.principal, record.key)
        if pk in self.records:
            return self.records[pk]
        self.records[pk] = record
        return None

    async def complete(
        self, record: IdempotencyRecord, *, status_code: int, body: str, headers: dict[str, str]
    ) -> None:
        pk = (record.organisation_id, record.principal, record.key)
        self.records[pk] = IdempotencyRecord(
            **{
                **{n: getattr(record, n) for n in record.__dataclass_fields__},
                "status_code": status_code,
                "response_body": body,
                "response_headers": headers,
            }
        )

    async def release(self, record: IdempotencyRecord) -> None:
        self.released += 1
        self.records.pop((record.organisation_id, record.principal, record.key), None)

    async def purge(self, *, before: datetime) -> int:
        return 0


class FakeTokens:
    def decode(self, token: str) -> AccessClaims:
        return AccessClaims(user_id=USER, organisation_id=ORG)


USER, ORG = uuid4(), uuid4()


class ActiveUsers:
    """The caller behind the token is looked up before anything is replayed; here it is an
    active user of the token's organisation."""

    async def get_for_auth(self, organisation_id: UUID, user_id: UUID) -> User | None:
        if organisation_id != ORG:
            return None
        return User(
            id=user_id, organisation_id=ORG, email="u@example.com", full_name="U", role_id=ORG
        )


class FakeUnitOfWork:
    users = ActiveUsers()

    async def __aenter__(self) -> FakeUnitOfWork:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


class FakeContainer:
    def __init__(self) -> None:
        self.clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
        self.access_tokens = FakeTokens()
        self.idempotency = InMemoryIdempotencyStore()

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork()


calls = {"n": 0}


async def created(request: Request) -> JSONResponse:
    calls["n"] += 1
    return JSONResponse({"n": calls["n"]}, status_code=201, headers={"Location": "/x/1"})


async def failing(request: Request) -> PlainTextResponse:
    calls["n"] += 1
    return PlainTextResponse("down", status_code=503)


async def crashing(request: Request) -> PlainTextResponse:
    calls["n"] += 1
    raise RuntimeError("boom")


@pytest.fixture
def setup() -> tuple[AsyncClient, FakeContainer]:
    container = FakeContainer()
    app = Starlette(
        routes=[
            Route("/api/v1/created", created, methods=["POST"]),
            Route("/api/v1/failing", failing, methods=["POST"]),
            Route("/api/v1/crashing", crashing, methods=["POST"]),
        ]
    )
    app.add_middleware(IdempotencyMiddleware, container=lambda scope: container)
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    calls["n"] = 0
    return AsyncClient(transport=transport, base_url="http://t"), container


HEADERS = {"Authorization": "Bearer t", "Idempotency-Key": "k"}


async def test_replays_status_body_and_location(setup: tuple[AsyncClient, FakeContainer]) -> None:
    client, _ = setup
    first = await client.post("/api/v1/created", json={"a": 1}, headers=HEADERS)
    second = await client.post("/api/v1/created", json={"a": 1}, headers=HEADERS)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.content == first.content == b'{"n":1}'
    assert second.headers["location"] == "/x/1"
    assert calls["n"] == 1


async def test_a_5xx_answer_is_not_kept_so_a_retry_runs(
    setup: tuple[AsyncClient, FakeContainer],
) -> None:
    client, container = setup
    for _ in range(2):
        response = await client.post("/api/v1/failing", json={}, headers=HEADERS)
        assert response.status_code == 503
        assert "idempotent-replayed" not in response.headers
    assert calls["n"] == 2
    assert container.idempotency.records == {}


async def test_a_crash_releases_the_key(setup: tuple[AsyncClient, FakeContainer]) -> None:
    client, container = setup
    for _ in range(2):
        response = await client.post("/api/v1/crashing", json={}, headers=HEADERS)
        assert response.status_code == 500
    assert calls["n"] == 2
    assert container.idempotency.released == 2
    assert container.idempotency.records == {}


async def test_other_prefixes_and_methods_pass_through(
    setup: tuple[AsyncClient, FakeContainer],
) -> None:
    client, container = setup
    response = await client.post("/elsewhere", headers={"Idempotency-Key": "bad key"})
    assert response.status_code == 404
    assert container.idempotency.records == {}
