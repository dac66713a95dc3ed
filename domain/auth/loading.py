"""Loading the authenticated caller: the user's role, permissions and department subtree as a
Principal."""

from __future__ import annotations

from uuid import UUID

from domain.auth.model import ApiKey
from domain.auth.principal import Principal
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import Unauthenticated
from domain.staff.permissions import Permission, Resource


async def load_principal(
    uow: UnitOfWork, user_id: UUID, organisation_id: UUID, *, clock: Clock
) -> Principal:
    """The caller as the domain sees it: role, permissions, department subtree, and the
    organisation's day by ``clock`` (which decides whom the caller substitutes for)."""
    signed_in = await uow.users.get_signed_in(organisation_id, user_id)
    if signed_in is None or not signed_in.user.is_active:
        raise Unauthenticated("The account does not exist or is deactivated")
    role = signed_in.role
    if role is None:
        raise Unauthenticated("The account has no role")
    organisation = signed_in.organisation
    return Principal(
        organisation_id=organisation_id,
        user_id=user_id,
        permissions=role.permissions,
        visibility=dict(role.visibility),
        department_ids=signed_in.department_ids,
        is_admin=role.is_admin,
        role_id=role.id,
        today=organisation.today(clock.now()),
    )


async def load_key_principal(uow: UnitOfWork, key: ApiKey, *, clock: Clock) -> Principal:
    """The caller behind a (verified, usable) API key, re-evaluated on every request against
    its creator as they are now: the key works only while the creator is active and still
    manages API keys, carries the key's permissions that the creator still holds, and sees
    exactly what the creator sees (their visibility, department subtree and substitutions)."""
    if key.created_by is None:
        raise Unauthenticated("The API key has no creator; issue a new one")
    try:
        creator = await load_principal(uow, key.created_by, key.organisation_id, clock=clock)
    except Unauthenticated:
        raise Unauthenticated("The API key's creator is deactivated") from None
    if not creator.can(Permission.API_KEYS_MANAGE):
        raise Unauthenticated("The API key's creator may no longer manage API keys")
    return Principal(
        organisation_id=key.organisation_id,
        user_id=None,
        permissions=frozenset(p for p in key.permissions if creator.can(p)),
        visibility={r: creator.reach(r) for r in Resource},
        department_ids=creator.department_ids,
        api_key_id=key.id,
        on_behalf_of=creator.user_id,
        today=creator.today,
    )
