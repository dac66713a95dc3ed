from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import Field

from api.schemas.base import Schema
from domain.clients.model import Contact

PhoneKindName = Literal["mobile", "work", "home", "fax", "other"]
MessengerKind = Literal["telegram", "whatsapp", "viber", "skype", "signal", "other"]


class PhoneIn(Schema):
    number: str = Field(
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
    handle: str = Field(min_length=1, max_length=200)


def _phones(values: list[PhoneIn | str]) -> list[tuple[str, str]]:
    return [(v, "mobile") if isinstance(v, str) else (v.number, v.kind) for v in values]


class _ContactFields(Schema):
    def to_domain(self) -> dict[str, Any]:
        data = self.model_dump(exclude_unset=True, exclude={"confirm_duplicate"})
        phones: list[PhoneIn | str] | None = getattr(self, "phones", None)
        messengers: list[MessengerIn] | None = getattr(self, "messengers", None)
        if "phones" in data:
            data["phones"] = _phones(phones or [])
        if "messengers" in data:
            data["messengers"] = [(m.kind, m.handle) for m in messengers or []]
        return data


class ContactIn(_ContactFields):
    """A contact as part of a new client."""

    full_name: str = Field(min_length=1, max_length=300)
    position: str | None = Field(default=None, max_length=200)
    phones: list[PhoneIn | str] = Field(
        default_factory=list, max_length=20, description="Numbers or {number, kind}"
    )
    emails: list[str] = Field(default_factory=list, max_length=20)
    messengers: list[MessengerIn] = Field(default_factory=list, max_length=20)
    notes: str | None = Field(default=None, max_length=20000)
    is_primary: bool = False


class ContactCreate(ContactIn):
    client_id: UUID | None = Field(
        default=None, description="Required on /contacts; taken from the path on nested routes"
    )
    confirm_duplicate: bool = Field(
        default=False, description="Save even if a contact with the same phone or e-mail exists"
    )


class ContactUpdate(_ContactFields):
    client_id: UUID | None = Field(default=None, description="Move the contact to another client")
    full_name: str | None = Field(default=None, min_length=1, max_length=300)
    position: str | None = Field(default=None, max_length=200)
    phones: list[PhoneIn | str] | None = Field(default=None, max_length=20)
    emails: list[str] | None = Field(default=None, max_length=20)
    messengers: list[MessengerIn] | None = Field(default=None, max_length=20)
    notes: str | None = Field(default=None, max_length=20000)
    is_primary: bool | None = None
    confirm_duplicate: bool = False


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
