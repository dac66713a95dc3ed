from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import Field

from api.schemas.base import Schema
from api.schemas.contacts import ContactIn, ContactRead
from domain.clients.duplicates import DuplicatePair
from domain.clients.model import ClientView, RelationshipFollowUp, RelationshipTransition

ClientKindName = Literal["company", "person"]
TemperatureName = Literal["cold", "warm", "hot"]
RelationshipTypeName = Literal["cold", "potential", "current", "permanent"]
PriorityName = Literal["low", "normal", "high"]


class Source(Schema):
    channel: str | None = Field(default=None, max_length=100, description="e.g. website, call")
    campaign: str | None = Field(default=None, max_length=200)
    utm: dict[str, str] = Field(
        default_factory=dict, description="utm_source, utm_medium, utm_campaign..."
    )


class _ClientFields(Schema):
    def to_domain(self) -> dict[str, Any]:
        data = self.model_dump(
            exclude_unset=True, exclude={"source", "contacts", "confirm_duplicate"}
        )
        source: Source | None = getattr(self, "source", None)
        if "source" in self.model_fields_set:
            fields_set = source.model_fields_set if source else set()
            if source is None or "channel" in fields_set:
                data["source_channel"] = source.channel if source else None
            if source is None or "campaign" in fields_set:
                data["source_campaign"] = source.campaign if source else None
            if source is None or "utm" in fields_set:
                data["utm"] = source.utm if source else {}
        return data


class ClientCreate(_ClientFields):
    kind: ClientKindName = "company"
    name: str = Field(min_length=1, max_length=300)
    legal_name: str | None = Field(default=None, max_length=500)
    inn: str | None = Field(default=None, max_length=12, description="10 or 12 digits, checked")
    kpp: str | None = Field(default=None, max_length=9)
    ogrn: str | None = Field(default=None, max_length=15, description="13 or 15 digits, checked")
    edrpou: str | None = Field(default=None, max_length=8, description="Ukraine: 8 digits")
    sector: str | None = Field(default=None, max_length=200)
    segment_tags: list[str] = Field(default_factory=list, max_length=50)
    source: Source | None = None
    temperature: TemperatureName = "cold"
    responsible_id: UUID | None = Field(
        default=None, description="An active user; the caller when omitted"
    )
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    notes: str | None = Field(default=None, max_length=20000)
    contacts: list[ContactIn] = Field(default_factory=list, max_length=50)
    confirm_duplicate: bool = Field(
        default=False,
        description="Create even if a client with the same phone, e-mail, tax id or a "
        "similar name exists (the 409 lists them)",
    )


class ClientUpdate(_ClientFields):
    kind: ClientKindName | None = None
    name: str | None = Field(default=None, min_length=1, max_length=300)
    legal_name: str | None = Field(default=None, max_length=500)
    inn: str | None = Field(default=None, max_length=12)
    kpp: str | None = Field(default=None, max_length=9)
    ogrn: str | None = Field(default=None, max_length=15)
    edrpou: str | None = Field(default=None, max_length=8)
    sector: str | None = Field(default=None, max_length=200)
    segment_tags: list[str] | None = Field(default=None, max_length=50)
    source: Source | None = None
    temperature: TemperatureName | None = None
    responsible_id: UUID | None = None
    custom_fields: dict[str, Any] | None = Field(
        default=None, description="Merged into the stored values; null for a key clears it"
    )
    notes: str | None = Field(default=None, max_length=20000)
    confirm_duplicate: bool = False


class ClientRead(Schema):
    id: UUID
    kind: ClientKindName
    name: str
    legal_name: str | None
    inn: str | None
    kpp: str | None
    ogrn: str | None
    edrpou: str | None
    sector: str | None
    segment_tags: list[str]
    source: Source
    temperature: TemperatureName
    relationship_type: RelationshipTypeName = Field(description="Derived; never set by hand")
    responsible_id: UUID
    custom_fields: dict[str, Any]
    notes: str | None
    inbound_requests: int
    contacts: list[ContactRead]
    created_by: UUID | None
    created_at: datetime | None
    updated_at: datetime | None
    version: int

    @classmethod
    def of(cls, view: ClientView) -> ClientRead:
        c = view.client
        return cls(
            id=c.id,
            kind=c.kind.value,
            name=c.name,
            legal_name=c.legal_name,
            inn=c.inn,
            kpp=c.kpp,
            ogrn=c.ogrn,
            edrpou=c.edrpou,
            sector=c.sector,
            segment_tags=list(c.segment_tags),
            source=Source(channel=c.source_channel, campaign=c.source_campaign, utm=dict(c.utm)),
            temperature=c.temperature.value,
            relationship_type=c.relationship_type.value,
            responsible_id=c.responsible_id,
            custom_fields=dict(c.custom_fields),
            notes=c.notes,
            inbound_requests=c.inbound_requests,
            contacts=[ContactRead.of(x) for x in view.contacts],
            created_by=c.created_by,
            created_at=c.created_at,
            updated_at=c.updated_at,
            version=c.version,
        )


