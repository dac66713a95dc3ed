"""Builders with random unique values: each test makes its own organisation, so tests never
see each other's data."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from httpx import AsyncClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from adapters.bootstrap import Container
from domain.staff.model import Department, Role, User
from domain.staff.services.organisations import provision_organisation

PASSWORD = "correct-horse-battery"

# Test users' passwords are hashed with cheap Argon2 parameters; the hash carries them, so the
# app's production-cost hasher still verifies them at sign-in. Production cost here dominated
# the run time.
_CHEAP = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))


class CheapHasher:
    def hash(self, password: str) -> str:
        return _CHEAP.hash(password)

    def verify(self, password: str, password_hash: str | None) -> bool:
        return password_hash is not None and _CHEAP.verify(password, password_hash)


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}.{uuid.uuid4().hex[:10]}@example.com"


@dataclass(slots=True)
class Org:
    id: uuid.UUID
    name: str
    roles: dict[str, Role]
    admin: User


@dataclass(slots=True)
class Session:
    user: User
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


class Factory:
    def __init__(self, container: Container, client: AsyncClient) -> None:
        self.container = container
        self.client = client
        self.hasher = CheapHasher()

    async def organisation(self, name: str | None = None) -> Org:
        async with self.container.uow() as uow:
            result = await provision_organisation(
                uow,
                self.hasher,
                name=name or f"Org {uuid.uuid4().hex[:8]}",
                admin_email=unique_email("admin"),
                admin_password=PASSWORD,
                admin_name="Админ Тестовый",
            )
            await uow.commit()
        return Org(
            id=result.organisation.id,
            name=result.organisation.name,
            roles=result.roles,
            admin=result.admin,
        )

    async def department(
        self,
        org: Org,
        name: str | None = None,
        parent: Department | None = None,
        head: User | None = None,
    ) -> Department:
        department = Department(
            organisation_id=org.id,
            name=name or f"Отдел {uuid.uuid4().hex[:6]}",
            parent_id=parent.id if parent else None,
            head_id=head.id if head else None,
        )
        async with self.container.uow() as uow:
            await uow.departments.add(department)
            await uow.commit()
        return department

    async def user(
        self,
        org: Org,
        role_code: str = "seller",
        *,
        department: Department | None = None,
        full_name: str | None = None,
        password: str = PASSWORD,
        is_active: bool = True,
    ) -> User:
        user = User(
            organisation_id=org.id,
            email=unique_email(role_code),
            full_name=full_name or f"Сотрудник {uuid.uuid4().hex[:6]}",
            role_id=org.roles[role_code].id,
            department_id=department.id if department else None,
            password_hash=self.hasher.hash(password),
            is_active=is_active,
        )
        async with self.container.uow() as uow:
            await uow.users.add(user)
            await uow.commit()
        return user

    async def login(self, user: User, password: str = PASSWORD) -> Session:
        response = await self.client.post(
            "/api/v1/auth/login", json={"email": user.email, "password": password}
        )
        assert response.status_code == 200, response.text
        return Session(
            user=user,
            access_token=response.json()["access_token"],
            refresh_token=response.cookies["crm_refresh"],
        )

    async def admin_session(self, org: Org | None = None) -> tuple[Org, Session]:
        org = org or await self.organisation()
        return org, await self.login(org.admin)
