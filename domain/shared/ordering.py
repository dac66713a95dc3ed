"""A display order set by hand: a list of records renumbered from the ids in their new order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar
from uuid import UUID

from domain.shared.errors import InvalidInput


class Positioned(Protocol):
    @property
    def id(self) -> UUID: ...

    position: int


T = TypeVar("T", bound=Positioned)


def renumber(items: Sequence[T], ids: Sequence[UUID], *, field: str) -> list[tuple[T, int]]:
    """``ids`` names every item exactly once, in the new order (else InvalidInput on
    ``field``); gives each item its place (0, 1, ...) and returns the items whose position
    changed with their former position, so only those are saved and audited."""
    by_id = {item.id: item for item in items}
    if len(ids) != len(by_id) or set(ids) != set(by_id):
        raise InvalidInput(field, "must list every one of them exactly once")
    moved: list[tuple[T, int]] = []
    for place, ident in enumerate(ids):
        item = by_id[ident]
        if item.position != place:
            moved.append((item, item.position))
            item.position = place
    return moved
