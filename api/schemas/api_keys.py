from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from api.schemas.base import AwareMoment, Name, Schema
from domain.auth.model import API_KEY_NAME_MAX, ApiKey
from domain.staff.permissions import Permission


class ApiKeyCreate(Schema):
    name: Name = Field(
        min_length=1, max_length=API_KEY_NAME_MAX, description="Who or what uses the key"
    )
    permissions: list[Permission] = Field(
        max_length=len(Permission), description="At most the permissions you hold yourself"
    )
    expires_at: AwareMoment | None = Field(default=None, description="Never, when absent")


class ApiKeyRead(Schema):
    id: UUID
    name: str
    prefix: str = Field(description="The public part of the key: crm_<prefix>_…")
    permissions: list[Permission]
    created_by: UUID | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyRead:
        return cls(
            id=key.id,
            name=key.name,
            prefix=key.prefix,
            permissions=sorted(key.permissions),
            created_by=key.created_by,
            created_at=key.created_at,
            expires_at=key.expires_at,
            revoked_at=key.revoked_at,
            last_used_at=key.last_used_at,
        )


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="Send as X-API-Key. Shown only in this answer; store it now")
