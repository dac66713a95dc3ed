"""Domain events: facts that entities record when their state changes.

An event is a frozen dataclass with a stable dotted ``name`` (``deal.stage_changed``), the
organisation, the moment, the acting user and its own id. Entities append events to their
``events`` list; the repositories hand them to the unit of work, which runs the in-transaction
handlers and writes every event to the outbox on commit (see ``domain/platform/messagebus.py``).

Events travel through the outbox as JSON, so every field type must be one that
``to_payload``/``from_payload`` round-trip: UUID, datetime, date, Decimal, str, int, bool,
enums, ``X | None``, ``tuple[X, ...]`` and ``dict[str, str]``.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar, Protocol, TypeVar
from uuid import UUID

from domain.shared.ids import new_id


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainEvent:
    name: ClassVar[str] = ""

    organisation_id: UUID
    occurred_at: datetime
    actor_id: UUID | None = None
    event_id: UUID = field(default_factory=new_id)


# How many automation rules deep the events being raised now are: 0 for a person's or a job's
# change; a rule that runs for an event of depth d makes its changes at d + 1. The outbox keeps
# it with the event (``DEPTH_KEY`` in the payload) and the dispatcher sets it again while the
# event's subscribers run, so rules can stop a chain of rules triggering rules.
causation_depth: ContextVar[int] = ContextVar("causation_depth", default=0)
DEPTH_KEY = "_causation_depth"


class EventSource(Protocol):
    """An entity that records events for its repository to hand over."""

    events: list[DomainEvent]


E = TypeVar("E", bound=type[DomainEvent])

# Every event type by its stable name; the outbox stores the name and rebuilds the type.
EVENT_TYPES: dict[str, type[DomainEvent]] = {}


def event(name: str) -> Callable[[E], E]:
    """Class decorator (outermost, above ``@dataclass``) that names and registers an event
    type. Names are stable: webhooks subscribers and stored outbox rows rely on them."""

    def register(cls: E) -> E:
        if name in EVENT_TYPES and EVENT_TYPES[name] is not cls:
            raise ValueError(f"event name {name!r} is taken by {EVENT_TYPES[name].__name__}")
        cls.name = name
        EVENT_TYPES[name] = cls
        return cls

    return register


def take_events(entity: EventSource) -> list[DomainEvent]:
    """The entity's recorded events, leaving its list empty (each is handed over once)."""
    taken = list(entity.events)
    entity.events.clear()
    return taken


# --- JSON round trip for the outbox -----------------------------------------------------


def _dump(value: object) -> object:
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list | frozenset):
        return [_dump(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _dump(item) for key, item in value.items()}
    return value


def to_payload(evt: DomainEvent) -> dict[str, Any]:
    """The event's fields as JSON-safe values (the outbox row's ``payload``)."""
    return {f.name: _dump(getattr(evt, f.name)) for f in dataclasses.fields(evt)}


def _load(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return _load(options[0], value)
    if origin is tuple:
        item = typing.get_args(kind)[0]
        return tuple(_load(item, element) for element in value)
    if origin is dict or kind is Any:
        return value
    if kind is UUID:
        return UUID(value)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is Decimal:
        return Decimal(value)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(value)
    return value


def from_payload(name: str, payload: Mapping[str, Any]) -> DomainEvent:
    """Rebuild a stored event; raises LookupError for a name no code knows any more."""
    cls = EVENT_TYPES.get(name)
    if cls is None:
        raise LookupError(f"unknown event {name!r}")
    hints = typing.get_type_hints(cls)
    values = {
        f.name: _load(hints[f.name], payload[f.name])
        for f in dataclasses.fields(cls)
        if f.name in payload
    }
    return cls(**values)
