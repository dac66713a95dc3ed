"""Running rules: the after-commit subscriber and the sweep of the time-based trigger.

Each rule runs for one event in a transaction of its own that first stores the run (keyed by
organisation, rule and event id) and then applies the rule's actions: a redelivered event
finds its run stored and does nothing, and a run that fails leaves no half-done effects (its
failure is stored in a transaction of its own).

Loop protection: the events that a rule's changes raise carry the depth of the event that
caused them plus one (``domain.shared.events.causation_depth``, kept with the outbox row); an
event deeper than ``MAX_DEPTH`` runs no rule, and the run is logged as skipped.
"""

from __future__ import annotations

import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from domain.activities.events import AssignmentReason
from domain.activities.model import NotificationKind, Task
from domain.activities.notify import notify
from domain.auth.services import MAIL_JOB
from domain.automation.model import (
    CUSTOM_PREFIX,
    MAX_DEPTH,
    STAYED_EVENT,
    TRIGGER_EVENTS,
    Action,
    ActionKind,
    Condition,
    ConditionKind,
    Recipient,
    RecipientKind,
    Rule,
    RuleRun,
    RunStatus,
    Trigger,
    TriggerKind,
)
from domain.clients.custom_fields import FieldEntity, validate_custom_fields
from domain.deals.commands import UpdateDeal
from domain.deals.model import Deal
from domain.platform.audit import record_change
from domain.platform.model import Job
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import DomainError, InvalidInput
from domain.shared.events import DomainEvent, causation_depth
from domain.shared.scope import Scope
from domain.staff.model import DepartmentTree
from domain.webhooks.model import WebhookDelivery, WebhookMessage
from domain.webhooks.ports import DeliveryQueue

RULE_FIRED_EVENT = "automation.rule_fired"
# Time-based runs are keyed by (rule, deal, stay): the same stay yields the same event id.
_STAY_NAMESPACE = uuid.UUID("6f1d3c52-2b8e-4d1c-9a51-6c0f7d3e9a10")
SWEEP_BATCH = 200
_ERROR_MAX = 1000


class ActionFailed(Exception):
    """An action that cannot be done (nobody to give the task to, a stage refused)."""


@dataclass(slots=True)
class Facts:
    """What a rule's conditions and actions read about the record an event is about."""

    deal: Deal | None = None
    client_id: UUID | None = None
    responsible_id: UUID | None = None
    tags: frozenset[str] = frozenset()
    role_code: str | None = None
    # The responsible's department and every department above it.
    department_ids: frozenset[UUID] = frozenset()
    department_id: UUID | None = None
    tree: DepartmentTree | None = None
    names: dict[str, str] = field(default_factory=dict)


def trigger_matches(trigger: Trigger, event: DomainEvent) -> bool:
    """Whether the event is one the trigger waits for (the stage, the field)."""
    if event.name != trigger.event_name:
        return False
    match trigger.kind:
        case TriggerKind.DEAL_ENTERED_STAGE:
            return trigger.stage_id in (None, getattr(event, "to_stage_id", None))
        case TriggerKind.DEAL_LEFT_STAGE:
            return trigger.stage_id in (None, getattr(event, "from_stage_id", None))
        case TriggerKind.DEAL_FIELD_CHANGED:
            changed = tuple(getattr(event, "changed", ()))
            assert trigger.field is not None
            if trigger.field.startswith(CUSTOM_PREFIX):
                return "custom_fields" in changed
            return trigger.field in changed
        case TriggerKind.DEAL_STAYED_IN_STAGE:
            return trigger.stage_id == getattr(event, "stage_id", None)
    return True


