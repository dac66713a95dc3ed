from __future__ import annotations

import hashlib
import random
import time

import sqlalchemy as sa
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient, Response

from adapters.db.tables.auth import action_tokens
from adapters.db.tables.platform import jobs
from domain.auth.services import LINK_MAIL_JOB, AuthPolicy
from tests.factories import PASSWORD, Factory, unique_email
from tests.worker import body_of, drain_queue, link_token, mails_to

NEW_PASSWORD = "a-brand-new-passphrase"


async def reset_link_token(factory: Factory, address: str) -> str:
    """The link of the one reset mail this request brought."""
    before = {link_token(m) for m in mails_to(factory.container, address)}
    response = await factory.client.post("/api/v1/auth/password/forgot", json={"email": address})
    assert response.status_code == 202
    await drain_queue(factory.container)
    [token] = {link_token(m) for m in mails_to(factory.container, address)} - before
    return token


class TestForgotPassword:
    async def test_an_existing_user_is_mailed_a_link_to_set_a_new_password(
        self, factory: Factory
    ) -> None:
        org = await factory.organisation()
        user = await factory.user(org)
        token = await reset_link_token(factory, user.email)
        message = mails_to(factory.container, user.email)[0]
        assert message["Subject"] == "Password reset"
        assert f"http://127.0.0.1:8000/set-password?token={token}" in body_of(message)

    async def test_the_answer_is_the_same_for_unknown_and_deactivated_addresses(
        self, factory: Factory
    ) -> None:
        org = await factory.organisation()
        inactive = await factory.user(org, is_active=False)
        unknown = unique_email("nobody")
        answers = set()
        for address in (org.admin.email, unknown, inactive.email):
            response = await factory.client.post(
                "/api/v1/auth/password/forgot", json={"email": address}
            )
            answers.add((response.status_code, response.content))
        assert len(answers) == 1
        assert answers.pop()[0] == 202
        await drain_queue(factory.container)
        assert len(mails_to(factory.container, org.admin.email)) == 1
        assert mails_to(factory.container, unknown) == []
        assert mails_to(factory.container, inactive.email) == []


