from __future__ import annotations

import hashlib

import sqlalchemy as sa

from adapters.db.tables.auth import action_tokens
from tests.factories import PASSWORD, Factory, unique_email
from tests.worker import body_of, drain_queue, link_token, mails_to

NEW_PASSWORD = "a-brand-new-passphrase"


async def reset_link_token(factory: Factory, address: str) -> str:
    response = await factory.client.post("/api/v1/auth/password/forgot", json={"email": address})
    assert response.status_code == 202
    await drain_queue(factory.container)
    messages = mails_to(factory.container, address)
    assert len(messages) == 1
    return link_token(messages[0])


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
        assert (before.json()["kind"], before.json()["status"]) == ("mail.send", "queued")

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
