"""The base of every schema and the bounded types every input is built from.

A hostile or clumsy value is a 422 here, at the edge, and never reaches a conversion, a query or
the database: strings without control characters (names and titles also lose bidi overrides and
zero-width characters), numbers bounded in digits and exponent before they are converted, dates
in the supported window, e-mails and currency codes in shape, mappings capped. The rules are the
domain's (``domain.shared.text``, ``money``, ``clock``, ``email``); these types apply them to the
raw input with fixed messages. Lengths and ranges come from the domain constants at each field.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from domain.shared.clock import DATE_MAX, DATE_MIN, validate_day
from domain.shared.email import EMAIL_MAX, validate_email
from domain.shared.errors import InvalidInput
from domain.shared.money import AMOUNT_MAX, QUANTITY_MAX, bounded_decimal, validate_currency
from domain.shared.patch import UNSET, Patch
from domain.shared.text import without_controls

T = TypeVar("T")

# The error type of a refusal below without a code of its own (the domain's codes are
# domain.shared.errors.FIELD_CODES); api/errors.py passes its message through, as it is one of
# the domain's fixed texts.
INVALID_INPUT = "invalid_input"


def _refusal(exc: InvalidInput) -> PydanticCustomError:
    reason = "; ".join(p.msg for p in exc.problems) or exc.detail
    if len(exc.problems) == 1:
        # The rule's own code and limits (blank, string_too_long...), for the client to word.
        [problem] = exc.problems
        return PydanticCustomError(problem.code, "{reason}", {"reason": reason, **problem.ctx})
    return PydanticCustomError(INVALID_INPUT, "{reason}", {"reason": reason})


def _checked(rule: Callable[[Any], T]) -> Callable[[Any], T]:
    def check(value: Any) -> T:
        try:
            return rule(value)
        except InvalidInput as exc:
            raise _refusal(exc) from None

    return check


def _number(limit: Decimal) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        # Only what could be a number; anything else gets pydantic's own type error.
        if isinstance(value, str | int | float | Decimal):
            return bounded_decimal(value, (), limit=limit)
        return value

    return _checked(parse)


def _day(value: date) -> date:
    return validate_day(value, ())


def _moment(value: datetime) -> datetime:
    validate_day(value.date(), ())
    return value


# Multi-line free text (notes, comments, bodies) and opaque strings (passwords, tokens, codes,
# patterns): control characters other than line breaks and tabs are refused.
Text = Annotated[str, AfterValidator(_checked(lambda v: without_controls(v, (), multiline=True)))]
# Single-line text (names, titles, labels, tags, search): control characters are refused, line
# breaks and tabs become spaces, bidi overrides and zero-width characters are dropped.
Name = Annotated[str, AfterValidator(_checked(lambda v: without_controls(v, (), multiline=False)))]


def number(limit: Decimal, *, ge: Decimal | None = None, gt: Decimal | None = None) -> Any:
    """A Decimal bounded in digits and exponent before it is converted, at most ``limit`` either
    side of zero (or from ``ge`` / above ``gt``)."""
    bounds = (
        Field(gt=gt, le=limit)
        if gt is not None
        else Field(ge=-limit if ge is None else ge, le=limit)
    )
    return Annotated[Decimal, bounds, BeforeValidator(_number(limit))]


if TYPE_CHECKING:
    Amount = Decimal
    NonNegativeAmount = Decimal
    PositiveAmount = Decimal
    Quantity = Decimal
    Percent = Decimal
else:
    # Money: finite, at most AMOUNT_MAX either side of zero (numeric(18, 2)).
    Amount = number(AMOUNT_MAX)
    NonNegativeAmount = number(AMOUNT_MAX, ge=Decimal(0))
    # Invoice and payment amounts: above 0.
    PositiveAmount = number(AMOUNT_MAX, gt=Decimal(0))
    # Product quantities: above 0, at most QUANTITY_MAX.
    Quantity = number(QUANTITY_MAX, gt=Decimal(0))
    # Percentages such as a stage's win probability: 0 to 100.
    Percent = number(Decimal(100), ge=Decimal(0))
_WINDOW = f"From {DATE_MIN.isoformat()} to {DATE_MAX.isoformat()}"
# A calendar date in the supported window.
Day = Annotated[date, AfterValidator(_checked(_day)), Field(description=_WINDOW)]
# A moment (with or without an offset) whose date is in the supported window.
Moment = Annotated[datetime, AfterValidator(_checked(_moment))]
# A moment with its offset, in the supported window.
AwareMoment = Annotated[AwareDatetime, AfterValidator(_checked(_moment))]
# An e-mail address: exactly one @, RFC lengths.
Email = Annotated[
    str,
    Field(max_length=EMAIL_MAX),
    AfterValidator(_checked(lambda v: validate_email(v, ()))),
]
# An ISO 4217 currency code in circulation.
Currency = Annotated[
    str,
    Field(min_length=3, max_length=3, pattern="^[A-Z]{3}$", description="ISO 4217, e.g. RUB"),
    AfterValidator(_checked(lambda v: validate_currency(v, ()))),
]
# Keys and values of small string mappings (UTM tags and the like).
MAPPING_KEYS_MAX = 20
MAPPING_KEY_MAX = 64
MAPPING_VALUE_MAX = 500
MappingKey = Annotated[Name, Field(min_length=1, max_length=MAPPING_KEY_MAX)]
MappingValue = Annotated[Name, Field(max_length=MAPPING_VALUE_MAX)]
StringMap = Annotated[dict[MappingKey, MappingValue], Field(max_length=MAPPING_KEYS_MAX)]
# Custom field values: checked against their definitions by the domain; here only capped.
CUSTOM_FIELDS_MAX = 100
# Values one repeated query filter (?stage_id=..&stage_id=..) may name.
MAX_FILTER_VALUES = 100
CustomFieldValues = Annotated[
    dict[Annotated[Name, Field(min_length=1, max_length=64)], Any],
    Field(max_length=CUSTOM_FIELDS_MAX),
]


class Schema(BaseModel):
    """Base of every request and response body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)


def given(body: BaseModel, name: str, value: T) -> Patch[T]:
    """For update commands: ``value`` when the request sent the field (null included), else
    UNSET, which leaves the stored value as it is."""
    return value if name in body.model_fields_set else UNSET


def given_not_null(body: BaseModel, name: str, value: T | None) -> Patch[T]:
    """``given`` for a field that cannot be cleared: sent as null, it is refused (422)."""
    if name not in body.model_fields_set:
        return UNSET
    if value is None:
        raise InvalidInput(name, "must not be null")
    return value


def given_unless_null(body: BaseModel, name: str, value: T | None) -> Patch[T]:
    """``given`` for a field where null has always meant "leave it as it is"."""
    return UNSET if value is None else given(body, name, value)
