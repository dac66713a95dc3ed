from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from api.schemas.base import Schema
from domain.intake.lead_inbox import InboxLead, LeadCounts
from domain.intake.leads import LeadStatus


class LeadRead(Schema):
    id: UUID
    kind: str = Field(description="form, telephony (a missed call to call back) or api")
    status: LeadStatus = Field(description="open (in the inbox), closed (converted) or spam")
    inbox_item_id: UUID = Field(description="The stored request it came from")
    channel_id: UUID | None = Field(description="The form (or telephony integration)")
    channel_name: str | None = Field(description="The form's name")
    source: str | None
    campaign: str | None
    person_name: str | None
    phone: str | None
    email: str | None
    comment: str | None
    client_id: UUID | None
    client_name: str | None
    deal_id: UUID | None
    deal_title: str | None
    match: str | None = Field(
        description="How it was taken in: new_client, client (a known client) or open_deal"
    )
    assignee_id: UUID | None = Field(description="Who has it; null: nobody yet")
    assignee_name: str | None
    assigned_at: datetime | None
    assignment: str | None = Field(
        description="Why the assignee has it: taken, manual (a head), or the distribution "
        "rule's kind"
    )
    received_at: datetime
    respond_by: datetime | None = Field(
        description="The deadline for the first answer (call back) while none was given"
    )
    escalate_at: datetime | None = Field(description="When an unassigned lead goes to a head")
    first_response_at: datetime | None
    version: int

    @classmethod
    def of(cls, lead: InboxLead) -> LeadRead:
        return cls(
            id=lead.id,
            kind=lead.kind,
            status=lead.status,
            inbox_item_id=lead.inbox_item_id,
            channel_id=lead.channel_id,
            channel_name=lead.channel_name,
            source=lead.source,
            campaign=lead.campaign,
            person_name=lead.person_name,
            phone=lead.phone,
            email=lead.email,
            comment=lead.comment,
            client_id=lead.client_id,
            client_name=lead.client_name,
            deal_id=lead.deal_id,
            deal_title=lead.deal_title,
            match=lead.match,
            assignee_id=lead.assignee_id,
            assignee_name=lead.assignee_name,
            assigned_at=lead.assigned_at,
            assignment=lead.assignment,
            received_at=lead.received_at,
            respond_by=lead.respond_by,
            escalate_at=lead.escalate_at,
            first_response_at=lead.first_response_at,
            version=lead.version,
        )


class LeadPage(Schema):
    items: list[LeadRead]
    next_cursor: str | None
    can_assign: bool = Field(description="Whether the caller may assign leads (a head)")


class LeadCountsRead(Schema):
    open: int = Field(description="Open leads the caller sees")
    unassigned: int = Field(description="Open leads nobody has: anyone may take them")
    mine: int = Field(description="Open leads the caller has")
    overdue: int = Field(description="Open leads past their deadline without a first answer")

    @classmethod
    def of(cls, counts: LeadCounts) -> LeadCountsRead:
        return cls(
            open=counts.open,
            unassigned=counts.unassigned,
            mine=counts.mine,
            overdue=counts.overdue,
        )


class LeadAssign(Schema):
    assignee_id: UUID = Field(description="An active person the head sees (their team)")
