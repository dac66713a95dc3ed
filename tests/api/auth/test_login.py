from __future__ import annotations

from tests.factories import PASSWORD, Factory, unique_email


class TestLogin:
    async def test_valid_credentials_return_a_token_pair_that_opens_the_api(
        self, factory: Factory
    ) -> None:
        org = await factory.organisation()
        response = await factory.client.post(
            "/api/v1/auth/login", json={"email": org.admin.email.upper(), "password": PASSWORD}
        )
        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "bearer"
        assert body["expires_in"] == 900
        me = await factory.client.get(
            "/api/v1/users/me", headers={"Authorization": f"Bearer {body['access_token']}"}
        )
        assert me.status_code == 200
        assert me.json()["email"] == org.admin.email
        assert me.json()["role_code"] == "admin"

    async def test_wrong_password_is_401_problem(self, factory: Factory) -> None:
        org = await factory.organisation()
        response = await factory.client.post(
            "/api/v1/auth/login", json={"email": org.admin.email, "password": "wrong-password"}
        )
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] == "Wrong e-mail or password"

    async def test_deactivated_user_cannot_sign_in(self, factory: Factory) -> None:
        org = await factory.organisation()
        user = await factory.user(org, is_active=False)
        response = await factory.client.post(
            "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
        )
        assert response.status_code == 401

    async def test_sixth_failed_attempt_in_a_minute_is_429_even_with_the_right_password(
        self, factory: Factory
    ) -> None:
        org = await factory.organisation()
        for _ in range(5):
            failed = await factory.client.post(
                "/api/v1/auth/login", json={"email": org.admin.email, "password": "nope-nope-nope"}
            )
            assert failed.status_code == 401
        sixth = await factory.client.post(
            "/api/v1/auth/login", json={"email": org.admin.email, "password": PASSWORD}
        )
        assert sixth.status_code == 429
        assert sixth.headers["content-type"] == "application/problem+json"
        assert 0 < int(sixth.headers["retry-after"]) <= 60

    async def test_failures_from_one_address_are_limited_across_accounts(
        self, factory: Factory
    ) -> None:
        for _ in range(5):
            await factory.client.post(
                "/api/v1/auth/login", json={"email": unique_email(), "password": "whatever-123"}
            )
        org = await factory.organisation()
        response = await factory.client.post(
            "/api/v1/auth/login", json={"email": org.admin.email, "password": PASSWORD}
        )
        assert response.status_code == 429


class TestAccessTokens:
    """Refresh and sign-out: tests/api/auth/test_sessions.py."""

    async def test_requests_without_credentials_are_401(self, factory: Factory) -> None:
        response = await factory.client.get("/api/v1/users/me")
        assert response.status_code == 401
        assert response.json()["status"] == 401

    async def test_a_tampered_access_token_is_401(self, factory: Factory) -> None:
        _, session = await factory.admin_session()
        response = await factory.client.get(
            "/api/v1/users/me", headers={"Authorization": f"Bearer {session.access_token}x"}
        )
        assert response.status_code == 401
