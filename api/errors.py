"""RFC 9457 problem details: one mapping from domain errors to statuses and one formatter for
every error the API returns, request validation included."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from adapters.db.errors import sqlstate, transient_failure
from adapters.logging import failure_fields
from domain.intake.originate import NoPbxLine, OriginationFailed
from domain.karma.employees import ClosedPeriodChange, PeriodAlreadyClosed, PeriodNotOver
from domain.shared.errors import (
    FIELD_CODES,
    Conflict,
    ContentTooLarge,
    DomainError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    RateLimited,
    Unauthenticated,
    Unavailable,
)
from domain.shared.ranges import RangeNotSatisfiable

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://crm.example/problems/"
log = structlog.get_logger(__name__)


class FieldError(BaseModel):
    loc: list[str | int] = Field(description="Path to the failing field, e.g. ['body', 'email']")
    msg: str
    code: str | None = Field(
        default=None,
        description=(
            "What is wrong, as a stable code a client can word in its reader's language: the "
            "validation error's kind (missing, string_too_long, less_than_equal...), a domain "
            "rule's code (blank, not_a_phone, not_an_email, not_a_number, out_of_range, "
            "negative, currency_code, control_characters, date_outside_window, not_found), "
            "invalid_input for a domain rule without one (then only `msg` tells which), "
            "invalid otherwise"
        ),
    )
    ctx: dict[str, str] | None = Field(
        default=None,
        description="The limits the code names, e.g. {'max_length': '200'} for string_too_long",
    )


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field(
        description=(
            f"{TYPE_BASE}<kind>. Besides the kind each status implies (not-found, conflict, "
            "forbidden, invalid-input...), a 409 may be: period-already-closed (closing a "
            "month that is closed already), period-not-over (closing a month before it "
            "ends), period-closed (a change to a plan or marketing cost whose months are all "
            "closed); `period` names the period's first day"
        )
    )
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = None
    period: date | None = Field(
        default=None, description="The first day of the period a period-* problem is about"
    )


STATUS_BY_ERROR: dict[type[DomainError], tuple[int, str]] = {
    NotFound: (404, "not-found"),
    Conflict: (409, "conflict"),
    PermissionDenied: (403, "forbidden"),
    Unauthenticated: (401, "unauthorized"),
    PreconditionFailed: (412, "precondition-failed"),
    RateLimited: (429, "rate-limited"),
    InvalidInput: (422, "invalid-input"),
    InvalidTransition: (409, "invalid-transition"),
    # Subclasses are looked up first (the MRO), so these are 409s of their own kind.
    PeriodAlreadyClosed: (409, "period-already-closed"),
    PeriodNotOver: (409, "period-not-over"),
    ClosedPeriodChange: (409, "period-closed"),
    ContentTooLarge: (413, "content-too-large"),
    RangeNotSatisfiable: (416, "range-not-satisfiable"),
    Unavailable: (503, "unavailable"),
    NoPbxLine: (409, "no-pbx-line"),
    OriginationFailed: (502, "pbx-refused"),
}

_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Content too large",
    502: "Bad gateway",
    415: "Unsupported media type",
    416: "Range not satisfiable",
    422: "Invalid input",
    428: "Precondition required",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


def problem_response(
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    title: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    instance: str | None = None,
    extensions: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + (slug or _slug(status)),
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors is not None:
        body["errors"] = errors
    if extensions:
        # RFC 9457 extension members a domain error carries (e.g. duplicate candidates).
        body.update({k: v for k, v in extensions.items() if k not in body})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _slug(status: int) -> str:
    return _TITLES.get(status, "error").lower().replace(" ", "-")


def _status_for(exc: DomainError) -> tuple[int, str]:
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 400, "bad-request"


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return domain_problem(exc, instance=request.url.path)


def domain_problem(exc: DomainError, *, instance: str) -> JSONResponse:
    """The problem answer of a domain error (also for code that runs outside the routes)."""
    status, slug = _status_for(exc)
    headers: dict[str, str] = {}
    if isinstance(exc, RateLimited | Unavailable):
        headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, Unauthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, RangeNotSatisfiable):
        headers["Content-Range"] = f"bytes */{exc.size}"
    errors = None
    if isinstance(exc, InvalidInput):
        errors = [
            {"loc": _request_loc(p.loc), "msg": p.msg, "code": p.code}
            | ({"ctx": dict(p.ctx)} if p.ctx else {})
            for p in exc.problems
        ]
    return problem_response(
        status,
        exc.detail,
        slug=slug,
        title=exc.title,
        errors=errors,
        headers=headers,
        instance=instance,
        extensions=getattr(exc, "extensions", None),
    )


_REQUEST_PARTS = ("body", "query", "path", "header", "cookie")


def _request_loc(loc: tuple[str | int, ...]) -> list[str | int]:
    """Domain fields are body fields unless the domain named another part of the request, as
    FastAPI's own validation errors do."""
    return list(loc) if loc and loc[0] in _REQUEST_PARTS else ["body", *loc]


