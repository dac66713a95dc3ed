"""Role use cases: editable permission sets and the catalogue of permissions they draw from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from domain.auth.principal import Principal
from domain.platform.audit import record_change
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock, SystemClock
from domain.shared.concurrency import check_version
from domain.shared.errors import Conflict, NotFound
from domain.shared.scope import Visibility
from domain.staff.model import Role
from domain.staff.permissions import Permission, Resource


def _role_fields(r: Role) -> dict[str, object]:
    return {
        "name": r.name,
        "permissions": set(r.permissions),
        "visibility": {k.value: v.value for k, v in r.visibility.items()},
    }


@dataclass(frozen=True, slots=True)
class PermissionCatalogue:
    permissions: tuple[Permission, ...]
    resources: tuple[Resource, ...]
    visibility_levels: tuple[Visibility, ...]


class RoleService:
    """Roles are editable permission sets; the built-in administrator role stays all-powerful.
    A role manager touches only roles within their own rights and never the role they hold
    (Principal.may_grant)."""

    def __init__(self, uow: UnitOfWork, clock: Clock | None = None) -> None:
        self._uow = uow
        self._clock = clock or SystemClock()

    @staticmethod
    def catalogue() -> PermissionCatalogue:
        return PermissionCatalogue(
            permissions=tuple(Permission),
            resources=tuple(Resource),
            visibility_levels=tuple(Visibility),
        )

    async def list(self, principal: Principal) -> Sequence[Role]:
        async with self._uow as uow:
            return await uow.roles.list(principal.organisation_scope)

    async def get(self, principal: Principal, role_id: UUID) -> Role:
        async with self._uow as uow:
            return await self._load(uow, principal, role_id)

    async def create(
        self,
        principal: Principal,
        *,
        name: str,
        permissions: Iterable[Permission] = (),
        visibility: Mapping[Resource, Visibility] | None = None,
    ) -> Role:
        principal.require(Permission.ROLES_MANAGE)
        role = Role.custom(
            principal.organisation_id, name=name, permissions=permissions, visibility=visibility
        )
        principal.require_grant(role)
        async with self._uow as uow:
            await self._require_unique_name(uow, principal, role)
            await uow.roles.add(role)
            await record_change(
                uow,
                principal,
                entity_type="role",
                entity_id=role.id,
                action="create",
                after=_role_fields(role),
                at=self._clock.now(),
            )
            await uow.commit()
            return role

    async def update(
        self,
        principal: Principal,
        role_id: UUID,
        *,
        name: str | None = None,
        permissions: Iterable[Permission] | None = None,
        visibility: Mapping[Resource, Visibility] | None = None,
        expected_version: int | None = None,
    ) -> Role:
        principal.require(Permission.ROLES_MANAGE)
        async with self._uow as uow:
            role = await self._load(uow, principal, role_id)
            principal.require_role_edit(role)
            before = _role_fields(role)
            version = role.version if expected_version is None else expected_version
            role.change(name=name, permissions=permissions, visibility=visibility)
            principal.require_grant(role)
            await self._require_unique_name(uow, principal, role)
            await uow.roles.update(role, version)
            await record_change(
                uow,
                principal,
                entity_type="role",
                entity_id=role.id,
                action="update",
                before=before,
                after=_role_fields(role),
                at=self._clock.now(),
            )
            await uow.commit()
            return role

    async def delete(
        self, principal: Principal, role_id: UUID, *, expected_version: int | None = None
    ) -> None:
        principal.require(Permission.ROLES_MANAGE)
        scope = principal.organisation_scope
        async with self._uow as uow:
            role = await self._load(uow, principal, role_id)
            principal.require_role_edit(role)
            check_version("Role", role.version, expected_version)
            if role.is_admin:
                raise Conflict("The administrator role cannot be deleted")
            if await uow.roles.count_users(scope, role_id):
                raise Conflict("The role is assigned to users; give them another role first")
            await uow.roles.delete(scope, role_id)
            await record_change(
                uow,
                principal,
                entity_type="role",
                entity_id=role.id,
                action="delete",
                before=_role_fields(role),
                at=self._clock.now(),
            )
            await uow.commit()

    @staticmethod
    async def _load(uow: UnitOfWork, principal: Principal, role_id: UUID) -> Role:
        role = await uow.roles.get(principal.organisation_scope, role_id)
        if role is None:
            raise NotFound("Role", role_id)
        return role

    @staticmethod
    async def _require_unique_name(uow: UnitOfWork, principal: Principal, role: Role) -> None:
        wanted = role.name.casefold()
        for other in await uow.roles.list(principal.organisation_scope):
            if other.id != role.id and other.name.casefold() == wanted:
                raise Conflict(f"A role named {role.name!r} already exists")
