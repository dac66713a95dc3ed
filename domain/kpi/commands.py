"""What callers ask of the KPI context: typed inputs of its use cases. Values are checked by
the entity, not here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.kpi.model import Metric, PeriodKind
from domain.shared.patch import UNSET, Patch


@dataclass(frozen=True, slots=True, kw_only=True)
class CreatePlan:
    # Exactly one of the two: the plan's subject.
    user_id: UUID | None = None
    department_id: UUID | None = None
    metric: Metric
    period_kind: PeriodKind
    period_start: date
    target: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdatePlan:
    """Only the target changes: another subject, metric or period is another plan."""

    target: Patch[Decimal] = UNSET
