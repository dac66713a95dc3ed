"""Marketing use cases: costs per month, source and campaign (marketing:manage enters them;
whoever reads reports or manages marketing sees them), and effectiveness over months.

The costs are the organisation's; the deals behind leads, won deals and revenue are those the
caller sees (an admin or a marketer: all; a head: the department's)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.auth.principal import Principal
from domain.karma.employee_services import refuse_closed_period
from domain.marketing.model import Effectiveness, MarketingCost, effectiveness
from domain.marketing.ports import CostFilter, FiguresQuery
from domain.platform.audit import record_change
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock, validate_day
from domain.shared.errors import (
    AT_MOST_CODE,
    NOT_FOUND_CODE,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
)
from domain.staff.model import Organisation
from domain.staff.permissions import Permission, Resource

# The longest stretch an effectiveness report covers.
MONTHS_MAX = 24


@dataclass(frozen=True, slots=True)
class EffectivenessReport:
    first_month: date
    last_month: date
    currency: str
    funnel_id: UUID | None
    rows: tuple[Effectiveness, ...]


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _months(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _require_reader(principal: Principal) -> None:
    if not (principal.can(Permission.REPORTS_READ) or principal.can(Permission.MARKETING_MANAGE)):
        raise PermissionDenied("This requires the permission reports:read or marketing:manage")


class MarketingService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def list_costs(
        self,
        principal: Principal,
        filters: CostFilter,
        *,
        limit: int,
        after: tuple[date, UUID] | None,
    ) -> Sequence[MarketingCost]:
        _require_reader(principal)
        async with self._uow as uow:
            return await uow.marketing.list(
                principal.organisation_id, filters, limit=limit, after=after
            )

    async def create_cost(
        self,
        principal: Principal,
        *,
        month: date,
        source: str,
        campaign: str | None,
        amount: Decimal,
        comment: str | None,
    ) -> MarketingCost:
        principal.require(Permission.MARKETING_MANAGE)
        now = self._clock.now()
        async with self._uow as uow:
            organisation = await _organisation(uow, principal.organisation_id)
            cost = MarketingCost.new(
                organisation_id=organisation.id,
                month=month,
                source=source,
                campaign=campaign,
                amount=amount,
                currency=organisation.currency,
                comment=comment,
                at=now,
                by=principal.user_id,
            )
            await _refuse_closed(uow, cost)
            await uow.marketing.add(cost)
            await record_change(
                uow,
                principal,
                entity_type="marketing_cost",
                entity_id=cost.id,
                action="create",
                before=None,
                after=cost.snapshot(),
                at=now,
            )
            await uow.commit()
        return cost

    async def update_cost(
        self,
        principal: Principal,
        cost_id: UUID,
        *,
        amount: Decimal | None,
        comment: str | None,
        clear_comment: bool,
        expected_version: int | None,
    ) -> MarketingCost:
        principal.require(Permission.MARKETING_MANAGE)
        now = self._clock.now()
        async with self._uow as uow:
            cost = await _cost(uow, principal, cost_id)
            before = cost.snapshot()
            version = cost.version if expected_version is None else expected_version
            if cost.change(amount=amount, comment=comment, clear_comment=clear_comment, at=now):
                await _refuse_closed(uow, cost)
                await uow.marketing.update(cost, version)
                await record_change(
                    uow,
                    principal,
                    entity_type="marketing_cost",
                    entity_id=cost.id,
                    action="update",
                    before=before,
                    after=cost.snapshot(),
                    at=now,
                )
                await uow.commit()
            elif version != cost.version:
                raise PreconditionFailed("The cost was changed by someone else; reload it")
        return cost

    async def delete_cost(
        self, principal: Principal, cost_id: UUID, *, expected_version: int | None
    ) -> None:
        principal.require(Permission.MARKETING_MANAGE)
        now = self._clock.now()
        async with self._uow as uow:
            cost = await _cost(uow, principal, cost_id)
            if expected_version is not None and expected_version != cost.version:
                raise PreconditionFailed("The cost was changed by someone else; reload it")
            await _refuse_closed(uow, cost)
            await uow.marketing.delete(cost.organisation_id, cost.id)
            await record_change(
                uow,
                principal,
                entity_type="marketing_cost",
                entity_id=cost.id,
                action="delete",
                before=cost.snapshot(),
                after=None,
                at=now,
            )
            await uow.commit()

    async def effectiveness(
        self,
        principal: Principal,
        *,
        first_day: date,
        last_day: date,
        funnel_id: UUID | None,
    ) -> EffectivenessReport:
        """Months from the one of ``first_day`` to the one of ``last_day``."""
        _require_reader(principal)
        first = validate_day(first_day, ("query", "from")).replace(day=1)
        last = validate_day(last_day, ("query", "to")).replace(day=1)
        if first > last:
            raise InvalidInput(("query", "from"), "must not be after 'to'")
        if _months(first, last) > MONTHS_MAX:
            raise InvalidInput(
                ("query", "from"),
                f"the report covers at most {MONTHS_MAX} months",
                code=AT_MOST_CODE,
                ctx={"le": str(MONTHS_MAX)},
            )
        end = _next_month(last)
        async with self._uow as uow:
            organisation = await _organisation(uow, principal.organisation_id)
            stages: list[tuple[UUID, str]] = []
            if funnel_id is not None:
                found = await uow.marketing.funnel_stages(organisation.id, funnel_id)
                if found is None:
                    raise InvalidInput(
                        ("query", "funnel_id"), "no such funnel", code=NOT_FOUND_CODE
                    )
                stages = list(found)
            zone = ZoneInfo(organisation.time_zone)
            figures = await uow.marketing.figures(
                principal.scope_for(Resource.DEALS),
                FiguresQuery(
                    first_month=first,
                    end_month=end,
                    starts_at=datetime.combine(first, time(), zone),
                    ends_at=datetime.combine(end, time(), zone),
                    currency=organisation.currency,
                    funnel_id=funnel_id,
                ),
            )
        rows = sorted(
            (effectiveness(f, stages) for f in figures),
            key=lambda r: (-r.cost, -r.leads, r.source or "\uffff", r.campaign or ""),
        )
        return EffectivenessReport(first, last, organisation.currency, funnel_id, tuple(rows))


async def _organisation(uow: UnitOfWork, organisation_id: UUID) -> Organisation:
    organisation = await uow.organisations.get(organisation_id)
    if organisation is None:
        raise NotFound("Organisation", organisation_id)
    return organisation


async def _refuse_closed(uow: UnitOfWork, cost: MarketingCost) -> None:
    """A closed month's costs no longer change (ClosedPeriodChange)."""
    await refuse_closed_period(uow, cost.organisation_id, cost.month, _next_month(cost.month))


async def _cost(uow: UnitOfWork, principal: Principal, cost_id: UUID) -> MarketingCost:
    cost = await uow.marketing.get(principal.organisation_id, cost_id)
    if cost is None:
        raise NotFound("Marketing cost", cost_id)
    return cost
