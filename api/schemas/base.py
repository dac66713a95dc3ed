from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ConfigDict

from domain.shared.errors import InvalidInput
from domain.shared.patch import UNSET, Patch

T = TypeVar("T")


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
