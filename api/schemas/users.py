from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import EmailStr, Field

from api.schemas.base import Name, Schema
from domain.staff.model import TIME_ZONE_MAX, USER_FULL_NAME_MAX
from domain.staff.views import UserView

Language = Literal["ru", "uk", "en"]


class UserRead(Schema):
    id: UUID
    organisation_id: UUID
    email: str
    full_name: str
    phone: str | None
    language: Language
    time_zone: str
    role_id: UUID
    role_name: str
    role_code: str | None
    department_id: UUID | None
    manager_id: UUID | None = Field(description="Derived from the department tree")
    is_active: bool
    permissions: list[str]
    version: int

    @classmethod
    def of(cls, view: UserView) -> UserRead:
        u = view.user
        return cls(
            id=u.id,
            organisation_id=u.organisation_id,
            email=u.email,
            full_name=u.full_name,
            phone=u.phone,
            language=u.language,
            time_zone=u.time_zone,
            role_id=u.role_id,
            role_name=view.role_name,
            role_code=view.role_code,
            department_id=u.department_id,
            manager_id=view.manager_id,
            is_active=u.is_active,
            permissions=sorted(p.value for p in view.permissions),
            version=u.version,
        )


class ProfileUpdate(Schema):
    full_name: Name | None = Field(default=None, min_length=1, max_length=USER_FULL_NAME_MAX)
    phone: Name | None = Field(default=None, max_length=32)
    language: Language | None = None
    time_zone: Name | None = Field(default=None, max_length=TIME_ZONE_MAX)


class InvitationCreate(Schema):
    email: EmailStr
    full_name: Name = Field(min_length=1, max_length=USER_FULL_NAME_MAX)
    role_id: UUID
    department_id: UUID | None = None
    language: Language = "ru"
    time_zone: Name | None = Field(default=None, max_length=TIME_ZONE_MAX)


class InvitationRead(Schema):
    user: UserRead
    job_id: UUID = Field(description="The mail delivery job; follow it at /api/v1/jobs/{id}")


class UserUpdate(Schema):
    full_name: Name | None = Field(default=None, min_length=1, max_length=USER_FULL_NAME_MAX)
    role_id: UUID | None = None
    department_id: UUID | None = Field(default=None, description="null: outside every department")
    phone: Name | None = Field(default=None, max_length=32, description="null or empty clears it")
    language: Language | None = None
    time_zone: Name | None = Field(default=None, max_length=TIME_ZONE_MAX)


class UserPage(Schema):
    items: list[UserRead]
    next_cursor: str | None


class UsersOnDutyRead(Schema):
    at: datetime
    items: list[UserRead]
