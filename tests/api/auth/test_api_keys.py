from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from adapters.db.tables.auth import api_keys
from domain.staff.model import Role
from domain.staff.permissions import Permission
from tests.factories import Factory, Org, Session
from tests.worker import stored_job

URL = "/api/v1/api-keys"


async def create_key(
    factory: Factory, session: Session, permissions: list[str], **extra: Any
) -> dict[str, Any]:
    response = await factory.client.post(
        URL,
        json={"name": "1C exchange", "permissions": permissions, **extra},
        headers=session.headers,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def key_headers(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


async def key_manager(factory: Factory, org: Org, permissions: set[Permission]) -> Session:
    """A user whose custom role may manage keys but holds only ``permissions`` besides."""
    role = Role(
        organisation_id=org.id,
        name="Интегратор",
        permissions=frozenset({Permission.API_KEYS_MANAGE, *permissions}),
    )
    async with factory.container.uow() as uow:
        await uow.roles.add(role)
        await uow.commit()
    org.roles["integrator"] = role
    return await factory.login(await factory.user(org, "integrator"))


class TestCreateApiKey:
    async def test_the_key_is_shown_once_stored_as_a_digest_and_opens_the_api(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        created = await create_key(factory, admin, ["jobs:read_all"])
        assert created["key"].startswith(f"crm_{created['prefix']}_")
        assert created["permissions"] == ["jobs:read_all"]
        assert created["created_by"] == str(admin.user.id)
        async with factory.container.engine.connect() as conn:
            stored = (
                await conn.execute(sa.select(api_keys).where(api_keys.c.id == created["id"]))
            ).one()
        assert stored.key_hash == hashlib.sha256(created["key"].encode()).hexdigest()
        assert created["key"] not in str(stored._mapping.values())

        response = await factory.client.get("/api/v1/jobs", headers=key_headers(created["key"]))
        assert response.status_code == 200

    async def test_list_shows_keys_but_never_their_secret(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        created = await create_key(factory, admin, ["jobs:read_all"])
        response = await factory.client.get(URL, headers=admin.headers)
        assert response.status_code == 200
        assert [k["id"] for k in response.json()] == [created["id"]]
        assert "key" not in response.json()[0]
        # crm_<prefix>_<secret>: the secret itself may hold underscores (URL-safe base64).
        secret = created["key"].split("_", 2)[2]
        assert secret not in response.text

    async def test_a_key_cannot_carry_a_permission_its_creator_lacks(
        self, factory: Factory
    ) -> None:
        org = await factory.organisation()
        integrator = await key_manager(factory, org, {Permission.CLIENTS_READ})
        refused = await factory.client.post(
            URL,
            json={"name": "escalation", "permissions": ["clients:read", "users:manage"]},
            headers=integrator.headers,
        )
        assert refused.status_code == 403
        assert "users:manage" in refused.json()["detail"]
        allowed = await create_key(factory, integrator, ["clients:read"])
        assert allowed["permissions"] == ["clients:read"]

    async def test_a_seller_without_the_permission_gets_403(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        key = await create_key(factory, admin, [])
        seller = await factory.login(await factory.user(org, "seller"))
        create = await factory.client.post(
            URL, json={"name": "mine", "permissions": []}, headers=seller.headers
        )
        listing = await factory.client.get(URL, headers=seller.headers)
        revoke = await factory.client.delete(f"{URL}/{key['id']}", headers=seller.headers)
        assert [create.status_code, listing.status_code, revoke.status_code] == [403, 403, 403]
        assert create.headers["content-type"] == "application/problem+json"

    async def test_an_api_key_cannot_mint_keys(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        key = await create_key(factory, admin, ["api_keys:manage"])
        response = await factory.client.post(
            URL, json={"name": "child", "permissions": []}, headers=key_headers(key["key"])
        )
        assert response.status_code == 403

    async def test_an_unknown_permission_is_422_naming_the_field(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.post(
            URL, json={"name": "x", "permissions": ["rule:world"]}, headers=admin.headers
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "permissions", 0]

    async def test_an_expiry_in_the_past_is_422_naming_the_field(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
        response = await factory.client.post(
            URL, json={"name": "x", "permissions": [], "expires_at": past}, headers=admin.headers
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"loc": ["body", "expires_at"], "msg": "must be in the future", "code": "invalid_input"}
        ]

    async def test_a_blank_name_is_422(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.post(
            URL, json={"name": "   ", "permissions": []}, headers=admin.headers
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "name"]


class TestRevokeApiKey:
    async def test_a_revoked_key_gets_401_and_stays_listed_as_revoked(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        key = await create_key(factory, admin, ["jobs:read_all"])
        revoked = await factory.client.delete(f"{URL}/{key['id']}", headers=admin.headers)
        assert revoked.status_code == 204
        response = await factory.client.get("/api/v1/jobs", headers=key_headers(key["key"]))
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        listed = (await factory.client.get(URL, headers=admin.headers)).json()
        assert listed[0]["revoked_at"] is not None
        again = await factory.client.delete(f"{URL}/{key['id']}", headers=admin.headers)
        assert again.status_code == 204

    async def test_another_organisation_cannot_revoke_or_see_a_key(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        key = await create_key(factory, admin, [])
        _, stranger = await factory.admin_session()
        response = await factory.client.delete(f"{URL}/{key['id']}", headers=stranger.headers)
        assert response.status_code == 404
        assert (await factory.client.get(URL, headers=stranger.headers)).json() == []


class TestApiKeyAuthentication:
    async def test_an_expired_key_gets_401(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
        key = await create_key(factory, admin, ["jobs:read_all"], expires_at=soon)
        ok = await factory.client.get("/api/v1/jobs", headers=key_headers(key["key"]))
        assert ok.status_code == 200
        async with factory.container.engine.begin() as conn:
            await conn.execute(
                sa.update(api_keys)
                .where(api_keys.c.id == key["id"])
                .values(expires_at=sa.func.now() - sa.text("interval '1 second'"))
            )
        response = await factory.client.get("/api/v1/jobs", headers=key_headers(key["key"]))
        assert response.status_code == 401

    async def test_garbage_and_forged_keys_get_401(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        key = await create_key(factory, admin, ["jobs:read_all"])
        forged = f"crm_{key['prefix']}_{'A' * 43}"
        for raw in ("nonsense", "crm__", "crm_nope_nope", forged, key["key"] + "x"):
            response = await factory.client.get("/api/v1/jobs", headers=key_headers(raw))
            assert response.status_code == 401, raw

    async def test_a_key_sees_every_job_of_its_organisation_and_none_of_another(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        seller = await factory.user(org, "seller")
        own_job = await stored_job(factory.container, org.id, created_by=seller.id)
        other = await factory.organisation()
        foreign_job = await stored_job(factory.container, other.id, created_by=other.admin.id)
        key = await create_key(factory, admin, ["jobs:read_all"])
        headers = key_headers(key["key"])

        mine = await factory.client.get(f"/api/v1/jobs/{own_job.id}", headers=headers)
        assert mine.status_code == 200
        listed = await factory.client.get("/api/v1/jobs", headers=headers)
        assert [j["id"] for j in listed.json()["items"]] == [str(own_job.id)]
        foreign = await factory.client.get(f"/api/v1/jobs/{foreign_job.id}", headers=headers)
        assert foreign.status_code == 404

    async def test_a_key_has_only_its_own_permissions(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        job = await stored_job(factory.container, org.id, created_by=admin.user.id)
        key = await create_key(factory, admin, ["users:read"])
        headers = key_headers(key["key"])
        assert (
            await factory.client.get(f"/api/v1/jobs/{job.id}", headers=headers)
        ).status_code == 404
        assert (await factory.client.get("/api/v1/jobs", headers=headers)).json()["items"] == []
        listing = await factory.client.get(URL, headers=headers)
        assert listing.status_code == 403

    async def test_use_is_recorded_as_last_used_at(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        key = await create_key(factory, admin, [])
        assert key["last_used_at"] is None
        await factory.client.get("/api/v1/jobs", headers=key_headers(key["key"]))
        listed = (await factory.client.get(URL, headers=admin.headers)).json()
        assert listed[0]["last_used_at"] is not None

    async def test_my_profile_with_a_key_is_forbidden(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        key = await create_key(factory, admin, ["users:read"])
        response = await factory.client.get("/api/v1/users/me", headers=key_headers(key["key"]))
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
        assert "API key" in response.json()["detail"]
