"""Use cases of automation rules: what an administrator or head of sales does through the API
(rules, their log, the dry run), and the run log of one deal or client for whoever sees it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.auth.principal import Principal
from domain.automation.model import (
    Action,
    ActionKind,
    Condition,
    ConditionKind,
    RecipientKind,
    Rule,
    RuleRun,
    Trigger,
    parse_actions,
    parse_conditions,
    rule_name,
)
from domain.automation.ports import DealMatch, RunFilter
from domain.platform.audit import record_change
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import NOT_FOUND_CODE, InvalidInput, NotFound
from domain.shared.scope import Scope
from domain.staff.permissions import Permission, Resource


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleBody:
    """A rule as the API hands it over: JSON to parse strictly."""

    name: str
    is_enabled: bool = True
    trigger: Mapping[str, Any]
    conditions: Sequence[Mapping[str, Any]] = ()
    actions: Sequence[Mapping[str, Any]]


@dataclass(frozen=True, slots=True, kw_only=True)
class RulePatch:
    name: str | None = None
    is_enabled: bool | None = None
    trigger: Mapping[str, Any] | None = None
    conditions: Sequence[Mapping[str, Any]] | None = None
    actions: Sequence[Mapping[str, Any]] | None = None


def _snapshot(rule: Rule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "is_enabled": rule.is_enabled,
        "trigger": rule.trigger.to_json(),
        "conditions": [c.to_json() for c in rule.conditions],
        "actions": [a.to_json() for a in rule.actions],
    }


async def _check_references(
    uow: UnitOfWork,
    scope: Scope,
    trigger: Trigger,
    conditions: Sequence[Condition],
    actions: Sequence[Action],
) -> None:
    """Stages, funnels, users, roles and webhook endpoints a rule names must be the
    organisation's own: another organisation's id is "not found", as everywhere."""

    async def stage(stage_id: UUID | None, loc: tuple[str | int, ...]) -> None:
        if stage_id is not None and await uow.funnels.get_stage(scope, stage_id) is None:
            raise InvalidInput(loc, "no such stage", code=NOT_FOUND_CODE)

    await stage(trigger.stage_id, ("trigger", "stage_id"))
    codes = {role.code for role in await uow.roles.list(scope) if role.code}
    for i, condition in enumerate(conditions):
        loc = ("conditions", i, "ids")
        if condition.kind is ConditionKind.STAGE:
            for stage_id in condition.ids:
                await stage(stage_id, loc)
        elif condition.kind is ConditionKind.FUNNEL:
            for funnel_id in condition.ids:
                if await uow.funnels.get(scope, funnel_id) is None:
                    raise InvalidInput(loc, "no such funnel", code=NOT_FOUND_CODE)
        elif condition.kind is ConditionKind.RESPONSIBLE_DEPARTMENT:
            for department_id in condition.ids:
                if await uow.departments.get(scope, department_id) is None:
                    raise InvalidInput(loc, "no such department", code=NOT_FOUND_CODE)
    for i, action in enumerate(actions):
        recipient = action.recipient
        if recipient is not None and recipient.kind is RecipientKind.USER:
            assert recipient.user_id is not None
            user = await uow.users.get(scope, recipient.user_id)
            if user is None or not user.is_active:
                raise InvalidInput(
                    ("actions", i, "recipient", "user_id"),
                    "no such active user",
                    code=NOT_FOUND_CODE,
                )
        if (
            recipient is not None
            and recipient.kind is RecipientKind.ROLE
            and recipient.role not in codes
        ):
            raise InvalidInput(
                ("actions", i, "recipient", "role"), "no such role", code=NOT_FOUND_CODE
            )
        if action.kind is ActionKind.MOVE_TO_STAGE:
            await stage(action.stage_id, ("actions", i, "stage_id"))
        if action.kind is ActionKind.CALL_WEBHOOK:
            assert action.endpoint_id is not None
            if await uow.webhooks.get_endpoint(scope, action.endpoint_id) is None:
                raise InvalidInput(
                    ("actions", i, "endpoint_id"), "no such webhook endpoint", code=NOT_FOUND_CODE
                )


class AutomationService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def list(
        self, principal: Principal, *, limit: int, after: tuple[datetime, UUID] | None = None
    ) -> Sequence[Rule]:
        principal.require(Permission.AUTOMATION_MANAGE)
        async with self._uow as uow:
            return await uow.automation.list(principal.organisation_scope, limit=limit, after=after)

    async def get(self, principal: Principal, rule_id: UUID) -> Rule:
        principal.require(Permission.AUTOMATION_MANAGE)
        async with self._uow as uow:
            return await _rule(uow, principal.organisation_scope, rule_id)

    async def create(self, principal: Principal, body: RuleBody) -> Rule:
        principal.require(Permission.AUTOMATION_MANAGE)
        now = self._clock.now()
        rule = Rule(
            organisation_id=principal.organisation_id,
            name=body.name,
            is_enabled=body.is_enabled,
            trigger=Trigger.parse(body.trigger),
            conditions=parse_conditions(list(body.conditions)),
            actions=parse_actions(list(body.actions)),
            created_by=principal.user_id,
            created_at=now,
            updated_at=now,
        )
        async with self._uow as uow:
            scope = principal.organisation_scope
            await _check_references(uow, scope, rule.trigger, rule.conditions, rule.actions)
            await uow.automation.add(rule)
            await record_change(
                uow,
                principal,
                organisation_id=rule.organisation_id,
                entity_type="automation_rule",
                entity_id=rule.id,
                action="create",
                after=_snapshot(rule),
                at=now,
            )
            await uow.commit()
        return rule

    async def update(
        self,
        principal: Principal,
        rule_id: UUID,
        patch: RulePatch,
        *,
        expected_version: int | None = None,
    ) -> Rule:
        principal.require(Permission.AUTOMATION_MANAGE)
        now = self._clock.now()
        async with self._uow as uow:
            scope = principal.organisation_scope
            rule = await _rule(uow, scope, rule_id, for_update=True)
            before = _snapshot(rule)
            version = rule.version if expected_version is None else expected_version
            if patch.name is not None:
                rule.name = rule_name(patch.name)
            if patch.is_enabled is not None:
                rule.is_enabled = patch.is_enabled
            if patch.trigger is not None:
                rule.trigger = Trigger.parse(patch.trigger)
            if patch.conditions is not None:
                rule.conditions = parse_conditions(list(patch.conditions))
            if patch.actions is not None:
                rule.actions = parse_actions(list(patch.actions))
            rule.updated_at = now
            await _check_references(uow, scope, rule.trigger, rule.conditions, rule.actions)
            await uow.automation.update(rule, version)
            await record_change(
                uow,
                principal,
                organisation_id=rule.organisation_id,
                entity_type="automation_rule",
                entity_id=rule.id,
                action="update",
                before=before,
                after=_snapshot(rule),
                at=now,
            )
            await uow.commit()
            return rule

    async def delete(self, principal: Principal, rule_id: UUID) -> None:
        """The rule and its run log go."""
        principal.require(Permission.AUTOMATION_MANAGE)
        async with self._uow as uow:
            scope = principal.organisation_scope
            rule = await _rule(uow, scope, rule_id)
            await uow.automation.delete(scope, rule_id)
            await record_change(
                uow,
                principal,
                organisation_id=rule.organisation_id,
                entity_type="automation_rule",
                entity_id=rule.id,
                action="delete",
                before=_snapshot(rule),
                at=self._clock.now(),
            )
            await uow.commit()

    async def runs(
        self,
        principal: Principal,
        rule_id: UUID,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[RuleRun]:
        """A rule's log, newest first."""
        principal.require(Permission.AUTOMATION_MANAGE)
        async with self._uow as uow:
            scope = principal.organisation_scope
            await _rule(uow, scope, rule_id)
            return await uow.automation.list_runs(
                scope, RunFilter(rule_id=rule_id), limit=limit, after=after
            )

    async def record_runs(
        self,
        principal: Principal,
        *,
        deal_id: UUID | None = None,
        client_id: UUID | None = None,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> tuple[Sequence[RuleRun], dict[UUID, str]]:
        """The runs on one deal or client, for whoever sees it (a hidden or another
        organisation's record is not found); with the names of their rules."""
        if (deal_id is None) == (client_id is None):
            raise InvalidInput(("query", "deal_id"), "give a deal_id or a client_id")
        async with self._uow as uow:
            if deal_id is not None:
                principal.require(Permission.DEALS_READ)
                if await uow.deals.get(principal.scope_for(Resource.DEALS), deal_id) is None:
                    raise NotFound("Deal", deal_id)
            else:
                principal.require(Permission.CLIENTS_READ)
                assert client_id is not None
                if await uow.clients.get(principal.scope_for(Resource.CLIENTS), client_id) is None:
                    raise NotFound("Client", client_id)
            scope = principal.organisation_scope
            runs = await uow.automation.list_runs(
                scope, RunFilter(deal_id=deal_id, client_id=client_id), limit=limit, after=after
            )
            names: dict[UUID, str] = {}
            for rule_id in {run.rule_id for run in runs}:
                rule = await uow.automation.get(scope, rule_id)
                if rule is not None:
                    names[rule_id] = rule.name
            return runs, names

    async def dry_run(
        self,
        principal: Principal,
        *,
        rule_id: UUID | None = None,
        body: RuleBody | None = None,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[DealMatch]:
        """The deals a rule would touch now: for a deal trigger, the open deals that are in
        its state (in the stage, for the days it asks) and meet its conditions, of those the
        caller sees. Nothing is changed."""
        principal.require(Permission.AUTOMATION_MANAGE)
        async with self._uow as uow:
            scope = principal.organisation_scope
            if rule_id is not None:
                rule = await _rule(uow, scope, rule_id)
                trigger, conditions = rule.trigger, rule.conditions
            else:
                assert body is not None
                trigger = Trigger.parse(body.trigger)
                conditions = parse_conditions(list(body.conditions))
                parse_actions(list(body.actions))
            return await uow.automation.matching_deals(
                principal.scope_for(Resource.DEALS),
                trigger,
                conditions,
                now=self._clock.now(),
                limit=limit,
                after=after,
            )


async def _rule(uow: UnitOfWork, scope: Scope, rule_id: UUID, *, for_update: bool = False) -> Rule:
    rule = await uow.automation.get(scope, rule_id, for_update=for_update)
    if rule is None:
        raise NotFound("Automation rule", rule_id)
    return rule