# One fixed text per kind of validation error: pydantic's own messages can carry Python details
# (exception texts, Decimal and type names). Placeholders are filled from the schema's limits.
_MESSAGES: dict[str, str] = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "string_type": "must be a string",
    "string_too_short": "must be at least {min_length} characters",
    "string_too_long": "must be at most {max_length} characters",
    "string_pattern_mismatch": "has an invalid format",
    "string_unicode": "must be valid text",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "int_parsing_size": "is out of range",
    "int_from_float": "must be an integer",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "decimal_type": "must be a number",
    "decimal_parsing": "must be a number",
    "decimal_max_digits": "has too many digits",
    "decimal_max_places": "has too many decimal places",
    "decimal_whole_digits": "has too many digits",
    "finite_number": "must be a finite number",
    "greater_than": "must be greater than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be at most {le}",
    "multiple_of": "must be a multiple of {multiple_of}",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "date_type": "must be a date (YYYY-MM-DD)",
    "date_parsing": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "must be a date without a time",
    "datetime_type": "must be a date and time (ISO 8601)",
    "datetime_parsing": "must be a date and time (ISO 8601)",
    "datetime_from_date_parsing": "must be a date and time (ISO 8601)",
    "datetime_object_invalid": "must be a date and time (ISO 8601)",
    "timezone_aware": "must have a UTC offset",
    "timezone_naive": "must not have a UTC offset",
    "time_type": "must be a time (HH:MM)",
    "time_parsing": "must be a time (HH:MM)",
    "uuid_type": "must be a UUID",
    "uuid_parsing": "must be a UUID",
    "uuid_version": "must be a UUID",
    "url_type": "must be a URL",
    "url_parsing": "must be a URL",
    "url_scheme": "must be an http or https URL",
    "url_too_long": "is too long",
    "literal_error": "must be one of: {expected}",
    "enum": "must be one of: {expected}",
    "list_type": "must be an array",
    "tuple_type": "must be an array",
    "set_type": "must be an array",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "too_short": "must have at least {min_length} items",
    "too_long": "must have at most {max_length} items",
    "json_invalid": "is not valid JSON",
    "json_type": "must be JSON",
    "none_required": "must be null",
    "is_instance_of": "has the wrong type",
    "union_tag_invalid": "has an unknown kind",
    "union_tag_not_found": "needs its kind",
    "bytes_type": "must be a string",
    "bytes_too_long": "is too long",
}
_FALLBACK = "is not valid"


def _fixed_message(error: Any) -> str:
    kind = str(error.get("type", ""))
    template = _MESSAGES.get(kind)
    if template is None:
        # api/schemas/base.py: one of the domain's fixed texts.
        return str(error.get("msg", _FALLBACK)) if kind in FIELD_CODES else _FALLBACK
    ctx = error.get("ctx") or {}
    try:
        return template.format(**{k: _limit(v) for k, v in ctx.items()})
    except (KeyError, IndexError, ValueError):
        return template.split("{")[0].rstrip(": ") or _FALLBACK


def _limit(value: Any) -> str:
    # Schema limits only: numbers and the allowed values of a literal.
    return str(value) if isinstance(value, str | int | float | Decimal) else ""


def _field_error(error: Any) -> dict[str, Any]:
    kind = str(error.get("type", ""))
    code = kind if kind in _MESSAGES or kind in FIELD_CODES else "invalid"
    item: dict[str, Any] = {
        "loc": list(error.get("loc", ())),
        "msg": _fixed_message(error),
        "code": code,
    }
    # The schema's limits only (numbers, allowed values), as in the message.
    ctx = (error.get("ctx") or {}) if code in _MESSAGES or code in FIELD_CODES else {}
    # `reason` is a domain rule's sentence (api/schemas/base.py), already the message.
    limits = {key: _limit(value) for key, value in ctx.items() if key != "reason" and _limit(value)}
    if limits:
        item["ctx"] = limits
    return item


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_field_error(e) for e in exc.errors()]
    malformed = any(e.get("type") == "json_invalid" for e in exc.errors())
    if malformed:
        return problem_response(
            400,
            "The request body is not valid JSON",
            slug="malformed-json",
            errors=errors,
            instance=request.url.path,
        )
    fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in errors)
    return problem_response(
        422,
        f"Invalid input: {fields}" if fields else "Invalid input",
        slug="validation-error",
        title="Invalid input",
        errors=errors,
        instance=request.url.path,
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Error")
    return problem_response(
        exc.status_code,
        detail,
        headers=dict(exc.headers or {}),
        instance=request.url.path,
    )


def unexpected_error(exc: Exception, *, instance: str | None = None) -> JSONResponse:
    """Logs an exception nothing else handled and answers a 500 that does not reveal it. The
    request id middleware calls this itself, so the answer carries the id and the log line has
    it bound; the handler below is left for failures outside that middleware."""
    log.error("request.failed", **failure_fields(exc))
    return problem_response(
        500, "An unexpected error occurred; it has been logged", instance=instance
    )


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    """A statement run outside a unit of work (a streamed page, the idempotency store) that
    the database cancelled is as transient as one inside it: 503, not 500."""
    unavailable = transient_failure(exc)
    if unavailable is None:
        return await _unexpected(request, exc)
    log.warning("request.database_unavailable", sqlstate=sqlstate(exc))
    return await _domain_error(request, unavailable)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    return unexpected_error(exc, instance=request.url.path)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(Exception, _unexpected)


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI declarations of a route's problem responses."""
    return {
        status: {
            "model": Problem,
            "description": _TITLES.get(status, "Error"),
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
