from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from api.schemas.base import Schema


class AttachmentRead(Schema):
    id: UUID
    client_id: UUID | None = Field(description="Set for a deal's file too: the deal's client")
    deal_id: UUID | None
    document_type: str = Field(description="Code of a document type")
    filename: str
    content_type: str
    size: int = Field(description="Bytes")
    sha256: str
    uploaded_by: UUID | None
    created_at: datetime


class AttachmentPage(Schema):
    items: list[AttachmentRead]
    next_cursor: str | None
