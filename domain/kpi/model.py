"""KPI: plans (a target for a user or a department, per metric and period) and how far the
facts of the period fulfil them.

A period is named by its kind and its first day: a week starts on Monday, a month on its first
day, a quarter on 1 January, April, July or October, a year on 1 January; it ends (exclusive)
where the next one starts. Money targets are amounts in the organisation's currency; count
targets are whole numbers.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from domain.shared.clock import validate_day
from domain.shared.errors import AT_MOST_CODE, NEGATIVE_CODE, InvalidInput
from domain.shared.ids import new_id
from domain.shared.money import to_amount
from domain.shared.text import FieldName

# The largest count target (calls in a year of a big department fit comfortably).
COUNT_TARGET_MAX = 1_000_000_000
PERIOD_START_FIELD = "period_start"
NOT_PERIOD_START_CODE = "not_period_start"


class PeriodKind(enum.StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class Metric(enum.StrEnum):
    TURNOVER = "turnover"
    MARGIN = "margin"
    WON_DEALS = "won_deals"
    DEALS_IN_WORK = "deals_in_work"
    CALLS = "calls"
    MEETINGS = "meetings"
    # Telemarketing: deals one opened that went to someone else (handed to sales).
    QUALIFIED_LEADS = "qualified_leads"

    @property
    def is_money(self) -> bool:
        return self in (Metric.TURNOVER, Metric.MARGIN)


class SubjectKind(enum.StrEnum):
    USER = "user"
    DEPARTMENT = "department"


_START_RULE = {
    PeriodKind.WEEK: "a week starts on a Monday",
    PeriodKind.MONTH: "a month starts on its first day",
    PeriodKind.QUARTER: "a quarter starts on 1 January, April, July or October",
    PeriodKind.YEAR: "a year starts on 1 January",
}


def _starts_period(kind: PeriodKind, start: date) -> bool:
    match kind:
        case PeriodKind.WEEK:
            return start.weekday() == 0
        case PeriodKind.MONTH:
            return start.day == 1
        case PeriodKind.QUARTER:
            return start.day == 1 and start.month in (1, 4, 7, 10)
        case PeriodKind.YEAR:
            return start.day == 1 and start.month == 1


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar period of the organisation: [start, end)."""

    kind: PeriodKind
    start: date

    @classmethod
    def of(
        cls, kind: PeriodKind, start: date, field_name: FieldName = PERIOD_START_FIELD
    ) -> Period:
        """The period of ``kind`` starting on ``start``; InvalidInput on ``field_name`` when
        ``start`` is not the first day of such a period."""
        validate_day(start, field_name)
        if not _starts_period(kind, start):
            raise InvalidInput(
                field_name,
                f"is not the start of a {kind.value}: {_START_RULE[kind]}",
                code=NOT_PERIOD_START_CODE,
            )
        return cls(kind, start)

    @property
    def end(self) -> date:
        """The first day after the period."""
        match self.kind:
            case PeriodKind.WEEK:
                return self.start + timedelta(days=7)
            case PeriodKind.MONTH:
                return _add_months(self.start, 1)
            case PeriodKind.QUARTER:
                return _add_months(self.start, 3)
            case PeriodKind.YEAR:
                return self.start.replace(year=self.start.year + 1)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def plan_target(metric: Metric, value: Decimal | int | str) -> Decimal:
    """A target for ``metric``: a non-negative amount for money, a whole number for counts."""
    target = to_amount(value, "target")
    if target < 0:
        raise InvalidInput("target", "must not be negative", code=NEGATIVE_CODE)
    if metric.is_money:
        return target
    if target != target.to_integral_value():
        raise InvalidInput("target", f"{metric.value} is counted in whole numbers")
    if target > COUNT_TARGET_MAX:
        raise InvalidInput(
            "target",
            f"must be at most {COUNT_TARGET_MAX}",
            code=AT_MOST_CODE,
            ctx={"le": str(COUNT_TARGET_MAX)},
        )
    return target.quantize(Decimal(1))


def fulfilment_percent(target: Decimal | None, fact: Decimal) -> Decimal | None:
    """How far ``fact`` fulfils ``target``, in percent to one decimal (above 100 when
    overfulfilled); None without a plan or with a zero target, which nothing can fulfil by a
    share."""
    if target is None or target <= 0:
        return None
    return (fact * 100 / target).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(slots=True, kw_only=True)
class Plan:
    """A target for one subject (a user or a department), metric and period. Unique per
    organisation, subject, metric and period; only the target changes afterwards."""

    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    user_id: UUID | None = None
    department_id: UUID | None = None
    metric: Metric
    period: Period
    target: Decimal
    created_by: UUID | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1

    @classmethod
    def new(
        cls,
        *,
        organisation_id: UUID,
        user_id: UUID | None,
        department_id: UUID | None,
        metric: Metric,
        period: Period,
        target: Decimal | int | str,
        at: datetime,
        by: UUID | None,
    ) -> Plan:
        if (user_id is None) == (department_id is None):
            raise InvalidInput("user_id", "give either user_id or department_id")
        return cls(
            organisation_id=organisation_id,
            user_id=user_id,
            department_id=department_id,
            metric=metric,
            period=period,
            target=plan_target(metric, target),
            created_by=by,
            created_at=at,
            updated_at=at,
        )

    @property
    def subject_kind(self) -> SubjectKind:
        return SubjectKind.USER if self.user_id is not None else SubjectKind.DEPARTMENT

    def change_target(self, value: Decimal | int | str, *, at: datetime) -> bool:
        """Whether the target changed."""
        target = plan_target(self.metric, value)
        if target == self.target:
            return False
        self.target = target
        self.updated_at = at
        return True

    def snapshot(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "department_id": self.department_id,
            "metric": self.metric.value,
            "period_kind": self.period.kind.value,
            "period_start": self.period.start,
            "target": self.target,
        }
