"""Clients (companies and persons) and their contacts."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.clients.events import (
    ClientCreated,
    ClientRelationshipChanged,
    ClientRequestReceived,
    ClientsMerged,
    ClientUpdated,
    ContactCreated,
    ContactUpdated,
)
from domain.clients.legal import validate_edrpou, validate_inn, validate_kpp, validate_ogrn
from domain.shared.email import NOT_AN_EMAIL, validate_email
from domain.shared.errors import NOT_AN_EMAIL_CODE, FieldProblem, InvalidInput
from domain.shared.events import DomainEvent
from domain.shared.ids import new_id
from domain.shared.patch import UNSET
from domain.shared.phone import normalise_phone
from domain.shared.text import clean_name, clean_text

if TYPE_CHECKING:
    from domain.clients.commands import (
        CreateClient,
        CreateFollowUp,
        NewContact,
        UpdateClient,
        UpdateContact,
        UpdateFollowUp,
    )

# Field limits, shared with the API schemas (api/schemas/clients.py, contacts.py).
CLIENT_NAME_MAX = 300
LEGAL_NAME_MAX = 500
SECTOR_MAX = 200
SEGMENT_TAG_MAX = 100
SOURCE_CHANNEL_MAX = 100
SOURCE_CAMPAIGN_MAX = 200
UTM_KEY_MAX = 64
UTM_VALUE_MAX = 500
UTM_KEYS_MAX = 20
NOTES_MAX = 20_000
CONTACT_NAME_MAX = 300
POSITION_MAX = 200
MESSENGER_HANDLE_MAX = 200
FOLLOW_UP_TITLE_MAX = 300


class ClientKind(enum.StrEnum):
    COMPANY = "company"
    PERSON = "person"


class Temperature(enum.StrEnum):
    COLD = "cold"
    WARM = "warm"
    HOT = "hot"


class RelationshipType(enum.StrEnum):
    COLD = "cold"
    POTENTIAL = "potential"
    CURRENT = "current"
    PERMANENT = "permanent"


class PhoneKind(enum.StrEnum):
    MOBILE = "mobile"
    WORK = "work"
    HOME = "home"
    FAX = "fax"
    OTHER = "other"


# Legal forms that do not tell two companies apart: "ООО «Ромашка»" and "Ромашка ООО" are the
# same name for duplicate search. Long forms first, so their words are not left behind.
_LEGAL_FORMS = (
    "общество с ограниченной ответственностью",
    "публичное акционерное общество",
    "открытое акционерное общество",
    "закрытое акционерное общество",
    "непубличное акционерное общество",
    "акционерное общество",
    "индивидуальный предприниматель",
    "товариство з обмеженою відповідальністю",
    "фізична особа підприємець",
    "фізична особа-підприємець",
    "ооо",
    "оао",
    "зао",
    "пао",
    "нао",
    "ао",
    "ип",
    "тов",
    "тоо",
    "пп",
    "фоп",
    "чп",
    "llc",
    "ltd",
    "inc",
)
_LEGAL_FORM_RE = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(f) for f in _LEGAL_FORMS) + r")(?!\w)", re.UNICODE
)
_NOT_WORD = re.compile(r"[^\w]+|_", re.UNICODE)


def name_key(name: str) -> str:
    """A name reduced for comparison: lower-cased, ё as е, without quotes, punctuation and
    legal-form words; single spaces."""
    text = name.lower().replace("ё", "е")
    text = _NOT_WORD.sub(" ", text)
    text = _LEGAL_FORM_RE.sub(" ", text)
    key = " ".join(text.split())
    # A name that is nothing but a legal form still needs a key.
    return key or " ".join(_NOT_WORD.sub(" ", name.lower()).split())


def normalise_email(value: str, field_name: str = "emails") -> str:
    """E-mail addresses are compared and stored lower-cased."""
    cleaned = validate_email(value, field_name).lower()
    if "." not in cleaned.partition("@")[2]:
        raise InvalidInput(field_name, NOT_AN_EMAIL, code=NOT_AN_EMAIL_CODE)
    return cleaned


REGION_BY_CURRENCY = {"RUB": "RU", "UAH": "UA", "KZT": "KZ", "BYN": "BY"}
REGIONS = ("RU", "UA", "KZ", "BY")


def phone_region(currency: str | None, requested: str | None = None) -> str:
    """The country assumed for numbers written without +: the one asked for, else the
    organisation's by its currency, else Russia."""
    if requested:
        region = requested.strip().upper()
        if region not in REGIONS:
            raise InvalidInput(("query", "region"), f"must be one of {', '.join(REGIONS)}")
        return region
    return REGION_BY_CURRENCY.get(currency or "", "RU")


