"""A marker for "not given" in partial updates, where ``None`` is a value (clear the field)."""

from __future__ import annotations

import enum
from typing import Final, Literal, TypeVar, Union

T = TypeVar("T")


class Unset(enum.Enum):
    UNSET = 0

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET

# Patch[UUID | None]: a new value (None included), or UNSET to leave the field as it is.
Patch = Union[T, Literal[Unset.UNSET]]  # noqa: UP007 - a generic alias needs Union on 3.11
