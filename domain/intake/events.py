"""What happened in lead intake; recorded by the inbox item, handed to the unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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


@webhook_only
@event("call.missed")
@dataclass(frozen=True, slots=True, kw_only=True)
class CallMissed(DomainEvent):
    """An inbound call nobody answered; ``task_id`` is the callback task it opened (or the one
    already open for the number), ``assignee_id`` who is to call back."""

    call_id: UUID
    integration_id: UUID | None = None
    direction: str
    result: str
    client_number: str | None = None
    company_number: str | None = None
    source: str | None = None
    campaign: str | None = None
    client_id: UUID | None = None
    deal_id: UUID | None = None
    started_at: datetime
    task_id: UUID | None = None
    assignee_id: UUID | None = None


@webhook_only
@event("call.answered")
@dataclass(frozen=True, slots=True, kw_only=True)
class CallAnswered(DomainEvent):
    """A call (inbound or outbound) was answered; ``closed_task_ids`` are the callback tasks
    of earlier missed calls from that number that it closed."""

    call_id: UUID
    integration_id: UUID | None = None
    direction: str
    client_number: str | None = None
    company_number: str | None = None
    source: str | None = None
    campaign: str | None = None
    client_id: UUID | None = None
    deal_id: UUID | None = None
    started_at: datetime
    employee_id: UUID | None = None
    extension: str | None = None
    talk_seconds: int | None = None
    recording_id: str | None = None
    closed_task_ids: tuple[UUID, ...] = ()
