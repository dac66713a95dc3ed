from __future__ import annotations

from typing import Literal

from pydantic import EmailStr, Field

from api.schemas.base import Schema


class LoginRequest(Schema):
    email: EmailStr
    password: str = Field(min_length=1, max_length=1024)


class RefreshRequest(Schema):
    refresh_token: str = Field(min_length=1, max_length=512)


class TokenPairRead(Schema):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (a scheme name, not a secret)
    expires_in: int = Field(description="Seconds until the access token expires")


class PasswordForgotRequest(Schema):
    email: EmailStr


class PasswordSetRequest(Schema):
    token: str = Field(min_length=1, max_length=512, description="From the e-mailed link")
    password: str = Field(min_length=1, max_length=1024)
