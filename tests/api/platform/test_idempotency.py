"""Idempotency-Key on creates: a retry with the same key gets the first answer."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI
from httpx import Response
from starlette.types import Message, Receive, Scope

from adapters.db.tables.records import idempotency_records
from adapters.db.tables.staff import users
from adapters.worker.jobs.platform import purge_idempotency_records
from api.idempotency import _request_hash
from domain.platform.idempotency import IdempotencyRecord
from tests.factories import Factory, Session

DEPARTMENTS = "/api/v1/departments"
ABSENCES = "/api/v1/absences"


async def post(
    factory: Factory,
    session: Session | None,
    url: str,
    body: dict[str, Any],
    key: str | bytes | None,
) -> Response:
    headers: dict[str, str | bytes] = dict(session.headers) if session else {}
    if key is not None:
        headers["Idempotency-Key"] = key
    return await factory.client.post(url, json=body, headers=headers)


async def department_names(factory: Factory, session: Session) -> list[str]:
    response = await factory.client.get(DEPARTMENTS, headers=session.headers)
    assert response.status_code == 200, response.text
    return [d["name"] for d in response.json()]


async def stored_records(factory: Factory, organisation_id: object) -> list[dict[str, Any]]:
    async with factory.container.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(idempotency_records).where(
                idempotency_records.c.organisation_id == organisation_id
            )
        )
        return [dict(r._mapping) for r in rows]


class TestRepeatedCreate:
    async def test_the_same_key_twice_creates_one_record_and_replays_the_answer(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        first = await post(factory, admin, DEPARTMENTS, {"name": "Продажи Юг"}, "key-1")
        second = await post(factory, admin, DEPARTMENTS, {"name": "Продажи Юг"}, "key-1")
        assert first.status_code == second.status_code == 201
        assert second.json() == first.json()
        assert second.content == first.content
        assert second.headers["etag"] == first.headers["etag"]
        assert second.headers["content-type"] == first.headers["content-type"]
        assert second.headers["idempotent-replayed"] == "true"
        assert "idempotent-replayed" not in first.headers
        assert (await department_names(factory, admin)).count("Продажи Юг") == 1

    async def test_without_a_key_every_request_runs(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        for _ in range(2):
            assert (
                await post(factory, admin, DEPARTMENTS, {"name": "Дубль"}, None)
            ).status_code == 201
        assert (await department_names(factory, admin)).count("Дубль") == 2

    async def test_the_same_key_with_another_body_is_422(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        assert (await post(factory, admin, DEPARTMENTS, {"name": "А"}, "k")).status_code == 201
        response = await post(factory, admin, DEPARTMENTS, {"name": "Б"}, "k")
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"].endswith("/idempotency-key-reused")
        assert await department_names(factory, admin) == ["А"]

    async def test_the_same_key_on_another_path_is_422(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        body = {"kind": "vacation", "starts_on": "2030-07-01", "ends_on": "2030-07-05"}
        assert (await post(factory, admin, ABSENCES, body, "shared")).status_code == 201
        response = await post(factory, admin, DEPARTMENTS, {"name": "Х"}, "shared")
        assert response.status_code == 422

    async def test_different_users_with_the_same_key_do_not_collide(self, factory: Factory) -> None:
        org = await factory.organisation()
        body = {"kind": "vacation", "starts_on": "2030-08-01", "ends_on": "2030-08-10"}
        first = await post(
            factory, await factory.login(await factory.user(org)), ABSENCES, body, "same"
        )
        second = await post(
            factory, await factory.login(await factory.user(org)), ABSENCES, body, "same"
        )
        assert first.status_code == second.status_code == 201
        assert "idempotent-replayed" not in second.headers
        assert first.json()["id"] != second.json()["id"]
        assert first.json()["user_id"] != second.json()["user_id"]

    async def test_a_4xx_first_answer_is_replayed_too(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        body = {"kind": "vacation", "starts_on": "2030-07-10", "ends_on": "2030-07-01"}
        first = await post(factory, admin, ABSENCES, body, "bad-dates")
        assert first.status_code == 422
        second = await post(factory, admin, ABSENCES, body, "bad-dates")
        assert second.status_code == 422
        assert second.json() == first.json()
        assert second.headers["idempotent-replayed"] == "true"
        assert second.headers["content-type"] == "application/problem+json"

    async def test_a_key_of_an_api_key_caller_is_its_own(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        created = await factory.client.post(
            "/api/v1/api-keys",
            json={"name": "Интеграция", "permissions": ["departments:manage"]},
            headers=admin.headers,
        )
        assert created.status_code == 201, created.text
        key = created.json()
        headers = {"X-API-Key": key["key"], "Idempotency-Key": "k1"}
        first = await factory.client.post(DEPARTMENTS, json={"name": "API"}, headers=headers)
        second = await factory.client.post(DEPARTMENTS, json={"name": "API"}, headers=headers)
        assert first.status_code == 201, first.text
        assert second.json() == first.json()
        assert second.headers["idempotent-replayed"] == "true"
        by_user = await post(factory, admin, DEPARTMENTS, {"name": "API"}, "k1")
        assert "idempotent-replayed" not in by_user.headers
        principals = {r["principal"] for r in await stored_records(factory, org.id)}
        assert principals == {f"key:{key['id']}", str(admin.user.id)}


class TestKeyAndCaller:
    async def test_a_malformed_key_is_400(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        for bad in ("x" * 256, "ключ".encode(), "has space", ""):
            response = await post(factory, admin, DEPARTMENTS, {"name": "Н"}, bad)
            assert response.status_code == 400, bad
            assert response.json()["type"].endswith("/invalid-idempotency-key")
        assert await department_names(factory, admin) == []

    async def test_an_unauthenticated_request_is_401_and_leaves_no_record(
        self, factory: Factory
    ) -> None:
        response = await post(factory, None, DEPARTMENTS, {"name": "Н"}, "anon")
        assert response.status_code == 401
        bad_token = await factory.client.post(
            DEPARTMENTS,
            json={"name": "Н"},
            headers={"Authorization": "Bearer nonsense", "Idempotency-Key": "anon"},
        )
        assert bad_token.status_code == 401

    async def test_gets_are_not_affected(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.get(
            DEPARTMENTS, headers={**admin.headers, "Idempotency-Key": "has space"}
        )
        assert response.status_code == 200


def hash_of(path: str, body: dict[str, Any]) -> tuple[bytes, str]:
    raw = json.dumps(body).encode()
    return raw, _request_hash({"method": "POST", "path": path, "query_string": b""}, raw)


class TestInProgressAndExpiry:
    async def test_a_repeat_while_the_first_runs_is_409(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        raw, digest = hash_of(DEPARTMENTS, {"name": "Параллельно"})
        now = factory.container.clock.now()
        claimed = await factory.container.idempotency.claim(
            IdempotencyRecord(
                organisation_id=org.id,
                principal=str(admin.user.id),
                key="busy",
                method="POST",
                path=DEPARTMENTS,
                request_hash=digest,
                created_at=now,
            ),
            now=now,
        )
        assert claimed is None
        response = await factory.client.post(
            DEPARTMENTS,
            content=raw,
            headers={
                **admin.headers,
                "Idempotency-Key": "busy",
                "Content-Type": "application/json",
            },
        )
        assert response.status_code == 409
        assert response.json()["type"].endswith("/idempotency-key-in-progress")
        assert response.headers["retry-after"] == "1"
        assert await department_names(factory, admin) == []

    async def test_records_older_than_a_day_are_ignored_and_purged(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        now = factory.container.clock.now()
        old = IdempotencyRecord(
            organisation_id=org.id,
            principal=str(admin.user.id),
            key="old",
            method="POST",
            path=DEPARTMENTS,
            request_hash="0" * 64,
            created_at=now - timedelta(hours=25),
        )
        await factory.container.idempotency.claim(old, now=now - timedelta(hours=25))
        await factory.container.idempotency.complete(old, status_code=201, body="{}", headers={})
        response = await post(factory, admin, DEPARTMENTS, {"name": "Новый"}, "old")
        assert response.status_code == 201
        assert "idempotent-replayed" not in response.headers
        stale = IdempotencyRecord(**{**_fields(old), "key": "stale"})
        await factory.container.idempotency.claim(stale, now=now - timedelta(hours=25))

        purged = await purge_idempotency_records({"container": factory.container})
        assert purged >= 1
        assert {r["key"] for r in await stored_records(factory, org.id)} == {"old"}


def _fields(record: IdempotencyRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__dataclass_fields__}


class TestSecretsAreNotKept:
    async def test_a_new_api_key_is_not_stored_and_a_retry_runs_again(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        body = {"name": "Интеграция", "permissions": []}
        first = await post(factory, admin, "/api/v1/api-keys", body, "key-once")
        assert first.status_code == 201, first.text
        assert first.headers["cache-control"] == "no-store"
        assert await stored_records(factory, org.id) == []
        second = await post(factory, admin, "/api/v1/api-keys", body, "key-once")
        assert second.status_code == 201
        assert "idempotent-replayed" not in second.headers
        assert second.json()["key"] != first.json()["key"]

    async def test_webhook_signing_secrets_are_not_stored(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        body = {"url": "https://93.184.215.14/hooks", "events": ["*"]}
        created = await post(factory, admin, "/api/v1/webhooks", body, "hook-once")
        assert created.status_code == 201, created.text
        rotated = await post(
            factory,
            admin,
            f"/api/v1/webhooks/{created.json()['id']}/rotate-secret",
            {},
            "rotate-once",
        )
        assert rotated.status_code == 200, rotated.text
        assert rotated.headers["cache-control"] == "no-store"
        assert await stored_records(factory, org.id) == []

    async def test_sign_in_paths_are_left_alone(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        response = await factory.client.post(
            "/api/v1/auth/refresh",
            json={"refresh_token": admin.refresh_token},
            headers={**admin.headers, "Idempotency-Key": "refresh-1"},
        )
        assert response.status_code == 200, response.text
        assert await stored_records(factory, org.id) == []


class TestReplayIsForTheSameLiveCaller:
    async def test_a_deactivated_users_token_gets_no_replay(self, factory: Factory) -> None:
        org = await factory.organisation()
        user = await factory.user(org)
        session = await factory.login(user)
        body = {"kind": "vacation", "starts_on": "2030-09-01", "ends_on": "2030-09-05"}
        first = await post(factory, session, ABSENCES, body, "mine")
        assert first.status_code == 201, first.text
        async with factory.container.engine.begin() as conn:
            await conn.execute(
                sa.update(users).where(users.c.id == user.id).values(is_active=False)
            )
        # The access token has not expired yet, but its holder no longer has an account.
        again = await post(factory, session, ABSENCES, body, "mine")
        assert again.status_code == 401
        assert "idempotent-replayed" not in again.headers

    async def test_a_record_is_never_replayed_to_another_caller(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        other = await factory.login(await factory.user(org, "admin"))
        first = await post(factory, admin, DEPARTMENTS, {"name": "Север"}, "shared-key")
        second = await post(factory, other, DEPARTMENTS, {"name": "Север"}, "shared-key")
        assert first.status_code == 201
        assert second.status_code in (201, 409)  # its own run; never the first answer
        assert "idempotent-replayed" not in second.headers


class TestRetryAfterTheAnswer:
    async def test_a_retry_once_the_answer_is_out_is_a_replay_never_in_progress(
        self, factory: Factory, app: FastAPI
    ) -> None:
        _, admin = await factory.admin_session()
        raw = json.dumps({"name": "Ответ получен"}).encode()
        headers = {**admin.headers, "Idempotency-Key": "sent", "Content-Type": "application/json"}
        retries: list[Response] = []

        async def send(message: Message) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                # The caller holds the whole answer as soon as this chunk is out; a retry
                # (a second tab, a proxy repeating the request) may come that very moment.
                retries.append(await factory.client.post(DEPARTMENTS, content=raw, headers=headers))

        await app(_scope("POST", DEPARTMENTS, headers), _receive_once(raw), send)

        [retry] = retries
        assert retry.status_code == 201, retry.text
        assert retry.headers["idempotent-replayed"] == "true"
        assert (await department_names(factory, admin)).count("Ответ получен") == 1


def _scope(method: str, path: str, headers: dict[str, str]) -> Scope:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("10.9.8.7", 50000),
        "server": ("testserver", 80),
    }


def _receive_once(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # the client stays connected
        raise AssertionError("unreachable")

    return receive
