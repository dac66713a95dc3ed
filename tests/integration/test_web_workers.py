"""Web processes share nothing but PostgreSQL and Redis, so requests may land on any of them:
two real `crm web` servers (the first with two uvicorn workers of its own) on one database and
one Redis act as one server for sessions, live notifications and sign-in limits; and processes
starting together settle on one generated signing key."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

import adapters.settings as settings_module
from adapters.bootstrap import Container
from adapters.settings import Settings
from domain.activities.model import NotificationKind
from domain.activities.notify import notify
from tests.api.activities.support import client_of
from tests.factories import PASSWORD, Factory
from tests.worker import drain_queue

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0  # seconds for a server to answer /readyz
STOP_TIMEOUT = 10.0  # seconds between SIGTERM and SIGKILL
EVENT_TIMEOUT = 10.0  # seconds for an expected server-sent event

LOGIN = "/api/v1/auth/login"
STREAM = "/api/v1/notifications/stream"


@dataclass(frozen=True, slots=True)
class WebPair:
    a: str  # base URL of process A
    b: str  # base URL of process B


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group (uvicorn's workers too), then SIGKILL what is left."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_TIMEOUT)
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _wait_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"crm web exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        with suppress(httpx.HTTPError):
            if httpx.get(f"{url}/readyz", timeout=2, trust_env=False).status_code == 200:
                return
        time.sleep(0.2)
    pytest.fail(f"crm web did not get ready in {START_TIMEOUT}s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="module")
def web_pair(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebPair]:
    """Two `crm web` subprocesses on the test suite's database and Redis."""
    folder = tmp_path_factory.mktemp("web-pair")
    assert settings.secret_key is not None
    env = {
        **os.environ,
        "DATABASE_URL": settings.require_database_url(),
        "REDIS_URL": settings.require_redis_url(),
        "SECRET_KEY": settings.secret_key.get_secret_value(),
        "VAR_DIR": str(settings.var_dir),
        "FRONTEND_DIST": str(settings.frontend_dist),
        "LOG_LEVEL": "WARNING",
        "LOGIN_MAX_FAILURES": "5",
        "LOGIN_WINDOW_SECONDS": "60",
        "PYTHONUNBUFFERED": "1",
    }
    # Every process started is stopped on the way out, even when a later one fails to start.
    with ExitStack() as running:
        urls = []
        for name, workers in (("a", 2), ("b", 1)):
            port = _free_port()
            log = folder / f"{name}.log"
            command = [sys.executable, "-m", "api.cli", "web", "--host", "127.0.0.1"]
            command += ["--port", str(port), "--workers", str(workers)]
            with log.open("wb") as output:
                process = subprocess.Popen(  # noqa: S603 - our own interpreter and CLI
                    command,
                    cwd=ROOT,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    # A group of its own, so stopping it reaches uvicorn's workers too.
                    start_new_session=True,
                )
            running.callback(_stop, process)
            url = f"http://127.0.0.1:{port}"
            _wait_ready(process, url, log)
            urls.append(url)
        yield WebPair(a=urls[0], b=urls[1])


@asynccontextmanager
async def http(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base_url, timeout=EVENT_TIMEOUT, trust_env=False) as c:
        yield c


async def sign_in(base_url: str, email: str, password: str = PASSWORD) -> httpx.Response:
    async with http(base_url) as client:
        return await client.post(LOGIN, json={"email": email, "password": password})


async def next_event(lines: AsyncIterator[str]) -> dict[str, str]:
    """The next server-sent event with a name, skipping heartbeats and the retry hint."""
    event: dict[str, str] = {}
    async with asyncio.timeout(EVENT_TIMEOUT):
        async for line in lines:
            if line == "":
                if "event" in event:
                    return event
                event = {}
            elif not line.startswith(":"):
                field, _, value = line.partition(":")
                event[field] = value.lstrip()
    raise AssertionError("the stream ended")


