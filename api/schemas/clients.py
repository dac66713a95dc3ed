from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import Field

from api.schemas.base import (
    CustomFieldValues,
    Name,
    Schema,
    StringMap,
    Text,
    given,
    given_not_null,
    given_unless_null,
)
from api.schemas.contacts import ContactIn, ContactRead
from domain.clients.commands import CreateClient, CreateFollowUp, UpdateClient, UpdateFollowUp
from domain.clients.duplicates import DuplicatePair
from domain.clients.model import (
    CLIENT_NAME_MAX,
    FOLLOW_UP_TITLE_MAX,
    LEGAL_NAME_MAX,
    NOTES_MAX,
    SECTOR_MAX,
    SOURCE_CAMPAIGN_MAX,
    SOURCE_CHANNEL_MAX,
    ClientKind,
    ClientView,
    MergePreview,
    RelationshipFollowUp,
    RelationshipTransition,
    RelationshipType,
    Temperature,
)
from domain.shared.patch import UNSET, Patch

ClientKindName = Literal["company", "person"]
TemperatureName = Literal["cold", "warm", "hot"]
RelationshipTypeName = Literal["cold", "potential", "current", "permanent"]
PriorityName = Literal["low", "normal", "high"]


class Source(Schema):
    channel: Name | None = Field(
        default=None, max_length=SOURCE_CHANNEL_MAX, description="e.g. website, call"
    )
    campaign: Name | None = Field(default=None, max_length=SOURCE_CAMPAIGN_MAX)
    utm: StringMap = Field(
        default_factory=dict, description="utm_source, utm_medium, utm_campaign..."
    )


class SourceRead(Schema):
    """As stored: rows written before the input limits are still readable."""

    channel: str | None = None
    campaign: str | None = None
    utm: dict[str, str] = Field(default_factory=dict)


class ClientCreate(Schema):
    kind: ClientKindName = "company"
    name: Name = Field(min_length=1, max_length=CLIENT_NAME_MAX)
    legal_name: Name | None = Field(default=None, max_length=LEGAL_NAME_MAX)
    inn: Name | None = Field(default=None, max_length=12, description="10 or 12 digits, checked")
    kpp: Name | None = Field(default=None, max_length=9)
    ogrn: Name | None = Field(default=None, max_length=15, description="13 or 15 digits, checked")
    edrpou: Name | None = Field(default=None, max_length=8, description="Ukraine: 8 digits")
    sector: Name | None = Field(default=None, max_length=SECTOR_MAX)
    segment_tags: list[Name] = Field(default_factory=list, max_length=50)
    source: Source | None = None
    temperature: TemperatureName = "cold"
    responsible_id: UUID | None = Field(
        default=None, description="An active user; the caller when omitted"
    )
    custom_fields: CustomFieldValues = Field(default_factory=dict)
    notes: Text | None = Field(default=None, max_length=NOTES_MAX)
    contacts: list[ContactIn] = Field(default_factory=list, max_length=50)
    confirm_duplicate: bool = Field(
        default=False,
        description="Create even if a client with the same phone, e-mail, tax id or a "
        "similar name exists (the 409 lists them)",
    )

    def to_command(self) -> CreateClient:
        source = self.source or Source()
        return CreateClient(
            kind=ClientKind(self.kind),
            name=self.name,
            legal_name=self.legal_name,
            inn=self.inn,
            kpp=self.kpp,
            ogrn=self.ogrn,
            edrpou=self.edrpou,
            sector=self.sector,
            segment_tags=list(self.segment_tags),
            source_channel=source.channel,
            source_campaign=source.campaign,
            utm=dict(source.utm),
            temperature=Temperature(self.temperature),
            responsible_id=self.responsible_id,
            custom_fields=dict(self.custom_fields),
            notes=self.notes,
            contacts=[c.to_command() for c in self.contacts],
        )