def _tags(values: Iterable[str]) -> list[str]:
    tags: list[str] = []
    for raw in values:
        tag = clean_name(raw, "segment_tags", max_length=SEGMENT_TAG_MAX)
        if tag not in tags:
            tags.append(tag)
    return tags


def clean_utm(values: Mapping[str, Any], field_name: str = "source.utm") -> dict[str, str]:
    """UTM tags of a client or a deal: a few single-line keys and values."""
    if len(values) > UTM_KEYS_MAX:
        raise InvalidInput(field_name, f"must have at most {UTM_KEYS_MAX} keys")
    utm: dict[str, str] = {}
    for key, value in values.items():
        k = clean_name(str(key), field_name, max_length=UTM_KEY_MAX)
        utm[k] = clean_name(str(value), field_name, max_length=UTM_VALUE_MAX)
    return utm


# Client fields that a caller may set, with their validators (None: clears the field).
_CLIENT_FIELDS: dict[str, Any] = {
    "kind": lambda v: ClientKind(v),
    "name": lambda v: clean_name(v, "name", max_length=CLIENT_NAME_MAX),
    "legal_name": lambda v: clean_text(v, "legal_name", max_length=LEGAL_NAME_MAX, required=False),
    "inn": lambda v: None if not v else validate_inn(v),
    "kpp": lambda v: None if not v else validate_kpp(v),
    "ogrn": lambda v: None if not v else validate_ogrn(v),
    "edrpou": lambda v: None if not v else validate_edrpou(v),
    "sector": lambda v: clean_text(v, "sector", max_length=SECTOR_MAX, required=False),
    "segment_tags": lambda v: _tags(v or ()),
    "source_channel": lambda v: clean_text(
        v, "source.channel", max_length=SOURCE_CHANNEL_MAX, required=False
    ),
    "source_campaign": lambda v: clean_text(
        v, "source.campaign", max_length=SOURCE_CAMPAIGN_MAX, required=False
    ),
    "utm": lambda v: clean_utm(v or {}),
    "temperature": lambda v: Temperature(v),
    "responsible_id": lambda v: v,
    "notes": lambda v: clean_text(v, "notes", max_length=NOTES_MAX, required=False, multiline=True),
}
_NOT_NULL = ("kind", "name", "temperature", "responsible_id")
# Fields that merge fills on the survivor when it has none.
MERGE_FILLABLE = (
    "legal_name",
    "inn",
    "kpp",
    "ogrn",
    "edrpou",
    "sector",
    "source_channel",
    "source_campaign",
    "notes",
)


