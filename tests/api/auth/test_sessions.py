"""Browser sessions: the refresh token lives in an HttpOnly cookie scoped to /api/v1/auth.

The test client talks plain http to "testserver", so its cookie jar (rightly) keeps the Secure
cookie to itself; these tests send the cookie explicitly, as a browser on https would."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from http.cookies import SimpleCookie

import httpx
import sqlalchemy as sa

from adapters.db.tables.auth import refresh_tokens
from tests.factories import PASSWORD, Factory, Session

COOKIE = "crm_refresh"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"


def set_cookie(response: httpx.Response) -> tuple[str, dict[str, str | bool]]:
    """The refresh cookie the answer sets: its value and its attributes, names lowercased."""
    [header] = [h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE + "=")]
    morsel = SimpleCookie(header)[COOKIE]
    flags = {name: True for name in ("httponly", "secure") if name in header.lower()}
    return morsel.value, {k: v for k, v in morsel.items() if v} | flags


def with_cookie(token: str) -> dict[str, str]:
    return {"Cookie": f"{COOKIE}={token}"}


async def refresh(factory: Factory, token: str) -> httpx.Response:
    return await factory.client.post(REFRESH, headers=with_cookie(token))


async def me(factory: Factory, access_token: str) -> int:
    response = await factory.client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {access_token}"}
    )
    return response.status_code


class TestLoginCookie:
    async def test_the_refresh_token_is_an_http_only_strict_cookie_on_the_auth_path(
        self, factory: Factory
    ) -> None:
        org = await factory.organisation()
        response = await factory.client.post(
            "/api/v1/auth/login", json={"email": org.admin.email, "password": PASSWORD}
        )
        assert response.status_code == 200
        assert "refresh_token" not in response.json()
        value, attributes = set_cookie(response)
        assert len(value) >= 32
        assert attributes["httponly"] is True
        assert attributes["secure"] is True
        assert attributes["samesite"] == "strict"
        assert attributes["path"] == "/api/v1/auth"
        assert attributes["max-age"] == str(30 * 24 * 3600)
        assert response.headers["cache-control"] == "no-store"
        assert await me(factory, response.json()["access_token"]) == 200


class TestRefresh:
    async def test_the_cookie_yields_a_new_access_token_and_a_new_cookie(
        self, factory: Factory
    ) -> None:
        _, session = await factory.admin_session()
        response = await refresh(factory, session.refresh_token)
        assert response.status_code == 200
        assert "refresh_token" not in response.json()
        assert await me(factory, response.json()["access_token"]) == 200
        value, attributes = set_cookie(response)
        assert value != session.refresh_token
        assert (attributes["path"], attributes["samesite"]) == ("/api/v1/auth", "strict")
        assert response.headers["cache-control"] == "no-store"
        assert (await refresh(factory, value)).status_code == 200

    async def test_without_a_cookie_it_is_401_problem(self, factory: Factory) -> None:
        response = await factory.client.post(REFRESH)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"

    async def test_a_client_without_cookies_may_send_the_token_in_the_body(
        self, factory: Factory
    ) -> None:
        _, session = await factory.admin_session()
        response = await factory.client.post(REFRESH, json={"refresh_token": session.refresh_token})
        assert response.status_code == 200
        assert set_cookie(response)[0] != session.refresh_token

    async def test_two_tabs_refreshing_at_once_both_stay_signed_in(self, factory: Factory) -> None:
        _, session = await factory.admin_session()
        first, second = await asyncio.gather(
            refresh(factory, session.refresh_token), refresh(factory, session.refresh_token)
        )
        assert (first.status_code, second.status_code) == (200, 200)
        # Whichever cookie the browser ends up keeping goes on working.
        for answer in (first, second):
            assert await me(factory, answer.json()["access_token"]) == 200
            assert (await refresh(factory, set_cookie(answer)[0])).status_code == 200

    async def test_reuse_after_the_grace_period_ends_the_session(self, factory: Factory) -> None:
        _, session = await factory.admin_session()
        rotated = await refresh(factory, session.refresh_token)
        await self._age_rotation(factory, session, timedelta(seconds=31))
        reused = await refresh(factory, session.refresh_token)
        assert reused.status_code == 401
        assert "already used" in reused.json()["detail"]
        # Reuse of a rotated token ends the whole session, the new token included.
        assert (await refresh(factory, set_cookie(rotated)[0])).status_code == 401

    async def _age_rotation(self, factory: Factory, session: Session, age: timedelta) -> None:
        async with factory.container.engine.begin() as conn:
            await conn.execute(
                sa.update(refresh_tokens)
                .where(refresh_tokens.c.user_id == session.user.id)
                .where(refresh_tokens.c.replaced_by.is_not(None))
                .values(revoked_at=refresh_tokens.c.revoked_at - age)
            )


class TestLogout:
    async def test_logout_revokes_the_session_and_clears_the_cookie(self, factory: Factory) -> None:
        _, session = await factory.admin_session()
        out = await factory.client.post(LOGOUT, headers=with_cookie(session.refresh_token))
        assert out.status_code == 204
        assert "content-type" not in out.headers
        value, attributes = set_cookie(out)
        assert value == ""
        assert attributes["max-age"] == "0"
        assert attributes["path"] == "/api/v1/auth"
        assert (await refresh(factory, session.refresh_token)).status_code == 401

    async def test_logout_without_a_cookie_still_clears_it(self, factory: Factory) -> None:
        out = await factory.client.post(LOGOUT)
        assert out.status_code == 204
        assert set_cookie(out)[1]["max-age"] == "0"

    async def test_a_just_rotated_token_does_not_outlive_the_logout(self, factory: Factory) -> None:
        _, session = await factory.admin_session()
        rotated = await refresh(factory, session.refresh_token)
        await factory.client.post(LOGOUT, headers=with_cookie(set_cookie(rotated)[0]))
        assert (await refresh(factory, session.refresh_token)).status_code == 401
