"""Loading the authenticated caller: the user's role, permissions and department subtree as a
Principal."""

from __future__ import annotations

from uuid import UUID

from domain.auth.principal import Principal
from domain.platform.ports import UnitOfWork
from domain.shared.errors import Unauthenticated
from domain.staff.model import DepartmentTree


async def load_principal(uow: UnitOfWork, user_id: UUID, organisation_id: UUID) -> Principal:
    """The caller as the domain sees it: role, permissions and department subtree."""
    user = await uow.users.get_for_auth(user_id)
    if user is None or user.organisation_id != organisation_id or not user.is_active:
        raise Unauthenticated("The account does not exist or is deactivated")
    scope = Principal(
        organisation_id=organisation_id, user_id=user_id, permissions=frozenset()
    ).organisation_scope
    role = await uow.roles.get(scope, user.role_id)
    if role is None:
        raise Unauthenticated("The account has no role")
    department_ids: frozenset[UUID] = frozenset()
    if user.department_id is not None:
        tree = DepartmentTree(await uow.departments.list(scope))
        department_ids = tree.subtree(user.department_id)
    return Principal(
        organisation_id=organisation_id,
        user_id=user_id,
        permissions=role.permissions,
        visibility=dict(role.visibility),
        department_ids=department_ids,
        is_admin=role.is_admin,
    )
