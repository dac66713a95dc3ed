from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from pydantic import Field

from api.schemas.base import Day, NonNegativeAmount, Schema, given_not_null
from domain.kpi.commands import CreatePlan, UpdatePlan
from domain.kpi.model import Metric, PeriodKind, Plan, SubjectKind
from domain.kpi.services import (
    Fulfilment,
    Leaderboard,
    LeaderboardEntry,
    MetricFulfilment,
    SubjectFulfilment,
)
from domain.staff.model import FulfilmentBasis

_TARGET = (
    "Money metrics (turnover, margin): an amount in the organisation's currency; counts: a "
    "whole number"
)


class PlanCreate(Schema):
    user_id: UUID | None = Field(default=None, description="The subject: a user, or")
    department_id: UUID | None = Field(default=None, description="a department (one of the two)")
    metric: Metric
    period_kind: PeriodKind
    period_start: Day = Field(
        description="The period's first day: a Monday, the 1st of a month, of a quarter's "
        "first month, 1 January"
    )
    target: NonNegativeAmount = Field(description=_TARGET)

    def to_command(self) -> CreatePlan:
        return CreatePlan(
            user_id=self.user_id,
            department_id=self.department_id,
            metric=self.metric,
            period_kind=self.period_kind,
            period_start=self.period_start,
            target=self.target,
        )


class PlanUpdate(Schema):
    target: NonNegativeAmount | None = Field(default=None, description=_TARGET)

    def to_command(self) -> UpdatePlan:
        return UpdatePlan(target=given_not_null(self, "target", self.target))


class PlanRead(Schema):
    id: UUID
    subject_kind: SubjectKind
    user_id: UUID | None
    department_id: UUID | None
    metric: Metric
    period_kind: PeriodKind
    period_start: date
    period_end: date = Field(description="The period's last day")
    target: Decimal
    created_by: UUID | None
    created_at: datetime | None
    updated_at: datetime | None
    version: int

    @classmethod
    def of(cls, plan: Plan) -> PlanRead:
        return cls(
            id=plan.id,
            subject_kind=plan.subject_kind,
            user_id=plan.user_id,
            department_id=plan.department_id,
            metric=plan.metric,
            period_kind=plan.period.kind,
            period_start=plan.period.start,
            period_end=plan.period.last_day,
            target=plan.target,
            created_by=plan.created_by,
            created_at=plan.created_at,
            updated_at=plan.updated_at,
            version=plan.version,
        )


class PlanPage(Schema):
    items: list[PlanRead]
    next_cursor: str | None


class MetricFulfilmentRead(Schema):
    metric: Metric
    plan: Decimal | None = Field(description="The target; null without a plan")
    fact: Decimal
    forecast: Decimal | None = Field(
        description="Turnover only: open deals expected to close in the period, each amount "
        "times its stage's win probability"
    )
    percent: Decimal | None = Field(
        description="fact / plan x 100, one decimal; null without a plan or with a zero target"
    )

    @classmethod
    def of(cls, m: MetricFulfilment) -> MetricFulfilmentRead:
        return cls(
            metric=m.metric, plan=m.plan, fact=m.fact, forecast=m.forecast, percent=m.percent
        )


class SubjectFulfilmentRead(Schema):
    id: UUID
    name: str
    department_id: UUID | None = Field(description="A user's department; a department's parent")
    metrics: list[MetricFulfilmentRead]

    @classmethod
    def of(cls, s: SubjectFulfilment) -> SubjectFulfilmentRead:
        return cls(
            id=s.id,
            name=s.name,
            department_id=s.department_id,
            metrics=[MetricFulfilmentRead.of(m) for m in s.metrics],
        )


class FulfilmentRead(Schema):
    period_kind: PeriodKind
    period_start: date
    period_end: date = Field(description="The period's last day")
    basis: FulfilmentBasis = Field(
        description="What turnover counts: payments dated in the period on the employee's "
        "deals' invoices, or amounts of deals won in it (the organisation's setting)"
    )
    currency: str = Field(description="Money facts count only amounts in this currency")
    employees: list[SubjectFulfilmentRead]
    departments: list[SubjectFulfilmentRead] = Field(
        description="Each the sum over its members and sub-departments"
    )

    @classmethod
    def of(cls, f: Fulfilment) -> FulfilmentRead:
        return cls(
            period_kind=f.period.kind,
            period_start=f.period.start,
            period_end=f.period.last_day,
            basis=f.basis,
            currency=f.currency,
            employees=[SubjectFulfilmentRead.of(s) for s in f.employees],
            departments=[SubjectFulfilmentRead.of(s) for s in f.departments],
        )


class LeaderboardEntryRead(Schema):
    rank: int
    user_id: UUID
    name: str
    percent: Decimal = Field(description="Turnover plan fulfilment, percent")
    karma: Decimal | None = Field(
        default=None,
        description="The employee's karma for the month (a head's: the team's mean); null "
        "for other periods",
    )

    @classmethod
    def of(cls, e: LeaderboardEntry, karma: Decimal | None = None) -> LeaderboardEntryRead:
        return cls(rank=e.rank, user_id=e.user_id, name=e.name, percent=e.percent, karma=karma)


class LeaderboardRead(Schema):
    period_kind: PeriodKind
    period_start: date
    period_end: date
    items: list[LeaderboardEntryRead]

    @classmethod
    def of(cls, board: Leaderboard, karma: Mapping[UUID, Decimal] | None = None) -> LeaderboardRead:
        scores = karma or {}
        return cls(
            period_kind=board.period.kind,
            period_start=board.period.start,
            period_end=board.period.last_day,
            items=[LeaderboardEntryRead.of(e, scores.get(e.user_id)) for e in board.entries],
        )
