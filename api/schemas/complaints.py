from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import Field

from api.schemas.base import Day, Schema, Text
from domain.complaints.commands import EditComplaint, RecordComplaint
from domain.complaints.model import (
    DESCRIPTION_MAX,
    RESOLUTION_MAX,
    ComplaintKind,
    ComplaintStatus,
    OwnerFigures,
)
from domain.complaints.services import ComplaintView


class ComplaintCreate(Schema):
    client_id: UUID
    deal_id: UUID | None = Field(default=None, description="One of the client's deals")
    kind: ComplaintKind
    description: Text = Field(min_length=1, max_length=DESCRIPTION_MAX)
    owner_id: UUID | None = Field(
        default=None, description="Who answers it; the client's responsible when omitted"
    )
    deadline: Day | None = Field(
        default=None,
        description="From today up to 366 days ahead; the kind's working days (3 or 5) from "
        "today when omitted",
    )
    public_conflict: bool = Field(
        default=False, description="Records the public-conflict karma flag on the client"
    )

    def to_command(self) -> RecordComplaint:
        return RecordComplaint(
            client_id=self.client_id,
            deal_id=self.deal_id,
            kind=self.kind,
            description=self.description,
            owner_id=self.owner_id,
            deadline=self.deadline,
            public_conflict=self.public_conflict,
        )


class ComplaintUpdate(Schema):
    """Fields not sent (or null) stay as they are."""

    kind: ComplaintKind | None = None
    description: Text | None = Field(default=None, min_length=1, max_length=DESCRIPTION_MAX)
    owner_id: UUID | None = None
    deadline: Day | None = None
    public_conflict: bool | None = None

    def to_command(self) -> EditComplaint:
        return EditComplaint(
            kind=self.kind,
            description=self.description,
            owner_id=self.owner_id,
            deadline=self.deadline,
            public_conflict=self.public_conflict,
        )


class ComplaintClose(Schema):
    resolution: Text = Field(min_length=1, max_length=RESOLUTION_MAX)


class ComplaintRead(Schema):
    id: UUID
    client_id: UUID
    client_name: str | None
    deal_id: UUID | None
    deal_title: str | None
    kind: ComplaintKind
    description: str
    owner_id: UUID
    owner_name: str | None
    deadline: date
    status: ComplaintStatus
    resolution: str | None
    resolved_at: datetime | None
    public_conflict: bool
    is_overdue: bool = Field(description="Open after its deadline's day (organisation's time)")
    created_by: UUID | None
    created_at: datetime | None
    updated_at: datetime | None
    version: int

    @classmethod
    def of(cls, view: ComplaintView) -> ComplaintRead:
        row = view.row
        c = row.complaint
        return cls(
            id=c.id,
            client_id=c.client_id,
            client_name=row.client_name,
            deal_id=c.deal_id,
            deal_title=row.deal_title,
            kind=c.kind,
            description=c.description,
            owner_id=c.owner_id,
            owner_name=row.owner_name,
            deadline=c.deadline,
            status=c.status,
            resolution=c.resolution,
            resolved_at=c.resolved_at,
            public_conflict=c.public_conflict,
            is_overdue=view.is_overdue,
            created_by=c.created_by,
            created_at=c.created_at,
            updated_at=c.updated_at,
            version=c.version,
        )


class ComplaintPage(Schema):
    items: list[ComplaintRead]
    next_cursor: str | None


class ComplaintOwnerRead(Schema):
    owner_id: UUID
    owner_name: str
    total: int
    open: int
    overdue: int
    resolved: int
    rejected: int
    median_hours_to_resolve: float | None
    average_hours_to_resolve: float | None

    @classmethod
    def of(cls, f: OwnerFigures) -> ComplaintOwnerRead:
        return cls(
            owner_id=f.owner_id,
            owner_name=f.owner_name,
            total=f.total,
            open=f.open,
            overdue=f.overdue,
            resolved=f.resolved,
            rejected=f.rejected,
            median_hours_to_resolve=f.median_hours_to_resolve,
            average_hours_to_resolve=f.average_hours_to_resolve,
        )


class ComplaintReportRead(Schema):
    date_from: date
    date_to: date
    items: list[ComplaintOwnerRead]
