from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from pydantic import Field

from api.schemas.base import Schema, number
from domain.karma.employee_services import MonthKarma
from domain.karma.employees import (
    RATE_LIMIT,
    WEIGHT_LIMIT,
    Criterion,
    EmployeeKarma,
    EmployeeKarmaSettings,
    KarmaPeriod,
)

if TYPE_CHECKING:
    Weight = Decimal
    Rate = Decimal
else:
    Weight = number(WEIGHT_LIMIT)
    Rate = number(RATE_LIMIT, ge=Decimal(0))


class CriteriaWeights(Schema):
    won_deal: Weight = Field(description="Points per deal won in the month")
    upsell: Weight = Field(description="Points per won deal of a client who had bought before")
    promoter: Weight = Field(description="Points per loyalty answer of 9-10 about one's deals")
    detractor: Weight = Field(description="Points per loyalty answer of 0-6 (usually negative)")
    plan_fulfilment: Weight = Field(
        description="Points for 100 % of the month's turnover plan (pro rata)"
    )
    overdue_task: Weight = Field(description="Points per task not done by its due time")

    def as_mapping(self) -> dict[Criterion, Decimal]:
        return {c: getattr(self, c.value) for c in Criterion}


class EmployeeKarmaRulesWrite(Schema):
    weights: CriteriaWeights
    bonus_per_point: Rate = Field(
        description="Bonus per karma point at closing, in the organisation's currency"
    )


class EmployeeKarmaRulesRead(EmployeeKarmaRulesWrite):
    version: int = Field(description="0 until the organisation saves its own")
    updated_at: datetime | None

    @classmethod
    def of(cls, s: EmployeeKarmaSettings) -> EmployeeKarmaRulesRead:
        return cls(
            weights=CriteriaWeights(**{c.value: w for c, w in s.weights.items()}),
            bonus_per_point=s.bonus_per_point,
            version=s.version,
            updated_at=s.updated_at,
        )


class EmployeeFactsRead(Schema):
    won_deals: int
    upsells: int
    promoters: int
    detractors: int
    overdue_tasks: int
    plan_percent: Decimal | None = Field(description="Turnover plan fulfilment; null: no plan")


class EmployeeKarmaRead(Schema):
    user_id: UUID
    name: str
    department_id: UUID | None
    is_head: bool
    facts: EmployeeFactsRead
    own_score: Decimal = Field(description="From the person's own facts")
    score: Decimal = Field(description="Their karma: a head's is the mean of their team's")
    bonus: Decimal = Field(description="max(score, 0) x the bonus per point")

    @classmethod
    def of(cls, r: EmployeeKarma) -> EmployeeKarmaRead:
        return cls(
            user_id=r.user_id,
            name=r.name,
            department_id=r.department_id,
            is_head=r.is_head,
            facts=EmployeeFactsRead(**r.facts.as_dict()),
            own_score=r.own_score,
            score=r.score,
            bonus=r.bonus,
        )


class KarmaPeriodRead(Schema):
    month: date
    closed_at: datetime
    closed_by: UUID | None
    bonus_per_point: Decimal
    currency: str

    @classmethod
    def of(cls, p: KarmaPeriod) -> KarmaPeriodRead:
        return cls(
            month=p.start,
            closed_at=p.closed_at,
            closed_by=p.closed_by,
            bonus_per_point=p.bonus_per_point,
            currency=p.currency,
        )


class MonthKarmaRead(Schema):
    month: date
    currency: str
    bonus_per_point: Decimal
    closed: KarmaPeriodRead | None = Field(description="null while the month is open (live)")
    items: list[EmployeeKarmaRead] = Field(description="Best karma first")

    @classmethod
    def of(cls, m: MonthKarma) -> MonthKarmaRead:
        return cls(
            month=m.start,
            currency=m.currency,
            bonus_per_point=m.bonus_per_point,
            closed=None if m.closed is None else KarmaPeriodRead.of(m.closed),
            items=[EmployeeKarmaRead.of(r) for r in m.rows],
        )


class KarmaPeriodList(Schema):
    items: list[KarmaPeriodRead]
