"""What callers ask of the clients context: typed inputs of its create and update use cases.

Update commands are partial: a field left ``UNSET`` keeps its value, ``None`` clears it (where
the field may be empty). Values are checked by the entities, not here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from domain.clients.custom_fields import FieldEntity, FieldType
from domain.clients.model import ClientKind, RelationshipType, Temperature
from domain.shared.patch import UNSET, Patch


@dataclass(frozen=True, slots=True)
class PhoneInput:
    number: str  # as written: +7 (912) 345-67-89, 0441234567...
    kind: str = "mobile"


@dataclass(frozen=True, slots=True)
class MessengerInput:
    kind: str
    handle: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NewContact:
    full_name: str
    position: str | None = None
    phones: Sequence[PhoneInput] = ()
    emails: Sequence[str] = ()
    messengers: Sequence[MessengerInput] = ()
    notes: str | None = None
    is_primary: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateContact:
    client_id: Patch[UUID] = UNSET  # moves the contact to another client
    full_name: Patch[str] = UNSET
    position: Patch[str | None] = UNSET
    phones: Patch[Sequence[PhoneInput] | None] = UNSET  # replaced as a whole; None empties
    emails: Patch[Sequence[str] | None] = UNSET
    messengers: Patch[Sequence[MessengerInput] | None] = UNSET
    notes: Patch[str | None] = UNSET
    is_primary: Patch[bool] = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateClient:
    name: str
    kind: ClientKind = ClientKind.COMPANY
    legal_name: str | None = None
    inn: str | None = None
    kpp: str | None = None
    ogrn: str | None = None
    edrpou: str | None = None
    sector: str | None = None
    segment_tags: Sequence[str] = ()
    source_channel: str | None = None
    source_campaign: str | None = None
    utm: Mapping[str, str] = field(default_factory=dict)
    temperature: Temperature = Temperature.COLD
    responsible_id: UUID | None = None  # the caller when None
    custom_fields: Mapping[str, object] = field(default_factory=dict)
    notes: str | None = None
    contacts: Sequence[NewContact] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateClient:
    kind: Patch[ClientKind] = UNSET
    name: Patch[str] = UNSET
    legal_name: Patch[str | None] = UNSET
    inn: Patch[str | None] = UNSET
    kpp: Patch[str | None] = UNSET
    ogrn: Patch[str | None] = UNSET
    edrpou: Patch[str | None] = UNSET
    sector: Patch[str | None] = UNSET
    segment_tags: Patch[Sequence[str] | None] = UNSET  # None empties
    source_channel: Patch[str | None] = UNSET
    source_campaign: Patch[str | None] = UNSET
    utm: Patch[Mapping[str, str] | None] = UNSET  # None empties
    temperature: Patch[Temperature] = UNSET
    responsible_id: Patch[UUID] = UNSET
    # Merged into the stored values; None for a key removes it.
    custom_fields: Patch[Mapping[str, object]] = UNSET
    notes: Patch[str | None] = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateCustomField:
    entity: FieldEntity
    key: str  # names the field in stored values and filters; never changes
    label: str
    type: FieldType  # never changes
    options: Sequence[str] = ()  # enum fields only
    required: bool = False
    position: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateCustomField:
    label: Patch[str] = UNSET
    options: Patch[Sequence[str]] = UNSET  # replaced as a whole
    required: Patch[bool] = UNSET
    position: Patch[int] = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateFollowUp:
    """A task created for a client's responsible on entering a relationship type."""

    relationship_type: RelationshipType
    task_title: str
    due_in_days: int = 1
    priority: str = "normal"  # low | normal | high
    is_active: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateFollowUp:
    relationship_type: Patch[RelationshipType] = UNSET
    task_title: Patch[str] = UNSET
    due_in_days: Patch[int] = UNSET
    priority: Patch[str] = UNSET
    is_active: Patch[bool] = UNSET
