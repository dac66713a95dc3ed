from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import Field

from api.pagination import encode_cursor
from api.schemas.base import (
    Amount,
    Currency,
    CustomFieldValues,
    Day,
    Name,
    NonNegativeAmount,
    Quantity,
    Schema,
    StringMap,
    Text,
    given,
    given_not_null,
    given_unless_null,
)
from api.schemas.funnels import FunnelRead
from domain.deals.commands import CreateDeal, LoseDeal, ProductLineInput, UpdateDeal
from domain.deals.model import (
    DEAL_TITLE_MAX,
    LOSS_COMMENT_MAX,
    MAX_PRODUCT_LINES,
    PRODUCT_NAME_MAX,
    REMIND_DAYS_MAX,
    REMIND_DAYS_MIN,
    SOURCE_CAMPAIGN_MAX,
    SOURCE_CHANNEL_MAX,
    Deal,
    DealStatus,
    MoveKind,
    StageMove,
)
from domain.deals.ports import BoardColumn, CurrencyTotal, DealTotals
from domain.deals.services import Board, DealView, StageHistory


class ProductLineIn(Schema):
    product_id: UUID | None = Field(
        default=None,
        description="A product of the catalogue; its name and price when those are omitted",
    )
    name: Name | None = Field(
        default=None,
        min_length=1,
        max_length=PRODUCT_NAME_MAX,
        description="Required without product_id",
    )
    quantity: Quantity = Decimal(1)
    price: NonNegativeAmount | None = Field(
        default=None,
        description="Required without product_id; else the product's price in the deal's "
        "currency (the first price type by name)",
    )

    def to_command(self) -> ProductLineInput:
        return ProductLineInput(
            name=self.name, quantity=self.quantity, price=self.price, product_id=self.product_id
        )


class ProductLineRead(Schema):
    product_id: UUID | None = Field(
        description="The catalogue's product; null for a free line or a deleted product"
    )
    article: str | None = Field(description="The product's article")
    name: str
    quantity: Decimal
    price: Decimal
    amount: Decimal


class DealCreate(Schema):
    client_id: UUID
    title: Name = Field(min_length=1, max_length=DEAL_TITLE_MAX)
    contact_id: UUID | None = None
    amount: NonNegativeAmount | None = Field(
        default=None, description="The product lines' total when omitted"
    )
    currency: Currency | None = None
    expected_margin: Amount | None = None
    products: list[ProductLineIn] = Field(default_factory=list, max_length=MAX_PRODUCT_LINES)
    funnel_id: UUID | None = Field(default=None, description="The default funnel when omitted")
    stage_id: UUID | None = Field(default=None, description="The funnel's first stage when omitted")
    responsible_id: UUID | None = Field(default=None, description="The caller when omitted")
    source_channel: Name | None = Field(default=None, max_length=SOURCE_CHANNEL_MAX)
    source_campaign: Name | None = Field(default=None, max_length=SOURCE_CAMPAIGN_MAX)
    utm: StringMap = Field(default_factory=dict)
    expected_close_date: Day | None = None
    custom_fields: CustomFieldValues = Field(default_factory=dict)

    def to_command(self) -> CreateDeal:
        return CreateDeal(
            client_id=self.client_id,
            title=self.title,
            contact_id=self.contact_id,
            amount=self.amount,
            currency=self.currency,
            expected_margin=self.expected_margin,
            products=[p.to_command() for p in self.products],
            funnel_id=self.funnel_id,
            stage_id=self.stage_id,
            responsible_id=self.responsible_id,
            source_channel=self.source_channel,
            source_campaign=self.source_campaign,
            utm=dict(self.utm),
            expected_close_date=self.expected_close_date,
            custom_fields=dict(self.custom_fields),
        )


