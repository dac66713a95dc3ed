"""Funnel analytics for a period: what the figures are and how the period is checked.

The cohort is the deals of one funnel created in the period (its first and last day
inclusive, in the organisation's time zone) that the caller may see, narrowed by the
responsible, their department (with its sub-departments) and the source channel. Every
figure below is over the cohort:

- a stage is **reached** by a deal that entered it at any time (a stage move into it, the
  deal's creation in it, or being in it now); a deal that skipped a stage did not reach it,
  so a later stage may count more deals than an earlier one;
- **conversion to the next stage** is reached(next) / reached(this), **from the first** is
  reached(this) / reached(first), in percent to one decimal;
- **time in stage** is over the stays in it: those that ended (by a move, a win or a loss)
  and the open deals' current stays counted up to now; average and median in hours, the
  median estimated from a histogram to within ``histogram.MEDIAN_PRECISION`` (4.4%);
- **stale** counts the open deals in the stage now past its day limit (the staleness rule of
  ``domain.deals.staleness``);
- **win rate** is won / (won + lost) in percent, null while none is closed;
- money is never summed across currencies: the average won deal is per currency, the loss
  reasons' amounts are per reason and currency;
- **cycle length** is created → closed in days, of the won deals (its median estimated as the
  time in stage's).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.shared.clock import validate_day
from domain.shared.errors import AT_LEAST_CODE, AT_MOST_CODE, InvalidInput
from domain.shared.text import FieldName

# A year, leap day included: longer periods are a report of their own, not a screen.
MAX_PERIOD_DAYS = 366
FROM_FIELD: FieldName = ("query", "from")
TO_FIELD: FieldName = ("query", "to")

_PERCENT = Decimal("0.1")
_TENTH = Decimal("0.1")
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class AnalyticsPeriod:
    """Calendar days of the organisation, both ends inclusive."""

    first_day: date
    last_day: date

    @classmethod
    def of(cls, first_day: date, last_day: date) -> AnalyticsPeriod:
        """InvalidInput on ``to`` when it is before ``from`` or the period is longer than
        MAX_PERIOD_DAYS days."""
        validate_day(first_day, FROM_FIELD)
        validate_day(last_day, TO_FIELD)
        if last_day < first_day:
            raise InvalidInput(
                TO_FIELD,
                "must not be before from",
                code=AT_LEAST_CODE,
                ctx={"ge": first_day.isoformat()},
            )
        period = cls(first_day, last_day)
        if period.days > MAX_PERIOD_DAYS:
            raise InvalidInput(
                TO_FIELD,
                f"the period spans at most {MAX_PERIOD_DAYS} days",
                code=AT_MOST_CODE,
                ctx={"le": (first_day + timedelta(days=MAX_PERIOD_DAYS - 1)).isoformat()},
            )
        return period

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def bounds(self, time_zone: str) -> tuple[datetime, datetime]:
        """The period as moments: its first day's midnight and the midnight after its last
        day (exclusive), in ``time_zone``."""
        zone = ZoneInfo(time_zone)
        return (
            datetime.combine(self.first_day, time(), zone),
            datetime.combine(self.last_day + timedelta(days=1), time(), zone),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class FunnelAnalyticsFilter:
    """What the caller asks for; ``funnel_id`` None means the organisation's default funnel."""

    first_day: date
    last_day: date
    funnel_id: UUID | None = None
    responsible_id: UUID | None = None
    department_id: UUID | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CohortQuery:
    """The cohort as the repository selects it: the period's days in the organisation's time
    zone, and the same period as moments."""

    funnel_id: UUID
    first_day: date
    last_day: date  # inclusive
    starts_at: datetime
    ends_at: datetime  # exclusive
    now: datetime
    responsible_id: UUID | None = None
    department_id: UUID | None = None
    source: str | None = None


# --- what the database counts --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StageFigures:
    stage_id: UUID
    reached: int = 0
    stays: int = 0
    # Seconds, as the database averaged them.
    average_seconds: Decimal | None = None
    median_seconds: Decimal | None = None
    stale: int = 0


@dataclass(frozen=True, slots=True)
class CurrencyAmount:
    currency: str
    count: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class LossReasonFigures:
    # None: lost without a reason.
    reason_id: UUID | None
    name: str | None
    amounts: tuple[CurrencyAmount, ...]

    @property
    def count(self) -> int:
        return sum(a.count for a in self.amounts)


