"""Sales structure for a period (issue 12, item 10): how many won deals were repeat purchases,
and of those upsells (more of what the client had bought) or cross-sells (something new); the
average check per currency; and demand by product: how often a product was asked for (on deals
opened in the period) against sold (on deals won in it). Over the deals the caller sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from domain.analytics.model import AnalyticsPeriod
from domain.auth.principal import Principal
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import NotFound
from domain.staff.permissions import Permission, Resource

if TYPE_CHECKING:
    from domain.analytics.ports import SalesQueries

PRODUCTS_SHOWN = 50
_TENTH = Decimal("0.1")
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True, kw_only=True)
class SalesQuery:
    """Calendar days in the organisation's time zone, both included."""

    first_day: date
    last_day: date
    currency: str  # the organisation's: product amounts count in it
    funnel_id: UUID | None = None
    responsible_id: UUID | None = None
    department_id: UUID | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CurrencyCheck:
    currency: str
    won: int
    amount: Decimal

    @property
    def average(self) -> Decimal:
        return (self.amount / self.won).quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductDemand:
    product: str  # as most often written
    asked_deals: int
    asked_quantity: Decimal
    sold_deals: int
    sold_quantity: Decimal
    sold_amount: Decimal  # in the organisation's currency

    @property
    def sold_share(self) -> Decimal | None:
        if not self.asked_deals:
            return None
        return (Decimal(self.sold_deals) * 100 / self.asked_deals).quantize(
            _TENTH, rounding=ROUND_HALF_UP
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SalesFigures:
    won: int
    repeat: int
    cross_sell: int
    checks: tuple[CurrencyCheck, ...]
    products: tuple[ProductDemand, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SalesStructure:
    first_day: date
    last_day: date
    currency: str
    figures: SalesFigures

    def share(self, count: int) -> Decimal | None:
        if not self.figures.won:
            return None
        return (Decimal(count) * 100 / self.figures.won).quantize(_TENTH, rounding=ROUND_HALF_UP)

    @property
    def upsell(self) -> int:
        return self.figures.repeat - self.figures.cross_sell


class SalesService:
    def __init__(self, uow: UnitOfWork, clock: Clock, queries: SalesQueries) -> None:
        self._uow = uow
        self._clock = clock
        self._queries = queries

    async def structure(
        self,
        principal: Principal,
        *,
        first_day: date,
        last_day: date,
        funnel_id: UUID | None = None,
        responsible_id: UUID | None = None,
        department_id: UUID | None = None,
        source: str | None = None,
    ) -> SalesStructure:
        principal.require(Permission.DEALS_READ)
        period = AnalyticsPeriod.of(first_day, last_day)
        async with self._uow as uow:
            organisation = await uow.organisations.get(principal.organisation_id)
            if organisation is None:
                raise NotFound("Organisation", principal.organisation_id)
            if funnel_id is not None and (
                await uow.funnels.get(principal.organisation_scope, funnel_id) is None
            ):
                raise NotFound("Funnel", funnel_id)
        scope = principal.scope_for(Resource.DEALS)
        if responsible_id is not None and not await self._queries.user_visible(
            scope, responsible_id
        ):
            raise NotFound("User", responsible_id)
        if department_id is not None and not await self._queries.department_visible(
            scope, department_id
        ):
            raise NotFound("Department", department_id)
        figures = await self._queries.sales(
            scope,
            SalesQuery(
                first_day=period.first_day,
                last_day=period.last_day,
                currency=organisation.currency,
                funnel_id=funnel_id,
                responsible_id=responsible_id,
                department_id=department_id,
                source=source,
            ),
        )
        return SalesStructure(
            first_day=period.first_day,
            last_day=period.last_day,
            currency=organisation.currency,
            figures=figures,
        )
