"""Credentials: refresh tokens, one-time action tokens (invitation, password reset) and API
keys. Secrets are never stored, only their digests."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from domain.shared.ids import new_id
from domain.staff.permissions import Permission

MIN_PASSWORD_LENGTH = 10
# Shared with the API schema.
API_KEY_NAME_MAX = 200
# An API key reads ``crm_<prefix>_<secret>``: the prefix finds the stored key, the digest of
# the whole key proves it.
API_KEY_SCHEME = "crm"


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

    @property
    def is_rotated(self) -> bool:
        return self.revoked_at is not None and self.replaced_by is not None

    def rotated_within(self, grace: timedelta, now: datetime) -> bool:
        """Rotated so recently that another use is a race (two tabs refreshing with one
        cookie, a retried request) rather than a stolen copy."""
        return (
            self.revoked_at is not None
            and self.replaced_by is not None
            and now - self.revoked_at <= grace
            and now < self.expires_at
        )


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

    def revoke(self, at: datetime) -> None:
        if self.revoked_at is None:  # revoking twice keeps the first moment
            self.revoked_at = at

    def is_usable(self, now: datetime) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or now < self.expires_at


def format_api_key(prefix: str, secret: str) -> str:
    return f"{API_KEY_SCHEME}_{prefix}_{secret}"


def split_api_key(raw: str) -> tuple[str, str] | None:
    """(prefix, secret) of a key in the ``crm_<prefix>_<secret>`` form; None otherwise."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_SCHEME or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]
