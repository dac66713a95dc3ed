"""Errors that carry domain meaning. The HTTP layer maps them to statuses; the domain never
speaks HTTP."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

# What is wrong with a field, as a stable code a client words in its reader's language (the
# API's FieldError.code); ``msg`` stays the English sentence. A rule without a code of its own
# is INVALID_INPUT, and only its ``msg`` tells which.
INVALID_INPUT = "invalid_input"
BLANK_CODE = "blank"
TOO_LONG_CODE = "string_too_long"  # ctx max_length, as the schema's own length check
CONTROL_CHARACTERS_CODE = "control_characters"
NOT_A_NUMBER_CODE = "not_a_number"
OUT_OF_RANGE_CODE = "out_of_range"  # ctx max: the largest magnitude
NEGATIVE_CODE = "negative"
CURRENCY_CODE_CODE = "currency_code"
NOT_AN_EMAIL_CODE = "not_an_email"
NOT_A_PHONE_CODE = "not_a_phone"
OUTSIDE_WINDOW_CODE = "date_outside_window"  # ctx min, max: the window's first and last day
NOT_FOUND_CODE = "not_found"  # a referenced record that does not exist or is not visible
# A number above the largest value a rule allows at this moment (a payment above what is left
# to pay): the schema's own bound code, ctx le, so a client words both alike.
AT_MOST_CODE = "less_than_equal"
# Below the smallest value allowed (ctx ge), or not above a bound (ctx gt), likewise.
AT_LEAST_CODE = "greater_than_equal"
ABOVE_CODE = "greater_than"
FIELD_CODES = frozenset(
    {
        INVALID_INPUT,
        BLANK_CODE,
        TOO_LONG_CODE,
        CONTROL_CHARACTERS_CODE,
        NOT_A_NUMBER_CODE,
        OUT_OF_RANGE_CODE,
        NEGATIVE_CODE,
        CURRENCY_CODE_CODE,
        NOT_AN_EMAIL_CODE,
        NOT_A_PHONE_CODE,
        OUTSIDE_WINDOW_CODE,
        NOT_FOUND_CODE,
    }
)


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One reason a piece of input was refused: ``loc`` is the path to the field, ``code``
    and ``ctx`` (the limits it names) what a client words, ``msg`` the English sentence."""

    loc: tuple[str | int, ...]
    msg: str
    code: str = INVALID_INPUT
    ctx: Mapping[str, str] = field(default_factory=dict)


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    title = "Domain error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title


class NotFound(DomainError):
    title = "Not found"

    def __init__(self, entity: str, ident: object | None = None) -> None:
        self.entity = entity
        self.ident = ident
        detail = f"{entity} not found" if ident is None else f"{entity} {ident} not found"
        super().__init__(detail)


class Conflict(DomainError):
    title = "Conflict"


class PeriodConflict(Conflict):
    """A change refused because of where a period stands (closed, or not over yet). Each kind
    is a subclass with a problem type of its own, so a client tells "closed already" from "this
    change falls in a closed period" without reading the English detail; ``period`` (the
    period's first day) travels as the problem's extension member of that name."""

    def __init__(self, period: date, detail: str) -> None:
        self.period = period
        super().__init__(detail)

    @property
    def extensions(self) -> dict[str, Any]:
        return {"period": self.period.isoformat()}


class PermissionDenied(DomainError):
    title = "Forbidden"


class Unauthenticated(DomainError):
    title = "Unauthorized"


class PreconditionFailed(DomainError):
    """The caller's view of a record (its ETag) is stale."""

    title = "Precondition failed"


class RateLimited(DomainError):
    title = "Too many requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class Unavailable(DomainError):
    """The work could not be done now (the database cancelled a statement that ran over its
    time budget, or a lock wait that did); the same request may succeed after
    ``retry_after`` seconds."""

    title = "Service unavailable"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class ContentTooLarge(DomainError):
    """An upload over its size limit."""

    title = "Content too large"


class InvalidTransition(DomainError):
    title = "Invalid transition"


class InvalidInput(DomainError):
    """Input that is well-formed but breaks a rule. ``problems`` name the fields."""

    title = "Invalid input"

    def __init__(
        self,
        field_name: str | Sequence[str | int] | None = None,
        reason: str = "",
        *,
        code: str = INVALID_INPUT,
        ctx: Mapping[str, str] | None = None,
        problems: Sequence[FieldProblem] = (),
    ) -> None:
        items = list(problems)
        if field_name is not None:
            loc: tuple[str | int, ...] = (
                (field_name,) if isinstance(field_name, str) else tuple(field_name)
            )
            items.append(FieldProblem(loc=loc, msg=reason, code=code, ctx=dict(ctx or {})))
        self.problems: tuple[FieldProblem, ...] = tuple(items)
        detail = "; ".join(f"{'.'.join(map(str, p.loc))}: {p.msg}" for p in self.problems)
        super().__init__(detail or reason or self.title)

    def under(self, *prefix: str | int) -> InvalidInput:
        """The same problems, each path below ``prefix`` (a contact's phone of a new client is
        ``contacts.0.phones.0``, not ``phones.0``)."""
        return InvalidInput(problems=[replace(p, loc=(*prefix, *p.loc)) for p in self.problems])