@dataclass(slots=True, kw_only=True)
class Client:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    kind: ClientKind = ClientKind.COMPANY
    name: str
    name_key: str = ""
    legal_name: str | None = None
    inn: str | None = None
    kpp: str | None = None
    ogrn: str | None = None
    edrpou: str | None = None
    sector: str | None = None
    segment_tags: list[str] = field(default_factory=list)
    source_channel: str | None = None
    source_campaign: str | None = None
    utm: dict[str, str] = field(default_factory=dict)
    temperature: Temperature = Temperature.COLD
    relationship_type: RelationshipType = RelationshipType.COLD
    responsible_id: UUID
    custom_fields: dict[str, Any] = field(default_factory=dict)
    notes: str | None = None
    inbound_requests: int = 0
    merged_into_id: UUID | None = None
    created_by: UUID | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.name_key:
            self.name_key = name_key(self.name)

    # --- facts -------------------------------------------------------------------------

    def record_creation(self, *, at: datetime, by: UUID | None) -> None:
        """The client is new: called once, after its fields are set."""
        self.created_at = self.created_at or at
        self.updated_at = at
        self.events.append(
            ClientCreated(
                organisation_id=self.organisation_id,
                occurred_at=at,
                actor_id=by,
                client_id=self.id,
                responsible_id=self.responsible_id,
                source_channel=self.source_channel,
            )
        )

    def record_update(
        self, before: Mapping[str, object], *, at: datetime, by: UUID | None
    ) -> list[str]:
        """After edits: names the fields that differ from ``before`` (a ``snapshot()``) in a
        ``client.updated`` event; nothing is recorded when nothing changed."""
        after = self.snapshot()
        changed = [name for name, value in after.items() if before.get(name) != value]
        if changed:
            self.updated_at = at
            self.events.append(
                ClientUpdated(
                    organisation_id=self.organisation_id,
                    occurred_at=at,
                    actor_id=by,
                    client_id=self.id,
                    changed=tuple(changed),
                )
            )
        return changed

    def receive_request(self, *, at: datetime, by: UUID | None, channel: str | None) -> None:
        """An inbound request (form, call, letter) attributed to the client."""
        self.inbound_requests += 1
        self.updated_at = at
        self.events.append(
            ClientRequestReceived(
                organisation_id=self.organisation_id,
                occurred_at=at,
                actor_id=by,
                client_id=self.id,
                channel=clean_text(
                    channel, "channel", max_length=SOURCE_CHANNEL_MAX, required=False
                ),
            )
        )

    def change_relationship(
        self,
        new_type: RelationshipType,
        *,
        at: datetime,
        by: UUID | None,
        reason: str,
        deal_id: UUID | None = None,
    ) -> RelationshipTransition | None:
        """Move to the type the history now implies; returns the transition to keep, or None
        when the type is unchanged."""
        if new_type is self.relationship_type:
            return None
        old_type, self.relationship_type = self.relationship_type, new_type
        self.updated_at = at
        self.events.append(
            ClientRelationshipChanged(
                organisation_id=self.organisation_id,
                occurred_at=at,
                actor_id=by,
                client_id=self.id,
                from_type=old_type.value,
                to_type=new_type.value,
                reason=reason[:200],
                deal_id=deal_id,
                responsible_id=self.responsible_id,
            )
        )
        return RelationshipTransition(
            organisation_id=self.organisation_id,
            client_id=self.id,
            from_type=old_type,
            to_type=new_type,
            reason=reason[:200],
            deal_id=deal_id,
            actor_id=by,
            at=at,
        )

    @classmethod
    def create(
        cls,
        command: CreateClient,
        *,
        organisation_id: UUID,
        responsible_id: UUID,
        custom_fields: Mapping[str, object],
        at: datetime,
        by: UUID | None,
    ) -> Client:
        """A new client from ``command``, every field checked and every problem reported at
        once. ``custom_fields`` come validated by the service, which knows their definitions;
        ``record_creation`` is left to the caller, once the client is accepted."""
        client = cls(
            organisation_id=organisation_id,
            name=command.name,
            responsible_id=responsible_id,
            created_by=by,
            created_at=at,
            updated_at=at,
        )
        client._assign(
            (name, getattr(command, name)) for name in _CLIENT_FIELDS if name != "responsible_id"
        )
        client.custom_fields = dict(custom_fields)
        return client

    def apply(
        self,
        update: UpdateClient,
        *,
        at: datetime,
        by: UUID | None,
        custom_fields: Mapping[str, object] | None = None,
    ) -> list[str]:
        """Set the fields ``update`` gives (UNSET ones stay), each checked, every problem
        reported at once; records ``client.updated`` naming what changed and returns those
        names. ``custom_fields``: the complete values as the service validated them from
        ``custom_fields_with(update.custom_fields)``; without them the merge is taken as is."""
        before = self.snapshot()
        self._assign((name, getattr(update, name)) for name in _CLIENT_FIELDS)
        if custom_fields is not None:
            self.custom_fields = dict(custom_fields)
        elif update.custom_fields is not UNSET:
            self.custom_fields = self.custom_fields_with(update.custom_fields)
        return self.record_update(before, at=at, by=by)

    def custom_fields_with(self, changes: Mapping[str, object]) -> dict[str, Any]:
        """The custom fields with ``changes`` merged in; None for a key removes it."""
        merged = {**self.custom_fields, **changes}
        return {key: value for key, value in merged.items() if value is not None}

    def _assign(self, values: Iterable[tuple[str, object]]) -> None:
        problems: list[FieldProblem] = []
        for key, value in values:
            if value is UNSET:
                continue
            if value is None and key in _NOT_NULL:
                problems.append(FieldProblem(loc=(key,), msg="must not be null"))
                continue
            try:
                setattr(self, key, _CLIENT_FIELDS[key](value))
            except InvalidInput as exc:
                problems.extend(exc.problems)
            except ValueError:
                problems.append(FieldProblem(loc=(key,), msg=f"invalid value {value!r}"))
        if problems:
            raise InvalidInput(problems=problems)
        self.name_key = name_key(self.name)

    @property
    def tax_ids(self) -> dict[str, str]:
        return {k: v for k, v in (("inn", self.inn), ("edrpou", self.edrpou)) if v}

    def snapshot(self) -> dict[str, object]:
        """Field values for the audit log."""
        return {
            "kind": self.kind,
            "name": self.name,
            "legal_name": self.legal_name,
            "inn": self.inn,
            "kpp": self.kpp,
            "ogrn": self.ogrn,
            "edrpou": self.edrpou,
            "sector": self.sector,
            "segment_tags": list(self.segment_tags),
            "source_channel": self.source_channel,
            "source_campaign": self.source_campaign,
            "utm": dict(self.utm),
            "temperature": self.temperature,
            "relationship_type": self.relationship_type,
            "responsible_id": self.responsible_id,
            "custom_fields": dict(self.custom_fields),
            "notes": self.notes,
            "inbound_requests": self.inbound_requests,
            "merged_into_id": self.merged_into_id,
        }

    def absorb(self, other: Client, *, at: datetime, by: UUID | None) -> None:
        """Merge: take what the survivor lacks from the other client; the survivor's own
        values (its responsible included) always win."""
        self.updated_at = at
        self.events.append(
            ClientsMerged(
                organisation_id=self.organisation_id,
                occurred_at=at,
                actor_id=by,
                client_id=self.id,
                merged_id=other.id,
            )
        )
        for name in MERGE_FILLABLE:
            if getattr(self, name) in (None, "") and getattr(other, name) not in (None, ""):
                setattr(self, name, getattr(other, name))
        self.segment_tags = self.segment_tags + [
            t for t in other.segment_tags if t not in self.segment_tags
        ]
        self.utm = {**other.utm, **self.utm}
        self.custom_fields = {**other.custom_fields, **self.custom_fields}
        self.inbound_requests += other.inbound_requests


