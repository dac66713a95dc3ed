"""What the staff context needs from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from domain.shared.scope import Scope
from domain.staff.model import (
    Absence,
    Department,
    Organisation,
    Role,
    Schedule,
    SignedInUser,
    User,
)


class OrganisationRepository(Protocol):
    async def add(self, organisation: Organisation) -> None: ...
    async def get(self, organisation_id: UUID) -> Organisation | None: ...
    async def update(self, organisation: Organisation, expected_version: int) -> None: ...
    async def get_by_name(self, name: str) -> Organisation | None: ...


class RoleRepository(Protocol):
    async def add(self, role: Role) -> None: ...
    async def get(self, scope: Scope, role_id: UUID) -> Role | None: ...
    async def get_by_code(self, scope: Scope, code: str) -> Role | None: ...
    async def list(self, scope: Scope) -> Sequence[Role]: ...
    async def update(self, role: Role, expected_version: int) -> None: ...
    async def delete(self, scope: Scope, role_id: UUID) -> None: ...
    async def count_users(self, scope: Scope, role_id: UUID) -> int: ...


class UserRepository(Protocol):
    async def add(self, user: User) -> None: ...
    async def get(self, scope: Scope, user_id: UUID) -> User | None: ...
    async def get_by_email(self, email: str) -> User | None:
        """Across organisations: e-mail addresses are unique and used to sign in."""
        ...

    async def names(self, scope: Scope) -> dict[UUID, str]:
        """Every user's full name in the organisation (for exports and reports)."""
        ...

    async def names_of(self, organisation_id: UUID, user_ids: Sequence[UUID]) -> dict[UUID, str]:
        """These users' full names, batch-loaded (for the responsible on cards and rows)."""
        ...

    async def get_for_auth(self, organisation_id: UUID, user_id: UUID) -> User | None:
        """Without a caller's scope, for credentials that already name the user and their
        organisation (tokens, links)."""
        ...

    async def get_signed_in(self, organisation_id: UUID, user_id: UUID) -> SignedInUser | None:
        """Like ``get_for_auth``, with the role, the organisation and the department subtree
        in the same read: every authenticated request loads its caller this way."""
        ...

    async def list(
        self,
        scope: Scope,
        *,
        limit: int,
        after: tuple[str, UUID] | None = None,
        department_ids: frozenset[UUID] | None = None,
        is_active: bool | None = None,
        search: str | None = None,
        owners_visible_in: Scope | None = None,
    ) -> Sequence[User]:
        """Users ordered by (full_name, id), after the keyset cursor ``after``; with
        ``owners_visible_in``, only those whose records that scope sees (the caller, their
        team, whom they stand in for today)."""
        ...

    async def update(self, user: User, expected_version: int) -> None: ...
    async def count_active_with_role_code(self, scope: Scope, code: str) -> int: ...


class DepartmentRepository(Protocol):
    async def add(self, department: Department) -> None: ...
    async def get(self, scope: Scope, department_id: UUID) -> Department | None: ...
    async def list(self, scope: Scope) -> Sequence[Department]: ...
    async def update(self, department: Department, expected_version: int) -> None: ...
    async def delete(self, scope: Scope, department_id: UUID) -> None: ...
    async def count_members(self, scope: Scope, department_id: UUID) -> int: ...


class ScheduleRepository(Protocol):
    async def get(self, scope: Scope, user_id: UUID) -> Schedule | None: ...
    async def list(self, scope: Scope) -> Sequence[Schedule]:
        """Every stored schedule of the organisation (users without one work a standard week)."""
        ...

    async def save(self, schedule: Schedule) -> None: ...


class AbsenceRepository(Protocol):
    async def add(self, absence: Absence) -> None: ...
    async def get(self, scope: Scope, absence_id: UUID) -> Absence | None: ...
    async def list(
        self,
        scope: Scope,
        *,
        user_id: UUID | None = None,
        overlapping: tuple[date, date] | None = None,
        limit: int = 100,
        after: tuple[date, UUID] | None = None,
    ) -> Sequence[Absence]: ...
    async def update(self, absence: Absence, expected_version: int) -> None: ...
    async def delete(self, scope: Scope, absence_id: UUID) -> None: ...
    async def begun_unannounced(self, now: datetime, limit: int) -> Sequence[tuple[Absence, date]]:
        """Unscoped, for the worker: absences running on their organisation's day at ``now``
        whose start was not announced yet, each with that day (locked, skipping rows another
        worker holds)."""
        ...
