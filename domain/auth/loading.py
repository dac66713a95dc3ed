"""Loading the authenticated caller: the user's role, permissions and department subtree as a
Principal."""

from __future__ import annotations

from uuid import UUID

from domain.auth.principal import Principal
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import Unauthenticated
from domain.staff.model import DepartmentTree


async def load_principal(
    uow: UnitOfWork, user_id: UUID, organisation_id: UUID, *, clock: Clock
) -> Principal:
    """The caller as the domain sees it: role, permissions, department subtree, and the
    organisation's day by ``clock`` (which decides whom the caller substitutes for)."""
    user = await uow.users.get_for_auth(user_id)
    if user is None or user.organisation_id != organisation_id or not user.is_active:
        raise Unauthenticated("The account does not exist or is deactivated")
    scope = Principal(
        organisation_id=organisation_id, user_id=user_id, permissions=frozenset()
    ).organisation_scope
    role = await uow.roles.get(scope, user.role_id)
    if role is None:
        raise Unauthenticated("The account has no role")
    organisation = await uow.organisations.get(organisation_id)
    if organisation is None:
        raise Unauthenticated("The account does not exist or is deactivated")
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
        today=organisation.today(clock.now()),
    )
