"""Errors that carry domain meaning. The HTTP layer maps them to statuses; the domain never
speaks HTTP."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One reason a piece of input was refused: ``loc`` is the path to the field."""

    loc: tuple[str | int, ...]
    msg: str


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
        problems: Sequence[FieldProblem] = (),
    ) -> None:
        items = list(problems)
        if field_name is not None:
            loc: tuple[str | int, ...] = (
                (field_name,) if isinstance(field_name, str) else tuple(field_name)
            )
            items.append(FieldProblem(loc=loc, msg=reason))
        self.problems: tuple[FieldProblem, ...] = tuple(items)
        detail = "; ".join(f"{'.'.join(map(str, p.loc))}: {p.msg}" for p in self.problems)
        super().__init__(detail or reason or self.title)
