"""Admin-defined custom fields of clients and deals: their definitions and the validation of
values against them. Deals use ``validate_custom_fields`` too."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.shared.clock import OUTSIDE_WINDOW, in_window
from domain.shared.errors import NOT_FOUND_CODE, FieldProblem, InvalidInput
from domain.shared.ids import new_id
from domain.shared.money import Money, bounded_decimal
from domain.shared.patch import UNSET
from domain.shared.text import clean_name, clean_text, without_controls

if TYPE_CHECKING:
    from domain.clients.commands import CreateCustomField, UpdateCustomField

MAX_STRING = 1000
# Shared with the API schema (api/schemas/custom_fields.py).
LABEL_MAX = 200
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class FieldType(enum.StrEnum):
    STRING = "string"
    NUMBER = "number"
    DATE = "date"
    ENUM = "enum"
    MONEY = "money"


class FieldEntity(enum.StrEnum):
    CLIENT = "client"
    DEAL = "deal"


@dataclass(slots=True, kw_only=True)
class CustomFieldDefinition:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    entity: FieldEntity
    key: str
    label: str
    type: FieldType
    options: list[str] = field(default_factory=list)
    required: bool = False
    position: int = 0
    created_at: datetime | None = None
    version: int = 1

    def __post_init__(self) -> None:
        if not _KEY.match(self.key):
            raise InvalidInput(
                "key", "must start with a Latin letter; lower-case letters, digits and _ only"
            )
        self.label = _label(self.label)
        self.options = _options(self.type, self.options)

    @classmethod
    def create(cls, command: CreateCustomField, *, organisation_id: UUID) -> CustomFieldDefinition:
        return cls(
            organisation_id=organisation_id,
            entity=command.entity,
            key=command.key,
            label=command.label,
            type=command.type,
            options=list(command.options),
            required=command.required,
            position=command.position,
        )

    def apply(self, update: UpdateCustomField) -> None:
        """The key and the type stay: stored values depend on them."""
        if update.label is not UNSET:
            self.label = _label(update.label)
        if update.options is not UNSET:
            self.options = _options(self.type, update.options)
        if update.required is not UNSET:
            self.required = update.required
        if update.position is not UNSET:
            self.position = update.position


def _label(value: str) -> str:
    return clean_name(value, "label", max_length=LABEL_MAX)


def _options(kind: FieldType, values: Iterable[str]) -> list[str]:
    options: list[str] = []
    for value in values:
        cleaned = without_controls(value, "options", multiline=False).strip()
        if not cleaned:
            raise InvalidInput("options", "must not contain blank values")
        if cleaned not in options:
            options.append(cleaned)
    if kind is FieldType.ENUM and not options:
        raise InvalidInput("options", "an enum field needs at least one option")
    if kind is not FieldType.ENUM and options:
        raise InvalidInput("options", "only enum fields have options")
    return options


def _number(value: object, field_name: tuple[str | int, ...]) -> int | float:
    # Bounded before any conversion: int() of 1e999999999 would build a billion digits.
    number = bounded_decimal(value, field_name)
    # JSON keeps integers exact; other numbers are stored as JSON numbers too, so that
    # range filters compare them numerically.
    return int(number) if number == number.to_integral_value() else float(number)


def parse_number(value: object, field_name: tuple[str | int, ...] = ("value",)) -> Decimal:
    return Decimal(str(_number(value, field_name)))


NOT_A_DATE = "must be a date (YYYY-MM-DD)"


def _date(value: object) -> str:
    if isinstance(value, datetime):
        raise ValueError(NOT_A_DATE)
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(NOT_A_DATE) from exc
    if not isinstance(value, date):
        raise ValueError(NOT_A_DATE)
    if not in_window(value):
        raise ValueError(OUTSIDE_WINDOW)
    return value.isoformat()


def _money(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping) or set(value) != {"amount", "currency"}:
        raise ValueError('must be {"amount": "123.45", "currency": "RUB"}')
    if isinstance(value["amount"], bool) or not isinstance(value["amount"], (str, int, float)):
        raise ValueError("amount is not a number")
    if not isinstance(value["currency"], str):
        raise ValueError("currency is not an ISO 4217 code")
    amount = bounded_decimal(value["amount"], "amount")
    money = Money(amount, value["currency"])
    return {"amount": str(money.amount), "currency": money.currency}


def coerce_value(definition: CustomFieldDefinition, value: object) -> Any:
    """The stored form of one value; ValueError (or InvalidInput) when it does not fit."""
    if definition.type is FieldType.STRING:
        if not isinstance(value, str):
            raise ValueError("must be text")
        return clean_text(
            value, ("custom_fields", definition.key), max_length=MAX_STRING, multiline=True
        )
    if definition.type is FieldType.NUMBER:
        return _number(value, ("custom_fields", definition.key))
    if definition.type is FieldType.DATE:
        return _date(value)
    if definition.type is FieldType.ENUM:
        if value not in definition.options:
            raise ValueError(f"must be one of: {', '.join(definition.options)}")
        return value
    return _money(value)


def validate_custom_fields(
    definitions: Iterable[CustomFieldDefinition], values: Mapping[str, Any]
) -> dict[str, Any]:
    """The values in their stored form. Unknown keys, values of the wrong type and missing
    required fields are all reported at once; null (or an empty string) means "not set"."""
    by_key = {d.key: d for d in definitions}
    problems: list[FieldProblem] = []
    result: dict[str, Any] = {}
    for key, value in values.items():
        definition = by_key.get(key)
        if definition is None:
            problems.append(
                FieldProblem(
                    loc=("custom_fields", key), msg="no such custom field", code=NOT_FOUND_CODE
                )
            )
            continue
        if value is None or value == "":
            continue
        try:
            result[key] = coerce_value(definition, value)
        except InvalidInput as exc:
            msg = "; ".join(p.msg for p in exc.problems) or exc.detail
            problems.append(FieldProblem(loc=("custom_fields", key), msg=msg))
        except (ValueError, TypeError, InvalidOperation) as exc:
            # Only this module's own ValueErrors carry a message meant for people.
            msg = str(exc) if isinstance(exc, ValueError) and exc.args else "is not valid"
            problems.append(FieldProblem(loc=("custom_fields", key), msg=msg))
    for definition in by_key.values():
        if (
            definition.required
            and definition.key not in result
            and not any(p.loc == ("custom_fields", definition.key) for p in problems)
        ):
            problems.append(FieldProblem(loc=("custom_fields", definition.key), msg="is required"))
    if problems:
        raise InvalidInput(problems=problems)
    return result


class FilterOp(enum.StrEnum):
    EQ = "eq"
    GTE = "gte"
    LTE = "lte"


@dataclass(frozen=True, slots=True)
class CustomFieldFilter:
    """``cf.<key>=value`` (equals), ``cf.<key>.gte=`` and ``cf.<key>.lte=`` (numbers, dates and
    money amounts)."""

    key: str
    type: FieldType
    op: FilterOp
    value: Any  # str for string/enum/date, Decimal for number and money amounts


def parse_custom_filters(
    definitions: Iterable[CustomFieldDefinition], params: Iterable[tuple[str, str]]
) -> list[CustomFieldFilter]:
    """Query parameters named cf.* to typed filters."""
    by_key = {d.key: d for d in definitions}
    filters: list[CustomFieldFilter] = []
    for name, raw in params:
        if not name.startswith("cf."):
            continue
        loc = ("query", name)
        key, _, op_name = name[3:].partition(".")
        definition = by_key.get(key)
        if definition is None:
            raise InvalidInput(loc, "no such custom field", code=NOT_FOUND_CODE)
        try:
            op = FilterOp(op_name or "eq")
        except ValueError as exc:
            raise InvalidInput(loc, "use cf.<key>, cf.<key>.gte or cf.<key>.lte") from exc
        ranged = definition.type in (FieldType.NUMBER, FieldType.DATE, FieldType.MONEY)
        if op is not FilterOp.EQ and not ranged:
            raise InvalidInput(loc, "only number, date and money fields filter by range")
        try:
            value: Any
            if definition.type in (FieldType.NUMBER, FieldType.MONEY):
                value = parse_number(raw, loc)
            elif definition.type is FieldType.DATE:
                value = _date(raw)
            else:
                value = without_controls(raw, loc, multiline=True)
        except (ValueError, InvalidOperation) as exc:
            raise InvalidInput(loc, f"is not a valid {definition.type.value}") from exc
        filters.append(CustomFieldFilter(key=key, type=definition.type, op=op, value=value))
    return filters
