"""No secret reaches the log: the flows that handle one (a password reset, an invitation, an
API key, a webhook signing secret, a failing statement bound to a secret) run with every log
line captured, structlog's and the standard library's (SQLAlchemy's statement log included,
at DEBUG), and the captured text is searched for each secret."""

from __future__ import annotations

import logging
import traceback
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
import structlog
from httpx import ASGITransport, AsyncClient
from structlog.testing import capture_logs

from adapters.bootstrap import Container
from adapters.db.tables.staff import users
from api.app import create_app
from tests.factories import Factory, unique_email
from tests.worker import drain_queue, link_token, mails_to

API = "/api/v1"
NEW_PASSWORD = "a-brand-new-passphrase"


@pytest.fixture
async def client(container: Container) -> AsyncIterator[AsyncClient]:
    """The app, plus one route that fails in the database on a statement bound to a secret,
    as a bug would."""
    app = create_app(container=container)

    @app.post(f"{API}/boom", include_in_schema=False)
    async def boom(body: dict[str, str]) -> None:
        async with container.engine.connect() as conn:
            # The cast fails, and the driver quotes the offending value in its message.
            await conn.execute(
                sa.text("SELECT CAST(:secret AS integer), :other"),
                {"secret": body["secret"], "other": body["other"]},
            )

    # Exceptions the app lets out would surface here instead of as the server's answer.
    transport = ASGITransport(app=app, raise_app_exceptions=False, client=("10.7.7.7", 50000))
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


class CapturedLog:
    def __init__(self, entries: list[dict[str, Any]], caplog: pytest.LogCaptureFixture) -> None:
        self._entries = entries
        self._caplog = caplog

    def text(self) -> str:
        """Every line logged so far: structlog's events with any exception's traceback, and the
        standard library's records as formatted."""
        return "\n".join([*(_render(e) for e in self._entries), self._caplog.text])


def _render(entry: dict[str, Any]) -> str:
    text = repr(entry)
    exc = entry.get("exc_info")
    if isinstance(exc, BaseException):
        text += "".join(traceback.format_exception(exc))
    return text


@pytest.fixture
def captured_log(caplog: pytest.LogCaptureFixture) -> Iterator[CapturedLog]:
    caplog.set_level(logging.DEBUG)
    with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as entries:
        yield CapturedLog(entries, caplog)


async def test_no_secret_of_the_usual_flows_is_logged(
    container: Container, client: AsyncClient, captured_log: CapturedLog
) -> None:
    factory = Factory(container, client)
    org, admin = await factory.admin_session()
    secrets: dict[str, str] = {}

    # A password reset, requested and used.
    user = await factory.user(org)
    forgot = await client.post(f"{API}/auth/password/forgot", json={"email": user.email})
    assert forgot.status_code == 202
    await drain_queue(container)
    [reset_mail] = mails_to(container, user.email)
    secrets["reset token"] = link_token(reset_mail)
    used = await client.post(
        f"{API}/auth/password/set",
        json={"token": secrets["reset token"], "password": NEW_PASSWORD},
    )
    assert used.status_code == 204

    # An invitation, sent and accepted.
    address = unique_email("invited")
    invited = await client.post(
        f"{API}/users/invitations",
        json={
            "email": address,
            "full_name": "Приглашённый",
            "role_id": str(org.roles["seller"].id),
        },
        headers=admin.headers,
    )
    assert invited.status_code == 201, invited.text
    await drain_queue(container)
    [invitation] = mails_to(container, address)
    secrets["invitation token"] = link_token(invitation)
    accepted = await client.post(
        f"{API}/auth/password/set",
        json={"token": secrets["invitation token"], "password": NEW_PASSWORD},
    )
    assert accepted.status_code == 204

    # An API key, created (with an Idempotency-Key) and used.
    key = await client.post(
        f"{API}/api-keys",
        json={"name": "Интеграция", "permissions": ["departments:manage"]},
        headers={**admin.headers, "Idempotency-Key": "create-key"},
    )
    assert key.status_code == 201, key.text
    secrets["API key"] = key.json()["key"]
    listed = await client.get(f"{API}/departments", headers={"X-API-Key": secrets["API key"]})
    assert listed.status_code == 200

    # A webhook endpoint, created and its secret rotated.
    hook = await client.post(
        f"{API}/webhooks",
        json={"url": "https://93.184.215.14/hooks", "events": ["*"]},
        headers={**admin.headers, "Idempotency-Key": "create-hook"},
    )
    assert hook.status_code == 201, hook.text
    secrets["webhook secret"] = hook.json()["secret"]
    rotated = await client.post(
        f"{API}/webhooks/{hook.json()['id']}/rotate-secret", headers=admin.headers
    )
    assert rotated.status_code == 200, rotated.text
    secrets["rotated webhook secret"] = rotated.json()["secret"]

    # A 500 from a statement bound to secrets.
    async with container.engine.connect() as conn:
        stored_hash = (
            await conn.execute(sa.select(users.c.password_hash).where(users.c.id == user.id))
        ).scalar_one()
    assert stored_hash.startswith("$argon2")
    secrets["password hash"] = stored_hash
    failed = await client.post(
        f"{API}/boom", json={"secret": secrets["reset token"], "other": stored_hash}
    )
    assert failed.status_code == 500

    log = captured_log.text()
    assert "request.failed" in log  # the capture did see the failure
    assert "$argon2" not in log
    leaked = [name for name, secret in secrets.items() if secret in log]
    assert leaked == []
