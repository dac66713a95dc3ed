"""Typed inputs of the complaints use cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.complaints.model import ComplaintKind


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordComplaint:
    client_id: UUID
    kind: ComplaintKind
    description: str
    deal_id: UUID | None = None  # one of the client's deals
    owner_id: UUID | None = None  # the client's responsible when None
    deadline: date | None = None  # the kind's working days from today when None
    public_conflict: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class EditComplaint:
    """None leaves a field as it is (none of them can be emptied)."""

    kind: ComplaintKind | None = None
    description: str | None = None
    owner_id: UUID | None = None
    deadline: date | None = None
    public_conflict: bool | None = None
