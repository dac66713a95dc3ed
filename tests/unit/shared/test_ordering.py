from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID, uuid4

import pytest

from domain.shared.errors import InvalidInput
from domain.shared.ordering import renumber


@dataclass
class Item:
    position: int
    id: UUID = field(default_factory=uuid4)


def test_renumbers_from_zero_and_returns_only_the_moved_items() -> None:
    a, b, c = Item(0), Item(1), Item(5)
    moved = renumber([a, b, c], [b.id, a.id, c.id], field="ids")
    assert [(a.position, b.position, c.position)] == [(1, 0, 2)]
    assert moved == [(b, 1), (a, 0), (c, 5)]
    assert renumber([a, b, c], [b.id, a.id, c.id], field="ids") == []


@pytest.mark.parametrize("which", [[0], [0, 0], [0, 1, 2]])
def test_every_item_must_be_named_exactly_once(which: list[int]) -> None:
    items = [Item(0), Item(1)]
    ids = [items[i].id if i < 2 else uuid4() for i in which]
    with pytest.raises(InvalidInput):
        renumber(items, ids, field="ids")
    assert [i.position for i in items] == [0, 1]
