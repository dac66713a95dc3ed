"""Credentials: refresh tokens, one-time action tokens (invitation, password reset) and API
keys. Secrets are never stored, only their digests."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from domain.shared.ids import new_id
from domain.staff.permissions import Permission

MIN_PASSWORD_LENGTH = 10


@dataclass(slots=True, kw_only=True)
class RefreshToken:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    user_id: UUID
    # All tokens rotated from one login share a family; reuse of a rotated token revokes it.
    family_id: UUID
    token_hash: str
    expires_at: datetime
    created_at: datetime
    revoked_at: datetime | None = None
    replaced_by: UUID | None = None

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


class ActionPurpose(enum.StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a purpose, not a secret)


@dataclass(slots=True, kw_only=True)
class ActionToken:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    user_id: UUID
    purpose: ActionPurpose
    token_hash: str
    expires_at: datetime
    created_at: datetime
    used_at: datetime | None = None

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at


@dataclass(slots=True, kw_only=True)
class ApiKey:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    name: str
    prefix: str
    key_hash: str
    permissions: frozenset[Permission]
    created_by: UUID | None
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None

    def is_usable(self, now: datetime) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or now < self.expires_at