class DealUpdate(Schema):
    title: Name | None = Field(default=None, min_length=1, max_length=DEAL_TITLE_MAX)
    client_id: UUID | None = None
    contact_id: UUID | None = None
    amount: NonNegativeAmount | None = None
    currency: Currency | None = None
    expected_margin: Amount | None = None
    products: list[ProductLineIn] | None = Field(default=None, max_length=MAX_PRODUCT_LINES)
    responsible_id: UUID | None = None
    source_channel: Name | None = Field(default=None, max_length=SOURCE_CHANNEL_MAX)
    source_campaign: Name | None = Field(default=None, max_length=SOURCE_CAMPAIGN_MAX)
    utm: StringMap | None = None
    expected_close_date: Day | None = None
    custom_fields: CustomFieldValues | None = Field(
        default=None, description="Merged into the current values; null removes a key"
    )
    follow_up_every_days: int | None = Field(
        default=None,
        ge=REMIND_DAYS_MIN,
        le=REMIND_DAYS_MAX,
        description="Postpone an open deal: a follow-up task for the responsible every N days "
        "until the deal moves to another stage or closes; null stops it",
    )
    warranty_ends_on: Day | None = Field(
        default=None, description="When the deal's warranty or service ends; null clears it"
    )
    warranty_remind_days: int | None = Field(
        default=None,
        ge=REMIND_DAYS_MIN,
        le=REMIND_DAYS_MAX,
        description="A task for the responsible this many days before the warranty ends",
    )

    def to_command(self) -> UpdateDeal:
        """Fields not sent stay UNSET. As before the commands: a null title or currency is
        ignored, a null custom_fields merges nothing, and a deal cannot lose its client,
        responsible or amount."""
        products = None if self.products is None else [p.to_command() for p in self.products]
        return UpdateDeal(
            title=given_unless_null(self, "title", self.title),
            client_id=given_not_null(self, "client_id", self.client_id),
            contact_id=given(self, "contact_id", self.contact_id),
            amount=given_not_null(self, "amount", self.amount),
            currency=given_unless_null(self, "currency", self.currency),
            expected_margin=given(self, "expected_margin", self.expected_margin),
            products=given(self, "products", products),
            responsible_id=given_not_null(self, "responsible_id", self.responsible_id),
            source_channel=given(self, "source_channel", self.source_channel),
            source_campaign=given(self, "source_campaign", self.source_campaign),
            utm=given(self, "utm", self.utm),
            expected_close_date=given(self, "expected_close_date", self.expected_close_date),
            custom_fields=given(self, "custom_fields", self.custom_fields or {}),
            follow_up_every_days=given(self, "follow_up_every_days", self.follow_up_every_days),
            warranty_ends_on=given(self, "warranty_ends_on", self.warranty_ends_on),
            warranty_remind_days=given(self, "warranty_remind_days", self.warranty_remind_days),
        )


class DealMove(Schema):
    stage_id: UUID


class DealLose(Schema):
    loss_reason_id: UUID
    comment: Text | None = Field(default=None, max_length=LOSS_COMMENT_MAX)
    lost_tender: bool = False
    loss_making: bool = False
    public_conflict: bool = False

    def to_command(self) -> LoseDeal:
        return LoseDeal(
            loss_reason_id=self.loss_reason_id,
            comment=self.comment,
            lost_tender=self.lost_tender,
            loss_making=self.loss_making,
            public_conflict=self.public_conflict,
        )


class DealRead(Schema):
    id: UUID
    client_id: UUID
    client_name: str | None
    contact_id: UUID | None
    title: str
    amount: Decimal
    currency: str
    expected_margin: Decimal | None
    products: list[ProductLineRead]
    funnel_id: UUID
    stage_id: UUID
    stage_name: str
    probability: Decimal = Field(description="The stage's win probability, percent")
    weighted_amount: Decimal = Field(
        description="amount x probability when open; the amount when won; 0 when lost"
    )
    status: DealStatus
    responsible_id: UUID
    responsible_name: str | None = Field(description="The responsible's full name")
    source_channel: str | None
    source_campaign: str | None
    utm: dict[str, str]
    expected_close_date: date | None
    custom_fields: dict[str, Any]
    stage_entered_at: datetime
    time_in_stage_seconds: int
    is_stale: bool = Field(description="Open and longer in the stage than its day limit")
    close_proposed: bool = Field(description="Stale for twice the limit: close it as lost?")
    closed_at: datetime | None
    loss_reason_id: UUID | None
    loss_comment: str | None
    lost_tender: bool
    loss_making: bool
    public_conflict: bool
    follow_up_every_days: int | None = Field(
        description="Postponed: a follow-up task every N days while in this stage"
    )
    follow_up_next_at: datetime | None = Field(description="When the next follow-up is due")
    warranty_ends_on: date | None
    warranty_remind_days: int | None
    created_by: UUID | None
    created_at: datetime | None
    updated_at: datetime | None
    version: int

    @classmethod
    def of(cls, view: DealView) -> DealRead:
        d = view.deal
        return cls(
            id=d.id,
            client_id=d.client_id,
            client_name=view.client_name,
            contact_id=d.contact_id,
            title=d.title,
            amount=d.amount,
            currency=d.currency,
            expected_margin=d.expected_margin,
            products=[
                ProductLineRead(
                    product_id=p.product_id,
                    article=p.article,
                    name=p.name,
                    quantity=p.quantity,
                    price=p.price,
                    amount=p.amount,
                )
                for p in d.products
            ],
            funnel_id=d.funnel_id,
            stage_id=d.stage_id,
            stage_name=view.stage.name,
            probability=view.stage.probability,
            weighted_amount=view.weighted_amount,
            status=d.status,
            responsible_id=d.responsible_id,
            responsible_name=view.responsible_name,
            source_channel=d.source_channel,
            source_campaign=d.source_campaign,
            utm=d.utm,
            expected_close_date=d.expected_close_date,
            custom_fields=d.custom_fields,
            stage_entered_at=d.stage_entered_at,
            time_in_stage_seconds=view.time_in_stage_seconds,
            is_stale=view.is_stale,
            close_proposed=view.close_proposed,
            closed_at=d.closed_at,
            loss_reason_id=d.loss_reason_id,
            loss_comment=d.loss_comment,
            lost_tender=d.lost_tender,
            loss_making=d.loss_making,
            public_conflict=d.public_conflict,
            follow_up_every_days=d.follow_up_every_days,
            follow_up_next_at=d.follow_up_next_at,
            warranty_ends_on=d.warranty_ends_on,
            warranty_remind_days=d.warranty_remind_days,
            created_by=d.created_by,
            created_at=d.created_at,
            updated_at=d.updated_at,
            version=d.version,
        )