class TestTwoWebProcesses:
    async def test_a_task_assigned_through_one_process_is_streamed_live_by_the_other(
        self, web_pair: WebPair, factory: Factory, container: Container
    ) -> None:
        org = await factory.organisation()
        assignee = await factory.user(org)
        # Both sessions start on A; B accepts their tokens.
        admin_signed_in = await sign_in(web_pair.a, org.admin.email)
        assignee_signed_in = await sign_in(web_pair.a, assignee.email)
        assert admin_signed_in.status_code == 200, admin_signed_in.text
        assert assignee_signed_in.status_code == 200, assignee_signed_in.text
        admin_token = admin_signed_in.json()["access_token"]
        assignee_token = assignee_signed_in.json()["access_token"]
        client_id = await client_of(container, org, org.admin)
        # One unread notification: once the stream has sent it, B is subscribed to live ones.
        async with container.uow() as uow:
            await notify(
                uow,
                organisation_id=org.id,
                user_id=assignee.id,
                kind=NotificationKind.ASSIGNMENT,
                params={"task_title": "backlog"},
            )
            await uow.commit()

        async with (
            http(web_pair.b) as on_b,
            on_b.stream("GET", STREAM, params={"access_token": assignee_token}) as stream,
        ):
            assert stream.status_code == 200
            lines = stream.aiter_lines()
            backlog = await next_event(lines)
            assert json.loads(backlog["data"])["params"]["task_title"] == "backlog"
            # The backlog ends with "ready"; what follows is live.
            assert (await next_event(lines))["event"] == "ready"

            async with http(web_pair.a) as on_a:
                created = await on_a.post(
                    "/api/v1/tasks",
                    json={
                        "title": "Перезвонить после обеда",
                        "client_id": str(client_id),
                        "assignee_id": str(assignee.id),
                    },
                    headers={"Authorization": f"Bearer {admin_token}"},
                )
            assert created.status_code == 201, created.text
            # The worker's part: A queued the event's dispatch in Redis; the subscriber stores
            # the notification and publishes it there.
            await asyncio.wait_for(drain_queue(container), 60)
            await asyncio.wait_for(drain_queue(container), 60)

            live = await next_event(lines)
        assert live["event"] == "notification"
        data = json.loads(live["data"])
        assert data["kind"] == "assignment"
        assert data["params"]["task_title"] == "Перезвонить после обеда"
        assert data["params"]["assigned_by"] == str(org.admin.id)
        assert live["id"] == data["id"]

    async def test_failed_sign_ins_counted_on_one_process_are_refused_by_the_other(
        self, web_pair: WebPair, factory: Factory, container: Container
    ) -> None:
        org = await factory.organisation()
        email = org.admin.email
        keys = [f"account:{email}", "ip:127.0.0.1"]
        # Both servers see this test's requests from loopback: start that address afresh and
        # leave it so, for any later test that signs in over a socket.
        await container.throttle.reset(keys)
        try:
            for _ in range(container.settings.login_max_failures):
                failed = await sign_in(web_pair.a, email, "not-the-password")
                assert failed.status_code == 401, failed.text
            refused = await sign_in(web_pair.b, email, PASSWORD)
            assert refused.status_code == 429, refused.text
            assert int(refused.headers["Retry-After"]) > 0
        finally:
            await container.throttle.reset(keys)


class TestGeneratedSigningKey:
    def test_a_key_written_by_another_process_first_is_the_one_used(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        settings = Settings(var_dir=tmp_path)
        generate = settings_module.secrets.token_urlsafe

        def another_process_wins(length: int) -> str:
            # Another process stores its key after this one found none.
            (tmp_path / "secret_key").write_text("theirs-" + generate(length))
            return generate(length)

        monkeypatch.setattr(settings_module.secrets, "token_urlsafe", another_process_wins)
        key = settings.signing_key()
        stored = (tmp_path / "secret_key").read_text()
        assert key == stored
        assert key.startswith("theirs-")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]

    def test_processes_starting_together_agree_on_one_key(self, tmp_path: Path) -> None:
        script = "from adapters.settings import Settings; print(Settings().signing_key())"
        env = {**os.environ, "VAR_DIR": str(tmp_path)}
        env.pop("SECRET_KEY", None)
        processes = [
            subprocess.Popen(  # noqa: S603 - our own interpreter
                [sys.executable, "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE
            )
            for _ in range(4)
        ]
        keys = {process.communicate(timeout=30)[0].decode().strip() for process in processes}
        assert keys == {(tmp_path / "secret_key").read_text().strip()}
