"""What happened in lead intake; recorded by the inbox item, handed to the unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.platform.messagebus import webhook_only
from domain.shared.events import DomainEvent, event


@webhook_only
@event("lead.received")
@dataclass(frozen=True, slots=True, kw_only=True)
class LeadReceived(DomainEvent):
    """A request became a lead: integrators get who asked and where they came from."""

    inbox_item_id: UUID
    source_kind: str
    channel_id: UUID | None = None
    person_name: str | None = None
    phone: str | None = None
    email: str | None = None
    source: str | None = None
    campaign: str | None = None
    # The client and deal it was matched to or opened.
    client_id: UUID | None = None
    deal_id: UUID | None = None
