"""Read models for users: a user with their role's name and derived manager."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from uuid import UUID

from domain.platform.ports import UnitOfWork
from domain.shared.scope import Scope
from domain.staff.model import DepartmentTree, Role, Schedule, User
from domain.staff.permissions import Permission


@dataclass(frozen=True, slots=True)
class UserView:
    user: User
    role_name: str
    role_code: str | None
    permissions: frozenset[Permission]
    manager_id: UUID | None


def describe_users(
    users: Iterable[User], roles: Iterable[Role], tree: DepartmentTree
) -> list[UserView]:
    by_id = {r.id: r for r in roles}
    views = []
    for user in users:
        role = by_id.get(user.role_id)
        views.append(
            UserView(
                user=user,
                role_name=role.name if role else "",
                role_code=role.code if role else None,
                permissions=(frozenset(Permission) if role and role.is_admin else role.permissions)
                if role
                else frozenset(),
                manager_id=tree.manager_of(user.id, user.department_id),
            )
        )
    return views


async def load_user_views(uow: UnitOfWork, scope: Scope, users: Sequence[User]) -> list[UserView]:
    """Two queries whatever the number of users: roles and departments."""
    roles = await uow.roles.list(scope)
    tree = DepartmentTree(await uow.departments.list(scope))
    return describe_users(users, roles, tree)


@dataclass(frozen=True, slots=True)
class ScheduleView:
    schedule: Schedule
    is_default: bool  # no schedule stored: the standard Mon-Fri 9-18 week applies
