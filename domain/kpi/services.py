"""KPI use cases: plans (set, change, remove, list) and plan against fact for a period.

Managing plans needs kpi:manage and reaches the subjects the caller sees (a head their
department's people and departments, an admin everyone). Fulfilment needs only signing in: a
seller reads their own row, a head their department's, an admin all (the caller's deals
scope). The leaderboard is public inside the organisation by design: names, ranks and turnover
fulfilment percentages, never the amounts or deals behind them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.auth.principal import Principal
from domain.karma.employee_services import refuse_closed_period
from domain.kpi.commands import CreatePlan, UpdatePlan
from domain.kpi.model import Metric, Period, PeriodKind, Plan, fulfilment_percent
from domain.kpi.ports import DepartmentNode, FactQuery, Person, PlanFilter, UserFacts
from domain.platform.audit import record_change
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import NOT_FOUND_CODE, InvalidInput, NotFound, PreconditionFailed
from domain.shared.patch import UNSET
from domain.staff.model import FulfilmentBasis, Organisation
from domain.staff.permissions import Permission, Resource

_START = ("query", "start")


@dataclass(frozen=True, slots=True)
class MetricFulfilment:
    metric: Metric
    plan: Decimal | None
    fact: Decimal
    # Only for turnover: open deals expected to close in the period x their stage probability.
    forecast: Decimal | None
    percent: Decimal | None


@dataclass(frozen=True, slots=True)
class SubjectFulfilment:
    id: UUID
    name: str
    # A user's department; a department's parent.
    department_id: UUID | None
    metrics: tuple[MetricFulfilment, ...]


@dataclass(frozen=True, slots=True)
class Fulfilment:
    period: Period
    basis: FulfilmentBasis
    currency: str
    employees: tuple[SubjectFulfilment, ...]
    departments: tuple[SubjectFulfilment, ...]


@dataclass(frozen=True, slots=True)
class LeaderboardEntry:
    rank: int
    user_id: UUID
    name: str
    percent: Decimal


@dataclass(frozen=True, slots=True)
class Leaderboard:
    period: Period
    entries: tuple[LeaderboardEntry, ...]


def subtree(departments: Sequence[DepartmentNode], root: UUID) -> set[UUID]:
    """``root`` and every department below it (among ``departments``)."""
    children: dict[UUID | None, list[UUID]] = {}
    for d in departments:
        children.setdefault(d.parent_id, []).append(d.id)
    found, stack = set(), [root]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, ()))
    return found


def roll_up(
    departments: Sequence[DepartmentNode],
    people: Iterable[Person],
    facts: dict[UUID, UserFacts],
) -> dict[UUID, UserFacts]:
    """Each department's facts: the sum over the members of it and of its sub-departments."""
    totals: dict[UUID, UserFacts] = {}
    for department in departments:
        members = subtree(departments, department.id)
        total = UserFacts()
        for person in people:
            if person.department_id in members and person.id in facts:
                own = facts[person.id]
                for metric, value in own.values.items():
                    total.values[metric] = total.values.get(metric, Decimal(0)) + value
                total.forecast += own.forecast
        totals[department.id] = total
    return totals


def metric_rows(
    plans: dict[Metric, Decimal], facts: UserFacts | None
) -> tuple[MetricFulfilment, ...]:
    facts = facts or UserFacts()
    rows = []
    for metric in Metric:
        target = plans.get(metric)
        fact = facts.values.get(metric, Decimal(0))
        rows.append(
            MetricFulfilment(
                metric=metric,
                plan=target,
                fact=fact,
                forecast=facts.forecast if metric is Metric.TURNOVER else None,
                percent=fulfilment_percent(target, fact),
            )
        )
    return tuple(rows)


def ranked(
    people: Sequence[Person], plans: dict[UUID, Decimal], facts: dict[UUID, UserFacts]
) -> tuple[LeaderboardEntry, ...]:
    """People with a turnover plan, best fulfilment first; equal percentages share a rank
    (1, 2, 2, 4), then by name."""
    scored = []
    for person in people:
        fact = facts.get(person.id, UserFacts()).values.get(Metric.TURNOVER, Decimal(0))
        percent = fulfilment_percent(plans.get(person.id), fact)
        if percent is not None:
            scored.append((percent, person))
    scored.sort(key=lambda s: (-s[0], s[1].name, str(s[1].id)))
    entries: list[LeaderboardEntry] = []
    for position, (percent, person) in enumerate(scored, start=1):
        rank = entries[-1].rank if entries and entries[-1].percent == percent else position
        entries.append(LeaderboardEntry(rank, person.id, person.name, percent))
    return tuple(entries)


