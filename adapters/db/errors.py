"""Database failures that say "not now" rather than "wrong": a statement or a lock wait that
ran over the connection's budget, or a transaction the server chose to abort. They become
``Unavailable`` (503 with Retry-After) instead of a server error or a hung request."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from domain.shared.errors import Unavailable

# SQLSTATE -> (what the caller is told, seconds to wait before retrying)
_TRANSIENT: dict[str, tuple[str, int]] = {
    "57014": ("The request took too long and was stopped; try again shortly", 5),  # query_canceled
    "55P03": ("The record is busy with another change; try again shortly", 2),  # lock_not_available
    "40P01": ("The change collided with another one; try again", 1),  # deadlock_detected
    "40001": ("The change collided with another one; try again", 1),  # serialization_failure
}


def sqlstate(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


def transient_failure(exc: BaseException) -> Unavailable | None:
    """The domain error for a transient database failure, or None for any other error."""
    if not isinstance(exc, DBAPIError):
        return None
    known = _TRANSIENT.get(sqlstate(exc) or "")
    if known is None:
        return None
    detail, retry_after = known
    return Unavailable(detail, retry_after=retry_after)
