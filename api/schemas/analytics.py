from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from pydantic import Field

from api.schemas.base import Schema
from domain.analytics.histogram import MEDIAN_PRECISION
from domain.analytics.model import (
    AverageDeal,
    CurrencyAmount,
    FunnelAnalytics,
    FunnelTotals,
    LossReasonAnalytics,
    StageAnalytics,
)
from domain.analytics.sales import SalesStructure
from domain.analytics.worktime import WorkCounts, WorkTimeMap

_PERCENT = "Percent, one decimal"
# The rollup keeps a histogram of durations, not every duration: a median is read back from it.
_ESTIMATED = (
    "estimated from a histogram of the durations (log-scale bins), within "
    f"{MEDIAN_PRECISION:.1%} of the exact median (or half a second below one second)"
)


class StageAnalyticsRead(Schema):
    stage_id: UUID
    name: str
    position: int
    reached: int = Field(
        description="Deals of the cohort that entered the stage at any time (a move into it, "
        "created in it, or in it now); a deal that skipped the stage did not reach it"
    )
    conversion_to_next: Decimal | None = Field(
        description=f"Reached the next stage / reached this one. {_PERCENT}; null for the last "
        "stage or when none reached this one"
    )
    conversion_from_first: Decimal | None = Field(
        description=f"Reached this stage / reached the first. {_PERCENT}"
    )
    stays: int = Field(description="Stays the time in stage is computed over")
    average_hours: Decimal | None = Field(
        description="Average time in the stage, hours (one decimal), over the cohort's stays "
        "that ended (moved on, won or lost) and the open deals' current stays counted to now"
    )
    median_hours: Decimal | None = Field(
        description=f"Median (percentile_cont 0.5) of the same stays, hours, {_ESTIMATED}"
    )
    stale: int = Field(
        description="Open deals of the cohort in the stage now past its day limit (the "
        "staleness rule of the deals list's stale filter)"
    )

    @classmethod
    def of(cls, s: StageAnalytics) -> StageAnalyticsRead:
        return cls(
            stage_id=s.stage_id,
            name=s.name,
            position=s.position,
            reached=s.reached,
            conversion_to_next=s.conversion_to_next,
            conversion_from_first=s.conversion_from_first,
            stays=s.stays,
            average_hours=s.average_hours,
            median_hours=s.median_hours,
            stale=s.stale,
        )


class AverageDealRead(Schema):
    currency: str
    won: int = Field(description="Won deals in this currency")
    average_amount: Decimal = Field(description="Their average amount")

    @classmethod
    def of(cls, a: AverageDeal) -> AverageDealRead:
        return cls(currency=a.currency, won=a.won, average_amount=a.average_amount)


class FunnelTotalsRead(Schema):
    deals: int = Field(description="Deals in the cohort")
    won: int
    lost: int
    open: int
    win_rate: Decimal | None = Field(
        description=f"won / (won + lost). {_PERCENT}; null while none is closed"
    )
    average_won: list[AverageDealRead] = Field(
        description="Average amount of the won deals, per currency (never summed across them)"
    )
    cycle_average_days: Decimal | None = Field(
        description="Average days from creation to closing of the won deals, one decimal"
    )
    cycle_median_days: Decimal | None = Field(description=f"Their median, days, {_ESTIMATED}")

    @classmethod
    def of(cls, t: FunnelTotals) -> FunnelTotalsRead:
        return cls(
            deals=t.deals,
            won=t.won,
            lost=t.lost,
            open=t.open,
            win_rate=t.win_rate,
            average_won=[AverageDealRead.of(a) for a in t.average_won],
            cycle_average_days=t.cycle_average_days,
            cycle_median_days=t.cycle_median_days,
        )


class CurrencyAmountRead(Schema):
    currency: str
    count: int
    amount: Decimal

    @classmethod
    def of(cls, a: CurrencyAmount) -> CurrencyAmountRead:
        return cls(currency=a.currency, count=a.count, amount=a.amount)


class LossReasonAnalyticsRead(Schema):
    reason_id: UUID | None = Field(description="null: lost without a reason")
    name: str | None
    count: int = Field(description="Lost deals of the cohort with this reason")
    amounts: list[CurrencyAmountRead] = Field(description="Their count and amount per currency")

    @classmethod
    def of(cls, r: LossReasonAnalytics) -> LossReasonAnalyticsRead:
        return cls(
            reason_id=r.reason_id,
            name=r.name,
            count=r.count,
            amounts=[CurrencyAmountRead.of(a) for a in r.amounts],
        )


