"""Idempotency keys on creates: a retried request with the same key gets the first answer.

A record is claimed (in progress) before the request runs and completed with the answer after;
an answer of 5xx releases it so a retry runs again. Records live for ``RETENTION``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

RETENTION = timedelta(hours=24)
# An in-progress record this old belongs to a request whose process died; a retry may take it.
ABANDONED_AFTER = timedelta(minutes=5)


@dataclass(frozen=True, slots=True, kw_only=True)
class IdempotencyRecord:
    organisation_id: UUID
    principal: str  # a user id, or "key:<api key id>"
    key: str
    method: str
    path: str
    request_hash: str
    created_at: datetime
    status_code: int | None = None  # None while the first request runs
    response_body: str | None = None  # the answer's text, byte for byte
    response_headers: dict[str, str] = field(default_factory=dict)

    @property
    def in_progress(self) -> bool:
        return self.status_code is None


class IdempotencyStore(Protocol):
    """Each call is its own short transaction, apart from the request's unit of work."""

    async def claim(self, record: IdempotencyRecord, *, now: datetime) -> IdempotencyRecord | None:
        """Store ``record`` as in progress and return None; or, when a live record holds the
        key already, return that record untouched. Expired and abandoned records are
        taken over."""
        ...

    async def complete(
        self,
        record: IdempotencyRecord,
        *,
        status_code: int,
        body: str,
        headers: dict[str, str],
    ) -> None: ...

    async def release(self, record: IdempotencyRecord) -> None:
        """Forget an in-progress claim, so a retry runs the request again."""
        ...

    async def purge(self, *, before: datetime) -> int:
        """Delete records created before ``before``; the number deleted."""
        ...
