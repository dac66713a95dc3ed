"""Automation rules: a trigger, conditions and actions (each a ``kind`` with the fields that
kind reads; the domain refuses a field another kind would read), their run log, the dry run."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import Field

from api.schemas.base import Amount, Name, Schema, Text
from domain.automation.model import (
    EMAIL_BODY_MAX,
    EMAIL_SUBJECT_MAX,
    MAX_ACTIONS,
    MAX_CONDITIONS,
    MAX_DAYS,
    MAX_VALUES,
    RULE_NAME_MAX,
    TASK_TITLE_MAX,
    TEXT_MAX,
    VALUE_MAX,
    ActionKind,
    ConditionKind,
    RecipientKind,
    Rule,
    RuleRun,
    RunStatus,
    TriggerKind,
)
from domain.automation.ports import DealMatch
from domain.automation.services import RuleBody, RulePatch

RuleName = Annotated[Name, Field(min_length=1, max_length=RULE_NAME_MAX)]
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")]
FieldName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=80,
        pattern=r"^([a-z_]+|custom:[a-z0-9_]{1,64})$",
        description='A deal field ("amount", "responsible_id", "source_channel", '
        '"source_campaign", "title") or "custom:<field code>"',
    ),
]
Value = Annotated[Name, Field(min_length=1, max_length=VALUE_MAX)]
Days = Annotated[int, Field(ge=0, le=MAX_DAYS)]


class AutomationRecipient(Schema):
    """Whom an action addresses: a person, the deal's responsible, the responsible's head, or
    the least-loaded active user holding a role (fewest open tasks)."""

    kind: RecipientKind
    user_id: UUID | None = None
    role: Code | None = Field(default=None, examples=["lawyer"])


class AutomationTrigger(Schema):
    kind: TriggerKind
    stage_id: UUID | None = Field(
        default=None, description="Entered / left: that stage (none: any); stayed: required"
    )
    days: int | None = Field(default=None, ge=1, le=MAX_DAYS, description="Stayed in stage")
    field: FieldName | None = Field(default=None, description="Field changed")


class AutomationCondition(Schema):
    kind: ConditionKind
    ids: list[UUID] | None = Field(
        default=None, max_length=MAX_VALUES, description="funnel, stage, responsible_department"
    )
    values: list[Value] | None = Field(
        default=None,
        max_length=MAX_VALUES,
        description="source, tags (any of them), responsible_role (role codes)",
    )
    min_amount: Amount | None = None
    max_amount: Amount | None = None
    field: Code | None = Field(default=None, description="custom_field: the field's code")
    value: Value | None = Field(default=None, description="custom_field: the value it holds")


class AutomationAction(Schema):
    kind: ActionKind
    recipient: AutomationRecipient | None = None
    title: Annotated[Name, Field(max_length=TASK_TITLE_MAX)] | None = Field(
        default=None, description="create_task; {deal}, {client}, {stage}, {amount}, {rule}"
    )
    text: Annotated[Text, Field(max_length=TEXT_MAX)] | None = Field(
        default=None, description="notify: the notice; create_task: the description"
    )
    due_in_days: Days | None = None
    stage_id: UUID | None = Field(default=None, description="move_to_stage")
    field: FieldName | None = Field(default=None, description="set_field")
    value: Value | None = Field(default=None, description="set_field; none clears it")
    email: Annotated[Name, Field(max_length=320)] | None = Field(
        default=None, description="send_email: a fixed address instead of a recipient"
    )
    subject: Annotated[Name, Field(max_length=EMAIL_SUBJECT_MAX)] | None = None
    body: Annotated[Text, Field(max_length=EMAIL_BODY_MAX)] | None = None
    endpoint_id: UUID | None = Field(default=None, description="call_webhook")


Conditions = Annotated[list[AutomationCondition], Field(max_length=MAX_CONDITIONS)]
Actions = Annotated[list[AutomationAction], Field(min_length=1, max_length=MAX_ACTIONS)]


def _json(items: list[Any]) -> list[dict[str, Any]]:
    return [item.model_dump(mode="json", exclude_none=True) for item in items]


class AutomationRuleCreate(Schema):
    name: RuleName
    is_enabled: bool = True
    trigger: AutomationTrigger
    conditions: Conditions = Field(default_factory=list)
    actions: Actions

    def to_body(self) -> RuleBody:
        return RuleBody(
            name=self.name,
            is_enabled=self.is_enabled,
            trigger=self.trigger.model_dump(mode="json", exclude_none=True),
            conditions=_json(self.conditions),
            actions=_json(self.actions),
        )


class AutomationRuleUpdate(Schema):
    name: RuleName | None = None
    is_enabled: bool | None = None
    trigger: AutomationTrigger | None = None
    conditions: Conditions | None = None
    actions: Actions | None = None

    def to_patch(self) -> RulePatch:
        return RulePatch(
            name=self.name,
            is_enabled=self.is_enabled,
            trigger=self.trigger.model_dump(mode="json", exclude_none=True)
            if self.trigger
            else None,
            conditions=_json(self.conditions) if self.conditions is not None else None,
            actions=_json(self.actions) if self.actions is not None else None,
        )


class AutomationRuleRead(Schema):
    id: UUID
    name: str
    is_enabled: bool
    trigger: AutomationTrigger
    conditions: list[AutomationCondition]
    actions: list[AutomationAction]
    created_at: datetime | None
    updated_at: datetime | None
    last_run_at: datetime | None = Field(description="The latest run's time, if any")
    version: int

    @classmethod
    def of(cls, rule: Rule) -> AutomationRuleRead:
        return cls(
            id=rule.id,
            name=rule.name,
            is_enabled=rule.is_enabled,
            trigger=AutomationTrigger.model_validate(rule.trigger.to_json()),
            conditions=[AutomationCondition.model_validate(c.to_json()) for c in rule.conditions],
            actions=[AutomationAction.model_validate(a.to_json()) for a in rule.actions],
            created_at=rule.created_at,
            updated_at=rule.updated_at,
            last_run_at=rule.last_run_at,
            version=rule.version,
        )


class AutomationRulePage(Schema):
    items: list[AutomationRuleRead]
    next_cursor: str | None


class AutomationRunRead(Schema):
    id: UUID
    rule_id: UUID
    rule_name: str | None = None
    event_id: UUID
    event_name: str
    status: RunStatus
    reason: str | None = Field(description="skipped: why; failed: the error")
    actions: list[str] = Field(description="What was done, one line per action")
    deal_id: UUID | None
    client_id: UUID | None
    depth: int = Field(description="How many rules deep the causing event was")
    at: datetime

    @classmethod
    def of(cls, run: RuleRun, rule_name: str | None = None) -> AutomationRunRead:
        return cls(
            id=run.id,
            rule_id=run.rule_id,
            rule_name=rule_name,
            event_id=run.event_id,
            event_name=run.event_name,
            status=run.status,
            reason=run.reason,
            actions=list(run.actions),
            deal_id=run.deal_id,
            client_id=run.client_id,
            depth=run.depth,
            at=run.at,
        )


class AutomationRunPage(Schema):
    items: list[AutomationRunRead]
    next_cursor: str | None


class AutomationDryRunDeal(Schema):
    id: UUID
    title: str
    client_id: UUID
    funnel_id: UUID
    stage_id: UUID
    responsible_id: UUID
    amount: Decimal
    currency: str
    stage_entered_at: datetime

    @classmethod
    def of(cls, match: DealMatch) -> AutomationDryRunDeal:
        return cls(
            id=match.id,
            title=match.title,
            client_id=match.client_id,
            funnel_id=match.funnel_id,
            stage_id=match.stage_id,
            responsible_id=match.responsible_id,
            amount=match.amount,
            currency=match.currency,
            stage_entered_at=match.stage_entered_at,
        )


class AutomationDryRunPage(Schema):
    items: list[AutomationDryRunDeal]
    next_cursor: str | None
