"""Text matching shared by the client and contact queries: substring search over the stored
(normalised) values and the trigram similarity from which two names are duplicates."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from domain.clients.duplicates import NAME_SIMILARITY

DUPLICATE_LIMIT = 10


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column: sa.ColumnElement[Any], text: str) -> sa.ColumnElement[bool]:
    # Values are compared in the form they are stored in (lower-cased by Python), so the
    # match does not depend on the database's locale, and the trigram indexes serve it.
    return column.like(f"%{_escape_like(text)}%", escape="\\")


async def strict_similarity(conn: Any) -> None:
    """Make the indexable ``%`` operator mean "similar enough to be the same name"."""
    await conn.execute(
        sa.select(sa.func.set_config("pg_trgm.similarity_threshold", str(NAME_SIMILARITY), True))
    )
