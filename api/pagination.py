"""Opaque keyset cursors: the last row's sort key, base64-encoded JSON."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any

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


Limit = Annotated[int, Query(ge=1, le=200, description="Page size")]
Cursor = Annotated[str | None, Query(description="next_cursor of the previous page")]