class ClientUpdate(Schema):
    kind: ClientKindName | None = None
    name: Name | None = Field(default=None, min_length=1, max_length=CLIENT_NAME_MAX)
    legal_name: Name | None = Field(default=None, max_length=LEGAL_NAME_MAX)
    inn: Name | None = Field(default=None, max_length=12)
    kpp: Name | None = Field(default=None, max_length=9)
    ogrn: Name | None = Field(default=None, max_length=15)
    edrpou: Name | None = Field(default=None, max_length=8)
    sector: Name | None = Field(default=None, max_length=SECTOR_MAX)
    segment_tags: list[Name] | None = Field(default=None, max_length=50)
    source: Source | None = None
    temperature: TemperatureName | None = None
    responsible_id: UUID | None = None
    custom_fields: CustomFieldValues | None = Field(
        default=None, description="Merged into the stored values; null for a key clears it"
    )
    notes: Text | None = Field(default=None, max_length=NOTES_MAX)
    confirm_duplicate: bool = False

    def to_command(self) -> UpdateClient:
        """Fields not sent stay UNSET; so do the parts of ``source`` not sent, and a null
        ``source`` clears all of them. A null custom_fields changes nothing."""
        kind = given_not_null(self, "kind", self.kind)
        temperature = given_not_null(self, "temperature", self.temperature)
        return UpdateClient(
            kind=kind if kind is UNSET else ClientKind(kind),
            name=given_not_null(self, "name", self.name),
            legal_name=given(self, "legal_name", self.legal_name),
            inn=given(self, "inn", self.inn),
            kpp=given(self, "kpp", self.kpp),
            ogrn=given(self, "ogrn", self.ogrn),
            edrpou=given(self, "edrpou", self.edrpou),
            sector=given(self, "sector", self.sector),
            segment_tags=given(self, "segment_tags", self.segment_tags),
            source_channel=self._source_part("channel"),
            source_campaign=self._source_part("campaign"),
            utm=self._source_part("utm"),
            temperature=temperature if temperature is UNSET else Temperature(temperature),
            responsible_id=given_not_null(self, "responsible_id", self.responsible_id),
            custom_fields=given_unless_null(self, "custom_fields", self.custom_fields),
            notes=given(self, "notes", self.notes),
        )

    def _source_part(self, name: str) -> Patch[Any]:
        if "source" not in self.model_fields_set:
            return UNSET
        if self.source is None:
            return None
        return given(self.source, name, getattr(self.source, name))


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
    source: SourceRead
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
    responsible_name: str | None = Field(default=None, description="The responsible's full name")
    last_activity_at: datetime | None = Field(
        default=None, description="When the last call, meeting, e-mail or note was recorded"
    )
    next_task_at: datetime | None = Field(
        default=None, description="Due time of the open task due first (null: none or undated)"
    )
    next_task_title: str | None = Field(default=None, description="That task's title")

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
            source=SourceRead(
                channel=c.source_channel, campaign=c.source_campaign, utm=dict(c.utm)
            ),
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
            responsible_name=view.work.responsible_name,
            last_activity_at=view.work.last_activity_at,
            next_task_at=view.work.next_task_at,
            next_task_title=view.work.next_task_title,
        )


class ClientPage(Schema):
    items: list[ClientRead]
    next_cursor: str | None


class ClientCountRead(Schema):
    total: int = Field(description="Clients the filters select, counted up to a limit")
    capped: bool = Field(description="True when there are at least `total`, maybe more")


MergeMoves = Literal["contacts", "deals", "tasks", "activities", "comments", "attachments"]


class MergePreviewRead(Schema):
    survivor: ClientRead
    other: ClientRead
    moves: dict[MergeMoves, int] = Field(description="How many of the other's records move")
    filled: list[str] = Field(description="Empty fields of the survivor the other's values fill")

    @classmethod
    def of(cls, preview: MergePreview) -> MergePreviewRead:
        return cls(
            survivor=ClientRead.of(preview.survivor),
            other=ClientRead.of(preview.other),
            moves=preview.moves,
            filled=list(preview.filled),
        )


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
    channel: Name | None = Field(
        default=None, max_length=SOURCE_CHANNEL_MAX, description="form, call, e-mail..."
    )


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
    task_title: Name = Field(min_length=1, max_length=FOLLOW_UP_TITLE_MAX)
    due_in_days: int = Field(default=1, ge=0, le=365)
    priority: PriorityName = "normal"
    is_active: bool = True

    def to_command(self) -> CreateFollowUp:
        return CreateFollowUp(
            relationship_type=RelationshipType(self.relationship_type),
            task_title=self.task_title,
            due_in_days=self.due_in_days,
            priority=self.priority,
            is_active=self.is_active,
        )


class FollowUpUpdate(Schema):
    relationship_type: RelationshipTypeName | None = None
    task_title: Name | None = Field(default=None, min_length=1, max_length=FOLLOW_UP_TITLE_MAX)
    due_in_days: int | None = Field(default=None, ge=0, le=365)
    priority: PriorityName | None = None
    is_active: bool | None = None

    def to_command(self) -> UpdateFollowUp:
        """Null changes nothing."""
        kind = given_unless_null(self, "relationship_type", self.relationship_type)
        return UpdateFollowUp(
            relationship_type=kind if kind is UNSET else RelationshipType(kind),
            task_title=given_unless_null(self, "task_title", self.task_title),
            due_in_days=given_unless_null(self, "due_in_days", self.due_in_days),
            priority=given_unless_null(self, "priority", self.priority),
            is_active=given_unless_null(self, "is_active", self.is_active),
        )


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
