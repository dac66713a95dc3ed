"""The authenticated caller, as every use case sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from domain.shared.errors import PermissionDenied
from domain.shared.scope import Scope, Visibility
from domain.staff.permissions import Permission, Resource

if TYPE_CHECKING:
    from domain.staff.model import Role

_REACH = {Visibility.OWN: 0, Visibility.TEAM: 1, Visibility.ALL: 2}


@dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    organisation_id: UUID
    user_id: UUID | None  # None for an API key
    permissions: frozenset[Permission]
    visibility: dict[Resource, Visibility] = field(default_factory=dict)
    department_ids: frozenset[UUID] = field(default_factory=frozenset)
    is_admin: bool = False
    api_key_id: UUID | None = None
    # The caller's role (None for an API key): nobody edits the role they hold.
    role_id: UUID | None = None
    # For an API key, the person who created it: the key sees what they see today, so a
    # key never reaches further than its creator (own and team records are theirs).
    on_behalf_of: UUID | None = None
    # The organisation's day when the caller was loaded (see Scope.today).
    today: date | None = None

    def can(self, permission: Permission) -> bool:
        return self.is_admin or permission in self.permissions

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise PermissionDenied(f"This requires the permission {permission.value}")

    def reach(self, resource: Resource) -> Visibility:
        """How far the caller sees records of ``resource``."""
        return Visibility.ALL if self.is_admin else self.visibility.get(resource, Visibility.OWN)

    def may_grant(self, role: Role) -> bool:
        """Whether the caller may hand ``role`` to someone (assign it, invite with it, create
        it): only what they hold themselves, in permissions and in how far they see. The
        administrator role only an administrator grants."""
        if self.is_admin:
            return True
        if role.is_admin:
            return False
        if not role.permissions <= self.permissions:
            return False
        return all(_REACH[role.visibility_of(r)] <= _REACH[self.reach(r)] for r in Resource)

    def require_grant(self, role: Role) -> None:
        if not self.may_grant(role):
            raise PermissionDenied(
                "You may only grant a role that holds no more than your own "
                "(never the administrator role)"
            )

    def require_role_edit(self, role: Role) -> None:
        """Editing or deleting a role: it must be grantable, and not the caller's own, or a
        delegated manager could widen their own rights through it."""
        self.require_grant(role)
        if not self.is_admin and role.id == self.role_id:
            raise PermissionDenied("You cannot edit the role you hold")

    @property
    def _acting_user(self) -> UUID | None:
        return self.user_id if self.user_id is not None else self.on_behalf_of

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
        return Scope(
            organisation_id=self.organisation_id,
            user_id=self._acting_user,
            visibility=self.reach(resource),
            department_ids=self.department_ids,
            today=self.today,
        )
