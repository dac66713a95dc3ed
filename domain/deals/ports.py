"""What the deals context needs from persistence."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Protocol
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.clients.custom_fields import CustomFieldFilter
from domain.deals.model import Deal, DealStatus, StageMove
from domain.shared.errors import AT_LEAST_CODE, InvalidInput
from domain.shared.scope import Scope


class DealSort(enum.StrEnum):
    CREATED_AT = "created_at"
    CREATED_AT_DESC = "-created_at"
    UPDATED_AT = "updated_at"
    UPDATED_AT_DESC = "-updated_at"
    AMOUNT = "amount"
    AMOUNT_DESC = "-amount"
    EXPECTED_CLOSE_DATE = "expected_close_date"
    EXPECTED_CLOSE_DATE_DESC = "-expected_close_date"

    @property
    def column(self) -> str:
        return self.value.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.value.startswith("-")


@dataclass(frozen=True, slots=True, kw_only=True)
class DealFilter:
    funnel_id: UUID | None = None
    stage_ids: tuple[UUID, ...] = ()
    # Deals that entered this stage at any time (the funnel analytics' "reached").
    reached_stage_id: UUID | None = None
    statuses: tuple[DealStatus, ...] = ()
    responsible_ids: tuple[UUID, ...] = ()
    client_id: UUID | None = None
    source_channels: tuple[str, ...] = ()
    # Deals of clients carrying any of these segment tags.
    client_tags: tuple[str, ...] = ()
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    # Closed (won or lost) at or after closed_from and before closed_to.
    closed_from: datetime | None = None
    closed_to: datetime | None = None
    loss_reason_ids: tuple[UUID, ...] = ()
    # Deals whose responsible is in this department or a department below it.
    department_id: UUID | None = None
    expected_close_from: date | None = None
    expected_close_to: date | None = None
    stale: bool | None = None
    # Open deals with no open task: nobody has planned the next step.
    without_next_task: bool = False
    search: str | None = None
    custom: tuple[CustomFieldFilter, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class DealDays:
    """Days of the organisation's calendar (in its time zone, both ends inclusive) that narrow
    a deal list, named as the list's query parameters: the service turns them into DealFilter's
    moments, so a link from a figure counted per organisation day (the dashboard's, the funnel
    analytics') selects the same deals whatever the viewer's own time zone."""

    created_on_from: date | None = None
    created_on_to: date | None = None
    closed_from: date | None = None
    closed_to: date | None = None

    def __bool__(self) -> bool:
        return any((self.created_on_from, self.created_on_to, self.closed_from, self.closed_to))

    def applied(self, filters: DealFilter, time_zone: str) -> DealFilter:
        """``filters`` narrowed to these days in ``time_zone``: a period's first day from its
        midnight, its last day until the next midnight (exclusive). A creation period meets
        created_from/created_to given as moments (the later start, the earlier end).
        InvalidInput, on the query parameter, when a period ends before it starts."""
        _require_order(self.created_on_from, self.created_on_to, "created_on")
        _require_order(self.closed_from, self.closed_to, "closed")
        zone = ZoneInfo(time_zone)

        def start(day: date | None) -> datetime | None:
            return None if day is None else datetime.combine(day, time(), zone)

        def end(day: date | None) -> datetime | None:
            return None if day is None else datetime.combine(day + timedelta(days=1), time(), zone)

        return replace(
            filters,
            created_from=_latest(filters.created_from, start(self.created_on_from)),
            created_to=_earliest(filters.created_to, end(self.created_on_to)),
            closed_from=start(self.closed_from),
            closed_to=end(self.closed_to),
        )


def _require_order(first: date | None, last: date | None, name: str) -> None:
    if first is not None and last is not None and last < first:
        raise InvalidInput(
            ("query", f"{name}_to"),
            f"must not be before {name}_from",
            code=AT_LEAST_CODE,
            ctx={"ge": first.isoformat()},
        )


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else min(a, b)


@dataclass(frozen=True, slots=True)
class CurrencyTotal:
    currency: str
    count: int
    amount: Decimal
    weighted_amount: Decimal


@dataclass(frozen=True, slots=True)
class DealTotals:
    """Totals per currency over a set of deals; ``exact`` False when they are an estimate."""

    exact: bool
    currencies: list[CurrencyTotal]


@dataclass(frozen=True, slots=True)
class BoardColumn:
    stage_id: UUID
    count: int
    totals: list[CurrencyTotal]
    deals: list[Deal]
    has_more: bool = False
    # False: count and totals are an estimate (filters beyond the counters' dimensions over
    # more deals than are counted one by one).
    exact: bool = True


@dataclass(frozen=True, slots=True)
class StaleCandidate:
    """An open deal past its stage's day limit, with that limit, for the stale-deal sweep."""

    deal: Deal
    max_days: int


class DealRepository(Protocol):
    async def list_follow_ups_due(self, *, now: datetime, limit: int) -> Sequence[Deal]:
        """Across organisations: open postponed deals whose next follow-up is due, locked
        (others' locked rows skipped)."""
        ...

    async def list_warranties_due(
        self, *, now: datetime, limit: int
    ) -> Sequence[tuple[Deal, date]]:
        """Across organisations: deals whose warranty ends within their reminder's days of
        their organisation's day at ``now`` (given with each) and are not yet reminded for
        that end date."""
        ...

    async def save_reminder_marks(self, deal: Deal) -> None:
        """Store the next follow-up moment and the reminded end date (the version stays)."""
        ...

    async def add(self, deal: Deal) -> None:
        """The deal with its product lines."""
        ...

    async def get(self, scope: Scope, deal_id: UUID, *, for_update: bool = False) -> Deal | None:
        """A deal the caller may see; None otherwise."""
        ...

    async def update(self, deal: Deal, expected_version: int) -> None:
        """Every field and the product lines; PreconditionFailed when the version moved on."""
        ...

    async def add_move(self, move: StageMove) -> None: ...
    async def moves(self, organisation_id: UUID, deal_id: UUID) -> Sequence[StageMove]:
        """Oldest first."""
        ...

    async def list(
        self,
        scope: Scope,
        filters: DealFilter,
        *,
        now: datetime,
        sort: DealSort,
        limit: int,
        after: tuple[object, UUID] | None = None,
    ) -> Sequence[Deal]:
        """Visible deals in ``sort`` order after the keyset ``after`` (sort value, id)."""
        ...

    async def totals(
        self, scope: Scope, filters: DealFilter, *, now: datetime, exact_up_to: int
    ) -> DealTotals:
        """Count, amount and weighted amount of every visible deal the filters select: exact
        from the counters when the filters are counter dimensions (funnel, stages, statuses,
        responsibles), exact when the other filters select at most ``exact_up_to`` deals that
        are cheap to count, an estimate (``exact`` False) otherwise."""
        ...

    async def board(
        self,
        scope: Scope,
        funnel_id: UUID,
        filters: DealFilter,
        *,
        now: datetime,
        per_stage: int,
        exact_up_to: int,
    ) -> Sequence[BoardColumn]:
        """Open deals of the funnel per stage: count, totals (exact or estimated as in
        ``totals``) and the first ``per_stage`` cards (most recently entered first)."""
        ...

    async def board_column(
        self,
        scope: Scope,
        stage_id: UUID,
        filters: DealFilter,
        *,
        now: datetime,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[Deal]:
        """The next cards of one board column: open visible deals of the stage after the
        keyset ``after`` (stage_entered_at, id), most recently entered first."""
        ...

    async def client_names(
        self, organisation_id: UUID, client_ids: Sequence[UUID]
    ) -> dict[UUID, str]:
        """Names of the deals' clients, batch-loaded (the deals are already visible)."""
        ...

    async def list_stale(self, *, now: datetime, limit: int) -> Sequence[StaleCandidate]:
        """Unscoped, for the sweep: open deals past their stage's limit whose alert (or, past
        twice the limit, whose closing proposal) has not gone out for the current stay."""
        ...

    async def save_stale_marks(self, deal: Deal) -> None:
        """Store the deal's stale_* marks and hand its events over; does not change the
        deal's version (the sweep is not an editor)."""
        ...
