"""Employee karma use cases: the criteria (karma:manage edits them), a month's karma for the
people the caller sees (live while the month is open, as stored once closed), closing a month
(karma:manage; only a month that is over) and its bonus statement."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.auth.principal import Principal
from domain.karma.employees import (
    ClosedPeriodChange,
    Criterion,
    EmployeeFacts,
    EmployeeKarma,
    EmployeeKarmaSettings,
    KarmaPeriod,
    PeriodAlreadyClosed,
    PeriodClosed,
    PeriodNotOver,
    rows_for,
)
from domain.kpi.model import Metric, Period, PeriodKind, fulfilment_percent
from domain.kpi.ports import FactQuery
from domain.platform.audit import record_change
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import NotFound, PermissionDenied, PreconditionFailed
from domain.shared.events import DomainEvent
from domain.staff.model import FulfilmentBasis, Organisation
from domain.staff.permissions import Permission, Resource

_MONTH_FIELD = ("query", "month")


@dataclass(frozen=True, slots=True)
class MonthKarma:
    start: date
    end: date  # exclusive
    currency: str
    bonus_per_point: Decimal
    closed: KarmaPeriod | None
    rows: tuple[EmployeeKarma, ...]


@dataclass(slots=True)
class _Closing:
    """The closed month as an entity for the unit of work: it carries PeriodClosed."""

    period: KarmaPeriod
    events: list[DomainEvent] = field(default_factory=list)


class EmployeeKarmaService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def settings(self, principal: Principal) -> EmployeeKarmaSettings:
        async with self._uow as uow:
            return await _settings(uow, principal.organisation_id)

    async def change_settings(
        self,
        principal: Principal,
        *,
        weights: Mapping[Criterion, Decimal],
        bonus_per_point: Decimal,
        expected_version: int | None,
    ) -> EmployeeKarmaSettings:
        principal.require(Permission.KARMA_MANAGE)
        now = self._clock.now()
        async with self._uow as uow:
            settings = await _settings(uow, principal.organisation_id)
            if expected_version is not None and expected_version != settings.version:
                raise PreconditionFailed("The criteria were changed by someone else; reload them")
            before = _snapshot(settings)
            version = settings.version
            settings.change(weights=weights, bonus_per_point=bonus_per_point, at=now)
            await uow.employee_karma.save_settings(settings, version)
            settings.version = version + 1
            await record_change(
                uow,
                principal.user_id,
                organisation_id=principal.organisation_id,
                entity_type="employee_karma_settings",
                entity_id=principal.organisation_id,
                action="update",
                before=before,
                after=_snapshot(settings),
                at=now,
            )
            await uow.commit()
        return settings

    async def month(self, principal: Principal, start: date) -> MonthKarma:
        """The month's karma of the people the caller sees, best first."""
        period = Period.of(PeriodKind.MONTH, start, _MONTH_FIELD)
        async with self._uow as uow:
            organisation = await _organisation(uow, principal.organisation_id)
            result = await self._month(uow, organisation, period)
            seen = await uow.employee_karma.visible_people(principal.scope_for(Resource.DEALS))
        rows = tuple(r for r in result.rows if seen is None or r.user_id in seen)
        return MonthKarma(
            start=result.start,
            end=result.end,
            currency=result.currency,
            bonus_per_point=result.bonus_per_point,
            closed=result.closed,
            rows=rows,
        )

    async def _month(
        self, uow: UnitOfWork, organisation: Organisation, period: Period
    ) -> MonthKarma:
        closed = await uow.employee_karma.period(organisation.id, period.start)
        if closed is not None:
            rows = await uow.employee_karma.frozen(organisation.id, period.start)
            return MonthKarma(
                start=period.start,
                end=period.end,
                currency=closed.currency,
                bonus_per_point=closed.bonus_per_point,
                closed=closed,
                rows=_ranked(rows),
            )
        settings = await _settings(uow, organisation.id)
        zone = ZoneInfo(organisation.time_zone)
        starts_at = datetime.combine(period.start, time(), zone)
        ends_at = datetime.combine(period.end, time(), zone)
        facts = await uow.employee_karma.facts(
            organisation.id, starts_at, ends_at, self._clock.now()
        )
        people = list(await uow.employee_karma.people(organisation.id))
        percents = await _plan_percents(uow, organisation, period, starts_at, ends_at, people)
        merged = {
            person: EmployeeFacts.of(
                facts.get(person, EmployeeFacts()).as_dict()
                | {"plan_percent": percents.get(person)}
            )
            for person, _, _ in people
        }
        staffing = await uow.employee_karma.staffing(organisation.id)
        return MonthKarma(
            start=period.start,
            end=period.end,
            currency=organisation.currency,
            bonus_per_point=settings.bonus_per_point,
            closed=None,
            rows=_ranked(rows_for(people, merged, staffing, settings)),
        )

    async def scores(self, principal: Principal, start: date) -> dict[UUID, Decimal]:
        """Everyone's karma for the month, for the leaderboard: open to the whole organisation
        by design (scores only, never the facts behind them)."""
        period = Period.of(PeriodKind.MONTH, start, ("query", "start"))
        async with self._uow as uow:
            organisation = await _organisation(uow, principal.organisation_id)
            result = await self._month(uow, organisation, period)
        return {r.user_id: r.score for r in result.rows}

    async def close(self, principal: Principal, start: date) -> MonthKarma:
        """Freeze the month: every active employee's score and bonus are stored, and later
        changes to the month's deals, tasks or answers no longer move them."""
        principal.require(Permission.KARMA_MANAGE)
        period = Period.of(PeriodKind.MONTH, start, _MONTH_FIELD)
        now = self._clock.now()
        async with self._uow as uow:
            organisation = await _organisation(uow, principal.organisation_id)
            if organisation.today(now) < period.end:
                raise PeriodNotOver(period.start, period.last_day)
            result = await self._month(uow, organisation, period)
            if result.closed is not None:
                raise PeriodAlreadyClosed(period.start)
            closed = KarmaPeriod(
                organisation_id=organisation.id,
                start=period.start,
                closed_at=now,
                closed_by=principal.user_id,
                bonus_per_point=result.bonus_per_point,
                currency=organisation.currency,
            )
            closing = _Closing(closed)
            closing.events.append(
                PeriodClosed(
                    organisation_id=organisation.id,
                    occurred_at=now,
                    actor_id=principal.user_id,
                    period_start=period.start,
                    employees=len(result.rows),
                    bonus_total=sum((r.bonus for r in result.rows), Decimal(0)),
                    currency=organisation.currency,
                )
            )
            await uow.employee_karma.close(closed, result.rows)
            uow.employee_karma.record(closing)
            await record_change(
                uow,
                principal.user_id,
                organisation_id=organisation.id,
                entity_type="karma_period",
                entity_id=organisation.id,
                action="close",
                before=None,
                after={
                    "period_start": period.start.isoformat(),
                    "bonus_per_point": str(closed.bonus_per_point),
                },
                at=now,
            )
            await uow.commit()
        return MonthKarma(
            start=period.start,
            end=period.end,
            currency=closed.currency,
            bonus_per_point=closed.bonus_per_point,
            closed=closed,
            rows=result.rows,
        )

    async def closed_periods(self, principal: Principal) -> Sequence[KarmaPeriod]:
        async with self._uow as uow:
            return await uow.employee_karma.periods(principal.organisation_id)

    async def statement(self, principal: Principal, start: date) -> MonthKarma:
        """The bonus statement of a closed month, for who edits karma or reads reports (rows
        of the people they see)."""
        if not (principal.can(Permission.KARMA_MANAGE) or principal.can(Permission.REPORTS_READ)):
            raise PermissionDenied("This requires the permission karma:manage or reports:read")
        result = await self.month(principal, start)
        if result.closed is None:
            raise NotFound("Closed month", start)
        return result


