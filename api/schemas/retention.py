from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from pydantic import Field

from api.schemas.base import Name, Schema, number
from domain.retention.model import (
    DAYS_MAX,
    PATTERN_MAX_LENGTH,
    SEGMENT_MAX_LENGTH,
    SEGMENTS_MAX,
    SUGGESTION_MAX_LENGTH,
    AbcBasis,
    AbcClass,
    AbcClassTotal,
    AbcRow,
    CrossSellRule,
    RetentionSettings,
    SleepingClient,
)
from domain.retention.services import AbcResult

if TYPE_CHECKING:
    Share = Decimal
else:
    # A class's share of the total, percent: above 0, below 100, two decimals at most.
    Share = number(Decimal("99.99"), gt=Decimal(0))
Days = Annotated[int, Field(ge=1, le=DAYS_MAX)]
Segment = Annotated[Name, Field(min_length=1, max_length=SEGMENT_MAX_LENGTH)]


class RetentionSettingsWrite(Schema):
    abc_a_share: Share = Field(
        description="Percent of the total that class A clients hold (default 80)"
    )
    abc_b_share: Share = Field(
        description="Percent held by class B (default 15); C is the rest, so A + B < 100"
    )
    sleeping_days: Days = Field(
        description="Days without a purchase after which a current or permanent client sleeps"
    )
    sleeping_days_by_segment: Annotated[dict[Segment, Days], Field(max_length=SEGMENTS_MAX)] = (
        Field(
            default_factory=dict,
            description="Own days per segment tag; a client of several segments sleeps after "
            "the fewest",
        )
    )


class RetentionSettingsRead(RetentionSettingsWrite):
    abc_c_share: Decimal
    version: int = Field(description="0 until the organisation saves its own settings")
    updated_at: datetime | None

    @classmethod
    def of(cls, s: RetentionSettings) -> RetentionSettingsRead:
        return cls(
            abc_a_share=s.abc_a_share,
            abc_b_share=s.abc_b_share,
            abc_c_share=s.abc_c_share,
            sleeping_days=s.sleeping_days,
            sleeping_days_by_segment=dict(s.sleeping_days_by_segment),
            version=s.version,
            updated_at=s.updated_at,
        )


class AbcRowRead(Schema):
    rank: int
    client_id: UUID
    client_name: str
    amount: Decimal
    share: Decimal = Field(description="Percent of the total")
    cumulative_share: Decimal = Field(
        description="Percent held by this client and every client ranked above it"
    )
    abc_class: AbcClass

    @classmethod
    def of(cls, r: AbcRow) -> AbcRowRead:
        return cls(
            rank=r.rank,
            client_id=r.client_id,
            client_name=r.client_name,
            amount=r.amount,
            share=r.share,
            cumulative_share=r.cumulative_share,
            abc_class=r.abc_class,
        )


class AbcClassRead(Schema):
    abc_class: AbcClass
    clients: int
    amount: Decimal
    share: Decimal

    @classmethod
    def of(cls, c: AbcClassTotal) -> AbcClassRead:
        return cls(abc_class=c.abc_class, clients=c.clients, amount=c.amount, share=c.share)


class AbcReportRead(Schema):
    basis: AbcBasis
    date_from: date = Field(description="The period's first day")
    date_to: date = Field(description="The period's last day")
    currency: str = Field(description="Only amounts in this currency count")
    abc_a_share: Decimal
    abc_b_share: Decimal
    total: Decimal
    clients: int = Field(description="Clients with a positive figure in the period")
    classes: list[AbcClassRead]
    items: list[AbcRowRead]
    next_cursor: str | None

    @classmethod
    def of(
        cls, result: AbcResult, rows: Sequence[AbcRow], next_cursor: str | None
    ) -> AbcReportRead:
        report = result.report
        return cls(
            basis=result.basis,
            date_from=result.first_day,
            date_to=result.last_day,
            currency=result.currency,
            abc_a_share=result.settings.abc_a_share,
            abc_b_share=result.settings.abc_b_share,
            total=report.total,
            clients=report.clients,
            classes=[AbcClassRead.of(c) for c in report.classes],
            items=[AbcRowRead.of(r) for r in rows],
            next_cursor=next_cursor,
        )


class SleepingClientRead(Schema):
    client_id: UUID
    name: str
    responsible_id: UUID
    responsible_name: str | None = Field(description="The responsible's full name")
    relationship_type: str
    segment_tags: list[str]
    last_purchase_at: datetime
    sleeping_days: int = Field(description="The limit that applies to this client")
    days_without_purchase: int

    @classmethod
    def of(cls, s: SleepingClient, now: datetime) -> SleepingClientRead:
        return cls(
            client_id=s.client_id,
            name=s.name,
            responsible_id=s.responsible_id,
            responsible_name=s.responsible_name,
            relationship_type=s.relationship_type,
            segment_tags=list(s.segment_tags),
            last_purchase_at=s.last_purchase_at,
            sleeping_days=s.sleeping_days,
            days_without_purchase=(now - s.last_purchase_at).days,
        )


class SleepingClientPage(Schema):
    items: list[SleepingClientRead]
    next_cursor: str | None
    total: int = Field(description="Sleeping clients the filters select, on every page")


class CrossSellRuleCreate(Schema):
    product_pattern: Annotated[Name, Field(min_length=1, max_length=PATTERN_MAX_LENGTH)] = Field(
        description="Part of a product's name (case and ё/е ignored): a product, or a word "
        "every product of a category carries"
    )
    after_days: Days = Field(description="Days after the deal is won")
    suggestion: Annotated[Name, Field(min_length=1, max_length=SUGGESTION_MAX_LENGTH)] = Field(
        description="What to offer; the task's title"
    )
    is_active: bool = True


class CrossSellRuleUpdate(Schema):
    product_pattern: Annotated[Name, Field(min_length=1, max_length=PATTERN_MAX_LENGTH)] | None = (
        None
    )
    after_days: Days | None = None
    suggestion: Annotated[Name, Field(min_length=1, max_length=SUGGESTION_MAX_LENGTH)] | None = None
    is_active: bool | None = None


class CrossSellRuleRead(Schema):
    id: UUID
    product_pattern: str
    after_days: int
    suggestion: str
    is_active: bool
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def of(cls, r: CrossSellRule) -> CrossSellRuleRead:
        return cls(
            id=r.id,
            product_pattern=r.product_pattern,
            after_days=r.after_days,
            suggestion=r.suggestion,
            is_active=r.is_active,
            created_by=r.created_by,
            created_at=r.created_at,
            updated_at=r.updated_at,
            version=r.version,
        )


class CrossSellRuleList(Schema):
    items: list[CrossSellRuleRead]
