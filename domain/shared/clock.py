"""Time as a port, so rules that depend on "now" can be tested at any moment."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol

from domain.shared.errors import OUTSIDE_WINDOW_CODE, InvalidInput
from domain.shared.text import FieldName

# The dates the product works with. Wider ones are typing slips (year 20245) or probes; they
# would break date arithmetic and the database's range, so they are refused where they enter.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2199, 12, 31)
OUTSIDE_WINDOW = f"must be between {DATE_MIN.isoformat()} and {DATE_MAX.isoformat()}"


def in_window(value: date) -> bool:
    """Whether a date (or the date of a moment, in its own offset) is a supported one."""
    day = value.date() if isinstance(value, datetime) else value
    return DATE_MIN <= day <= DATE_MAX


def validate_day(value: date, field_name: FieldName) -> date:
    if not in_window(value):
        raise InvalidInput(
            field_name,
            OUTSIDE_WINDOW,
            code=OUTSIDE_WINDOW_CODE,
            ctx={"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()},
        )
    return value


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved; for tests and replays."""

    def __init__(self, at: datetime) -> None:
        self._at = at

    def now(self) -> datetime:
        return self._at

    def move_to(self, at: datetime) -> None:
        self._at = at
