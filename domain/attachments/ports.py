"""What attachments need from storage and the database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.attachments.model import Attachment, DocumentType
from domain.shared.scope import Scope


@dataclass(frozen=True, slots=True)
class ParentScopes:
    """An attachment is visible exactly when its parent is: the deal (when it has one) in
    the deals scope, otherwise the client in the clients scope; and only with the permission
    to read its parent (deals:read for a deal's files, clients:read for a client's)."""

    clients: Scope
    deals: Scope
    client_files: bool = True
    deal_files: bool = True


class FileStorage(Protocol):
    async def put(self, key: str, stream: AsyncIterator[bytes]) -> None:
        """Store the stream under ``key`` atomically: on any error nothing is left behind."""
        ...

    async def open(
        self, key: str, *, start: int = 0, length: int | None = None
    ) -> AsyncIterator[bytes]:
        """The stored bytes in chunks, from byte ``start`` on and at most ``length`` of them
        (to the end without one); raises NotFound when there is no such file."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the file; a missing file is not an error."""
        ...


class AttachmentRepository(Protocol):
    async def add(self, attachment: Attachment) -> None: ...
    async def get(self, scopes: ParentScopes, attachment_id: UUID) -> Attachment | None: ...
    async def list(
        self,
        scopes: ParentScopes,
        *,
        client_id: UUID | None = None,
        deal_id: UUID | None = None,
        document_type: str | None = None,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[Attachment]:
        """Newest first; only those whose parent the caller sees."""
        ...

    async def delete(self, scopes: ParentScopes, attachment_id: UUID) -> None: ...
    async def document_types_on_deal(self, scope: Scope, deal_id: UUID) -> set[str]:
        """Codes of the document types attached to the deal (``scope`` is the deals scope;
        an invisible deal has none). Stage entry requirements check this."""
        ...

    async def client_visible(self, scope: Scope, client_id: UUID) -> bool: ...
    async def deal_client(self, scope: Scope, deal_id: UUID) -> UUID | None:
        """The client of a deal visible in ``scope``; None when the deal is not visible."""
        ...


class DocumentTypeRepository(Protocol):
    async def ensure_defaults(self, organisation_id: UUID, at: datetime) -> None:
        """Create the default types for an organisation that has none yet."""
        ...

    async def list(self, scope: Scope, *, include_inactive: bool) -> Sequence[DocumentType]:
        """By position, then name."""
        ...

    async def get(self, scope: Scope, type_id: UUID) -> DocumentType | None: ...
    async def get_by_code(self, scope: Scope, code: str) -> DocumentType | None: ...
    async def add(self, document_type: DocumentType) -> None:
        """Raises Conflict when the code is taken in the organisation."""
        ...

    async def save(self, document_type: DocumentType, *, expected_version: int) -> None: ...