class KpiService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    # --- plans -------------------------------------------------------------------------

    async def get_plan(self, principal: Principal, plan_id: UUID) -> Plan:
        async with self._uow as uow:
            return await _load(uow, principal, plan_id)

    async def list_plans(
        self,
        principal: Principal,
        filters: PlanFilter,
        *,
        limit: int,
        after: tuple[date, UUID] | None = None,
    ) -> Sequence[Plan]:
        async with self._uow as uow:
            return await uow.plans.list(
                principal.scope_for(Resource.DEALS), filters, limit=limit, after=after
            )

    async def create_plan(self, principal: Principal, command: CreatePlan) -> Plan:
        principal.require(Permission.KPI_MANAGE)
        now = self._clock.now()
        period = Period.of(command.period_kind, command.period_start)
        plan = Plan.new(
            organisation_id=principal.organisation_id,
            user_id=command.user_id,
            department_id=command.department_id,
            metric=command.metric,
            period=period,
            target=command.target,
            at=now,
            by=principal.user_id,
        )
        async with self._uow as uow:
            if not await uow.plans.subject_visible(
                principal.scope_for(Resource.DEALS),
                user_id=plan.user_id,
                department_id=plan.department_id,
            ):
                field_name = "user_id" if plan.user_id is not None else "department_id"
                raise InvalidInput(field_name, "no such subject", code=NOT_FOUND_CODE)
            await _refuse_closed(uow, plan)
            await uow.plans.add(plan)
            await _audit(uow, principal, plan, "create", None, plan.snapshot(), now)
            await uow.commit()
            return plan

    async def update_plan(
        self,
        principal: Principal,
        plan_id: UUID,
        update: UpdatePlan,
        *,
        expected_version: int | None = None,
    ) -> Plan:
        principal.require(Permission.KPI_MANAGE)
        now = self._clock.now()
        async with self._uow as uow:
            plan = await _load(uow, principal, plan_id, for_update=True)
            before = plan.snapshot()
            if update.target is not UNSET and plan.change_target(update.target, at=now):
                await _refuse_closed(uow, plan)
                version = plan.version if expected_version is None else expected_version
                await uow.plans.update(plan, version)
                await _audit(uow, principal, plan, "update", before, plan.snapshot(), now)
                await uow.commit()
            return plan

    async def delete_plan(
        self, principal: Principal, plan_id: UUID, *, expected_version: int | None = None
    ) -> None:
        principal.require(Permission.KPI_MANAGE)
        now = self._clock.now()
        async with self._uow as uow:
            plan = await _load(uow, principal, plan_id, for_update=True)
            if expected_version is not None and expected_version != plan.version:
                raise PreconditionFailed("Plan was changed by someone else; reload and try again")
            await _refuse_closed(uow, plan)
            await uow.plans.delete(plan.organisation_id, plan.id)
            await _audit(uow, principal, plan, "delete", plan.snapshot(), None, now)
            await uow.commit()

    # --- plan against fact -------------------------------------------------------------

    async def fulfilment(
        self,
        principal: Principal,
        kind: PeriodKind,
        start: date,
        *,
        department_id: UUID | None = None,
        user_id: UUID | None = None,
    ) -> Fulfilment:
        """Per visible employee and department: plan, fact, forecast and percent per metric.
        ``department_id`` narrows to that department's subtree, ``user_id`` to one employee
        (and no departments)."""
        period = Period.of(kind, start, _START)
        scope = principal.scope_for(Resource.DEALS)
        async with self._uow as uow:
            organisation = await _organisation(uow, principal.organisation_id)
            people = list(await uow.kpi.people(scope))
            departments = list(await uow.kpi.departments(scope))
            shown = departments
            if department_id is not None:
                if department_id not in {d.id for d in departments}:
                    raise InvalidInput(
                        ("query", "department_id"), "no such department", code=NOT_FOUND_CODE
                    )
                members = subtree(departments, department_id)
                shown = [d for d in departments if d.id in members]
                people = [p for p in people if p.department_id in members]
            if user_id is not None:
                people = [p for p in people if p.id == user_id]
                shown = []
            facts = await uow.kpi.facts(_fact_query(organisation, period, [p.id for p in people]))
            plans = await uow.plans.of_period(organisation.id, period.kind, period.start)
        by_user: dict[UUID, dict[Metric, Decimal]] = {}
        by_department: dict[UUID, dict[Metric, Decimal]] = {}
        for plan in plans:
            if plan.user_id is not None:
                by_user.setdefault(plan.user_id, {})[plan.metric] = plan.target
            elif plan.department_id is not None:
                by_department.setdefault(plan.department_id, {})[plan.metric] = plan.target
        # A department's members are among the people: the caller sees a department whole.
        totals = roll_up(shown, people, facts)
        return Fulfilment(
            period=period,
            basis=organisation.fulfilment_basis,
            currency=organisation.currency,
            employees=tuple(
                SubjectFulfilment(
                    p.id,
                    p.name,
                    p.department_id,
                    metric_rows(by_user.get(p.id, {}), facts.get(p.id)),
                )
                for p in people
            ),
            departments=tuple(
                SubjectFulfilment(
                    d.id,
                    d.name,
                    d.parent_id,
                    metric_rows(by_department.get(d.id, {}), totals[d.id]),
                )
                for d in shown
            ),
        )

    async def leaderboard(self, principal: Principal, kind: PeriodKind, start: date) -> Leaderboard:
        """Everyone in the organisation with a turnover plan for the period, ranked."""
        period = Period.of(kind, start, _START)
        async with self._uow as uow:
            organisation = await _organisation(uow, principal.organisation_id)
            people = await uow.kpi.people(principal.organisation_scope)
            plans = await uow.plans.of_period(
                organisation.id, period.kind, period.start, [Metric.TURNOVER]
            )
            targets = {p.user_id: p.target for p in plans if p.user_id is not None}
            planned = [p for p in people if p.id in targets]
            facts = await uow.kpi.facts(_fact_query(organisation, period, [p.id for p in planned]))
        return Leaderboard(period, ranked(planned, targets, facts))