class CurrencyTotalRead(Schema):
    currency: str
    count: int
    amount: Decimal
    weighted_amount: Decimal

    @classmethod
    def of(cls, total: CurrencyTotal) -> CurrencyTotalRead:
        return cls(
            currency=total.currency,
            count=total.count,
            amount=total.amount,
            weighted_amount=total.weighted_amount,
        )


class DealTotalsRead(Schema):
    exact: bool = Field(
        description="false: the figures are an estimate (filters beyond funnel, stage, status "
        "and responsible over more deals than are cheap to count one by one)"
    )
    currencies: list[CurrencyTotalRead] = Field(description="One per currency, by its code")

    @classmethod
    def of(cls, totals: DealTotals) -> DealTotalsRead:
        return cls(
            exact=totals.exact, currencies=[CurrencyTotalRead.of(t) for t in totals.currencies]
        )


class DealPage(Schema):
    items: list[DealRead]
    next_cursor: str | None


class StageMoveRead(Schema):
    id: UUID
    kind: MoveKind
    from_stage_id: UUID | None
    to_stage_id: UUID | None
    from_status: DealStatus | None
    to_status: DealStatus
    seconds_in_previous: int | None
    at: datetime
    by_user_id: UUID | None

    @classmethod
    def of(cls, move: StageMove) -> StageMoveRead:
        return cls(
            id=move.id,
            kind=move.kind,
            from_stage_id=move.from_stage_id,
            to_stage_id=move.to_stage_id,
            from_status=move.from_status,
            to_status=move.to_status,
            seconds_in_previous=move.seconds_in_previous,
            at=move.at,
            by_user_id=move.by_user_id,
        )


class StageStayRead(Schema):
    stage_id: UUID | None
    stage_name: str | None
    entered_at: datetime
    left_at: datetime | None = Field(description="null: the deal is still in the stage")
    seconds: int


class StageTimeRead(Schema):
    stage_id: UUID
    stage_name: str | None
    seconds: int


class StageHistoryRead(Schema):
    deal_id: UUID
    moves: list[StageMoveRead] = Field(description="Oldest first")
    stays: list[StageStayRead]
    time_in_stages: list[StageTimeRead] = Field(description="Total time per stage")

    @classmethod
    def of(cls, deal_id: UUID, history: StageHistory) -> StageHistoryRead:
        return cls(
            deal_id=deal_id,
            moves=[StageMoveRead.of(m) for m in history.moves],
            stays=[
                StageStayRead(
                    stage_id=s.stage_id,
                    stage_name=s.stage_name,
                    entered_at=s.entered_at,
                    left_at=s.left_at,
                    seconds=s.seconds,
                )
                for s in history.stays
            ],
            time_in_stages=[
                StageTimeRead(
                    stage_id=stage_id, stage_name=history.stage_names.get(stage_id), seconds=sec
                )
                for stage_id, sec in history.seconds_by_stage.items()
            ],
        )


class BoardColumnRead(Schema):
    stage_id: UUID
    count: int
    totals: list[CurrencyTotalRead]
    exact: bool = Field(
        description="false: count and totals are an estimate (as GET /deals/totals' exact)"
    )
    deals: list[DealRead] = Field(description="The first cards, most recently entered first")
    next_cursor: str | None = Field(
        description="The column's next cards: GET /funnels/{funnel_id}/board/columns/{column_id}"
        "?cursor=; null when these are all"
    )


class BoardColumnPage(Schema):
    """The next cards of one board column."""

    stage_id: UUID
    deals: list[DealRead] = Field(description="Most recently entered first")
    next_cursor: str | None


class BoardRead(Schema):
    funnel: FunnelRead
    columns: list[BoardColumnRead]

    @classmethod
    def of(cls, board: Board) -> BoardRead:
        return cls(
            funnel=FunnelRead.of(board.funnel),
            columns=[_column(c, board) for c in board.columns],
        )


def _column(column: BoardColumn, board: Board) -> BoardColumnRead:
    return BoardColumnRead(
        stage_id=column.stage_id,
        count=column.count,
        totals=[CurrencyTotalRead.of(t) for t in column.totals],
        exact=column.exact,
        deals=[DealRead.of(board.views[d.id]) for d in column.deals],
        next_cursor=board_cursor(column.deals[-1]) if column.has_more and column.deals else None,
    )


def board_cursor(deal: Deal) -> str:
    """The keyset of a board column after ``deal``: (stage_entered_at, id)."""
    return encode_cursor(deal.stage_entered_at, deal.id)
