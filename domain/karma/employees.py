"""Employee karma (issue 12, item 8): points for a month from editable criteria, a head's karma
as the mean of their team's, and closing a month, which freezes every score and turns it into
a bonus at an editable rate.

An employee's own score for a month:
  won deals x won_deal + upsells x upsell (a won deal of a client who had bought before)
  + promoter answers x promoter + detractor answers x detractor (loyalty surveys answered in
    the month about their deals; 9-10 and 0-6)
  + turnover plan fulfilment / 100 x plan_fulfilment (when the month has a turnover plan)
  + overdue tasks x overdue_task (tasks due in the month, by now, not done in time).
A head's karma is the mean of their direct team's: the members of the departments they head
(themselves aside) and the heads of the departments right below, whose karma is in turn their
own team's mean; a head without a team keeps their own score.

Closing a month stores each employee's score and bonus (max(score, 0) x the rate per point);
a closed month is read from what was stored and can no longer change, nor can its plans and
marketing costs (ClosedPeriodChange).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from domain.platform.messagebus import webhook_only
from domain.shared.errors import (
    AT_LEAST_CODE,
    AT_MOST_CODE,
    NOT_A_NUMBER_CODE,
    FieldProblem,
    InvalidInput,
    PeriodConflict,
)
from domain.shared.events import DomainEvent, event

_CENT = Decimal("0.01")
WEIGHT_LIMIT = Decimal(10_000)
RATE_LIMIT = Decimal(1_000_000)


class Criterion(enum.StrEnum):
    WON_DEAL = "won_deal"
    UPSELL = "upsell"
    PROMOTER = "promoter"
    DETRACTOR = "detractor"
    PLAN_FULFILMENT = "plan_fulfilment"
    OVERDUE_TASK = "overdue_task"


DEFAULT_WEIGHTS: Mapping[Criterion, Decimal] = {
    Criterion.WON_DEAL: Decimal("10.00"),
    Criterion.UPSELL: Decimal("5.00"),
    Criterion.PROMOTER: Decimal("3.00"),
    Criterion.DETRACTOR: Decimal("-3.00"),
    Criterion.PLAN_FULFILMENT: Decimal("20.00"),
    Criterion.OVERDUE_TASK: Decimal("-2.00"),
}
DEFAULT_BONUS_PER_POINT = Decimal("100.00")


class PeriodAlreadyClosed(PeriodConflict):
    """Closing a month that is closed already (perhaps by someone a moment before)."""

    title = "Period already closed"

    def __init__(self, start: date) -> None:
        super().__init__(start, f"The month {start:%Y-%m} is closed already")


class PeriodNotOver(PeriodConflict):
    """Closing a month before its last day has passed in the organisation's time zone."""

    title = "Period not over"

    def __init__(self, start: date, last_day: date) -> None:
        super().__init__(
            start,
            f"The month {start:%Y-%m} ends on {last_day.isoformat()}: close it after that",
        )


class ClosedPeriodChange(PeriodConflict):
    """A change to something of a period whose months are all closed (a plan, a month's
    marketing costs): closing a month fixes its figures for good, bonuses included."""

    title = "Period closed"

    def __init__(self, start: date, last_month: date) -> None:
        detail = (
            f"The month {start:%Y-%m} is closed: what falls in it no longer changes"
            if (start.year, start.month) == (last_month.year, last_month.month)
            else f"The months {start:%Y-%m} to {last_month:%Y-%m} are closed: what falls in "
            "them no longer changes"
        )
        super().__init__(start, detail)


@webhook_only
@event("karma.period_closed")
@dataclass(frozen=True, slots=True, kw_only=True)
class PeriodClosed(DomainEvent):
    period_start: date
    employees: int
    bonus_total: Decimal
    currency: str


def _bounded(value: Decimal | int | str, name: str, low: Decimal, high: Decimal) -> Decimal:
    loc = (name,) if "." not in name else tuple(name.split("."))
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(loc, "must be a number", code=NOT_A_NUMBER_CODE) from None
    if not number.is_finite() or number.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InvalidInput(loc, "must be a number with at most 2 decimals")
    if number < low:
        raise InvalidInput(loc, f"must be at least {low}", code=AT_LEAST_CODE, ctx={"ge": str(low)})
    if number > high:
        raise InvalidInput(loc, f"must be at most {high}", code=AT_MOST_CODE, ctx={"le": str(high)})
    return number.quantize(_CENT)


@dataclass(slots=True, kw_only=True)
class EmployeeKarmaSettings:
    organisation_id: UUID
    weights: dict[Criterion, Decimal] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    bonus_per_point: Decimal = DEFAULT_BONUS_PER_POINT
    version: int = 0  # 0: the defaults, never saved
    updated_at: datetime | None = None

    def change(
        self, *, weights: Mapping[Criterion, Decimal], bonus_per_point: Decimal, at: datetime
    ) -> None:
        problems: list[FieldProblem] = []
        checked: dict[Criterion, Decimal] = {}
        for criterion in Criterion:
            if criterion not in weights:
                problems.append(
                    FieldProblem(
                        loc=("weights", criterion.value), msg="is required", code="missing"
                    )
                )
                continue
            try:
                checked[criterion] = _bounded(
                    weights[criterion], f"weights.{criterion.value}", -WEIGHT_LIMIT, WEIGHT_LIMIT
                )
            except InvalidInput as error:
                problems.extend(error.problems)
        try:
            rate = _bounded(bonus_per_point, "bonus_per_point", Decimal(0), RATE_LIMIT)
        except InvalidInput as error:
            problems.extend(error.problems)
        if problems:
            raise InvalidInput(problems=problems)
        self.weights, self.bonus_per_point, self.updated_at = checked, rate, at


