"""What the KPI context needs from persistence: plans, and the period's facts counted by the
database (sums and counts per user, never the rows behind them).

A user's plan is visible where a deal of theirs would be (the caller's deals scope: own, team,
all); a department's plan to a caller who sees the whole department (team visibility over it,
or all)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from domain.kpi.model import Metric, PeriodKind, Plan
from domain.shared.scope import Scope


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanFilter:
    period_kind: PeriodKind | None = None
    period_start: date | None = None
    user_id: UUID | None = None
    department_id: UUID | None = None
    metric: Metric | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    id: UUID
    name: str
    department_id: UUID | None


@dataclass(frozen=True, slots=True, kw_only=True)
class DepartmentNode:
    id: UUID
    name: str
    parent_id: UUID | None


@dataclass(frozen=True, slots=True, kw_only=True)
class FactQuery:
    """What to count: the period as days (payments are dated) and as moments in the
    organisation's time zone (deals are closed and activities happen at a moment), whose money
    in which currency, and whether turnover is paid invoices or won deals."""

    organisation_id: UUID
    user_ids: Sequence[UUID]
    first_day: date
    end_day: date  # exclusive
    starts_at: datetime
    ends_at: datetime  # exclusive
    currency: str
    turnover_from_payments: bool


@dataclass(slots=True)
class UserFacts:
    values: dict[Metric, Decimal] = field(default_factory=dict)
    # Open deals expected to close in the period, weighted by their stage's probability.
    forecast: Decimal = Decimal(0)


class PlanRepository(Protocol):
    async def add(self, plan: Plan) -> None:
        """Raises PlanExists when the subject has a plan for the metric and period."""
        ...

    async def get(self, scope: Scope, plan_id: UUID, *, for_update: bool = False) -> Plan | None:
        """A plan the caller may see; None otherwise."""
        ...

    async def update(self, plan: Plan, expected_version: int) -> None:
        """The target; PreconditionFailed when the version moved on."""
        ...

    async def delete(self, organisation_id: UUID, plan_id: UUID) -> None: ...

    async def list(
        self,
        scope: Scope,
        filters: PlanFilter,
        *,
        limit: int,
        after: tuple[date, UUID] | None = None,
    ) -> Sequence[Plan]:
        """Visible plans, latest period first, after the keyset (period_start, id)."""
        ...

    async def of_period(
        self, organisation_id: UUID, kind: PeriodKind, start: date, metrics: Sequence[Metric] = ()
    ) -> Sequence[Plan]:
        """Every plan of the period (of ``metrics`` when given); the caller picks the rows it
        may show."""
        ...

    async def subject_visible(
        self, scope: Scope, *, user_id: UUID | None, department_id: UUID | None
    ) -> bool:
        """Whether the caller may set a plan for this user (an active one they see as a deal
        owner) or department (one they see whole)."""
        ...


class KpiQueries(Protocol):
    async def people(self, scope: Scope) -> Sequence[Person]:
        """Active users whose figures the caller may see (as owners of deals), by name."""
        ...

    async def departments(self, scope: Scope) -> Sequence[DepartmentNode]:
        """Departments the caller sees whole: all with visibility all, their subtree with
        team, none with own."""
        ...

    async def facts(self, query: FactQuery) -> dict[UUID, UserFacts]:
        """Every metric's fact and the weighted forecast per user of ``query.user_ids``, in
        one round trip; a user without any is absent."""
        ...
