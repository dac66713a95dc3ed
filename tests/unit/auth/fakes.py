"""In-memory stand-ins for the ports the auth use cases need; no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from types import TracebackType
from typing import Self
from uuid import UUID

from domain.auth.model import ActionToken, ApiKey, RefreshToken
from domain.platform.model import Job
from domain.shared.scope import Scope
from domain.staff.model import (
    Department,
    DepartmentTree,
    Organisation,
    Role,
    SignedInUser,
    User,
)


class InMemoryUserRepository:
    def __init__(self, world: InMemoryUnitOfWork) -> None:
        self.rows: dict[UUID, User] = {}
        self._world = world

    async def add(self, user: User) -> None:
        self.rows[user.id] = replace(user)

    async def get_by_email(self, email: str) -> User | None:
        found = [u for u in self.rows.values() if u.email.lower() == email.strip().lower()]
        return replace(found[0]) if found else None

    async def get_for_auth(self, organisation_id: UUID, user_id: UUID) -> User | None:
        user = self.rows.get(user_id)
        return replace(user) if user and user.organisation_id == organisation_id else None

    async def get_signed_in(self, organisation_id: UUID, user_id: UUID) -> SignedInUser | None:
        user = await self.get_for_auth(organisation_id, user_id)
        organisation = await self._world.organisations.get(organisation_id)
        if user is None or organisation is None:
            return None
        scope = Scope(organisation_id=organisation_id, user_id=None)
        tree = DepartmentTree(await self._world.departments.list(scope))
        return SignedInUser(
            user=user,
            role=await self._world.roles.get(scope, user.role_id),
            organisation=organisation,
            department_ids=(
                tree.subtree(user.department_id) if user.department_id else frozenset()
            ),
        )

    async def update(self, user: User, expected_version: int) -> None:
        assert self.rows[user.id].version == expected_version
        self.rows[user.id] = replace(user, version=expected_version + 1)


class InMemoryActionTokenRepository:
    def __init__(self) -> None:
        self.rows: dict[str, ActionToken] = {}

    async def add(self, token: ActionToken) -> None:
        self.rows[token.token_hash] = replace(token)

    async def get_by_hash(self, token_hash: str) -> ActionToken | None:
        token = self.rows.get(token_hash)
        return replace(token) if token else None

    async def save(self, token: ActionToken) -> None:
        self.rows[token.token_hash] = replace(token)

    async def spend_all_for_user(self, organisation_id: UUID, user_id: UUID, at: datetime) -> None:
        for t in self.rows.values():
            if (t.organisation_id, t.user_id) == (organisation_id, user_id) and t.used_at is None:
                t.used_at = at


class InMemoryRefreshTokenRepository:
    def __init__(self) -> None:
        self.rows: dict[str, RefreshToken] = {}

    async def add(self, token: RefreshToken) -> None:
        self.rows[token.token_hash] = replace(token)

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        token = self.rows.get(token_hash)
        return replace(token) if token else None

    async def save(self, token: RefreshToken) -> None:
        self.rows[token.token_hash] = replace(token)

    async def revoke_family(self, organisation_id: UUID, family_id: UUID, at: datetime) -> None:
        for t in self.rows.values():
            if (t.organisation_id, t.family_id) == (organisation_id, family_id) and (
                t.revoked_at is None
            ):
                t.revoked_at = at

    async def revoke_all_for_user(self, organisation_id: UUID, user_id: UUID, at: datetime) -> None:
        for t in self.rows.values():
            if (t.organisation_id, t.user_id) == (organisation_id, user_id) and (
                t.revoked_at is None
            ):
                t.revoked_at = at

    async def family_is_active(self, organisation_id: UUID, family_id: UUID, now: datetime) -> bool:
        return any(
            (t.organisation_id, t.family_id) == (organisation_id, family_id) and t.is_usable(now)
            for t in self.rows.values()
        )


class InMemoryApiKeyRepository:
    def __init__(self) -> None:
        self.rows: dict[UUID, ApiKey] = {}

    async def add(self, key: ApiKey) -> None:
        self.rows[key.id] = replace(key)

    async def get(self, scope: Scope, key_id: UUID) -> ApiKey | None:
        key = self.rows.get(key_id)
        return replace(key) if key and key.organisation_id == scope.organisation_id else None

    async def get_by_prefix(self, prefix: str) -> ApiKey | None:
        found = [k for k in self.rows.values() if k.prefix == prefix]
        return replace(found[0]) if found else None

    async def list(self, scope: Scope) -> Sequence[ApiKey]:
        return [
            replace(k) for k in self.rows.values() if k.organisation_id == scope.organisation_id
        ]

    async def save(self, key: ApiKey) -> None:
        self.rows[key.id] = replace(key)


class InMemoryRoleRepository:
    def __init__(self) -> None:
        self.rows: dict[UUID, Role] = {}

    async def add(self, role: Role) -> None:
        self.rows[role.id] = replace(role)

    async def get(self, scope: Scope, role_id: UUID) -> Role | None:
        role = self.rows.get(role_id)
        return replace(role) if role and role.organisation_id == scope.organisation_id else None


class InMemoryOrganisationRepository:
    def __init__(self) -> None:
        self.rows: dict[UUID, Organisation] = {}

    async def add(self, organisation: Organisation) -> None:
        self.rows[organisation.id] = replace(organisation)

    async def get(self, organisation_id: UUID) -> Organisation | None:
        organisation = self.rows.get(organisation_id)
        return replace(organisation) if organisation else None


class InMemoryDepartmentRepository:
    def __init__(self) -> None:
        self.rows: dict[UUID, Department] = {}

    async def list(self, scope: Scope) -> Sequence[Department]:
        return [
            replace(d) for d in self.rows.values() if d.organisation_id == scope.organisation_id
        ]


class InMemoryUnitOfWork:
    """Changes are visible at once (no rollback); ``commits`` and ``enqueued`` record what
    the use case asked for."""

    def __init__(self) -> None:
        self.users = InMemoryUserRepository(self)
        self.action_tokens = InMemoryActionTokenRepository()
        self.refresh_tokens = InMemoryRefreshTokenRepository()
        self.api_keys = InMemoryApiKeyRepository()
        self.roles = InMemoryRoleRepository()
        self.organisations = InMemoryOrganisationRepository()
        self.departments = InMemoryDepartmentRepository()
        self.commits = 0
        self.enqueued: list[Job] = []

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def commit(self) -> None:
        self.commits += 1

    async def rollback(self) -> None:
        return None

    async def enqueue(self, job: Job) -> None:
        self.enqueued.append(job)


class FakeSecrets:
    def __init__(self) -> None:
        self.issued = 0

    def token(self) -> str:
        self.issued += 1
        return f"secret-{self.issued}"

    def digest(self, secret: str) -> str:
        return f"digest({secret})"


class FakeHasher:
    def hash(self, password: str) -> str:
        return f"hashed({password})"

    def verify(self, password: str, password_hash: str | None) -> bool:
        return password_hash == self.hash(password)


class FakeThrottle:
    """Counts attempts per key, with no window."""

    def __init__(self, max_attempts: int = 5) -> None:
        self.max_attempts = max_attempts
        self.counts: dict[str, int] = {}

    async def attempt(self, keys: Sequence[str]) -> int:
        for key in keys:
            self.counts[key] = self.counts.get(key, 0) + 1
        return 60 if any(self.counts[k] > self.max_attempts for k in keys) else 0

    async def forgive(self, keys: Sequence[str]) -> None:
        for key in keys:
            self.counts[key] = max(0, self.counts.get(key, 0) - 1)

    async def reset(self, keys: Sequence[str]) -> None:
        for key in keys:
            self.counts.pop(key, None)
