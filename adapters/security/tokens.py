"""Signed access tokens (JWT) and opaque secrets (refresh tokens, links, API keys)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import jwt

from domain.shared.errors import Unauthenticated

ALGORITHM = "HS256"
AUDIENCE = "crm-api"


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: UUID
    organisation_id: UUID


class JwtAccessTokens:
    def __init__(self, key: str, ttl_seconds: int) -> None:
        self._key = key
        self._ttl = ttl_seconds

    def issue(self, *, user_id: UUID, organisation_id: UUID, now: datetime) -> tuple[str, int]:
        claims = {
            "sub": str(user_id),
            "org": str(organisation_id),
            "iat": now,
            "exp": now + timedelta(seconds=self._ttl),
            "aud": AUDIENCE,
            "typ": "access",
            "jti": secrets.token_hex(8),
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM), self._ttl

    def decode(self, token: str) -> AccessClaims:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                options={"require": ["exp", "sub", "org", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthenticated("Access token has expired") from exc
        except jwt.PyJWTError as exc:
            raise Unauthenticated("Invalid access token") from exc
        if claims.get("typ") != "access":
            raise Unauthenticated("Invalid access token")
        try:
            return AccessClaims(user_id=UUID(claims["sub"]), organisation_id=UUID(claims["org"]))
        except ValueError as exc:
            raise Unauthenticated("Invalid access token") from exc


class UrlSafeSecrets:
    """High-entropy random secrets; stored as SHA-256 digests (enough for secrets that are
    not human-chosen, unlike passwords)."""

    def token(self) -> str:
        return secrets.token_urlsafe(32)

    def digest(self, secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()
