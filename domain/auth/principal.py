"""The authenticated caller, as every use case sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from domain.shared.errors import PermissionDenied
from domain.shared.scope import Scope, Visibility
from domain.staff.permissions import Permission, Resource


@dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    organisation_id: UUID
    user_id: UUID | None  # None for an API key
    permissions: frozenset[Permission]
    visibility: dict[Resource, Visibility] = field(default_factory=dict)
    department_ids: frozenset[UUID] = field(default_factory=frozenset)
    is_admin: bool = False
    api_key_id: UUID | None = None
    # The organisation's day when the caller was loaded (see Scope.today).
    today: date | None = None

    def can(self, permission: Permission) -> bool:
        return self.is_admin or permission in self.permissions

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise PermissionDenied(f"This requires the permission {permission.value}")

    @property
    def organisation_scope(self) -> Scope:
        """For organisation-level records (staff, settings) that everyone in it may see."""
        return Scope(
            organisation_id=self.organisation_id,
            user_id=self.user_id,
            visibility=Visibility.ALL,
            department_ids=self.department_ids,
            today=self.today,
        )

    def scope_for(self, resource: Resource) -> Scope:
        """For owned records (clients, deals, tasks): own, team or all, by role."""
        level = Visibility.ALL if self.is_admin else self.visibility.get(resource, Visibility.OWN)
        return Scope(
            organisation_id=self.organisation_id,
            user_id=self.user_id,
            visibility=level,
            department_ids=self.department_ids,
            today=self.today,
        )
