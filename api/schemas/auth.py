from __future__ import annotations

from typing import Literal

from pydantic import EmailStr, Field

from api.schemas.base import Schema, Text


class LoginRequest(Schema):
    email: EmailStr
    password: Text = Field(min_length=1, max_length=1024)


# The length of the refresh cookie too.
REFRESH_TOKEN_MAX = 512


class RefreshRequest(Schema):
    """For clients that keep no cookies: the value of the refresh cookie. Browsers send the
    cookie and no body."""

    refresh_token: Text = Field(min_length=1, max_length=512)


class AccessTokenRead(Schema):
    """The refresh token is not here: it is set as the HttpOnly cookie ``crm_refresh``."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (a scheme name, not a secret)
    expires_in: int = Field(description="Seconds until the access token expires")


class PasswordForgotRequest(Schema):
    email: EmailStr


class PasswordSetRequest(Schema):
    token: Text = Field(min_length=1, max_length=512, description="From the e-mailed link")
    password: Text = Field(min_length=1, max_length=1024)