@dataclass(frozen=True, slots=True)
class Phone:
    e164: str
    raw: str
    kind: PhoneKind = PhoneKind.MOBILE


@dataclass(frozen=True, slots=True)
class Messenger:
    kind: str  # telegram | whatsapp | viber | skype | other
    handle: str


def phones_of(
    values: Iterable[tuple[str, str]], *, region: str, field_name: str = "phones"
) -> list[Phone]:
    """(number as written, kind) pairs to E.164 phones; repeats are dropped."""
    phones: list[Phone] = []
    problems: list[FieldProblem] = []
    for index, (raw, kind) in enumerate(values):
        try:
            e164 = normalise_phone(raw, region=region, field_name=field_name)
        except InvalidInput as exc:
            problems.extend(replace(p, loc=(field_name, index)) for p in exc.problems)
            continue
        if all(p.e164 != e164 for p in phones):
            phones.append(Phone(e164=e164, raw=raw.strip()[:64], kind=PhoneKind(kind)))
    if problems:
        raise InvalidInput(problems=problems)
    return phones


def emails_of(values: Iterable[str], field_name: str = "emails") -> list[str]:
    emails: list[str] = []
    for value in values:
        email = normalise_email(value, field_name)
        if email not in emails:
            emails.append(email)
    return emails


