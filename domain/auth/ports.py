"""What authentication needs from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.auth.model import ActionToken, ApiKey, RefreshToken
from domain.shared.scope import Scope


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, password: str, password_hash: str | None) -> bool:
        """Whether ``password`` matches; with no hash (no such account, no password set) it
        does the same work against a stand-in and answers False, so the time taken does not
        tell whether an account exists."""
        ...


class AccessTokenIssuer(Protocol):
    def issue(self, *, user_id: UUID, organisation_id: UUID, now: datetime) -> tuple[str, int]:
        """A signed short-lived access token and its lifetime in seconds."""
        ...


class SecretGenerator(Protocol):
    def token(self) -> str:
        """A fresh high-entropy secret safe to put in a URL."""
        ...

    def digest(self, secret: str) -> str:
        """The stored form of a secret: a one-way digest."""
        ...


class AttemptThrottle(Protocol):
    """Attempts (sign-ins, reset requests) counted per key (an account, an address) in a
    window."""

    async def attempt(self, keys: Sequence[str]) -> int:
        """Counts one attempt against every key before it is checked, atomically, so parallel
        attempts cannot all slip under the limit. Seconds to wait when any key is over its
        limit (the attempt must then be refused unchecked); 0 when it may go ahead."""
        ...

    async def forgive(self, keys: Sequence[str]) -> None:
        """Takes back one counted attempt that turned out legitimate."""
        ...

    async def reset(self, keys: Sequence[str]) -> None: ...


class RefreshTokenRepository(Protocol):
    async def add(self, token: RefreshToken) -> None: ...
    async def get_by_hash(self, token_hash: str) -> RefreshToken | None: ...
    async def save(self, token: RefreshToken) -> None: ...
    async def revoke_family(self, organisation_id: UUID, family_id: UUID, at: datetime) -> None: ...
    async def revoke_all_for_user(
        self, organisation_id: UUID, user_id: UUID, at: datetime
    ) -> None: ...
    async def family_is_active(self, organisation_id: UUID, family_id: UUID, now: datetime) -> bool:
        """Whether a token of the family is still usable: false once the sign-in was ended
        (signed out, reuse detected, password changed) or has expired."""
        ...


class ActionTokenRepository(Protocol):
    async def add(self, token: ActionToken) -> None: ...
    async def get_by_hash(self, token_hash: str) -> ActionToken | None: ...
    async def save(self, token: ActionToken) -> None: ...
    async def spend_all_for_user(self, organisation_id: UUID, user_id: UUID, at: datetime) -> None:
        """Marks every unused link of the user as used at ``at``."""
        ...


class ApiKeyRepository(Protocol):
    async def add(self, key: ApiKey) -> None: ...
    async def get(self, scope: Scope, key_id: UUID) -> ApiKey | None: ...
    async def get_by_prefix(self, prefix: str) -> ApiKey | None: ...
    async def list(self, scope: Scope) -> Sequence[ApiKey]: ...
    async def save(self, key: ApiKey) -> None: ...
