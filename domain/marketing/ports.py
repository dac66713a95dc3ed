"""What the marketing context needs from persistence: the costs, and the figures per source
and campaign counted by the database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from domain.marketing.model import MarketingCost, SourceFigures
from domain.shared.scope import Scope


@dataclass(frozen=True, slots=True, kw_only=True)
class CostFilter:
    first_month: date | None = None
    last_month: date | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FiguresQuery:
    first_month: date
    end_month: date  # exclusive
    starts_at: datetime  # the first month's start in the organisation's time zone
    ends_at: datetime  # exclusive
    currency: str
    funnel_id: UUID | None = None


class MarketingRepository(Protocol):
    async def add(self, cost: MarketingCost) -> None:
        """Conflict when the month, source and campaign already have a cost."""
        ...

    async def get(self, organisation_id: UUID, cost_id: UUID) -> MarketingCost | None: ...
    async def update(self, cost: MarketingCost, expected_version: int) -> None: ...
    async def delete(self, organisation_id: UUID, cost_id: UUID) -> None: ...
    async def list(
        self,
        organisation_id: UUID,
        filters: CostFilter,
        *,
        limit: int,
        after: tuple[date, UUID] | None,
    ) -> Sequence[MarketingCost]:
        """Latest month first, then by id."""
        ...

    async def figures(self, scope: Scope, query: FiguresQuery) -> Sequence[SourceFigures]:
        """Per source and campaign: the months' costs (the organisation's) and the deals
        created in them that the caller sees (leads, won, revenue; with a funnel, how many
        of its deals entered each stage)."""
        ...

    async def funnel_stages(
        self, organisation_id: UUID, funnel_id: UUID
    ) -> Sequence[tuple[UUID, str]] | None:
        """The funnel's stages in order; None when there is no such funnel."""
        ...
