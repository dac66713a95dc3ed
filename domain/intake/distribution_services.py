"""Use cases around distribution: administering the rules, escalating leads nobody took,
first-response times, and the heads' workload view."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.auth.principal import Principal
from domain.deals.commands import UpdateDeal
from domain.deals.services import DealService
from domain.intake.distribution import Distributor, ManagerLoad, Rule
from domain.intake.leads import Lead
from domain.intake.matching import system_principal
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import InvalidInput, NotFound
from domain.shared.scope import Scope
from domain.staff.permissions import Permission, Resource

log = logging.getLogger(__name__)

ESCALATION_BATCH = 50
MAX_REPORT_DAYS = 366


class RuleService:
    """Distribution rules, for those who set up intake (intake:manage)."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def list(
        self, principal: Principal, *, limit: int, after: tuple[datetime, UUID] | None = None
    ) -> Sequence[Rule]:
        principal.require(Permission.INTAKE_MANAGE)
        async with self._uow as uow:
            return await uow.distribution.list_rules(
                principal.organisation_scope, limit=limit, after=after
            )

    async def get(self, principal: Principal, rule_id: UUID) -> Rule:
        principal.require(Permission.INTAKE_MANAGE)
        async with self._uow as uow:
            return await _rule(uow, principal.organisation_scope, rule_id)

    async def create(self, principal: Principal, values: Mapping[str, Any]) -> Rule:
        principal.require(Permission.INTAKE_MANAGE)
        rule = Rule.create(principal.organisation_id, created_at=self._clock.now(), **values)
        async with self._uow as uow:
            await _check_references(uow, principal.organisation_scope, rule)
            await uow.distribution.add_rule(rule)
            await uow.commit()
        return rule

    async def update(
        self,
        principal: Principal,
        rule_id: UUID,
        values: Mapping[str, Any],
        *,
        expected_version: int | None = None,
    ) -> Rule:
        principal.require(Permission.INTAKE_MANAGE)
        async with self._uow as uow:
            scope = principal.organisation_scope
            rule = await _rule(uow, scope, rule_id)
            version = rule.version if expected_version is None else expected_version
            rule.change(**values)
            await _check_references(uow, scope, rule)
            await uow.distribution.update_rule(rule, version)
            await uow.commit()
            return rule

    async def delete(self, principal: Principal, rule_id: UUID) -> None:
        principal.require(Permission.INTAKE_MANAGE)
        async with self._uow as uow:
            scope = principal.organisation_scope
            await _rule(uow, scope, rule_id)
            await uow.distribution.delete_rule(scope, rule_id)
            await uow.commit()


async def _rule(uow: UnitOfWork, scope: Scope, rule_id: UUID) -> Rule:
    rule = await uow.distribution.get_rule(scope, rule_id)
    if rule is None:
        raise NotFound("Distribution rule", rule_id)
    return rule


async def _check_references(uow: UnitOfWork, scope: Scope, rule: Rule) -> None:
    if rule.form_id is not None and await uow.intake.get_form(scope, rule.form_id) is None:
        raise InvalidInput("form_id", "no such form in this organisation")
    if rule.funnel_id is not None and await uow.funnels.get(scope, rule.funnel_id) is None:
        raise InvalidInput("funnel_id", "no such funnel in this organisation")
    if (
        rule.department_id is not None
        and await uow.departments.get(scope, rule.department_id) is None
    ):
        raise InvalidInput("department_id", "no such department in this organisation")
    people = sorted(rule.everyone(), key=str)
    if people:
        names = await uow.users.names_of(scope.organisation_id, people)
        missing = [str(u) for u in people if u not in names]
        if missing:
            raise InvalidInput("user_ids", f"no such people here: {', '.join(missing)}")


class LeadEscalation:
    """The worker's sweep: an open lead nobody took by its ``escalate_at`` goes to a head,
    with its deal. Each lead once (``escalated_at``), each in the claim's transaction."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    async def run(self, limit: int = ESCALATION_BATCH) -> int:
        escalated = 0
        while True:
            async with self._uow_factory() as uow:
                now = self._clock.now()
                due = await uow.distribution.claim_escalations(now, limit)
                for lead in due:
                    escalated += await self._escalate(uow, lead, now)
                await uow.commit()
            if len(due) < limit:
                return escalated

    async def _escalate(self, uow: UnitOfWork, lead: Lead, now: datetime) -> int:
        distributor = Distributor(uow.distribution, uow.departments)
        rule = (
            await uow.distribution.get_rule(
                Scope.organisation_wide(lead.organisation_id), lead.rule_id
            )
            if lead.rule_id
            else None
        )
        head = await distributor.head_for(lead.organisation_id, rule)
        if head is None:
            log.warning("intake.escalation_without_head lead_id=%s", lead.id)
            lead.escalated_at = now
            await uow.distribution.save_lead(lead)
            return 0
        lead.escalate(head, now)
        await uow.distribution.save_lead(lead)
        if lead.deal_id is not None:
            system = system_principal(lead.organisation_id)
            deal = await DealService(uow, self._clock).get(system, lead.deal_id)
            if deal.deal.responsible_id != head:
                await DealService(uow, self._clock).update(
                    system, lead.deal_id, UpdateDeal(responsible_id=head)
                )
        return 1


class ResponseTimes:
    """A lead's assignment and first response (per manager over a period: the intake
    reports)."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def lead(self, principal: Principal, lead_id: UUID) -> Lead:
        principal.require(Permission.DEALS_READ)
        async with self._uow as uow:
            found = await uow.distribution.get_lead(principal.scope_for(Resource.DEALS), lead_id)
            if found is None:
                raise NotFound("Lead", lead_id)
            return found


WORKLOAD_CARDS = 20
WORKLOAD_PEOPLE = 200


class WorkloadService:
    """A head's view of their team's load: per person whose deals they see, open leads and
    deals, overdue tasks, today's calls, whether they are on duty, and their newest deals (to
    drag to someone else, through the deals API)."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def view(self, principal: Principal) -> list[ManagerLoad]:
        principal.require(Permission.DEALS_READ)
        principal.require(Permission.USERS_READ)
        now = self._clock.now()
        async with self._uow as uow:
            organisation = await uow.organisations.get(principal.organisation_id)
            zone = ZoneInfo(organisation.time_zone if organisation else "UTC")
            start = datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone)
            rows = await uow.distribution.workload(
                principal.scope_for(Resource.DEALS),
                now=now,
                day=(start, start + timedelta(days=1)),
                cards=WORKLOAD_CARDS,
                limit=WORKLOAD_PEOPLE,
            )
            on_duty = set(
                await Distributor(uow.distribution, uow.departments).on_duty(
                    principal.organisation_id, [r.user_id for r in rows], now
                )
            )
        return [replace(r, on_duty=r.user_id in on_duty) for r in rows]
