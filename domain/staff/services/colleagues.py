"""Loading the caller's colleagues for the staff use cases: a user of the organisation, or
an active one where someone is named (a department head, a substitute)."""

from __future__ import annotations

from uuid import UUID

from domain.auth.principal import Principal
from domain.platform.ports import UnitOfWork
from domain.shared.errors import InvalidInput, NotFound
from domain.staff.model import User


async def get_user(uow: UnitOfWork, principal: Principal, user_id: UUID) -> User:
    user = await uow.users.get(principal.organisation_scope, user_id)
    if user is None:
        raise NotFound("User", user_id)
    return user


async def require_active_colleague(
    uow: UnitOfWork, principal: Principal, user_id: UUID, field_name: str
) -> User:
    user = await uow.users.get(principal.organisation_scope, user_id)
    if user is None or not user.is_active:
        raise InvalidInput(field_name, "must be an active user of this organisation")
    return user
