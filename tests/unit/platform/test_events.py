"""Domain events: stable names, a lossless JSON round trip through the outbox, and an
in-transaction handler or subscriber for every fact (or a deliberate webhook-only mark)."""

from __future__ import annotations

import dataclasses
import enum
import re
import typing
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

import domain.activities.events
import domain.attachments.events
import domain.clients.events
import domain.deals.events
import domain.staff.events  # noqa: F401 - registers the staff events
from domain.activities.events import AssignmentReason, CommentAdded, TaskAssigned
from domain.deals.events import DealLost
from domain.shared.events import EVENT_TYPES, DomainEvent, event, from_payload, to_payload

REQUIRED = {
    "client.created",
    "client.updated",
    "clients.merged",
    "client.relationship_changed",
    "contact.created",
    "deal.created",
    "deal.updated",
    "deal.stage_changed",
    "deal.won",
    "deal.lost",
    "deal.reopened",
    "deal.became_stale",
    "task.created",
    "task.assigned",
    "task.completed",
    "task.overdue",
    "activity.logged",
    "comment.added",
    "attachment.added",
    "user.absence_started",
}


def _sample(kind: Any) -> Any:
    """A value of a field type, for building an instance of any event."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, __import__("types").UnionType):
        return _sample(next(a for a in typing.get_args(kind) if a is not type(None)))
    if origin is tuple:
        return (_sample(typing.get_args(kind)[0]),)
    if origin is dict:
        return {"utm_source": "yandex"}
    samples: dict[Any, Any] = {
        uuid.UUID: uuid.uuid4(),
        datetime: datetime(2026, 11, 30, 12, 0, tzinfo=UTC),
        date: date(2026, 12, 1),
        Decimal: Decimal("1234.50"),
        str: "Ромашка",
        int: 7,
        bool: True,
    }
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return next(iter(kind))
    return samples[kind]


def _instance(cls: type[DomainEvent]) -> DomainEvent:
    hints = typing.get_type_hints(cls)
    values = {
        f.name: _sample(hints[f.name]) for f in dataclasses.fields(cls) if f.name != "event_id"
    }
    return cls(**values)


class TestEventTypes:
    def test_every_fact_the_issue_lists_has_an_event_type(self) -> None:
        assert set(EVENT_TYPES) >= REQUIRED

    def test_names_are_stable_dotted_lower_case(self) -> None:
        for name in EVENT_TYPES:
            assert re.fullmatch(r"[a-z_]+\.[a-z_]+", name), name

    def test_a_name_cannot_be_taken_twice(self) -> None:
        with pytest.raises(ValueError, match="taken"):

            @event("deal.won")
            @dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
            class Impostor(DomainEvent):
                pass

    @pytest.mark.parametrize("name", sorted(EVENT_TYPES))
    def test_every_event_survives_the_outbox_round_trip(self, name: str) -> None:
        original = _instance(EVENT_TYPES[name])
        payload = to_payload(original)
        # What the outbox stores is plain JSON.
        assert all(
            isinstance(v, str | int | bool | list | dict | type(None)) for v in payload.values()
        )
        assert from_payload(name, payload) == original

    def test_values_keep_their_types(self) -> None:
        lost = DealLost(
            organisation_id=uuid.uuid4(),
            occurred_at=datetime(2026, 11, 30, 9, 30, tzinfo=UTC),
            deal_id=uuid.uuid4(),
            client_id=uuid.uuid4(),
            stage_id=uuid.uuid4(),
            loss_reason_id=uuid.uuid4(),
            lost_tender=True,
            loss_making=False,
            public_conflict=False,
        )
        back = from_payload("deal.lost", to_payload(lost))
        assert isinstance(back, DealLost)
        assert back.occurred_at.tzinfo is not None
        assert back.lost_tender is True
        assert back.event_id == lost.event_id
        mention = CommentAdded(
            organisation_id=uuid.uuid4(),
            occurred_at=datetime(2026, 11, 30, tzinfo=UTC),
            comment_id=uuid.uuid4(),
            client_id=None,
            deal_id=uuid.uuid4(),
            parent_id=None,
            author_id=None,
            mentioned_user_ids=(uuid.uuid4(), uuid.uuid4()),
        )
        again = from_payload("comment.added", to_payload(mention))
        assert isinstance(again, CommentAdded)
        assert again.mentioned_user_ids == mention.mentioned_user_ids
        assigned = _instance(TaskAssigned)
        assert isinstance(from_payload("task.assigned", to_payload(assigned)), TaskAssigned)
        assert isinstance(assigned, TaskAssigned)
        assert assigned.reason in AssignmentReason

    def test_an_unknown_name_is_refused(self) -> None:
        with pytest.raises(LookupError):
            from_payload("deal.teleported", {})
