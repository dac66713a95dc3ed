"""Test fixtures: one real PostgreSQL database built from the migrations per run, real Redis,
the app over httpx, and per-test isolation by a fresh organisation.

TEST_DATABASE_URL (a server URL; a throwaway database is created on it) and TEST_REDIS_URL
point at existing servers; when unset, embedded ones are started under var/test.

Under pytest-xdist every fixture here is per worker: each worker has its own database, its own
run folder (so its own embedded servers) and its own Redis, so no worker drains another's arq
jobs or trips another's sign-in throttle.
"""

from __future__ import annotations

import logging
import os
import random
import re
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import sqlalchemy as sa
import structlog
from httpx import ASGITransport, AsyncClient
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.bootstrap import Container, build
from adapters.db.migrate import upgrade_to_head
from adapters.embedded.postgres import EmbeddedPostgres
from adapters.embedded.redis import EmbeddedRedis
from adapters.settings import Settings
from api.app import create_app
from tests.factories import Factory

ROOT = Path(__file__).resolve().parents[1]
TEST_VAR = ROOT / "var" / "test"


# What must never be written to a log: a password hash, a password-reset or invitation link, a
# webhook signing secret, an API key (crm_<prefix>_<secret>).
_SECRETS = re.compile(
    r"\$argon2|set-password\?token=|whsec_[A-Za-z0-9+/=]{8,}|crm_[0-9a-f]{4,}_[A-Za-z0-9_\-]{16,}"
)


class _SecretSentinel(logging.Handler):
    """Reads every log line of the run, structlog's and the standard library's."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.leaks: list[str] = []

    def check(self, text: str) -> None:
        if _SECRETS.search(text):
            self.leaks.append(text[:500])

    def emit(self, record: logging.LogRecord) -> None:
        self.check(f"{record.getMessage()} {record.exc_text or ''}")

    def processor(
        self, logger: object, method: str, event_dict: structlog.types.EventDict
    ) -> structlog.types.EventDict:
        self.check(repr(event_dict))
        return event_dict


@pytest.fixture(scope="session", autouse=True)
def no_secret_in_any_log() -> Iterator[None]:
    """After the whole run, not one log line may hold a secret (issue 8: "a grep of the log
    after the whole test suite finds no reset token, no password hash and no API key")."""
    sentinel = _SecretSentinel()
    processors = list(structlog.get_config()["processors"])
    structlog.configure(processors=[sentinel.processor, *processors])
    logging.getLogger().addHandler(sentinel)
    try:
        yield
    finally:
        logging.getLogger().removeHandler(sentinel)
        structlog.configure(processors=processors)
    assert not sentinel.leaks, "secrets in the log:\n" + "\n".join(sentinel.leaks[:5])


@pytest.fixture(scope="session")
def run_dir() -> Iterator[Path]:
    """This run's own folder for embedded servers, so runs side by side never share one."""
    TEST_VAR.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="run-", dir=TEST_VAR))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server_url(run_dir: Path) -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield Settings(database_url=url).require_database_url()
        return
    server = EmbeddedPostgres(run_dir / "pg")
    server.start()
    try:
        yield server.url("postgres")
    finally:
        server.stop()


# Redis servers have 16 logical databases unless configured otherwise.
_REDIS_DATABASES = 16


def worker_redis_url(url: str, worker: str | None) -> str:
    """The Redis database of one xdist worker: the URL's database number plus the worker's
    index (gw0 keeps it, gw1 takes the next), or the URL unchanged outside xdist."""
    if not worker:
        return url
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    number = base + int(worker.removeprefix("gw"))
    if number >= _REDIS_DATABASES:
        raise pytest.UsageError(
            f"TEST_REDIS_URL database {base} leaves no Redis database for xdist worker {worker}: "
            "use a lower database number or fewer workers"
        )
    return urlunsplit(parts._replace(path=f"/{number}"))


@pytest.fixture(scope="session")
def redis_url(run_dir: Path) -> Iterator[str]:
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        yield worker_redis_url(url, os.environ.get("PYTEST_XDIST_WORKER"))
        return
    server = EmbeddedRedis(run_dir / "redis")
    try:
        yield server.start()
    finally:
        server.stop()


async def _admin_execute(server_url: str, statement: str) -> None:
    engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(sa.text(statement))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
async def database_url(postgres_server_url: str) -> AsyncIterator[str]:
    """A fresh database, migrated to head, dropped afterwards."""
    name = f"crm_test_{uuid.uuid4().hex[:12]}"
    await _admin_execute(postgres_server_url, f'CREATE DATABASE "{name}"')
    url = make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    try:
        import asyncio

        await asyncio.to_thread(upgrade_to_head, url)
        yield url
    finally:
        await _admin_execute(postgres_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def settings(
    database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        var_dir=tmp_path_factory.mktemp("var"),
        frontend_dist=tmp_path_factory.mktemp("dist"),
        max_body_bytes=64 * 1024,
    )


@pytest.fixture(scope="session")
async def container(settings: Settings) -> AsyncIterator[Container]:
    built = await build(settings)
    try:
        yield built
    finally:
        await built.aclose()


@pytest.fixture(scope="session")
def app(container: Container):  # type: ignore[no-untyped-def]
    return create_app(container=container)


def _random_ip() -> str:
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


@pytest.fixture
async def client(app) -> AsyncIterator[AsyncClient]:  # type: ignore[no-untyped-def]
    # Each test comes from its own address, so per-IP sign-in limits never cross tests.
    transport = ASGITransport(app=app, client=(_random_ip(), 50000))
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
def factory(container: Container, client: AsyncClient) -> Factory:
    return Factory(container, client)