class ClientPage(Schema):
    items: list[ClientRead]
    next_cursor: str | None


class DuplicateCandidateRead(Schema):
    id: UUID
    name: str
    responsible_id: UUID | None = Field(description="Who already works with it")
    responsible_name: str | None = Field(default=None, description="Their full name")
    reasons: list[Literal["phone", "email", "inn", "edrpou", "similar_name"]]
    client_id: UUID | None = Field(default=None, description="For contact candidates")


class DuplicateProblem(Schema):
    """409 problem+json of a create or update that matches existing records."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    candidates: list[DuplicateCandidateRead]


class MergedProblem(Schema):
    """404 problem+json for a client merged into another."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    merged_into_id: UUID | None = Field(default=None, description="The surviving client")


class ClientRef(Schema):
    id: UUID
    name: str
    responsible_id: UUID


class DuplicatePairRead(Schema):
    first: ClientRef
    second: ClientRef
    reasons: list[Literal["phone", "email", "inn", "edrpou", "similar_name"]]

    @classmethod
    def of(cls, p: DuplicatePair) -> DuplicatePairRead:
        return cls(
            first=ClientRef(
                id=p.first_id, name=p.first_name, responsible_id=p.first_responsible_id
            ),
            second=ClientRef(
                id=p.second_id, name=p.second_name, responsible_id=p.second_responsible_id
            ),
            reasons=[r.value for r in p.reasons],
        )


class DuplicatePage(Schema):
    items: list[DuplicatePairRead]
    next_cursor: str | None


class MergeRequest(Schema):
    other_id: UUID = Field(description="The client absorbed into the one in the path")


class InboundRequestCreate(Schema):
    channel: str | None = Field(default=None, max_length=100, description="form, call, e-mail...")


class RelationshipTransitionRead(Schema):
    id: UUID
    from_type: RelationshipTypeName | None
    to_type: RelationshipTypeName
    reason: str
    deal_id: UUID | None
    actor_id: UUID | None
    at: datetime

    @classmethod
    def of(cls, t: RelationshipTransition) -> RelationshipTransitionRead:
        return cls(
            id=t.id,
            from_type=t.from_type.value if t.from_type else None,
            to_type=t.to_type.value,
            reason=t.reason,
            deal_id=t.deal_id,
            actor_id=t.actor_id,
            at=t.at,
        )


class RelationshipTransitionPage(Schema):
    items: list[RelationshipTransitionRead]
    next_cursor: str | None


class FollowUpCreate(Schema):
    relationship_type: RelationshipTypeName
    task_title: str = Field(min_length=1, max_length=300)
    due_in_days: int = Field(default=1, ge=0, le=365)
    priority: PriorityName = "normal"
    is_active: bool = True


class FollowUpUpdate(Schema):
    relationship_type: RelationshipTypeName | None = None
    task_title: str | None = Field(default=None, min_length=1, max_length=300)
    due_in_days: int | None = Field(default=None, ge=0, le=365)
    priority: PriorityName | None = None
    is_active: bool | None = None


class FollowUpRead(Schema):
    id: UUID
    relationship_type: RelationshipTypeName
    task_title: str
    due_in_days: int
    priority: PriorityName
    is_active: bool
    created_at: datetime | None
    version: int

    @classmethod
    def of(cls, f: RelationshipFollowUp) -> FollowUpRead:
        return cls(
            id=f.id,
            relationship_type=f.relationship_type.value,
            task_title=f.task_title,
            due_in_days=f.due_in_days,
            priority=f.priority,
            is_active=f.is_active,
            created_at=f.created_at,
            version=f.version,
        )
