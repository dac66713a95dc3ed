from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import Field

from api.schemas.base import Day, Name, NonNegativeAmount, Schema, Text
from domain.marketing.model import (
    CAMPAIGN_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    SOURCE_MAX_LENGTH,
    Effectiveness,
    MarketingCost,
    StageReach,
)
from domain.marketing.services import EffectivenessReport

Source = Annotated[Name, Field(min_length=1, max_length=SOURCE_MAX_LENGTH)]
Campaign = Annotated[Name, Field(max_length=CAMPAIGN_MAX_LENGTH)]
Comment = Annotated[Text, Field(max_length=COMMENT_MAX_LENGTH)]


class CostCreate(Schema):
    month: Day = Field(description="The month's first day")
    source: Source = Field(description="As deals name it (their source_channel)")
    campaign: Campaign | None = Field(
        default=None, description="One of the source's campaigns (deals' source_campaign)"
    )
    amount: NonNegativeAmount = Field(description="In the organisation's currency")
    comment: Comment | None = None


class CostUpdate(Schema):
    amount: NonNegativeAmount | None = None
    comment: Comment | None = Field(default=None, description="null clears it")


class CostRead(Schema):
    id: UUID
    month: date
    source: str
    campaign: str | None
    amount: Decimal
    currency: str
    comment: str | None
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def of(cls, c: MarketingCost) -> CostRead:
        return cls(
            id=c.id,
            month=c.month,
            source=c.source,
            campaign=c.campaign,
            amount=c.amount,
            currency=c.currency,
            comment=c.comment,
            created_by=c.created_by,
            created_at=c.created_at,
            updated_at=c.updated_at,
            version=c.version,
        )


class CostPage(Schema):
    items: list[CostRead]
    next_cursor: str | None


class StageReachRead(Schema):
    stage_id: UUID
    stage_name: str
    deals: int = Field(description="Deals of the row that entered the stage")
    cost_per_deal: Decimal | None

    @classmethod
    def of(cls, s: StageReach) -> StageReachRead:
        return cls(
            stage_id=s.stage_id,
            stage_name=s.stage_name,
            deals=s.deals,
            cost_per_deal=s.cost_per_deal,
        )


class EffectivenessRow(Schema):
    source: str | None = Field(description="null: deals without a source")
    campaign: str | None
    cost: Decimal
    leads: int = Field(description="Deals created in the months")
    won: int = Field(description="Of those, won by now")
    revenue: Decimal = Field(description="The won deals' amounts in the organisation's currency")
    cost_per_lead: Decimal | None
    cost_per_won: Decimal | None
    return_on_spend: Decimal | None = Field(
        description="(revenue - cost) / cost x 100, one decimal; null without a cost"
    )
    stages: list[StageReachRead] = Field(description="With funnel_id: cost per stage reached")

    @classmethod
    def of(cls, e: Effectiveness) -> EffectivenessRow:
        return cls(
            source=e.source,
            campaign=e.campaign,
            cost=e.cost,
            leads=e.leads,
            won=e.won,
            revenue=e.revenue,
            cost_per_lead=e.cost_per_lead,
            cost_per_won=e.cost_per_won,
            return_on_spend=e.return_on_spend,
            stages=[StageReachRead.of(s) for s in e.stages],
        )


class EffectivenessRead(Schema):
    first_month: date
    last_month: date
    currency: str
    funnel_id: UUID | None
    items: list[EffectivenessRow] = Field(description="Costliest first")

    @classmethod
    def of(cls, r: EffectivenessReport) -> EffectivenessRead:
        return cls(
            first_month=r.first_month,
            last_month=r.last_month,
            currency=r.currency,
            funnel_id=r.funnel_id,
            items=[EffectivenessRow.of(e) for e in r.rows],
        )
