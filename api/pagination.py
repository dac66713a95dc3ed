"""Opaque keyset cursors: the last row's sort key, base64-encoded JSON."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query

from domain.shared.errors import InvalidInput


def encode_cursor(*values: Any) -> str:
    raw = json.dumps([str(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, size: int) -> list[str] | None:
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(("query", "cursor"), "is not a cursor returned by this API") from exc
    if not isinstance(values, list) or len(values) != size:
        raise InvalidInput(("query", "cursor"), "is not a cursor returned by this API")
    return [str(v) for v in values]


def decode_time_id_cursor(cursor: str | None) -> tuple[datetime, UUID] | None:
    """The (created_at, id) keyset of lists sorted newest first."""
    values = decode_cursor(cursor, 2)
    if values is None:
        return None
    try:
        moment, ident = datetime.fromisoformat(values[0]), UUID(values[1])
    except ValueError as exc:
        raise InvalidInput(("query", "cursor"), "is not a cursor returned by this API") from exc
    if moment.tzinfo is None:
        raise InvalidInput(("query", "cursor"), "is not a cursor returned by this API")
    return moment, ident


Limit = Annotated[int, Query(ge=1, le=200, description="Page size")]
Cursor = Annotated[str | None, Query(description="next_cursor of the previous page")]
