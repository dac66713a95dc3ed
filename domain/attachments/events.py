"""What happened to attached files."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.platform.messagebus import webhook_only
from domain.shared.events import DomainEvent, event


@webhook_only
@event("attachment.added")
@dataclass(frozen=True, slots=True, kw_only=True)
class AttachmentAdded(DomainEvent):
    attachment_id: UUID
    client_id: UUID | None
    deal_id: UUID | None
    document_type: str
    filename: str
