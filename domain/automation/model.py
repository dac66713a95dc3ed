"""Automation rules: a trigger, conditions and actions per organisation, and their runs.

A rule is stored as JSON (its trigger, conditions and actions); the value objects here parse
that JSON strictly (unknown keys, wrong types, missing or out-of-range values are refused with
the field named), so what the API accepts and what the worker reads back are the same thing.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from uuid import UUID

from domain.shared.errors import InvalidInput
from domain.shared.ids import new_id
from domain.shared.text import clean_text

RULE_NAME_MAX = 200
MAX_CONDITIONS = 20
MAX_ACTIONS = 10
MAX_VALUES = 20  # ids, sources, tags or role codes of one condition
VALUE_MAX = 200  # a source, tag, role code or field value
TASK_TITLE_MAX = 200  # as activities' task titles
TEXT_MAX = 1000  # a notification's text, a task's description
EMAIL_SUBJECT_MAX = 200
EMAIL_BODY_MAX = 5000
MAX_DAYS = 365
# A rule's changes raise events that may trigger rules again: past this depth they are not run.
MAX_DEPTH = 3
AMOUNT_MAX = Decimal("1e15")
CUSTOM_PREFIX = "custom:"
_CODE = re.compile(r"^[a-z0-9_]{1,64}$")


class TriggerKind(enum.StrEnum):
    DEAL_ENTERED_STAGE = "deal_entered_stage"
    DEAL_LEFT_STAGE = "deal_left_stage"
    # Time-based: the periodic sweep raises it once per deal and stay in the stage.
    DEAL_STAYED_IN_STAGE = "deal_stayed_in_stage"
    DEAL_WON = "deal_won"
    DEAL_LOST = "deal_lost"
    DEAL_FIELD_CHANGED = "deal_field_changed"
    TASK_OVERDUE = "task_overdue"
    LEAD_RECEIVED = "lead_received"
    CALL_MISSED = "call_missed"
    COMPLAINT_OVERDUE = "complaint_overdue"


# The domain event each trigger listens to (the time-based one has none: the sweep runs it).
TRIGGER_EVENTS: dict[TriggerKind, str] = {
    TriggerKind.DEAL_ENTERED_STAGE: "deal.stage_changed",
    TriggerKind.DEAL_LEFT_STAGE: "deal.stage_changed",
    TriggerKind.DEAL_WON: "deal.won",
    TriggerKind.DEAL_LOST: "deal.lost",
    TriggerKind.DEAL_FIELD_CHANGED: "deal.updated",
    TriggerKind.TASK_OVERDUE: "task.overdue",
    TriggerKind.LEAD_RECEIVED: "lead.received",
    TriggerKind.CALL_MISSED: "call.missed",
    # Raised by the complaints context (its deadline sweep).
    TriggerKind.COMPLAINT_OVERDUE: "complaint.overdue",
}
STAYED_EVENT = "automation.stayed_in_stage"

# Deal fields a trigger can watch or an action can set ("custom:<code>" for custom fields).
WATCHED_FIELDS = frozenset(
    {"amount", "responsible_id", "source_channel", "source_campaign", "title", "custom_fields"}
)
SETTABLE_FIELDS = frozenset({"amount", "source_channel", "source_campaign", "title"})


class ConditionKind(enum.StrEnum):
    FUNNEL = "funnel"
    STAGE = "stage"
    AMOUNT = "amount"
    SOURCE = "source"
    TAGS = "tags"
    CUSTOM_FIELD = "custom_field"
    RESPONSIBLE_ROLE = "responsible_role"
    RESPONSIBLE_DEPARTMENT = "responsible_department"


class ActionKind(enum.StrEnum):
    CREATE_TASK = "create_task"
    CHANGE_RESPONSIBLE = "change_responsible"
    NOTIFY = "notify"
    SEND_EMAIL = "send_email"
    MOVE_TO_STAGE = "move_to_stage"
    SET_FIELD = "set_field"
    CALL_WEBHOOK = "call_webhook"


class RecipientKind(enum.StrEnum):
    USER = "user"
    RESPONSIBLE = "responsible"
    RESPONSIBLE_HEAD = "responsible_head"
    # The least-loaded active user holding the role (fewest open tasks).
    ROLE = "role"


class RunStatus(enum.StrEnum):
    DONE = "done"
    SKIPPED = "skipped"
    FAILED = "failed"


# --- strict JSON reading -------------------------------------------------------------------

Loc = tuple[str | int, ...]
K = TypeVar("K", bound=enum.StrEnum)


class _Reader:
    """Reads one JSON object, refusing unknown keys and values of the wrong shape."""

    def __init__(self, raw: object, loc: Loc, allowed: Sequence[str]) -> None:
        if not isinstance(raw, Mapping):
            raise InvalidInput(loc, "must be an object")
        unknown = sorted(set(raw) - set(allowed))
        if unknown:
            raise InvalidInput((*loc, str(unknown[0])), "is not a field of this kind")
        self.raw = raw
        self.loc = loc

    def has(self, key: str) -> bool:
        return self.raw.get(key) is not None

    def _string(self, key: str) -> str | None:
        value = self.raw.get(key)
        if value is not None and not isinstance(value, str):
            raise InvalidInput((*self.loc, key), "must be a string")
        return value

    def text(self, key: str, max_length: int, *, multiline: bool = False) -> str:
        value = self._string(key)
        if value is None:
            raise InvalidInput((*self.loc, key), "is required")
        return clean_text(value, (*self.loc, key), max_length=max_length, multiline=multiline)

    def optional_text(self, key: str, max_length: int, *, multiline: bool = False) -> str | None:
        return clean_text(
            self._string(key),
            (*self.loc, key),
            max_length=max_length,
            required=False,
            multiline=multiline,
        )

    def uuid(self, key: str, *, required: bool = True) -> UUID | None:
        value = self.raw.get(key)
        if value is None:
            if required:
                raise InvalidInput((*self.loc, key), "is required")
            return None
        if isinstance(value, UUID):
            return value
        try:
            return UUID(str(value))
        except ValueError as exc:
            raise InvalidInput((*self.loc, key), "must be a UUID") from exc

    def integer(self, key: str, low: int, high: int, *, required: bool = True) -> int | None:
        value = self.raw.get(key)
        if value is None:
            if required:
                raise InvalidInput((*self.loc, key), "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidInput((*self.loc, key), f"must be a whole number from {low} to {high}")
        return value

    def amount(self, key: str) -> Decimal | None:
        value = self.raw.get(key)
        if value is None:
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation as exc:
            raise InvalidInput((*self.loc, key), "must be a number") from exc
        if not number.is_finite() or abs(number) >= AMOUNT_MAX:
            raise InvalidInput((*self.loc, key), "is out of range")
        return number

    def items(self, key: str) -> list[Any]:
        value = self.raw.get(key)
        if not isinstance(value, list | tuple) or not value:
            raise InvalidInput((*self.loc, key), "must be a non-empty list")
        if len(value) > MAX_VALUES:
            raise InvalidInput((*self.loc, key), f"at most {MAX_VALUES} values")
        return list(value)

    def uuids(self, key: str) -> tuple[UUID, ...]:
        found: list[UUID] = []
        for i, item in enumerate(self.items(key)):
            try:
                found.append(item if isinstance(item, UUID) else UUID(str(item)))
            except ValueError as exc:
                raise InvalidInput((*self.loc, key, i), "must be a UUID") from exc
        return tuple(dict.fromkeys(found))

    def texts(self, key: str) -> tuple[str, ...]:
        found: list[str] = []
        for i, item in enumerate(self.items(key)):
            if not isinstance(item, str):
                raise InvalidInput((*self.loc, key, i), "must be a string")
            found.append(clean_text(item, (*self.loc, key, i), max_length=VALUE_MAX))
        return tuple(dict.fromkeys(found))


def _kind(enum_type: type[K], raw: object, loc: Loc) -> K:
    value = raw.get("kind") if isinstance(raw, Mapping) else None
    try:
        return enum_type(str(value))
    except ValueError as exc:
        choices = ", ".join(k.value for k in enum_type)
        raise InvalidInput((*loc, "kind"), f"must be one of: {choices}") from exc


def _field_name(reader: _Reader, key: str, allowed: frozenset[str]) -> str:
    name = reader.text(key, 80)
    if name.startswith(CUSTOM_PREFIX) and _CODE.match(name[len(CUSTOM_PREFIX) :]):
        return name
    if name not in allowed:
        raise InvalidInput(
            (*reader.loc, key), f"must be one of {sorted(allowed)} or custom:<field code>"
        )
    return name


def _drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None and v not in ((), [])}


def _json(value: Any) -> Any:
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_json(v) for v in value]
    if isinstance(value, Recipient):
        return value.to_json()
    return value


# --- trigger, conditions, actions ---------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Trigger:
    kind: TriggerKind
    stage_id: UUID | None = None  # entered / left / stayed: None is any stage (not stayed)
    days: int | None = None  # stayed in stage
    field: str | None = None  # field changed

    @classmethod
    def parse(cls, raw: object, loc: Loc = ("trigger",)) -> Trigger:
        kind = _kind(TriggerKind, raw, loc)
        match kind:
            case TriggerKind.DEAL_ENTERED_STAGE | TriggerKind.DEAL_LEFT_STAGE:
                r = _Reader(raw, loc, ("kind", "stage_id"))
                return cls(kind=kind, stage_id=r.uuid("stage_id", required=False))
            case TriggerKind.DEAL_STAYED_IN_STAGE:
                r = _Reader(raw, loc, ("kind", "stage_id", "days"))
                return cls(
                    kind=kind, stage_id=r.uuid("stage_id"), days=r.integer("days", 1, MAX_DAYS)
                )
            case TriggerKind.DEAL_FIELD_CHANGED:
                r = _Reader(raw, loc, ("kind", "field"))
                return cls(kind=kind, field=_field_name(r, "field", WATCHED_FIELDS))
            case _:
                _Reader(raw, loc, ("kind",))
                return cls(kind=kind)

    def to_json(self) -> dict[str, Any]:
        return _drop_none(
            {
                "kind": self.kind.value,
                "stage_id": _json(self.stage_id),
                "days": self.days,
                "field": self.field,
            }
        )

    @property
    def event_name(self) -> str:
        return TRIGGER_EVENTS.get(self.kind, STAYED_EVENT)

    @property
    def is_time_based(self) -> bool:
        return self.kind is TriggerKind.DEAL_STAYED_IN_STAGE


@dataclass(frozen=True, slots=True, kw_only=True)
class Condition:
    kind: ConditionKind
    ids: tuple[UUID, ...] = ()  # funnel, stage, responsible_department
    values: tuple[str, ...] = ()  # source, tags, responsible_role
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    field: str | None = None  # custom_field: the field's code
    value: str | None = None  # custom_field: the value it must hold

    @classmethod
    def parse(cls, raw: object, loc: Loc) -> Condition:
        kind = _kind(ConditionKind, raw, loc)
        match kind:
            case ConditionKind.FUNNEL | ConditionKind.STAGE | ConditionKind.RESPONSIBLE_DEPARTMENT:
                r = _Reader(raw, loc, ("kind", "ids"))
                return cls(kind=kind, ids=r.uuids("ids"))
            case ConditionKind.SOURCE | ConditionKind.TAGS | ConditionKind.RESPONSIBLE_ROLE:
                r = _Reader(raw, loc, ("kind", "values"))
                return cls(kind=kind, values=r.texts("values"))
            case ConditionKind.AMOUNT:
                r = _Reader(raw, loc, ("kind", "min_amount", "max_amount"))
                low, high = r.amount("min_amount"), r.amount("max_amount")
                if low is None and high is None:
                    raise InvalidInput((*loc, "min_amount"), "give min_amount, max_amount or both")
                if low is not None and high is not None and low > high:
                    raise InvalidInput((*loc, "max_amount"), "must not be below min_amount")
                return cls(kind=kind, min_amount=low, max_amount=high)
            case ConditionKind.CUSTOM_FIELD:
                r = _Reader(raw, loc, ("kind", "field", "value"))
                code = r.text("field", 64)
                if not _CODE.match(code):
                    raise InvalidInput((*loc, "field"), "must be a custom field code")
                return cls(kind=kind, field=code, value=r.text("value", VALUE_MAX))
        raise AssertionError(kind)  # pragma: no cover

    def to_json(self) -> dict[str, Any]:
        return _drop_none(
            {
                "kind": self.kind.value,
                "ids": _json(self.ids),
                "values": list(self.values) or None,
                "min_amount": _json(self.min_amount),
                "max_amount": _json(self.max_amount),
                "field": self.field,
                "value": self.value,
            }
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Recipient:
    kind: RecipientKind
    user_id: UUID | None = None
    role: str | None = None  # a role code (lawyer, assistant, account_manager...)

    @classmethod
    def parse(cls, raw: object, loc: Loc) -> Recipient:
        kind = _kind(RecipientKind, raw, loc)
        match kind:
            case RecipientKind.USER:
                r = _Reader(raw, loc, ("kind", "user_id"))
                return cls(kind=kind, user_id=r.uuid("user_id"))
            case RecipientKind.ROLE:
                r = _Reader(raw, loc, ("kind", "role"))
                code = r.text("role", 64)
                if not _CODE.match(code):
                    raise InvalidInput((*loc, "role"), "must be a role code")
                return cls(kind=kind, role=code)
            case _:
                _Reader(raw, loc, ("kind",))
                return cls(kind=kind)

    def to_json(self) -> dict[str, Any]:
        return _drop_none(
            {"kind": self.kind.value, "user_id": _json(self.user_id), "role": self.role}
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Action:
    kind: ActionKind
    recipient: Recipient | None = None
    title: str | None = None  # create_task
    text: str | None = None  # create_task description, notify text
    due_in_days: int | None = None  # create_task
    stage_id: UUID | None = None  # move_to_stage
    field: str | None = None  # set_field
    value: str | None = None  # set_field (None clears)
    email: str | None = None  # send_email: a fixed address instead of a recipient
    subject: str | None = None  # send_email
    body: str | None = None  # send_email
    endpoint_id: UUID | None = None  # call_webhook

    @classmethod
    def parse(cls, raw: object, loc: Loc) -> Action:
        kind = _kind(ActionKind, raw, loc)
        match kind:
            case ActionKind.CREATE_TASK:
                r = _Reader(raw, loc, ("kind", "recipient", "title", "text", "due_in_days"))
                return cls(
                    kind=kind,
                    recipient=Recipient.parse(r.raw.get("recipient"), (*loc, "recipient")),
                    title=r.text("title", TASK_TITLE_MAX),
                    text=r.optional_text("text", TEXT_MAX, multiline=True),
                    due_in_days=r.integer("due_in_days", 0, MAX_DAYS, required=False),
                )
            case ActionKind.CHANGE_RESPONSIBLE:
                r = _Reader(raw, loc, ("kind", "recipient"))
                recipient = Recipient.parse(r.raw.get("recipient"), (*loc, "recipient"))
                if recipient.kind is RecipientKind.RESPONSIBLE:
                    raise InvalidInput(
                        (*loc, "recipient", "kind"), "the new responsible must be someone else"
                    )
                return cls(kind=kind, recipient=recipient)
            case ActionKind.NOTIFY:
                r = _Reader(raw, loc, ("kind", "recipient", "text"))
                return cls(
                    kind=kind,
                    recipient=Recipient.parse(r.raw.get("recipient"), (*loc, "recipient")),
                    text=r.text("text", TEXT_MAX, multiline=True),
                )
            case ActionKind.SEND_EMAIL:
                r = _Reader(raw, loc, ("kind", "recipient", "email", "subject", "body"))
                addressee = (
                    Recipient.parse(r.raw.get("recipient"), (*loc, "recipient"))
                    if r.has("recipient")
                    else None
                )
                email = r.optional_text("email", 320)
                if (addressee is None) == (email is None):
                    raise InvalidInput((*loc, "email"), "give either a recipient or an email")
                if email is not None and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
                    raise InvalidInput((*loc, "email"), "is not an e-mail address")
                return cls(
                    kind=kind,
                    recipient=addressee,
                    email=email,
                    subject=r.text("subject", EMAIL_SUBJECT_MAX),
                    body=r.text("body", EMAIL_BODY_MAX, multiline=True),
                )
            case ActionKind.MOVE_TO_STAGE:
                r = _Reader(raw, loc, ("kind", "stage_id"))
                return cls(kind=kind, stage_id=r.uuid("stage_id"))
            case ActionKind.SET_FIELD:
                r = _Reader(raw, loc, ("kind", "field", "value"))
                return cls(
                    kind=kind,
                    field=_field_name(r, "field", SETTABLE_FIELDS),
                    value=r.optional_text("value", VALUE_MAX),
                )
            case ActionKind.CALL_WEBHOOK:
                r = _Reader(raw, loc, ("kind", "endpoint_id"))
                return cls(kind=kind, endpoint_id=r.uuid("endpoint_id"))
        raise AssertionError(kind)  # pragma: no cover

    def to_json(self) -> dict[str, Any]:
        return _drop_none(
            {
                "kind": self.kind.value,
                "recipient": self.recipient.to_json() if self.recipient else None,
                "title": self.title,
                "text": self.text,
                "due_in_days": self.due_in_days,
                "stage_id": _json(self.stage_id),
                "field": self.field,
                "value": self.value,
                "email": self.email,
                "subject": self.subject,
                "body": self.body,
                "endpoint_id": _json(self.endpoint_id),
            }
        )


def parse_conditions(raw: object, loc: Loc = ("conditions",)) -> tuple[Condition, ...]:
    if not isinstance(raw, list | tuple):
        raise InvalidInput(loc, "must be a list")
    if len(raw) > MAX_CONDITIONS:
        raise InvalidInput(loc, f"at most {MAX_CONDITIONS} conditions")
    return tuple(Condition.parse(item, (*loc, i)) for i, item in enumerate(raw))


def parse_actions(raw: object, loc: Loc = ("actions",)) -> tuple[Action, ...]:
    if not isinstance(raw, list | tuple) or not raw:
        raise InvalidInput(loc, "give at least one action")
    if len(raw) > MAX_ACTIONS:
        raise InvalidInput(loc, f"at most {MAX_ACTIONS} actions")
    return tuple(Action.parse(item, (*loc, i)) for i, item in enumerate(raw))


def rule_name(value: str) -> str:
    return clean_text(value, "name", max_length=RULE_NAME_MAX, collapse_spaces=True)


# --- the rule and its runs ----------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class Rule:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    name: str
    is_enabled: bool = True
    trigger: Trigger
    conditions: tuple[Condition, ...] = ()
    actions: tuple[Action, ...]
    created_by: UUID | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    last_run_at: datetime | None = None
    version: int = 1

    def __post_init__(self) -> None:
        self.name = rule_name(self.name)
        if len(self.conditions) > MAX_CONDITIONS:
            raise InvalidInput("conditions", f"at most {MAX_CONDITIONS} conditions")
        if not self.actions or len(self.actions) > MAX_ACTIONS:
            raise InvalidInput("actions", f"give 1 to {MAX_ACTIONS} actions")

    def matches_event(self, name: str) -> bool:
        return self.is_enabled and self.trigger.event_name == name


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleRun:
    """One rule for one event (or one stay, for the time-based trigger): what was done."""

    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    rule_id: UUID
    event_id: UUID
    event_name: str
    status: RunStatus
    reason: str | None = None  # skipped: why; failed: the error
    actions: tuple[str, ...] = ()  # what was performed, one line each
    deal_id: UUID | None = None
    client_id: UUID | None = None
    depth: int = 0
    occurrence_at: datetime | None = None  # the stay a time-based run was for
    at: datetime
