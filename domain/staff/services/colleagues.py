"""Loading the caller's colleagues: a user of the organisation, or an active one wherever
someone is named (a responsible, an assignee, a department head, a substitute, a mention).
Every context checks a named colleague here, so the rule and its message are one."""

from __future__ import annotations

from collections.abc import Sequence
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


NOT_AN_ACTIVE_COLLEAGUE = "must be an active user of this organisation"


async def require_active_colleague(
    uow: UnitOfWork,
    principal: Principal,
    user_id: UUID,
    field_name: str | Sequence[str | int],
    *,
    reason: str = NOT_AN_ACTIVE_COLLEAGUE,
) -> User:
    """The active user ``user_id`` of the caller's organisation; otherwise InvalidInput naming
    ``field_name`` (the field that named them)."""
    user = await uow.users.get(principal.organisation_scope, user_id)
    if user is None or not user.is_active:
        raise InvalidInput(field_name, reason)
    return user
