"""Files attached to clients and deals, each of a document type from an editable list."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from domain.attachments.events import AttachmentAdded
from domain.shared.errors import InvalidInput
from domain.shared.events import DomainEvent
from domain.shared.ids import new_id
from domain.shared.text import clean_name

# code -> Russian display name; created for an organisation the first time it needs them.
DEFAULT_DOCUMENT_TYPES: tuple[tuple[str, str], ...] = (
    ("contract", "Договор"),
    ("invoice", "Счёт"),
    ("act", "Акт"),
    ("proposal", "Коммерческое предложение"),
    ("other", "Прочее"),
)

_CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_MAX_FILENAME = 255
# Shared with the API schema (api/schemas/document_types.py).
DOCUMENT_TYPE_NAME_MAX = 200


@dataclass(slots=True, kw_only=True)
class DocumentType:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    code: str  # stable, named by stage requirements: "contract"
    name: str
    is_active: bool = True
    position: int = 0
    created_at: datetime
    version: int = 1

    def __post_init__(self) -> None:
        self.code = validate_code(self.code)
        self.name = validate_name(self.name)


def validate_code(code: str) -> str:
    code = code.strip()
    if not _CODE.match(code):
        raise InvalidInput(
            "code", "must start with a Latin letter and hold only a-z, 0-9 and _ (64 at most)"
        )
    return code


def validate_name(name: str) -> str:
    return clean_name(name, "name", max_length=DOCUMENT_TYPE_NAME_MAX)


@dataclass(slots=True, kw_only=True)
class Attachment:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    # A deal's attachment names its client too, so the client's files include it; whether it
    # may be seen is then decided by the deal.
    client_id: UUID | None
    deal_id: UUID | None
    document_type: str
    filename: str
    content_type: str
    size: int
    sha256: str
    storage_key: str
    uploaded_by: UUID | None
    created_at: datetime
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    @property
    def parent_type(self) -> str:
        """The record it is attached to: its deal when it has one, else its client."""
        return "deal" if self.deal_id else "client"

    @property
    def parent_id(self) -> UUID:
        parent = self.deal_id or self.client_id
        if parent is None:
            raise ValueError("an attachment belongs to a deal or a client")
        return parent

    def record_added(self) -> None:
        self.events.append(
            AttachmentAdded(
                organisation_id=self.organisation_id,
                occurred_at=self.created_at,
                actor_id=self.uploaded_by,
                attachment_id=self.id,
                client_id=self.client_id,
                deal_id=self.deal_id,
                document_type=self.document_type,
                filename=self.filename,
            )
        )


def clean_filename(raw: str | None) -> str:
    """A file name safe to store and to send back: the last path segment, without control
    characters, at most 255 characters with the extension kept."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if not name:
        return "file"
    if len(name) > _MAX_FILENAME:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 16:
            name = stem[: _MAX_FILENAME - len(ext) - 1] + "." + ext
        else:
            name = name[:_MAX_FILENAME]
    return name


_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")


def clean_content_type(raw: str | None) -> str:
    media_type = (raw or "").split(";", 1)[0].strip().lower()
    if len(media_type) > 200 or not _MEDIA_TYPE.match(media_type):
        return "application/octet-stream"
    return media_type