class FunnelAnalyticsRead(Schema):
    funnel_id: UUID
    funnel_name: str
    first_day: date = Field(description="The period's first day (from)")
    last_day: date = Field(description="The period's last day (to), inclusive")
    stages: list[StageAnalyticsRead] = Field(description="In the funnel's order")
    totals: FunnelTotalsRead
    loss_reasons: list[LossReasonAnalyticsRead] = Field(description="Most frequent first")

    @classmethod
    def of(cls, a: FunnelAnalytics) -> FunnelAnalyticsRead:
        return cls(
            funnel_id=a.funnel_id,
            funnel_name=a.funnel_name,
            first_day=a.period.first_day,
            last_day=a.period.last_day,
            stages=[StageAnalyticsRead.of(s) for s in a.stages],
            totals=FunnelTotalsRead.of(a.totals),
            loss_reasons=[LossReasonAnalyticsRead.of(r) for r in a.loss_reasons],
        )


class WorkCountsRead(Schema):
    calls: int
    meetings: int
    tasks_done: int
    stage_moves: int = Field(description="Stage moves, wins, losses and reopenings made")

    @classmethod
    def of(cls, c: WorkCounts) -> WorkCountsRead:
        return cls(
            calls=c.calls, meetings=c.meetings, tasks_done=c.tasks_done, stage_moves=c.stage_moves
        )


class WorkTimeCellRead(WorkCountsRead):
    weekday: int = Field(description="1 Monday ... 7 Sunday")
    hour: int = Field(description="0 ... 23, in the organisation's time zone")


class WorkTimeEmployeeRead(Schema):
    user_id: UUID
    name: str
    totals: WorkCountsRead


class WorkTimeRead(Schema):
    date_from: date
    date_to: date
    time_zone: str
    employees: list[WorkTimeEmployeeRead] = Field(description="Busiest first")
    cells: list[WorkTimeCellRead] = Field(
        description="The weekday-hours with anything in them, Monday 0:00 first"
    )

    @classmethod
    def of(cls, m: WorkTimeMap) -> WorkTimeRead:
        return cls(
            date_from=m.first_day,
            date_to=m.last_day,
            time_zone=m.time_zone,
            employees=[
                WorkTimeEmployeeRead(
                    user_id=e.user_id, name=e.name, totals=WorkCountsRead.of(e.counts)
                )
                for e in m.employees
            ],
            cells=[
                WorkTimeCellRead(
                    weekday=c.weekday,
                    hour=c.hour,
                    calls=c.counts.calls,
                    meetings=c.counts.meetings,
                    tasks_done=c.counts.tasks_done,
                    stage_moves=c.counts.stage_moves,
                )
                for c in m.cells
            ],
        )


class AverageCheckRead(Schema):
    currency: str
    won: int
    amount: Decimal
    average: Decimal


class ProductDemandRead(Schema):
    product: str
    asked_deals: int = Field(description="Deals opened in the period with the product")
    asked_quantity: Decimal
    sold_deals: int = Field(description="Deals won in the period with the product")
    sold_quantity: Decimal
    sold_amount: Decimal = Field(description="In the organisation's currency")
    sold_share: Decimal | None = Field(description="sold_deals / asked_deals x 100")


class SalesStructureRead(Schema):
    date_from: date
    date_to: date
    currency: str
    won: int
    repeat: int = Field(description="Won deals of clients who had bought before")
    upsell: int = Field(description="Repeat deals with only products the client had bought")
    cross_sell: int = Field(description="Repeat deals with a product new to the client")
    repeat_share: Decimal | None
    upsell_share: Decimal | None
    cross_sell_share: Decimal | None
    average_check: list[AverageCheckRead]
    products: list[ProductDemandRead]

    @classmethod
    def of(cls, s: SalesStructure) -> SalesStructureRead:
        f = s.figures
        return cls(
            date_from=s.first_day,
            date_to=s.last_day,
            currency=s.currency,
            won=f.won,
            repeat=f.repeat,
            upsell=s.upsell,
            cross_sell=f.cross_sell,
            repeat_share=s.share(f.repeat),
            upsell_share=s.share(s.upsell),
            cross_sell_share=s.share(f.cross_sell),
            average_check=[
                AverageCheckRead(currency=c.currency, won=c.won, amount=c.amount, average=c.average)
                for c in f.checks
            ],
            products=[
                ProductDemandRead(
                    product=p.product,
                    asked_deals=p.asked_deals,
                    asked_quantity=p.asked_quantity,
                    sold_deals=p.sold_deals,
                    sold_quantity=p.sold_quantity,
                    sold_amount=p.sold_amount,
                    sold_share=p.sold_share,
                )
                for p in f.products
            ],
        )
