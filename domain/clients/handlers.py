"""In-transaction handlers of the clients context: the relationship type follows the history
of deals, interactions and inbound requests in the same transaction as the change."""

from __future__ import annotations

from domain.platform.messagebus import EventBus


def register(bus: EventBus) -> None:
    pass
