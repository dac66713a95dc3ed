from __future__ import annotations

from datetime import time
from typing import Annotated
from uuid import UUID

from pydantic import Field

from api.schemas.base import Name, Schema
from domain.staff.model import TIME_ZONE_MAX, WEEKDAYS
from domain.staff.views import ScheduleView

ClockTime = Annotated[
    str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["09:00"], description="HH:MM")
]


class DayHours(Schema):
    starts: ClockTime
    ends: ClockTime


class WeekHours(Schema):
    """Working hours per weekday; a day left out (or null) is a day off."""

    mon: DayHours | None = None
    tue: DayHours | None = None
    wed: DayHours | None = None
    thu: DayHours | None = None
    fri: DayHours | None = None
    sat: DayHours | None = None
    sun: DayHours | None = None

    def as_times(self) -> dict[str, tuple[time, time]]:
        hours = {day: getattr(self, day) for day in WEEKDAYS}
        return {
            day: (time.fromisoformat(h.starts), time.fromisoformat(h.ends))
            for day, h in hours.items()
            if h is not None
        }


class ScheduleWrite(Schema):
    time_zone: Name = Field(max_length=TIME_ZONE_MAX, examples=["Europe/Moscow"])
    days: WeekHours


class ScheduleRead(Schema):
    user_id: UUID
    time_zone: str
    days: WeekHours
    is_default: bool = Field(description="No schedule is set: the standard Mon-Fri 9-18 applies")

    @classmethod
    def of(cls, view: ScheduleView) -> ScheduleRead:
        s = view.schedule
        days = {
            day: DayHours(starts=h.starts.strftime("%H:%M"), ends=h.ends.strftime("%H:%M"))
            for day, h in s.days.items()
        }
        return cls(
            user_id=s.user_id,
            time_zone=s.time_zone,
            days=WeekHours(**days),
            is_default=view.is_default,
        )