def _ranked(rows: Sequence[EmployeeKarma]) -> tuple[EmployeeKarma, ...]:
    return tuple(sorted(rows, key=lambda r: (-r.score, r.name, str(r.user_id))))


async def refuse_closed_period(
    uow: UnitOfWork, organisation_id: UUID, first_day: date, end: date
) -> None:
    """ClosedPeriodChange when every month that [first_day, end) touches is closed. Plans and
    marketing costs call this before they change: a closed month's plan fulfilment is frozen
    in its karma and bonuses, and what the month reported must keep adding up to them. A
    period with a month still open (a quarter whose last month is not closed) stays editable."""
    months: list[date] = []
    month = first_day.replace(day=1)
    while month < end:
        months.append(month)
        month = Period(PeriodKind.MONTH, month).end
    closed = await uow.employee_karma.closed_months(organisation_id, months[0], end)
    if closed.issuperset(months):
        raise ClosedPeriodChange(first_day, months[-1])


async def _plan_percents(
    uow: UnitOfWork,
    organisation: Organisation,
    period: Period,
    starts_at: datetime,
    ends_at: datetime,
    people: Sequence[tuple[UUID, str, UUID | None]],
) -> dict[UUID, Decimal]:
    """Turnover plan fulfilment of the month per person who has such a plan."""
    plans = await uow.plans.of_period(
        organisation.id, PeriodKind.MONTH, period.start, [Metric.TURNOVER]
    )
    targets = {p.user_id: p.target for p in plans if p.user_id is not None}
    ids = [person for person, _, _ in people if person in targets]
    if not ids:
        return {}
    facts = await uow.kpi.facts(
        FactQuery(
            organisation_id=organisation.id,
            user_ids=ids,
            first_day=period.start,
            end_day=period.end,
            starts_at=starts_at,
            ends_at=ends_at,
            currency=organisation.currency,
            turnover_from_payments=organisation.fulfilment_basis is FulfilmentBasis.PAID_INVOICES,
        )
    )
    found: dict[UUID, Decimal] = {}
    for person in ids:
        fact = (
            facts[person].values.get(Metric.TURNOVER, Decimal(0)) if person in facts else Decimal(0)
        )
        percent = fulfilment_percent(targets[person], fact)
        if percent is not None:
            found[person] = percent
    return found


async def _settings(uow: UnitOfWork, organisation_id: UUID) -> EmployeeKarmaSettings:
    found = await uow.employee_karma.settings(organisation_id)
    return found or EmployeeKarmaSettings(organisation_id=organisation_id)


async def _organisation(uow: UnitOfWork, organisation_id: UUID) -> Organisation:
    organisation = await uow.organisations.get(organisation_id)
    if organisation is None:
        raise NotFound("Organisation", organisation_id)
    return organisation


def _snapshot(settings: EmployeeKarmaSettings) -> dict[str, object]:
    return {
        "weights": {k.value: str(v) for k, v in settings.weights.items()},
        "bonus_per_point": str(settings.bonus_per_point),
    }
