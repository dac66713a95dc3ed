"""Who reacts to which domain event, and when.

Two kinds of reaction, as in the flow of STYLE.md:

- **in-transaction handlers** ``async def handler(event, uow)`` run inside the unit of work's
  commit, before the outbox is written, for rules that must hold in the same transaction (the
  relationship type and its follow-up tasks). They may save entities, whose events are handled
  in turn. A handler that raises rolls the whole change back.
- **subscribers** run after commit, in the worker, once the event has been read back from the
  outbox (notifications, outgoing webhooks, later KPI and karma). Delivery is at least once,
  so every subscriber is idempotent: replaying an event changes nothing.

An event type that needs neither is declared ``webhook_only`` where it is defined: it exists
for integrators (it still reaches the webhook subscriber, which takes every event).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from domain.shared.events import EVENT_TYPES, DomainEvent

if TYPE_CHECKING:
    from domain.platform.ports import UnitOfWork

T = TypeVar("T", bound=type[DomainEvent])

InTransactionHandler = Callable[[Any, "UnitOfWork"], Awaitable[None]]

# Events that exist for integrators only; every other event needs a handler or subscriber
# (a test checks it), so a fact nobody reacts to is a decision, not an accident.
WEBHOOK_ONLY: set[type[DomainEvent]] = set()


def webhook_only(cls: T) -> T:
    """Class decorator (above ``@event``): integrators subscribe to it; the product does not."""
    WEBHOOK_ONLY.add(cls)
    return cls


class Subscriber(Protocol):
    """An after-commit reaction, run by the worker for each event read from the outbox."""

    @property
    def name(self) -> str:
        """Stable name, for logs."""
        ...

    async def __call__(self, event: DomainEvent) -> None: ...


class EventBus:
    """The registry the unit of work (handlers) and the outbox dispatcher (subscribers) read."""

    def __init__(self) -> None:
        self._handlers: defaultdict[type[DomainEvent], list[InTransactionHandler]] = defaultdict(
            list
        )
        self._subscribers: defaultdict[type[DomainEvent], list[Subscriber]] = defaultdict(list)
        self._every_event: list[Subscriber] = []

    def handle(self, event_type: type[DomainEvent], handler: InTransactionHandler) -> None:
        self._handlers[event_type].append(handler)

    def subscribe(self, event_type: type[DomainEvent], subscriber: Subscriber) -> None:
        self._subscribers[event_type].append(subscriber)

    def subscribe_to_every_event(self, subscriber: Subscriber) -> None:
        self._every_event.append(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        """Remove a subscriber wherever it was registered (tests add and remove probes)."""
        for subscribers in self._subscribers.values():
            if subscriber in subscribers:
                subscribers.remove(subscriber)
        if subscriber in self._every_event:
            self._every_event.remove(subscriber)

    def handlers_for(self, event: DomainEvent) -> list[InTransactionHandler]:
        return self._handlers.get(type(event), [])

    def subscribers_for(self, event: DomainEvent) -> list[Subscriber]:
        return [*self._subscribers.get(type(event), []), *self._every_event]

    def unattended(self, event_types: Iterable[type[DomainEvent]] | None = None) -> list[str]:
        """Names of event types with no handler, no subscriber of their own and no
        ``webhook_only`` declaration."""
        types_ = EVENT_TYPES.values() if event_types is None else event_types
        return sorted(
            t.name
            for t in types_
            if not self._handlers.get(t) and not self._subscribers.get(t) and t not in WEBHOOK_ONLY
        )
