from __future__ import annotations

from uuid import UUID

from pydantic import Field

from api.schemas.base import Name, Schema
from domain.shared.scope import Visibility
from domain.staff.model import ROLE_NAME_MAX, Role
from domain.staff.permissions import Permission, Resource
from domain.staff.services.roles import PermissionCatalogue


class RoleRead(Schema):
    id: UUID
    name: str
    code: str | None = Field(description="Set for built-in roles, e.g. admin, seller")
    is_builtin: bool
    permissions: list[Permission]
    visibility: dict[Resource, Visibility] = Field(
        description="How far holders see each record resource: own, team or all"
    )
    version: int

    @classmethod
    def of(cls, role: Role) -> RoleRead:
        return cls(
            id=role.id,
            name=role.name,
            code=role.code,
            is_builtin=role.is_builtin,
            permissions=sorted(Permission) if role.is_admin else sorted(role.permissions),
            visibility={r: role.visibility_of(r) for r in Resource},
            version=role.version,
        )


class RoleCreate(Schema):
    name: Name = Field(min_length=1, max_length=ROLE_NAME_MAX)
    permissions: list[Permission] = Field(default_factory=list)
    visibility: dict[Resource, Visibility] = Field(
        default_factory=dict, description="Resources left out are seen own-only"
    )


class RoleUpdate(Schema):
    name: Name | None = Field(default=None, min_length=1, max_length=ROLE_NAME_MAX)
    permissions: list[Permission] | None = None
    visibility: dict[Resource, Visibility] | None = Field(
        default=None, description="Merged into the role's current visibility"
    )


class PermissionCatalogueRead(Schema):
    permissions: list[Permission]
    resources: list[Resource]
    visibility_levels: list[Visibility]

    @classmethod
    def of(cls, catalogue: PermissionCatalogue) -> PermissionCatalogueRead:
        return cls(
            permissions=list(catalogue.permissions),
            resources=list(catalogue.resources),
            visibility_levels=list(catalogue.visibility_levels),
        )
