"""Optimistic concurrency for changes that do not go through a versioned update."""

from __future__ import annotations

from domain.shared.errors import PreconditionFailed


def check_version(entity: str, current: int, expected: int | None) -> int:
    """``expected`` is the version the caller last saw (from If-Match), or None for "any".
    Returns the version to compare against when saving."""
    if expected is not None and expected != current:
        raise PreconditionFailed(f"{entity} was changed by someone else; reload and try again")
    return current