@dataclass(frozen=True, slots=True, kw_only=True)
class EmployeeFacts:
    won_deals: int = 0
    upsells: int = 0
    promoters: int = 0
    detractors: int = 0
    overdue_tasks: int = 0
    plan_percent: Decimal | None = None  # turnover plan fulfilment, when there is a plan

    def as_dict(self) -> dict[str, Any]:
        return {
            "won_deals": self.won_deals,
            "upsells": self.upsells,
            "promoters": self.promoters,
            "detractors": self.detractors,
            "overdue_tasks": self.overdue_tasks,
            "plan_percent": None if self.plan_percent is None else str(self.plan_percent),
        }

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> EmployeeFacts:
        percent = values.get("plan_percent")
        return cls(
            won_deals=int(values.get("won_deals", 0)),
            upsells=int(values.get("upsells", 0)),
            promoters=int(values.get("promoters", 0)),
            detractors=int(values.get("detractors", 0)),
            overdue_tasks=int(values.get("overdue_tasks", 0)),
            plan_percent=None if percent is None else Decimal(str(percent)),
        )


def own_score(facts: EmployeeFacts, weights: Mapping[Criterion, Decimal]) -> Decimal:
    score = (
        facts.won_deals * weights[Criterion.WON_DEAL]
        + facts.upsells * weights[Criterion.UPSELL]
        + facts.promoters * weights[Criterion.PROMOTER]
        + facts.detractors * weights[Criterion.DETRACTOR]
        + facts.overdue_tasks * weights[Criterion.OVERDUE_TASK]
    )
    if facts.plan_percent is not None:
        score += facts.plan_percent / 100 * weights[Criterion.PLAN_FULFILMENT]
    return score.quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True, kw_only=True)
class Staffing:
    """Who works where: each person's department, and each department's parent and head."""

    department_of: Mapping[UUID, UUID | None]
    parent_of: Mapping[UUID, UUID | None]
    head_of: Mapping[UUID, UUID | None]

    def team(self, head: UUID) -> list[UUID]:
        """A head's direct team: the members of the departments they head (not themselves)
        and the heads of the departments below; a department below without a head of its own
        counts its members and looks further down."""
        children: dict[UUID | None, list[UUID]] = {}
        for department, parent in self.parent_of.items():
            children.setdefault(parent, []).append(department)
        members: set[UUID] = set()
        seen: set[UUID] = set()
        stack = [d for d, h in self.head_of.items() if h == head]
        while stack:
            department = stack.pop()
            if department in seen:
                continue
            seen.add(department)
            members.update(p for p, d in self.department_of.items() if d == department)
            for child in children.get(department, ()):
                below = self.head_of.get(child)
                if below is None or below == head:
                    stack.append(child)
                else:
                    members.add(below)
        members.discard(head)
        return sorted(members, key=str)

    def is_head(self, person: UUID) -> bool:
        return person in {h for h in self.head_of.values() if h is not None}


def karma_scores(own: Mapping[UUID, Decimal], staffing: Staffing) -> dict[UUID, Decimal]:
    """Every person's karma: their own score, or for a head with a team the mean of the team's
    karma (heads below bring theirs). A loop in the department tree counts the looping head's
    own score, never forever."""
    done: dict[UUID, Decimal] = {}

    def karma(person: UUID, path: frozenset[UUID]) -> Decimal:
        if person in done:
            return done[person]
        base = own.get(person, Decimal(0))
        team = (
            [m for m in staffing.team(person) if m not in path] if staffing.is_head(person) else []
        )
        value = (
            (sum((karma(m, path | {person}) for m in team), Decimal(0)) / len(team)).quantize(
                _CENT, rounding=ROUND_HALF_UP
            )
            if team
            else base
        )
        done[person] = value
        return value

    for person in own:
        karma(person, frozenset())
    return done


def bonus(score: Decimal, rate: Decimal) -> Decimal:
    return (max(score, Decimal(0)) * rate).quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True, kw_only=True)
class EmployeeKarma:
    user_id: UUID
    name: str
    department_id: UUID | None
    is_head: bool
    facts: EmployeeFacts
    own_score: Decimal
    score: Decimal  # a head's: the team's mean
    bonus: Decimal  # at the period's rate (what it will be if closed now, while open)


@dataclass(frozen=True, slots=True, kw_only=True)
class KarmaPeriod:
    organisation_id: UUID
    start: date
    closed_at: datetime
    closed_by: UUID | None
    bonus_per_point: Decimal
    currency: str


def rows_for(
    people: Sequence[tuple[UUID, str, UUID | None]],
    facts: Mapping[UUID, EmployeeFacts],
    staffing: Staffing,
    settings: EmployeeKarmaSettings,
) -> list[EmployeeKarma]:
    own = {p: own_score(facts.get(p, EmployeeFacts()), settings.weights) for p, _, _ in people}
    scores = karma_scores(own, staffing)
    return [
        EmployeeKarma(
            user_id=person,
            name=name,
            department_id=department,
            is_head=staffing.is_head(person),
            facts=facts.get(person, EmployeeFacts()),
            own_score=own[person],
            score=scores[person],
            bonus=bonus(scores[person], settings.bonus_per_point),
        )
        for person, name, department in people
    ]