def _fact_query(organisation: Organisation, period: Period, user_ids: list[UUID]) -> FactQuery:
    zone = ZoneInfo(organisation.time_zone)
    return FactQuery(
        organisation_id=organisation.id,
        user_ids=user_ids,
        first_day=period.start,
        end_day=period.end,
        starts_at=datetime.combine(period.start, time(), zone),
        ends_at=datetime.combine(period.end, time(), zone),
        currency=organisation.currency,
        turnover_from_payments=organisation.fulfilment_basis is FulfilmentBasis.PAID_INVOICES,
    )


async def _organisation(uow: UnitOfWork, organisation_id: UUID) -> Organisation:
    organisation = await uow.organisations.get(organisation_id)
    if organisation is None:
        raise NotFound("Organisation", organisation_id)
    return organisation


async def _refuse_closed(uow: UnitOfWork, plan: Plan) -> None:
    """A plan whose period lies in closed months no longer changes (ClosedPeriodChange)."""
    await refuse_closed_period(uow, plan.organisation_id, plan.period.start, plan.period.end)


async def _load(
    uow: UnitOfWork, principal: Principal, plan_id: UUID, *, for_update: bool = False
) -> Plan:
    plan = await uow.plans.get(principal.scope_for(Resource.DEALS), plan_id, for_update=for_update)
    if plan is None:
        raise NotFound("Plan", plan_id)
    return plan


async def _audit(
    uow: UnitOfWork,
    principal: Principal,
    plan: Plan,
    action: str,
    before: dict[str, object] | None,
    after: dict[str, object] | None,
    at: datetime,
) -> None:
    await record_change(
        uow,
        principal,
        organisation_id=plan.organisation_id,
        entity_type="kpi_plan",
        entity_id=plan.id,
        action=action,
        before=before,
        after=after,
        at=at,
    )