def condition_fails(condition: Condition, facts: Facts) -> str | None:
    """Why ``facts`` do not satisfy ``condition`` (None when they do)."""
    deal = facts.deal
    match condition.kind:
        case ConditionKind.FUNNEL:
            ok = deal is not None and deal.funnel_id in condition.ids
        case ConditionKind.STAGE:
            ok = deal is not None and deal.stage_id in condition.ids
        case ConditionKind.AMOUNT:
            ok = (
                deal is not None
                and (condition.min_amount is None or deal.amount >= condition.min_amount)
                and (condition.max_amount is None or deal.amount <= condition.max_amount)
            )
        case ConditionKind.SOURCE:
            ok = deal is not None and (deal.source_channel or "") in condition.values
        case ConditionKind.TAGS:
            ok = bool(facts.tags & set(condition.values))
        case ConditionKind.CUSTOM_FIELD:
            stored = deal.custom_fields.get(condition.field or "") if deal else None
            ok = stored is not None and str(stored) == condition.value
        case ConditionKind.RESPONSIBLE_ROLE:
            ok = facts.role_code in condition.values
        case ConditionKind.RESPONSIBLE_DEPARTMENT:
            ok = bool(facts.department_ids & set(condition.ids))
    return None if ok else f"condition {condition.kind.value} not met"


def stay_event_id(rule_id: UUID, deal_id: UUID, entered_at: datetime) -> UUID:
    return uuid.uuid5(_STAY_NAMESPACE, f"{rule_id}:{deal_id}:{entered_at.isoformat()}")


@dataclass(frozen=True, slots=True, kw_only=True)
class StayedInStage(DomainEvent):
    """Not an outbox event: what the sweep hands a time-based rule (one per stay)."""

    deal_id: UUID
    client_id: UUID
    stage_id: UUID
    stage_entered_at: datetime


StayedInStage.name = STAYED_EVENT


def _render(template: str, values: dict[str, str]) -> str:
    """``{deal}``, ``{client}``, ``{stage}``, ``{amount}``, ``{rule}``; unknown names stay."""
    out: list[str] = []
    try:
        for literal, name, _spec, _conv in string.Formatter().parse(template):
            out.append(literal)
            if name is not None:
                out.append(values.get(name, "{" + name + "}"))
    except ValueError:  # an unpaired brace: the text as written
        return template
    return "".join(out)


