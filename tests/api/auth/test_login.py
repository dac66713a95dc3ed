from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from adapters.security.passwords import Argon2PasswordHasher
from api import cli
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


class TestThrottleUnderConcurrency:
    async def test_twenty_parallel_wrong_passwords_are_checked_at_most_five_times(
        self, factory: Factory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        org = await factory.organisation()
        hasher = CountingHasher(factory.container.hasher)
        monkeypatch.setattr(factory.container, "hasher", hasher)
        answers = await asyncio.gather(
            *(
                factory.client.post(
                    "/api/v1/auth/login",
                    json={"email": org.admin.email, "password": f"wrong-guess-{n}"},
                )
                for n in range(20)
            )
        )
        assert hasher.checks <= factory.container.settings.login_max_failures
        assert sorted({a.status_code for a in answers}) == [401, 429]

    async def test_an_unknown_address_costs_a_password_check_like_a_wrong_password(
        self, factory: Factory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Otherwise the quick answer for a missing account tells which addresses exist.
        hasher = CountingHasher(factory.container.hasher)
        monkeypatch.setattr(factory.container, "hasher", hasher)
        response = await factory.client.post(
            "/api/v1/auth/login", json={"email": unique_email(), "password": "whatever-123"}
        )
        assert response.status_code == 401
        assert hasher.checks == 1
        assert factory.container.hasher.verify("whatever-123", None) is False


class CountingHasher:
    def __init__(self, inner: Argon2PasswordHasher) -> None:
        self._inner = inner
        self.checks = 0

    def hash(self, password: str) -> str:
        return self._inner.hash(password)

    def verify(self, password: str, password_hash: str | None) -> bool:
        self.checks += 1
        return self._inner.verify(password, password_hash)


class TestForwardedFor:
    async def test_without_trusted_proxies_the_header_cannot_dodge_the_limit(
        self, factory: Factory
    ) -> None:
        for n in range(5):
            await factory.client.post(
                "/api/v1/auth/login",
                json={"email": unique_email(), "password": "whatever-123"},
                headers={"X-Forwarded-For": f"203.0.113.{n}"},
            )
        org = await factory.organisation()
        response = await factory.client.post(
            "/api/v1/auth/login",
            json={"email": org.admin.email, "password": PASSWORD},
            headers={"X-Forwarded-For": "203.0.113.99"},
        )
        assert response.status_code == 429

    async def test_behind_a_trusted_proxy_the_nearest_untrusted_address_is_the_client(
        self, factory: Factory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # The test client connects from 10.x.y.z: the proxy.
        settings = factory.container.settings.model_copy(update={"trusted_proxies": "10.0.0.0/8"})
        monkeypatch.setattr(factory.container, "settings", settings)
        client_ip = f"198.51.100.{random.randint(1, 254)}"
        for n in range(5):
            # What a client writes into the header itself stays to the left of what the
            # proxy appends, and is not believed.
            await factory.client.post(
                "/api/v1/auth/login",
                json={"email": unique_email(), "password": "whatever-123"},
                headers={"X-Forwarded-For": f"192.0.2.{n}, {client_ip}"},
            )
        org = await factory.organisation()
        limited = await factory.client.post(
            "/api/v1/auth/login",
            json={"email": org.admin.email, "password": PASSWORD},
            headers={"X-Forwarded-For": client_ip},
        )
        assert limited.status_code == 429
        other_client = await factory.client.post(
            "/api/v1/auth/login",
            json={"email": org.admin.email, "password": PASSWORD},
            headers={"X-Forwarded-For": f"198.51.101.{random.randint(1, 254)}"},
        )
        assert other_client.status_code == 200

    def test_the_web_server_does_not_believe_forwarded_headers_itself(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        calls: list[dict[str, Any]] = []
        monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
        monkeypatch.setenv("DATABASE_URL", "postgresql://u@127.0.0.1/db")
        monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
        result = CliRunner().invoke(cli.app, ["web"])
        assert result.exit_code == 0, result.output
        [kwargs] = calls
        assert kwargs["proxy_headers"] is False
