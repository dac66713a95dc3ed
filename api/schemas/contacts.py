from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from api.schemas.base import Email, Name, Schema, Text, given, given_not_null, given_unless_null
from domain.clients.commands import MessengerInput, NewContact, PhoneInput, UpdateContact
from domain.clients.model import (
    CONTACT_NAME_MAX,
    MESSENGER_HANDLE_MAX,
    NOTES_MAX,
    POSITION_MAX,
    Contact,
)

PhoneKindName = Literal["mobile", "work", "home", "fax", "other"]
MessengerKind = Literal["telegram", "whatsapp", "viber", "skype", "signal", "other"]


class PhoneIn(Schema):
    number: Name = Field(
        min_length=1,
        max_length=64,
        description="As written: +7 (912) 345-67-89, 89123456789, +380 44 123 4567, 0441234567",
    )
    kind: PhoneKindName = "mobile"


class PhoneRead(Schema):
    e164: str
    raw: str
    kind: PhoneKindName


class MessengerIn(Schema):
    kind: MessengerKind
    handle: Name = Field(min_length=1, max_length=MESSENGER_HANDLE_MAX)


def _phones(values: list[PhoneIn | str] | None) -> list[PhoneInput] | None:
    if values is None:
        return None
    return [PhoneInput(v) if isinstance(v, str) else PhoneInput(v.number, v.kind) for v in values]


def _messengers(values: list[MessengerIn] | None) -> list[MessengerInput] | None:
    return None if values is None else [MessengerInput(m.kind, m.handle) for m in values]


class ContactIn(Schema):
    """A contact as part of a new client."""

    full_name: Name = Field(min_length=1, max_length=CONTACT_NAME_MAX)
    position: Name | None = Field(default=None, max_length=POSITION_MAX)
    phones: list[PhoneIn | Name] = Field(
        default_factory=list, max_length=20, description="Numbers or {number, kind}"
    )
    emails: list[Email] = Field(default_factory=list, max_length=20)
    messengers: list[MessengerIn] = Field(default_factory=list, max_length=20)
    notes: Text | None = Field(default=None, max_length=NOTES_MAX)
    is_primary: bool = False

    def to_command(self) -> NewContact:
        return NewContact(
            full_name=self.full_name,
            position=self.position,
            phones=_phones(self.phones) or [],
            emails=list(self.emails),
            messengers=_messengers(self.messengers) or [],
            notes=self.notes,
            is_primary=self.is_primary,
        )


class ContactCreate(ContactIn):
    client_id: UUID | None = Field(
        default=None, description="Required on /contacts; taken from the path on nested routes"
    )
    confirm_duplicate: bool = Field(
        default=False, description="Save even if a contact with the same phone or e-mail exists"
    )


class ContactUpdate(Schema):
    client_id: UUID | None = Field(default=None, description="Move the contact to another client")
    full_name: Name | None = Field(default=None, min_length=1, max_length=CONTACT_NAME_MAX)
    position: Name | None = Field(default=None, max_length=POSITION_MAX)
    phones: list[PhoneIn | Name] | None = Field(default=None, max_length=20)
    emails: list[Email] | None = Field(default=None, max_length=20)
    messengers: list[MessengerIn] | None = Field(default=None, max_length=20)
    notes: Text | None = Field(default=None, max_length=NOTES_MAX)
    is_primary: bool | None = None
    confirm_duplicate: bool = False

    def to_command(self) -> UpdateContact:
        """Fields not sent stay UNSET. As before the commands, a null client_id is ignored and
        a null is_primary means false."""
        return UpdateContact(
            client_id=given_unless_null(self, "client_id", self.client_id),
            full_name=given_not_null(self, "full_name", self.full_name),
            position=given(self, "position", self.position),
            phones=given(self, "phones", _phones(self.phones)),
            emails=given(self, "emails", self.emails),
            messengers=given(self, "messengers", _messengers(self.messengers)),
            notes=given(self, "notes", self.notes),
            is_primary=given(self, "is_primary", bool(self.is_primary)),
        )


class MessengerRead(Schema):
    kind: str
    handle: str


class ContactRead(Schema):
    id: UUID
    client_id: UUID
    full_name: str
    position: str | None
    phones: list[PhoneRead]
    emails: list[str]
    messengers: list[MessengerRead]
    notes: str | None
    is_primary: bool
    created_by: UUID | None
    created_at: datetime | None
    updated_at: datetime | None
    version: int

    @classmethod
    def of(cls, c: Contact) -> ContactRead:
        return cls(
            id=c.id,
            client_id=c.client_id,
            full_name=c.full_name,
            position=c.position,
            phones=[PhoneRead(e164=p.e164, raw=p.raw, kind=p.kind.value) for p in c.phones],
            emails=list(c.emails),
            messengers=[MessengerRead(kind=m.kind, handle=m.handle) for m in c.messengers],
            notes=c.notes,
            is_primary=c.is_primary,
            created_by=c.created_by,
            created_at=c.created_at,
            updated_at=c.updated_at,
            version=c.version,
        )


class ContactPage(Schema):
    items: list[ContactRead]
    next_cursor: str | None