@dataclass(slots=True, kw_only=True)
class Contact:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    client_id: UUID
    full_name: str
    name_key: str = ""
    position: str | None = None
    phones: list[Phone] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    messengers: list[Messenger] = field(default_factory=list)
    notes: str | None = None
    is_primary: bool = False
    created_by: UUID | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.full_name = clean_name(self.full_name, "full_name", max_length=CONTACT_NAME_MAX)
        if not self.name_key:
            self.name_key = contact_name_key(self.full_name)

    def record_creation(self, *, at: datetime, by: UUID | None) -> None:
        self.events.append(
            ContactCreated(
                organisation_id=self.organisation_id,
                occurred_at=at,
                actor_id=by,
                contact_id=self.id,
                client_id=self.client_id,
            )
        )

    def record_update(
        self, before: Mapping[str, object], *, at: datetime, by: UUID | None
    ) -> list[str]:
        after = self.snapshot()
        changed = [name for name, value in after.items() if before.get(name) != value]
        if changed:
            self.updated_at = at
            self.events.append(
                ContactUpdated(
                    organisation_id=self.organisation_id,
                    occurred_at=at,
                    actor_id=by,
                    contact_id=self.id,
                    client_id=self.client_id,
                    changed=tuple(changed),
                    previous_client_id=(
                        before_client
                        if isinstance(before_client := before.get("client_id"), UUID)
                        and before_client != self.client_id
                        else None
                    ),
                )
            )
        return changed

    @classmethod
    def create(
        cls,
        command: NewContact,
        *,
        organisation_id: UUID,
        client_id: UUID,
        region: str,
        at: datetime,
        by: UUID | None,
    ) -> Contact:
        """A new contact: phones to E.164 (numbers without + read as of ``region``), e-mails
        lower-cased. ``record_creation`` is left to the caller, once the contact is accepted."""
        contact = cls(
            organisation_id=organisation_id,
            client_id=client_id,
            full_name=command.full_name,
            created_by=by,
            created_at=at,
            updated_at=at,
        )
        contact._assign(command, region)
        return contact

    def apply(
        self, update: UpdateContact, *, region: str, at: datetime, by: UUID | None
    ) -> list[str]:
        """Set the fields ``update`` gives (UNSET ones stay; phones, e-mails and messengers
        are replaced as a whole); records ``contact.updated`` naming what changed."""
        before = self.snapshot()
        if update.client_id is not UNSET:
            self.client_id = update.client_id
        self._assign(update, region)
        return self.record_update(before, at=at, by=by)

    def _assign(self, values: NewContact | UpdateContact, region: str) -> None:
        if values.full_name is not UNSET:
            self.rename(values.full_name)
        if values.position is not UNSET:
            self.position = clean_text(
                values.position, "position", max_length=POSITION_MAX, required=False
            )
        if values.notes is not UNSET:
            self.notes = clean_text(
                values.notes, "notes", max_length=NOTES_MAX, required=False, multiline=True
            )
        if values.phones is not UNSET:
            self.phones = phones_of(
                ((p.number, p.kind) for p in values.phones or ()), region=region
            )
        if values.emails is not UNSET:
            self.emails = emails_of(values.emails or ())
        if values.messengers is not UNSET:
            self.messengers = messengers_of((m.kind, m.handle) for m in values.messengers or ())
        if values.is_primary is not UNSET:
            self.is_primary = values.is_primary

    def rename(self, full_name: str) -> None:
        self.full_name = clean_name(full_name, "full_name", max_length=CONTACT_NAME_MAX)
        self.name_key = contact_name_key(self.full_name)

    def snapshot(self) -> dict[str, object]:
        return {
            "client_id": self.client_id,
            "full_name": self.full_name,
            "position": self.position,
            "phones": [p.e164 for p in self.phones],
            "emails": list(self.emails),
            "messengers": [f"{m.kind}:{m.handle}" for m in self.messengers],
            "notes": self.notes,
            "is_primary": self.is_primary,
        }