@dataclass(frozen=True, slots=True)
class CohortFigures:
    deals: int = 0
    won: int = 0
    lost: int = 0
    stages: tuple[StageFigures, ...] = ()
    # Per currency: how many won, and their total amount.
    won_amounts: tuple[CurrencyAmount, ...] = ()
    cycle_average_seconds: Decimal | None = None
    cycle_median_seconds: Decimal | None = None
    loss_reasons: tuple[LossReasonFigures, ...] = ()


# --- what the caller reads -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StageAnalytics:
    stage_id: UUID
    name: str
    position: int
    reached: int
    conversion_to_next: Decimal | None
    conversion_from_first: Decimal | None
    stays: int
    average_hours: Decimal | None
    median_hours: Decimal | None
    stale: int


@dataclass(frozen=True, slots=True)
class AverageDeal:
    currency: str
    won: int
    average_amount: Decimal


@dataclass(frozen=True, slots=True)
class LossReasonAnalytics:
    reason_id: UUID | None
    name: str | None
    count: int
    amounts: tuple[CurrencyAmount, ...]


@dataclass(frozen=True, slots=True)
class FunnelTotals:
    deals: int
    won: int
    lost: int
    open: int
    win_rate: Decimal | None
    average_won: tuple[AverageDeal, ...]
    cycle_average_days: Decimal | None
    cycle_median_days: Decimal | None


@dataclass(frozen=True, slots=True)
class FunnelAnalytics:
    funnel_id: UUID
    funnel_name: str
    period: AnalyticsPeriod
    stages: tuple[StageAnalytics, ...]
    totals: FunnelTotals
    loss_reasons: tuple[LossReasonAnalytics, ...]


@dataclass(frozen=True, slots=True)
class StageRef:
    """A stage of the funnel, in order."""

    id: UUID
    name: str
    position: int


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in percent to one decimal; None when whole is zero."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(_PERCENT, rounding=ROUND_HALF_UP)


def _per(seconds: Decimal | None, unit: int) -> Decimal | None:
    if seconds is None:
        return None
    return (Decimal(seconds) / unit).quantize(_TENTH, rounding=ROUND_HALF_UP)


def hours(seconds: Decimal | None) -> Decimal | None:
    return _per(seconds, 3600)


def days(seconds: Decimal | None) -> Decimal | None:
    return _per(seconds, 86_400)


def assemble(
    funnel_id: UUID,
    funnel_name: str,
    period: AnalyticsPeriod,
    stages: Sequence[StageRef],
    figures: CohortFigures,
) -> FunnelAnalytics:
    """The read model from the database's aggregates: stages in funnel order (a stage no deal
    reached has zeros), conversions and rates, seconds as hours and days."""
    by_stage = {s.stage_id: s for s in figures.stages}
    counts = [by_stage.get(s.id, StageFigures(s.id)) for s in stages]
    first = counts[0].reached if counts else 0
    rows = []
    for index, (stage, f) in enumerate(zip(stages, counts, strict=True)):
        following = counts[index + 1].reached if index + 1 < len(counts) else None
        rows.append(
            StageAnalytics(
                stage_id=stage.id,
                name=stage.name,
                position=stage.position,
                reached=f.reached,
                conversion_to_next=None if following is None else percent(following, f.reached),
                conversion_from_first=percent(f.reached, first),
                stays=f.stays,
                average_hours=hours(f.average_seconds),
                median_hours=hours(f.median_seconds),
                stale=f.stale,
            )
        )
    totals = FunnelTotals(
        deals=figures.deals,
        won=figures.won,
        lost=figures.lost,
        open=figures.deals - figures.won - figures.lost,
        win_rate=percent(figures.won, figures.won + figures.lost),
        average_won=tuple(
            AverageDeal(
                currency=a.currency,
                won=a.count,
                average_amount=(a.amount / a.count).quantize(_CENT, rounding=ROUND_HALF_UP),
            )
            for a in sorted(figures.won_amounts, key=lambda a: a.currency)
            if a.count
        ),
        cycle_average_days=days(figures.cycle_average_seconds),
        cycle_median_days=days(figures.cycle_median_seconds),
    )
    reasons = sorted(
        figures.loss_reasons,
        key=lambda r: (-r.count, r.name is None, r.name or "", str(r.reason_id)),
    )
    return FunnelAnalytics(
        funnel_id=funnel_id,
        funnel_name=funnel_name,
        period=period,
        stages=tuple(rows),
        totals=totals,
        loss_reasons=tuple(
            LossReasonAnalytics(
                reason_id=r.reason_id,
                name=r.name,
                count=r.count,
                amounts=tuple(sorted(r.amounts, key=lambda a: a.currency)),
            )
            for r in reasons
        ),
    )