class TestSetPassword:
    async def test_the_link_sets_the_password_and_ends_existing_sessions(
        self, factory: Factory
    ) -> None:
        org = await factory.organisation()
        user = await factory.user(org)
        session = await factory.login(user)
        token = await reset_link_token(factory, user.email)

        response = await factory.client.post(
            "/api/v1/auth/password/set", json={"token": token, "password": NEW_PASSWORD}
        )
        assert response.status_code == 204
        old_refresh = await factory.client.post(
            "/api/v1/auth/refresh", json={"refresh_token": session.refresh_token}
        )
        assert old_refresh.status_code == 401
        old_password = await factory.client.post(
            "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
        )
        assert old_password.status_code == 401
        await factory.login(user, NEW_PASSWORD)

    async def test_the_link_works_once(self, factory: Factory) -> None:
        org = await factory.organisation()
        user = await factory.user(org)
        token = await reset_link_token(factory, user.email)
        body = {"token": token, "password": NEW_PASSWORD}
        first = await factory.client.post("/api/v1/auth/password/set", json=body)
        assert first.status_code == 204
        second = await factory.client.post(
            "/api/v1/auth/password/set", json={**body, "password": "yet-another-passphrase"}
        )
        assert second.status_code == 422
        assert [e["loc"] for e in second.json()["errors"]] == [["body", "token"]]
        await factory.login(user, NEW_PASSWORD)

    async def test_an_expired_link_is_422_naming_the_token(self, factory: Factory) -> None:
        org = await factory.organisation()
        user = await factory.user(org)
        token = await reset_link_token(factory, user.email)
        async with factory.container.engine.begin() as conn:
            await conn.execute(
                sa.update(action_tokens)
                .where(action_tokens.c.token_hash == hashlib.sha256(token.encode()).hexdigest())
                .values(expires_at=sa.func.now() - sa.text("interval '1 second'"))
            )
        response = await factory.client.post(
            "/api/v1/auth/password/set", json={"token": token, "password": NEW_PASSWORD}
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert [e["loc"] for e in response.json()["errors"]] == [["body", "token"]]
        await factory.login(user)  # the old password still works

    async def test_a_short_password_is_422_naming_the_password_and_keeps_the_link(
        self, factory: Factory
    ) -> None:
        org = await factory.organisation()
        user = await factory.user(org)
        token = await reset_link_token(factory, user.email)
        short = await factory.client.post(
            "/api/v1/auth/password/set", json={"token": token, "password": "short"}
        )
        assert short.status_code == 422
        assert [e["loc"] for e in short.json()["errors"]] == [["body", "password"]]
        retry = await factory.client.post(
            "/api/v1/auth/password/set", json={"token": token, "password": NEW_PASSWORD}
        )
        assert retry.status_code == 204

    async def test_an_unknown_token_is_422(self, factory: Factory) -> None:
        response = await factory.client.post(
            "/api/v1/auth/password/set", json={"token": "made-up", "password": NEW_PASSWORD}
        )
        assert response.status_code == 422
        assert [e["loc"] for e in response.json()["errors"]] == [["body", "token"]]


class TestInvitation:
    async def test_an_invited_user_sets_a_password_from_the_mail_and_signs_in(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        address = unique_email("invited")
        invited = await factory.client.post(
            "/api/v1/users/invitations",
            json={
                "email": address,
                "full_name": "Новый Продавец",
                "role_id": str(org.roles["seller"].id),
            },
            headers=admin.headers,
        )
        assert invited.status_code == 201, invited.text
        job_url = f"/api/v1/jobs/{invited.json()['job_id']}"
        cannot_yet = await factory.client.post(
            "/api/v1/auth/login", json={"email": address, "password": NEW_PASSWORD}
        )
        assert cannot_yet.status_code == 401

        before = await factory.client.get(job_url, headers=admin.headers)
        assert before.status_code == 200
        assert (before.json()["kind"], before.json()["status"]) == (LINK_MAIL_JOB, "queued")

        await drain_queue(factory.container)

        after = (await factory.client.get(job_url, headers=admin.headers)).json()
        assert (after["status"], after["progress"]) == ("done", 100)
        assert after["result"] == {"sent_to": address}
        [message] = mails_to(factory.container, address)
        assert org.name in body_of(message)
        response = await factory.client.post(
            "/api/v1/auth/password/set",
            json={"token": link_token(message), "password": NEW_PASSWORD},
        )
        assert response.status_code == 204
        session = await factory.client.post(
            "/api/v1/auth/login", json={"email": address, "password": NEW_PASSWORD}
        )
        assert session.status_code == 200
        me = await factory.client.get(
            "/api/v1/users/me",
            headers={"Authorization": f"Bearer {session.json()['access_token']}"},
        )
        assert (me.json()["email"], me.json()["role_code"]) == (address, "seller")


class TestResetLinksAreSecret:
    async def test_no_job_row_holds_the_link(self, factory: Factory) -> None:
        org = await factory.organisation()
        user = await factory.user(org)
        token = await reset_link_token(factory, user.email)
        async with factory.container.engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.select(jobs.c.kind, jobs.c.params, jobs.c.result).where(
                        jobs.c.organisation_id == org.id
                    )
                )
            ).all()
        assert [(r.kind, r.params) for r in rows] == [
            (LINK_MAIL_JOB, {"user_id": str(user.id), "purpose": "password_reset"})
        ]
        assert token not in repr(rows)

    async def test_using_a_link_spends_the_users_other_links(self, factory: Factory) -> None:
        org = await factory.organisation()
        user = await factory.user(org)
        first = await reset_link_token(factory, user.email)
        second = await reset_link_token(factory, user.email)
        used = await factory.client.post(
            "/api/v1/auth/password/set", json={"token": first, "password": NEW_PASSWORD}
        )
        assert used.status_code == 204
        stale = await factory.client.post(
            "/api/v1/auth/password/set",
            json={"token": second, "password": "an-attackers-passphrase"},
        )
        assert stale.status_code == 422
        assert [e["loc"] for e in stale.json()["errors"]] == [["body", "token"]]
        await factory.login(user, NEW_PASSWORD)


class TestResetRequestLimits:
    async def test_an_unknown_address_is_answered_no_sooner_than_a_known_one(
        self, factory: Factory
    ) -> None:
        org = await factory.organisation()
        floor = AuthPolicy().reset_answer_time.total_seconds()
        for address in (org.admin.email, unique_email("nobody")):
            started = time.monotonic()
            response = await factory.client.post(
                "/api/v1/auth/password/forgot", json={"email": address}
            )
            assert response.status_code == 202
            assert time.monotonic() - started >= floor

    async def test_requests_for_one_address_are_limited_from_any_client(
        self, factory: Factory, app: FastAPI
    ) -> None:
        org = await factory.organisation()
        limit = factory.container.settings.password_reset_max_requests
        for address in (org.admin.email, unique_email("nobody")):
            for _ in range(limit):
                assert (await forgot(app, address, ip=random_ip())).status_code == 202
            refused = await forgot(app, address.upper(), ip=random_ip())
            assert refused.status_code == 429
            assert refused.headers["content-type"] == "application/problem+json"
            assert int(refused.headers["retry-after"]) > 0
        await drain_queue(factory.container)
        assert len(mails_to(factory.container, org.admin.email)) == limit

    async def test_requests_from_one_client_are_limited_across_addresses(
        self, factory: Factory, app: FastAPI
    ) -> None:
        ip = random_ip()
        for _ in range(factory.container.settings.password_reset_max_requests):
            assert (await forgot(app, unique_email(), ip=ip)).status_code == 202
        assert (await forgot(app, unique_email(), ip=ip)).status_code == 429


def random_ip() -> str:
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


async def forgot(app: FastAPI, address: str, *, ip: str) -> Response:
    """A reset request from the client address ``ip``."""
    transport = ASGITransport(app=app, client=(ip, 50000))
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.post("/api/v1/auth/password/forgot", json={"email": address})
