"""What happens to a complaint. ``complaint.public_conflict_changed`` is karma's to handle; the
others are for integrators and the automation rules (complaint.overdue escalates to the
owner's head through a rule)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.platform.messagebus import webhook_only
from domain.shared.events import DomainEvent, event


@webhook_only
@event("complaint.created")
@dataclass(frozen=True, slots=True, kw_only=True)
class ComplaintCreated(DomainEvent):
    complaint_id: UUID
    client_id: UUID
    deal_id: UUID | None
    owner_id: UUID
    kind: str
    deadline: date
    public_conflict: bool


@webhook_only
@event("complaint.updated")
@dataclass(frozen=True, slots=True, kw_only=True)
class ComplaintUpdated(DomainEvent):
    """Fields other than the status changed (the owner, the deadline...): ``changed`` names
    them."""

    complaint_id: UUID
    client_id: UUID
    deal_id: UUID | None
    owner_id: UUID
    changed: tuple[str, ...]


@webhook_only
@event("complaint.status_changed")
@dataclass(frozen=True, slots=True, kw_only=True)
class ComplaintStatusChanged(DomainEvent):
    complaint_id: UUID
    client_id: UUID
    deal_id: UUID | None
    owner_id: UUID
    from_status: str
    to_status: str
    resolution: str | None


@webhook_only
@event("complaint.overdue")
@dataclass(frozen=True, slots=True, kw_only=True)
class ComplaintOverdue(DomainEvent):
    """Raised by the sweep once per complaint and deadline: still new or in work after its
    deadline's day (in the organisation's time zone)."""

    complaint_id: UUID
    client_id: UUID
    deal_id: UUID | None
    owner_id: UUID
    kind: str
    status: str
    deadline: date


@event("complaint.public_conflict_changed")
@dataclass(frozen=True, slots=True, kw_only=True)
class ComplaintPublicConflictChanged(DomainEvent):
    """The complaint records (or no longer records) a public conflict with the client: karma
    sets or removes the client's public-conflict flag keyed by the complaint."""

    complaint_id: UUID
    client_id: UUID
    public_conflict: bool
