"""Opaque keyset cursors: the last row's sort key and id, base64url-encoded JSON.

The one cursor codec of the API. ``encode_cursor(*key)`` takes the sort value(s) and the id;
``decode_cursor(cursor, *parts)`` reads them back, each position parsed by a part
(``moment``, ``day``, ``text``, ``amount``, ``ident``, or ``nullable(...)`` of one), so the
repositories receive typed values. A cursor that was not issued by this API (garbled,
tampered, the wrong shape, of another sort order) is a 422 naming the ``cursor`` query field.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar, overload
from uuid import UUID

from fastapi import Query

from domain.shared.errors import InvalidInput
from domain.shared.money import bounded_decimal

A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")

CursorValue = datetime | date | Decimal | UUID | str | None
# Parses one position of a decoded cursor; raises ValueError when it does not fit.
KeyPart = Callable[[object], A]

Limit = Annotated[int, Query(ge=1, le=200, description="Page size")]
Cursor = Annotated[
    str | None, Query(max_length=2000, description="next_cursor of the previous page")
]


class InvalidCursor(InvalidInput):
    def __init__(self) -> None:
        super().__init__(("query", "cursor"), "is not a cursor returned by this API")


def _dump(value: CursorValue) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    return str(value)


def encode_cursor(*key: CursorValue) -> str:
    """The cursor of a row whose keyset is ``key`` (sort values first, the id last)."""
    raw = json.dumps([_dump(v) for v in key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _string(raw: object) -> str:
    if not isinstance(raw, str):
        raise ValueError("not a string")
    return raw


def moment(raw: object) -> datetime:
    """A timestamp with its offset."""
    value = datetime.fromisoformat(_string(raw))
    if value.tzinfo is None:
        raise ValueError("no offset")
    return value


def day(raw: object) -> date:
    return date.fromisoformat(_string(raw))


def text(raw: object) -> str:
    return _string(raw)


def amount(raw: object) -> Decimal:
    """Bounded like every amount: a forged cursor must not carry 1e999999999 into a query."""
    try:
        return bounded_decimal(_string(raw), ("query", "cursor"))
    except InvalidInput as exc:
        raise ValueError("not an amount") from exc


def ident(raw: object) -> UUID:
    return UUID(_string(raw))


def nullable(part: KeyPart[A]) -> KeyPart[A | None]:
    """``part``, or None for a row whose sort value is NULL."""

    def parse(raw: object) -> A | None:
        # "None": cursors issued before NULL was encoded as JSON null.
        return None if raw is None or raw == "None" else part(raw)

    return parse


@overload
def decode_cursor(cursor: str | None, a: KeyPart[A], b: KeyPart[B], /) -> tuple[A, B] | None: ...


@overload
def decode_cursor(
    cursor: str | None, a: KeyPart[A], b: KeyPart[B], c: KeyPart[C], /
) -> tuple[A, B, C] | None: ...


def decode_cursor(cursor: str | None, *parts: KeyPart[Any]) -> tuple[Any, ...] | None:
    """The keyset that ``encode_cursor`` put in ``cursor``, one value per part; None for the
    first page."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != len(parts):
            raise InvalidCursor()
        return tuple(part(value) for part, value in zip(parts, values, strict=True))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor() from exc


def decode_time_id_cursor(cursor: str | None) -> tuple[datetime, UUID] | None:
    """The (created_at, id) keyset of lists sorted newest first."""
    return decode_cursor(cursor, moment, ident)