class RuleEngine:
    def __init__(
        self, uow: Callable[[], UnitOfWork], clock: Clock, *, webhook_queue: DeliveryQueue | None
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._webhook_queue = webhook_queue

    # --- entry points ------------------------------------------------------------------

    async def handle(self, event: DomainEvent, depth: int) -> int:
        """Run the organisation's enabled rules that wait for this event; returns how many
        runs were stored now."""
        async with self._uow() as uow:
            rules = await uow.automation.enabled_for_event(event.organisation_id, event.name)
        stored = 0
        for rule in rules:
            if trigger_matches(rule.trigger, event):
                stored += await self.run(rule, event, depth=depth)
        return stored

    async def sweep_stays(self) -> int:
        """Every time-based rule, for each deal whose stay in the stage passed its days and
        has no run yet: once per (rule, deal, stay)."""
        now = self._clock.now()
        async with self._uow() as uow:
            rules = await uow.automation.enabled_time_based(limit=1000)
        stored = 0
        for rule in rules:
            assert rule.trigger.days is not None
            assert rule.trigger.stage_id is not None
            async with self._uow() as uow:
                stays = await uow.automation.due_stays(
                    rule,
                    entered_before=now - timedelta(days=rule.trigger.days),
                    limit=SWEEP_BATCH,
                )
                deals = {
                    s.deal_id: await uow.deals.get(
                        Scope.organisation_wide(rule.organisation_id), s.deal_id
                    )
                    for s in stays
                }
            for stay in stays:
                deal = deals.get(stay.deal_id)
                if deal is None:
                    continue
                event = StayedInStage(
                    organisation_id=rule.organisation_id,
                    occurred_at=now,
                    event_id=stay_event_id(rule.id, stay.deal_id, stay.stage_entered_at),
                    deal_id=deal.id,
                    client_id=deal.client_id,
                    stage_id=rule.trigger.stage_id,
                    stage_entered_at=stay.stage_entered_at,
                )
                stored += await self.run(rule, event, depth=0, occurrence_at=stay.stage_entered_at)
        return stored

    # --- one rule, one event -----------------------------------------------------------

    async def run(
        self,
        rule: Rule,
        event: DomainEvent,
        *,
        depth: int,
        occurrence_at: datetime | None = None,
    ) -> int:
        base = RuleRun(
            organisation_id=rule.organisation_id,
            rule_id=rule.id,
            event_id=event.event_id,
            event_name=event.name,
            status=RunStatus.DONE,
            deal_id=getattr(event, "deal_id", None),
            client_id=getattr(event, "client_id", None),
            depth=depth,
            occurrence_at=occurrence_at,
            at=self._clock.now(),
        )
        token = causation_depth.set(depth + 1)
        try:
            async with self._uow() as uow:
                if not await uow.automation.claim_run(base):
                    return 0  # handled before: a redelivered event does nothing again
                run = await self._apply(uow, rule, event, base, depth)
                await uow.automation.save_run(run)
                await uow.commit()
                return 1
        except (DomainError, ActionFailed) as exc:
            failed = replace(base, status=RunStatus.FAILED, reason=_error(exc))
        finally:
            causation_depth.reset(token)
        async with self._uow() as uow:
            stored = await uow.automation.claim_run(failed)
            await uow.commit()
        return int(stored)

    async def _apply(
        self, uow: UnitOfWork, rule: Rule, event: DomainEvent, run: RuleRun, depth: int
    ) -> RuleRun:
        if depth > MAX_DEPTH:
            return replace(
                run,
                status=RunStatus.SKIPPED,
                reason=f"loop protection: caused by rules {depth} deep (at most {MAX_DEPTH})",
            )
        facts = await self._facts(uow, event)
        for condition in rule.conditions:
            reason = condition_fails(condition, facts)
            if reason is not None:
                return replace(run, status=RunStatus.SKIPPED, reason=reason)
        done: list[str] = []
        for index, action in enumerate(rule.actions):
            done.append(await self._act(uow, rule, event, facts, action, index))
        return replace(run, actions=tuple(done), client_id=facts.client_id or run.client_id)

    async def _facts(self, uow: UnitOfWork, event: DomainEvent) -> Facts:
        scope = Scope.organisation_wide(event.organisation_id)
        facts = Facts(client_id=getattr(event, "client_id", None))
        deal_id = getattr(event, "deal_id", None)
        if deal_id is not None:
            facts.deal = await uow.deals.get(scope, deal_id, for_update=True)
        if facts.deal is not None:
            facts.client_id = facts.deal.client_id
            facts.responsible_id = facts.deal.responsible_id
            facts.names["deal"] = facts.deal.title
            facts.names["amount"] = f"{facts.deal.amount} {facts.deal.currency}"
            stage = await uow.funnels.get_stage(scope, facts.deal.stage_id)
            facts.names["stage"] = stage.name if stage else ""
        # A complaint's "responsible" is its owner, even on a deal; an overdue task without a
        # deal has its assignee.
        if (owner := getattr(event, "owner_id", None)) is not None:
            facts.responsible_id = owner
        elif facts.responsible_id is None:
            facts.responsible_id = getattr(event, "assignee_id", None)
        if facts.client_id is not None:
            client = await uow.clients.get(scope, facts.client_id)
            if client is not None:
                facts.tags = frozenset(client.segment_tags)
                facts.names["client"] = client.name
        if facts.responsible_id is not None:
            user = await uow.users.get(scope, facts.responsible_id)
            if user is not None:
                role = await uow.roles.get(scope, user.role_id)
                facts.role_code = role.code if role else None
                facts.department_id = user.department_id
                tree = DepartmentTree(await uow.departments.list(scope))
                facts.tree = tree
                if user.department_id is not None:
                    facts.department_ids = frozenset(
                        {user.department_id, *(d.id for d in tree.ancestors(user.department_id))}
                    )
        return facts

    # --- actions -----------------------------------------------------------------------

    async def _recipient(
        self, uow: UnitOfWork, org: UUID, recipient: Recipient | None, facts: Facts
    ) -> UUID:
        scope = Scope.organisation_wide(org)
        assert recipient is not None
        match recipient.kind:
            case RecipientKind.USER:
                found = recipient.user_id
            case RecipientKind.RESPONSIBLE:
                found = facts.responsible_id
            case RecipientKind.RESPONSIBLE_HEAD:
                found = None
                if facts.responsible_id is not None:
                    tree = facts.tree or DepartmentTree(await uow.departments.list(scope))
                    found = tree.manager_of(facts.responsible_id, facts.department_id)
            case RecipientKind.ROLE:
                found = await uow.automation.least_loaded_user(org, recipient.role or "")
        if found is None:
            raise ActionFailed(f"nobody to address: {recipient.kind.value} has no one")
        user = await uow.users.get(scope, found)
        if user is None or not user.is_active:
            raise ActionFailed(f"user {found} is not an active user")
        return found

    def _deal(self, facts: Facts, action: Action) -> Deal:
        # A won deal is still handed over (seller to account manager); moving a closed one
        # is refused by the deal itself.
        if facts.deal is None:
            raise ActionFailed(f"{action.kind.value} needs a deal; the event names none")
        return facts.deal

    async def _save_deal(
        self, uow: UnitOfWork, deal: Deal, before: dict[str, Any], action: str
    ) -> None:
        await uow.deals.update(deal, deal.version)
        await record_change(
            uow,
            None,
            organisation_id=deal.organisation_id,
            entity_type="deal",
            entity_id=deal.id,
            action=action,
            before=before,
            after=deal.snapshot(),
            at=self._clock.now(),
        )

    async def _act(
        self,
        uow: UnitOfWork,
        rule: Rule,
        event: DomainEvent,
        facts: Facts,
        action: Action,
        index: int,
    ) -> str:
        now = self._clock.now()
        org = rule.organisation_id
        scope = Scope.organisation_wide(org)
        match action.kind:
            case ActionKind.CREATE_TASK:
                assignee = await self._recipient(uow, org, action.recipient, facts)
                if facts.deal is None and facts.client_id is None:
                    raise ActionFailed("a task needs a deal or a client; the event names none")
                task = Task(
                    organisation_id=org,
                    deal_id=facts.deal.id if facts.deal else None,
                    client_id=None if facts.deal else facts.client_id,
                    title=_render(action.title or "", self._values(rule, facts)),
                    description=action.text,
                    assignee_id=assignee,
                    due_at=now + timedelta(days=action.due_in_days)
                    if action.due_in_days is not None
                    else None,
                    origin="automation",
                )
                task.record_creation(at=now, by=None, reason=AssignmentReason.CREATED)
                await uow.tasks.add(task)
                return f"create_task {task.id} for {assignee}"
            case ActionKind.CHANGE_RESPONSIBLE:
                deal = self._deal(facts, action)
                new = await self._recipient(uow, org, action.recipient, facts)
                before = deal.snapshot()
                if deal.apply(UpdateDeal(responsible_id=new), at=now, by=None):
                    await self._save_deal(uow, deal, before, "update")
                return f"change_responsible to {new}"
            case ActionKind.NOTIFY:
                user_id = await self._recipient(uow, org, action.recipient, facts)
                entity = ("deal", facts.deal.id) if facts.deal else ("client", facts.client_id)
                await notify(
                    uow,
                    organisation_id=org,
                    user_id=user_id,
                    kind=NotificationKind.AUTOMATION,
                    params={
                        "rule_id": str(rule.id),
                        "rule_name": rule.name,
                        "text": _render(action.text or "", self._values(rule, facts)),
                        "deal_id": str(facts.deal.id) if facts.deal else None,
                        "deal_title": facts.deal.title if facts.deal else None,
                        "client_id": str(facts.client_id) if facts.client_id else None,
                    },
                    entity_type=entity[0] if entity[1] else None,
                    entity_id=entity[1],
                    dedup_key=f"auto:{event.event_id}:{rule.id}:{index}:{user_id}",
                )
                return f"notify {user_id}"
            case ActionKind.SEND_EMAIL:
                if action.email is not None:
                    to = action.email
                else:
                    user_id = await self._recipient(uow, org, action.recipient, facts)
                    user = await uow.users.get(scope, user_id)
                    assert user is not None
                    to = user.email
                values = self._values(rule, facts)
                await uow.enqueue(
                    Job(
                        organisation_id=org,
                        kind=MAIL_JOB,
                        params={
                            "to": to,
                            "subject": _render(action.subject or "", values)[:200],
                            "body": _render(action.body or "", values),
                        },
                        created_at=now,
                    )
                )
                return f"send_email to {to}"
            case ActionKind.MOVE_TO_STAGE:
                deal = self._deal(facts, action)
                assert action.stage_id is not None
                stage = await uow.funnels.get_stage(scope, action.stage_id)
                if stage is None:
                    raise ActionFailed(f"stage {action.stage_id} no longer exists")
                documents = await uow.attachments.document_types_on_deal(scope, deal.id)
                before = deal.snapshot()
                move = deal.move_to(stage, at=now, by=None, documents=documents)
                if move is not None:
                    await self._save_deal(uow, deal, before, "move")
                    await uow.deals.add_move(move)
                return f"move_to_stage {stage.name}"
            case ActionKind.SET_FIELD:
                deal = self._deal(facts, action)
                before = deal.snapshot()
                await self._set_field(uow, deal, action, now)
                if deal.snapshot() != before:
                    await self._save_deal(uow, deal, before, "update")
                return f"set_field {action.field}"
            case ActionKind.CALL_WEBHOOK:
                assert action.endpoint_id is not None
                endpoint = await uow.webhooks.get_endpoint(scope, action.endpoint_id)
                if endpoint is None or not endpoint.is_active:
                    raise ActionFailed(f"webhook endpoint {action.endpoint_id} is not active")
                delivery = WebhookDelivery(
                    organisation_id=org,
                    endpoint_id=endpoint.id,
                    message=WebhookMessage(
                        event_id=uuid.uuid5(_STAY_NAMESPACE, f"{event.event_id}:{rule.id}:{index}"),
                        event_name=RULE_FIRED_EVENT,
                        organisation_id=org,
                        occurred_at=now,
                        fields={
                            "rule_id": str(rule.id),
                            "rule_name": rule.name,
                            "cause_event_id": str(event.event_id),
                            "cause_event": event.name,
                            "deal_id": str(facts.deal.id) if facts.deal else None,
                            "client_id": str(facts.client_id) if facts.client_id else None,
                        },
                    ),
                    next_attempt_at=now,
                    created_at=now,
                )
                await uow.webhooks.add_delivery_if_new(delivery)
                queue = self._webhook_queue
                if queue is not None:

                    async def attempt() -> None:
                        await queue.attempt_soon(org, [delivery.id])

                    uow.on_commit(attempt)
                return f"call_webhook {endpoint.url}"
        raise AssertionError(action.kind)  # pragma: no cover

    async def _set_field(self, uow: UnitOfWork, deal: Deal, action: Action, now: datetime) -> None:
        name, value = action.field or "", action.value
        if name.startswith(CUSTOM_PREFIX):
            code = name[len(CUSTOM_PREFIX) :]
            definitions = await uow.custom_fields.list(
                Scope.organisation_wide(deal.organisation_id), FieldEntity.DEAL
            )
            try:
                custom = validate_custom_fields(definitions, deal.custom_fields_with({code: value}))
            except InvalidInput as exc:
                raise ActionFailed(f"custom field {code}: {exc.detail}") from exc
            deal.apply(
                UpdateDeal(custom_fields={code: value}), at=now, by=None, custom_fields=custom
            )
            return
        update: UpdateDeal
        if name == "amount":
            try:
                update = UpdateDeal(amount=Decimal(value or "0"))
            except InvalidOperation as exc:
                raise ActionFailed(f"amount {value!r} is not a number") from exc
        elif name == "title":
            if not value:
                raise ActionFailed("a deal's title cannot be emptied")
            update = UpdateDeal(title=value)
        elif name == "source_channel":
            update = UpdateDeal(source_channel=value)
        else:
            update = UpdateDeal(source_campaign=value)
        deal.apply(update, at=now, by=None)

    @staticmethod
    def _values(rule: Rule, facts: Facts) -> dict[str, str]:
        return {"rule": rule.name, **facts.names}


def _error(exc: BaseException) -> str:
    text = exc.detail if isinstance(exc, DomainError) else str(exc)
    return text[:_ERROR_MAX] or type(exc).__name__


@dataclass(frozen=True, slots=True)
class AutomationSubscriber:
    """The after-commit subscriber: registered for every event, it runs the rules whose
    trigger waits for it (an event no rule listens to costs one lookup)."""

    engine: RuleEngine

    @property
    def name(self) -> str:
        return "automation.rules"

    async def __call__(self, event: DomainEvent) -> None:
        if event.name not in _TRIGGER_EVENT_NAMES:
            return
        await self.engine.handle(event, causation_depth.get())


_TRIGGER_EVENT_NAMES = frozenset(TRIGGER_EVENTS.values())
