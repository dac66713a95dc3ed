"""Marketing costs and the effectiveness figures derived from them.

A cost is an amount in the organisation's currency spent on a source (a deal's
source_channel: "yandex", "выставка") in a calendar month, optionally on one of its campaigns
(a deal's source_campaign). Effectiveness over months compares the costs with the deals
created in those months from the same source and campaign: leads (deals created), won deals,
revenue (their amounts in the organisation's currency); cost per lead, cost per won deal, and
return on spend = (revenue - cost) / cost x 100.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from domain.shared.clock import validate_day
from domain.shared.errors import NEGATIVE_CODE, FieldProblem, InvalidInput
from domain.shared.ids import new_id
from domain.shared.money import to_amount
from domain.shared.text import clean_name, clean_text

SOURCE_MAX_LENGTH = 100  # deals.source_channel
CAMPAIGN_MAX_LENGTH = 200  # deals.source_campaign
COMMENT_MAX_LENGTH = 1000
NOT_MONTH_START_CODE = "not_month_start"
_CENT = Decimal("0.01")
_TENTH = Decimal("0.1")


def _month(value: date) -> date:
    validate_day(value, "month")
    if value.day != 1:
        raise InvalidInput("month", "a month is named by its first day", code=NOT_MONTH_START_CODE)
    return value


def _non_negative(value: Decimal | int | str) -> Decimal:
    amount = to_amount(value)
    if amount < 0:
        raise InvalidInput("amount", "must not be negative", code=NEGATIVE_CODE)
    return amount


@dataclass(slots=True, kw_only=True)
class MarketingCost:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    month: date
    source: str
    campaign: str | None = None
    amount: Decimal
    currency: str
    comment: str | None = None
    created_by: UUID | None = None
    created_at: datetime
    updated_at: datetime
    version: int = 1

    @classmethod
    def new(
        cls,
        *,
        organisation_id: UUID,
        month: date,
        source: str,
        campaign: str | None,
        amount: Decimal,
        currency: str,
        comment: str | None,
        at: datetime,
        by: UUID | None,
    ) -> MarketingCost:
        problems: list[FieldProblem] = []
        values: dict[str, Any] = {}
        for name, check in (
            ("month", lambda: _month(month)),
            ("source", lambda: clean_name(source, "source", max_length=SOURCE_MAX_LENGTH)),
            (
                "campaign",
                lambda: clean_text(
                    campaign,
                    "campaign",
                    max_length=CAMPAIGN_MAX_LENGTH,
                    required=False,
                    collapse_spaces=True,
                ),
            ),
            ("amount", lambda: _non_negative(amount)),
            (
                "comment",
                lambda: clean_text(
                    comment,
                    "comment",
                    max_length=COMMENT_MAX_LENGTH,
                    required=False,
                    multiline=True,
                ),
            ),
        ):
            try:
                values[name] = check()
            except InvalidInput as error:
                problems.extend(error.problems)
        if problems:
            raise InvalidInput(problems=problems)
        return cls(
            organisation_id=organisation_id,
            currency=currency,
            created_by=by,
            created_at=at,
            updated_at=at,
            **values,
        )

    def change(
        self, *, amount: Decimal | None, comment: str | None, clear_comment: bool, at: datetime
    ) -> bool:
        """A new amount or comment; the month, source and campaign name the cost and stay."""
        new_amount = self.amount if amount is None else _non_negative(amount)
        new_comment = (
            None
            if clear_comment
            else self.comment
            if comment is None
            else clean_text(
                comment, "comment", max_length=COMMENT_MAX_LENGTH, required=False, multiline=True
            )
        )
        if (new_amount, new_comment) == (self.amount, self.comment):
            return False
        self.amount, self.comment, self.updated_at = new_amount, new_comment, at
        return True

    def snapshot(self) -> dict[str, Any]:
        return {
            "month": self.month.isoformat(),
            "source": self.source,
            "campaign": self.campaign,
            "amount": str(self.amount),
            "comment": self.comment,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class StageReach:
    stage_id: UUID
    stage_name: str
    deals: int
    cost_per_deal: Decimal | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceFigures:
    """What the database counts for one source and campaign over the months."""

    source: str | None
    campaign: str | None
    cost: Decimal
    leads: int
    won: int
    revenue: Decimal
    stages: dict[UUID, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Effectiveness:
    source: str | None
    campaign: str | None
    cost: Decimal
    leads: int
    won: int
    revenue: Decimal
    cost_per_lead: Decimal | None
    cost_per_won: Decimal | None
    return_on_spend: Decimal | None  # percent
    stages: tuple[StageReach, ...]


def per(cost: Decimal, count: int) -> Decimal | None:
    return (cost / count).quantize(_CENT, rounding=ROUND_HALF_UP) if count and cost else None


def return_on_spend(revenue: Decimal, cost: Decimal) -> Decimal | None:
    if cost <= 0:
        return None
    return ((revenue - cost) * 100 / cost).quantize(_TENTH, rounding=ROUND_HALF_UP)


def effectiveness(figures: SourceFigures, stages: list[tuple[UUID, str]]) -> Effectiveness:
    return Effectiveness(
        source=figures.source,
        campaign=figures.campaign,
        cost=figures.cost,
        leads=figures.leads,
        won=figures.won,
        revenue=figures.revenue,
        cost_per_lead=per(figures.cost, figures.leads),
        cost_per_won=per(figures.cost, figures.won),
        return_on_spend=return_on_spend(figures.revenue, figures.cost),
        stages=tuple(
            StageReach(
                stage_id=stage_id,
                stage_name=name,
                deals=figures.stages.get(stage_id, 0),
                cost_per_deal=per(figures.cost, figures.stages.get(stage_id, 0)),
            )
            for stage_id, name in stages
        ),
    )
