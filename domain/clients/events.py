"""What happened to clients and contacts; recorded by the entities, handed to the unit of work
when they are saved."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.shared.events import DomainEvent, event


@event("client.created")
@dataclass(frozen=True, slots=True, kw_only=True)
class ClientCreated(DomainEvent):
    client_id: UUID
    responsible_id: UUID
    source_channel: str | None


@event("client.updated")
@dataclass(frozen=True, slots=True, kw_only=True)
class ClientUpdated(DomainEvent):
    client_id: UUID
    changed: tuple[str, ...]


@event("clients.merged")
@dataclass(frozen=True, slots=True, kw_only=True)
class ClientsMerged(DomainEvent):
    """``merged_id`` was folded into ``client_id`` (the survivor) with all its records."""

    client_id: UUID
    merged_id: UUID


@event("client.request_received")
@dataclass(frozen=True, slots=True, kw_only=True)
class ClientRequestReceived(DomainEvent):
    """An inbound request (form, call, letter) was attributed to the client."""

    client_id: UUID
    channel: str | None


@event("client.relationship_changed")
@dataclass(frozen=True, slots=True, kw_only=True)
class ClientRelationshipChanged(DomainEvent):
    client_id: UUID
    from_type: str
    to_type: str
    reason: str
    deal_id: UUID | None
    responsible_id: UUID


@event("contact.created")
@dataclass(frozen=True, slots=True, kw_only=True)
class ContactCreated(DomainEvent):
    contact_id: UUID
    client_id: UUID


@event("contact.updated")
@dataclass(frozen=True, slots=True, kw_only=True)
class ContactUpdated(DomainEvent):
    contact_id: UUID
    client_id: UUID
    changed: tuple[str, ...]
    # The client the contact belonged to, when the update moved it to another one.
    previous_client_id: UUID | None = None
