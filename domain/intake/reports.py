"""Lead intake reports (issue 11, item 8): leads and calls by source, channel, campaign and
tracking number; missed calls and the time to call back; response time per manager.

Every report covers a bounded period of the organisation's calendar days (at most
``MAX_PERIOD_DAYS``), is computed in SQL by the read model (``IntakeReportQueries``: GROUP BY
over the period's rows, on indexes that start with the organisation and the time column), and
counts only what the caller may see: leads of the people whose deals they see (own, team or
all, the deals' visibility of their role), calls those people answered or must call back. A
lead nobody has yet, and a missed call nobody was given, only those who see every deal count.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar
from zoneinfo import ZoneInfo

from domain.auth.principal import Principal
from domain.shared.clock import Clock
from domain.shared.errors import FieldProblem, InvalidInput
from domain.shared.scope import Scope
from domain.staff.permissions import Permission, Resource

if TYPE_CHECKING:  # the unit of work's port names this module's read model
    from domain.platform.ports import UnitOfWork

MAX_PERIOD_DAYS = 366
DEFAULT_PERIOD_DAYS = 30
# Groups a report lists, the largest first (by day: every day, in order); the totals always
# count every row.
MAX_ROWS = 200


class LeadDimension(enum.StrEnum):
    SOURCE = "source"
    CAMPAIGN = "campaign"
    # The form or telephony integration the lead came through.
    CHANNEL = "channel"
    # form, telephony, api
    KIND = "kind"
    MANAGER = "manager"
    DAY = "day"


class CallDimension(enum.StrEnum):
    SOURCE = "source"
    CAMPAIGN = "campaign"
    # The company's number that was called (call tracking).
    TRACKING_NUMBER = "tracking_number"
    # The telephony integration.
    CHANNEL = "channel"
    MANAGER = "manager"
    DAY = "day"
    # Talk time per client, per deal, and on the deals that are stale now (call review).
    CLIENT = "client"
    DEAL = "deal"
    STALE_DEAL = "stale_deal"


class CallbackDimension(enum.StrEnum):
    MANAGER = "manager"
    TRACKING_NUMBER = "tracking_number"
    DAY = "day"


@dataclass(frozen=True, slots=True)
class Period:
    """Calendar days ``first`` to ``last`` (both in) in the organisation's time zone."""

    first: date
    last: date
    time_zone: str

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=ZoneInfo(self.time_zone))

    @property
    def ends_at(self) -> datetime:
        """The moment after the period (the next day's start)."""
        return datetime.combine(
            self.last + timedelta(days=1), time.min, tzinfo=ZoneInfo(self.time_zone)
        )


def period(first: date | None, last: date | None, *, today: date, time_zone: str) -> Period:
    """The asked period, or the last ``DEFAULT_PERIOD_DAYS`` days up to today; refused when it
    is backwards or longer than ``MAX_PERIOD_DAYS``."""
    last = last or (today if first is None else min(today, first + timedelta(days=364)))
    first = first or last - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    problems = []
    if first > last:
        problems.append(FieldProblem(("query", "date_from"), "must not be after date_to"))
    elif (last - first).days + 1 > MAX_PERIOD_DAYS:
        problems.append(
            FieldProblem(("query", "date_to"), f"a period is at most {MAX_PERIOD_DAYS} days")
        )
    if problems:
        raise InvalidInput(problems=problems)
    return Period(first, last, time_zone)


@dataclass(frozen=True, slots=True, kw_only=True)
class LeadRow:
    # The group's value (a source, a form's id, a user's id, a day) and what to show for it;
    # None: leads without one (no campaign, nobody assigned yet).
    key: str | None
    label: str | None
    leads: int
    # Leads that opened or joined a deal.
    with_deal: int
    assigned: int
    # Leads whose assignee has answered (a first activity, stage move or call).
    responded: int
    spam: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CallRow:
    key: str | None
    label: str | None
    calls: int
    inbound: int
    outbound: int
    answered: int
    # Inbound calls that ended unanswered.
    missed: int
    talk_seconds: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CallbackRow:
    key: str | None
    label: str | None
    missed: int
    # Missed calls followed by an answered call with the same number (either direction).
    called_back: int
    # Seconds from the missed call to that answered call, over the called back ones.
    average_seconds: int | None
    median_seconds: int | None
    max_seconds: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ResponseRow:
    key: str | None  # the manager
    label: str | None
    assigned: int
    responded: int
    # Seconds from assignment to the first response, over the responded leads.
    average_seconds: int | None
    median_seconds: int | None
    p90_seconds: int | None


