"""What happens on a call list: an outcome recorded on an item, and a qualified lead handed
to sales (the telemarketer's "qualified leads" figure counts these)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.platform.messagebus import webhook_only
from domain.shared.events import DomainEvent, event


@webhook_only
@event("call_list.item_outcome")
@dataclass(frozen=True, slots=True, kw_only=True)
class CallListItemOutcome(DomainEvent):
    """A telemarketer (``actor_id``) called the item's number; ``closed``: it leaves the queue,
    else it is due again at ``due_at``."""

    call_list_id: UUID
    item_id: UUID
    outcome: str
    phone: str
    attempts: int
    closed: bool
    due_at: datetime | None = None
    client_id: UUID | None = None
    activity_id: UUID | None = None


@webhook_only
@event("call_list.lead_qualified")
@dataclass(frozen=True, slots=True, kw_only=True)
class CallListLeadQualified(DomainEvent):
    """The number was interested: a lead went to sales through distribution; ``telemarketer_id``
    qualified it, ``assignee_id`` is the seller who got it."""

    call_list_id: UUID
    item_id: UUID
    telemarketer_id: UUID
    lead_id: UUID | None = None
    client_id: UUID | None = None
    deal_id: UUID | None = None
    assignee_id: UUID | None = None