def contact_name_key(full_name: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", full_name.lower().replace("ё", "е")).split())


def messengers_of(values: Iterable[tuple[str, str]]) -> list[Messenger]:
    kinds = ("telegram", "whatsapp", "viber", "skype", "signal", "other")
    result: list[Messenger] = []
    for index, (kind, handle) in enumerate(values):
        if kind not in kinds:
            raise InvalidInput(("messengers", index, "kind"), f"must be one of {', '.join(kinds)}")
        result.append(
            Messenger(
                kind=kind,
                handle=clean_name(
                    handle, f"messengers.{index}.handle", max_length=MESSENGER_HANDLE_MAX
                ),
            )
        )
    return result


def derive_relationship(
    *, won_deals: int, open_deals: int, inbound_requests: int
) -> RelationshipType:
    """Never typed by hand: more than one won deal makes a permanent client, exactly one a
    current client; an open deal or an inbound request a potential one; otherwise cold."""
    if won_deals > 1:
        return RelationshipType.PERMANENT
    if won_deals == 1:
        return RelationshipType.CURRENT
    if open_deals > 0 or inbound_requests > 0:
        return RelationshipType.POTENTIAL
    return RelationshipType.COLD


@dataclass(frozen=True, slots=True, kw_only=True)
class RelationshipTransition:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    client_id: UUID
    from_type: RelationshipType | None
    to_type: RelationshipType
    reason: str
    deal_id: UUID | None = None
    actor_id: UUID | None = None
    at: datetime


@dataclass(slots=True, kw_only=True)
class RelationshipFollowUp:
    """A task the admin wants created when a client enters a relationship type."""

    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    relationship_type: RelationshipType
    task_title: str
    due_in_days: int = 1
    priority: str = "normal"  # low | normal | high
    is_active: bool = True
    created_at: datetime | None = None
    version: int = 1

    def __post_init__(self) -> None:
        self.task_title = _follow_up_title(self.task_title)
        self.due_in_days = _follow_up_days(self.due_in_days)
        self.priority = _follow_up_priority(self.priority)

    @classmethod
    def create(cls, command: CreateFollowUp, *, organisation_id: UUID) -> RelationshipFollowUp:
        return cls(
            organisation_id=organisation_id,
            relationship_type=command.relationship_type,
            task_title=command.task_title,
            due_in_days=command.due_in_days,
            priority=command.priority,
            is_active=command.is_active,
        )

    def apply(self, update: UpdateFollowUp) -> None:
        if update.relationship_type is not UNSET:
            self.relationship_type = update.relationship_type
        if update.task_title is not UNSET:
            self.task_title = _follow_up_title(update.task_title)
        if update.due_in_days is not UNSET:
            self.due_in_days = _follow_up_days(update.due_in_days)
        if update.priority is not UNSET:
            self.priority = _follow_up_priority(update.priority)
        if update.is_active is not UNSET:
            self.is_active = update.is_active


def _follow_up_title(value: str) -> str:
    return clean_name(value, "task_title", max_length=FOLLOW_UP_TITLE_MAX)


def _follow_up_days(value: int) -> int:
    if not 0 <= value <= 365:
        raise InvalidInput("due_in_days", "must be between 0 and 365")
    return value


def _follow_up_priority(value: str) -> str:
    if value not in ("low", "normal", "high"):
        raise InvalidInput("priority", "must be low, normal or high")
    return value


@dataclass(frozen=True, slots=True)
class ClientWork:
    """Where the work with a client stands, for lists: who owns it, when someone last
    recorded an activity, and the open task due first."""

    responsible_name: str | None = None
    last_activity_at: datetime | None = None
    next_task_at: datetime | None = None
    next_task_title: str | None = None


@dataclass(slots=True)
class ClientView:
    """A client with its contacts, as reads return it."""

    client: Client
    contacts: list[Contact] = field(default_factory=list)
    work: ClientWork = field(default_factory=ClientWork)


@dataclass(frozen=True, slots=True)
class MergePreview:
    """What merging ``other`` into ``survivor`` would do: the records that move, and the
    survivor's empty fields the other's values would fill."""

    survivor: ClientView
    other: ClientView
    moves: dict[str, int]
    filled: list[str]

    @staticmethod
    def filled_fields(survivor: Client, other: Client) -> list[str]:
        """The fields ``Client.absorb`` would take from the other client."""
        filled = [
            name
            for name in MERGE_FILLABLE
            if getattr(survivor, name) in (None, "") and getattr(other, name) not in (None, "")
        ]
        if any(t not in survivor.segment_tags for t in other.segment_tags):
            filled.append("segment_tags")
        if any(k not in survivor.custom_fields for k in other.custom_fields):
            filled.append("custom_fields")
        return filled