Row = TypeVar("Row")


@dataclass(frozen=True, slots=True, kw_only=True)
class Report(Generic[Row]):
    period: Period
    group_by: str
    rows: Sequence[Row]
    total: Row
    # More groups than MAX_ROWS: the smallest were left out of ``rows`` (not of ``total``).
    truncated: bool


class IntakeReportQueries(Protocol):
    """The reports' read model: one grouped query (and one for the totals) per report, over
    the period's rows that ``scope`` sees."""

    async def leads(
        self, scope: Scope, period: Period, by: LeadDimension, *, limit: int
    ) -> tuple[Sequence[LeadRow], LeadRow]: ...

    async def calls(
        self,
        scope: Scope,
        period: Period,
        by: CallDimension,
        *,
        limit: int,
        now: datetime | None = None,
    ) -> tuple[Sequence[CallRow], CallRow]:
        """``now``: the moment staleness is judged at (by STALE_DEAL)."""
        ...

    async def callbacks(
        self, scope: Scope, period: Period, by: CallbackDimension, *, limit: int
    ) -> tuple[Sequence[CallbackRow], CallbackRow]: ...

    async def response_times(
        self, scope: Scope, period: Period, *, limit: int
    ) -> tuple[Sequence[ResponseRow], ResponseRow]: ...


class IntakeReportService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def leads(
        self, principal: Principal, by: LeadDimension, first: date | None, last: date | None
    ) -> Report[LeadRow]:
        principal.require(Permission.REPORTS_READ)
        async with self._uow as uow:
            asked = await self._period(uow, principal, first, last)
            rows, total = await uow.intake_reports.leads(
                _scope(principal), asked, by, limit=_cap(by) + 1
            )
        return _report(asked, by, rows, total, _cap(by))

    async def calls(
        self, principal: Principal, by: CallDimension, first: date | None, last: date | None
    ) -> Report[CallRow]:
        principal.require(Permission.REPORTS_READ)
        async with self._uow as uow:
            asked = await self._period(uow, principal, first, last)
            rows, total = await uow.intake_reports.calls(
                _scope(principal), asked, by, limit=_cap(by) + 1, now=self._clock.now()
            )
        return _report(asked, by, rows, total, _cap(by))

    async def callbacks(
        self, principal: Principal, by: CallbackDimension, first: date | None, last: date | None
    ) -> Report[CallbackRow]:
        principal.require(Permission.REPORTS_READ)
        async with self._uow as uow:
            asked = await self._period(uow, principal, first, last)
            rows, total = await uow.intake_reports.callbacks(
                _scope(principal), asked, by, limit=_cap(by) + 1
            )
        return _report(asked, by, rows, total, _cap(by))

    async def response_times(
        self, principal: Principal, first: date | None, last: date | None
    ) -> Report[ResponseRow]:
        principal.require(Permission.REPORTS_READ)
        async with self._uow as uow:
            asked = await self._period(uow, principal, first, last)
            rows, total = await uow.intake_reports.response_times(
                _scope(principal), asked, limit=MAX_ROWS + 1
            )
        return _report(asked, "manager", rows, total, MAX_ROWS)

    async def _period(
        self, uow: UnitOfWork, principal: Principal, first: date | None, last: date | None
    ) -> Period:
        organisation = await uow.organisations.get(principal.organisation_id)
        time_zone = organisation.time_zone if organisation else "UTC"
        today = self._clock.now().astimezone(ZoneInfo(time_zone)).date()
        return period(first, last, today=today, time_zone=time_zone)


def _scope(principal: Principal) -> Scope:
    """Leads and calls are seen as far as their people's deals are."""
    return principal.scope_for(Resource.DEALS)


def _cap(by: LeadDimension | CallDimension | CallbackDimension) -> int:
    """Groups listed: every day of the period by day (in date order), else the largest."""
    return MAX_PERIOD_DAYS if by.value == "day" else MAX_ROWS


def _report(asked: Period, by: str, rows: Sequence[Row], total: Row, cap: int) -> Report[Row]:
    return Report(
        period=asked,
        group_by=str(by),
        rows=rows[:cap],
        total=total,
        truncated=len(rows) > cap,
    )
