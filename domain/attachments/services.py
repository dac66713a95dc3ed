"""Use cases of attachments and document types."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from uuid import UUID

from domain.attachments.model import (
    Attachment,
    DocumentType,
    clean_content_type,
    clean_filename,
    validate_name,
)
from domain.attachments.ports import FileStorage, ParentScopes
from domain.auth.principal import Principal
from domain.platform.audit import record_change
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import (
    ContentTooLarge,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
)
from domain.shared.ids import new_id
from domain.shared.ordering import renumber
from domain.staff.permissions import Permission, Resource


def parent_scopes(principal: Principal) -> ParentScopes:
    return ParentScopes(
        clients=principal.scope_for(Resource.CLIENTS),
        deals=principal.scope_for(Resource.DEALS),
        client_files=principal.can(Permission.CLIENTS_READ),
        deal_files=principal.can(Permission.DEALS_READ),
    )


def _require_any(principal: Principal, *permissions: Permission) -> None:
    if not any(principal.can(p) for p in permissions):
        raise PermissionDenied(
            "This requires one of the permissions " + ", ".join(p.value for p in permissions)
        )


class _Meter:
    """Counts and hashes a stream on its way to storage, and stops it past the limit."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._digest = hashlib.sha256()

    async def wrap(self, stream: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        async for chunk in stream:
            self.size += len(chunk)
            if self.size > self.max_bytes:
                raise ContentTooLarge(
                    f"The file is larger than the limit of {self.max_bytes} bytes"
                )
            self._digest.update(chunk)
            yield chunk

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()


def _summary(attachment: Attachment) -> dict[str, object]:
    return {
        "id": str(attachment.id),
        "filename": attachment.filename,
        "document_type": attachment.document_type,
        "size": attachment.size,
    }


class AttachmentService:
    def __init__(
        self, uow: UnitOfWork, storage: FileStorage, clock: Clock, *, max_bytes: int
    ) -> None:
        self._uow = uow
        self._storage = storage
        self._clock = clock
        self._max_bytes = max_bytes

    async def _parent(
        self,
        uow: UnitOfWork,
        principal: Principal,
        client_id: UUID | None,
        deal_id: UUID | None,
        *,
        write: bool,
    ) -> tuple[UUID | None, UUID | None]:
        """The (client, deal) the caller may read (or attach) files of; a deal brings its
        client. Attaching needs attachments:write on a parent one sees, not the right to
        change it: a lawyer files the contract of a deal they only read. An invisible parent
        is not found."""
        if write:
            principal.require(Permission.ATTACHMENTS_WRITE)
        if deal_id is not None:
            principal.require(Permission.DEALS_READ)
            deal_client = await uow.attachments.deal_client(
                principal.scope_for(Resource.DEALS), deal_id
            )
            if deal_client is None:
                raise NotFound("Deal", deal_id)
            if client_id is not None and client_id != deal_client:
                raise InvalidInput("client_id", "is not the client of the deal")
            return deal_client, deal_id
        if client_id is None:
            raise InvalidInput("client_id", "give a client_id or a deal_id")
        principal.require(Permission.CLIENTS_READ)
        if not await uow.attachments.client_visible(
            principal.scope_for(Resource.CLIENTS), client_id
        ):
            raise NotFound("Client", client_id)
        return client_id, None

    async def upload(
        self,
        principal: Principal,
        *,
        client_id: UUID | None,
        deal_id: UUID | None,
        document_type: str,
        filename: str | None,
        content_type: str | None,
        content: AsyncIterator[bytes],
    ) -> Attachment:
        now = self._clock.now()
        async with self._uow as uow:
            client_id, deal_id = await self._parent(uow, principal, client_id, deal_id, write=True)
            await uow.document_types.ensure_defaults(principal.organisation_id, now)
            kind = await uow.document_types.get_by_code(principal.organisation_scope, document_type)
            if kind is None or not kind.is_active:
                raise InvalidInput("document_type", "is not an active document type")
            attachment_id = new_id()
            key = f"{principal.organisation_id}/{attachment_id}"
            meter = _Meter(self._max_bytes)
            await self._storage.put(key, meter.wrap(content))
            try:
                if meter.size == 0:
                    raise InvalidInput("file", "is empty")
                attachment = Attachment(
                    id=attachment_id,
                    organisation_id=principal.organisation_id,
                    client_id=client_id,
                    deal_id=deal_id,
                    document_type=kind.code,
                    filename=clean_filename(filename),
                    content_type=clean_content_type(content_type),
                    size=meter.size,
                    sha256=meter.sha256,
                    storage_key=key,
                    uploaded_by=principal.user_id,
                    created_at=now,
                )
                attachment.record_added()
                await uow.attachments.add(attachment)
                # On the parent, so the deal's (or client's) history shows its files.
                await record_change(
                    uow,
                    principal,
                    organisation_id=attachment.organisation_id,
                    entity_type=attachment.parent_type,
                    entity_id=attachment.parent_id,
                    action="attach",
                    after={"attachment": _summary(attachment)},
                    at=self._clock.now(),
                )
                await uow.commit()
            except BaseException:
                await self._storage.delete(key)
                raise
        return attachment

    async def list(
        self,
        principal: Principal,
        *,
        client_id: UUID | None,
        deal_id: UUID | None,
        document_type: str | None,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> list[Attachment]:
        async with self._uow as uow:
            client_id, deal_id = await self._parent(uow, principal, client_id, deal_id, write=False)
            found = await uow.attachments.list(
                parent_scopes(principal),
                client_id=None if deal_id else client_id,
                deal_id=deal_id,
                document_type=document_type,
                limit=limit,
                after=after,
            )
        return list(found)

    async def get(self, principal: Principal, attachment_id: UUID) -> Attachment:
        _require_any(principal, Permission.CLIENTS_READ, Permission.DEALS_READ)
        async with self._uow as uow:
            attachment = await uow.attachments.get(parent_scopes(principal), attachment_id)
        if attachment is None:
            raise NotFound("Attachment", attachment_id)
        principal.require(Permission.DEALS_READ if attachment.deal_id else Permission.CLIENTS_READ)
        return attachment

    async def open(
        self, principal: Principal, attachment_id: UUID
    ) -> tuple[Attachment, AsyncIterator[bytes]]:
        attachment = await self.get(principal, attachment_id)
        return attachment, await self._storage.open(attachment.storage_key)

    async def delete(self, principal: Principal, attachment_id: UUID) -> None:
        principal.require(Permission.ATTACHMENTS_WRITE)
        async with self._uow as uow:
            scopes = parent_scopes(principal)
            attachment = await uow.attachments.get(scopes, attachment_id)
            if attachment is None:
                raise NotFound("Attachment", attachment_id)
            await uow.attachments.delete(scopes, attachment_id)
            await record_change(
                uow,
                principal,
                organisation_id=attachment.organisation_id,
                entity_type=attachment.parent_type,
                entity_id=attachment.parent_id,
                action="detach",
                before={"attachment": _summary(attachment)},
                at=self._clock.now(),
            )
            key = attachment.storage_key

            async def remove_file() -> None:
                await self._storage.delete(key)

            uow.on_commit(remove_file)
            await uow.commit()


class DocumentTypeService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def list(self, principal: Principal, *, include_inactive: bool) -> list[DocumentType]:
        async with self._uow as uow:
            await uow.document_types.ensure_defaults(principal.organisation_id, self._clock.now())
            found = await uow.document_types.list(
                principal.organisation_scope, include_inactive=include_inactive
            )
            await uow.commit()
        return list(found)

    async def create(
        self, principal: Principal, *, code: str, name: str, position: int = 0
    ) -> DocumentType:
        principal.require(Permission.ORGANISATION_MANAGE)
        now = self._clock.now()
        document_type = DocumentType(
            organisation_id=principal.organisation_id,
            code=code,
            name=name,
            position=position,
            created_at=now,
        )
        async with self._uow as uow:
            await uow.document_types.ensure_defaults(principal.organisation_id, now)
            await uow.document_types.add(document_type)
            await record_change(
                uow,
                principal,
                entity_type="document_type",
                entity_id=document_type.id,
                action="create",
                after=_snapshot(document_type),
                at=now,
            )
            await uow.commit()
        return document_type

    async def update(
        self,
        principal: Principal,
        type_id: UUID,
        *,
        name: str | None = None,
        is_active: bool | None = None,
        position: int | None = None,
        expected_version: int | None = None,
    ) -> DocumentType:
        """Rename, reorder, deactivate or reactivate; the code never changes, since stage
        requirements and stored files name it."""
        principal.require(Permission.ORGANISATION_MANAGE)
        async with self._uow as uow:
            document_type = await uow.document_types.get(principal.organisation_scope, type_id)
            if document_type is None:
                raise NotFound("Document type", type_id)
            if expected_version is not None and expected_version != document_type.version:
                raise PreconditionFailed(
                    "Document type was changed by someone else; reload and try again"
                )
            before = _snapshot(document_type)
            if name is not None:
                document_type.name = validate_name(name)
            if is_active is not None:
                document_type.is_active = is_active
            if position is not None:
                document_type.position = position
            if _snapshot(document_type) != before:  # an edit that changes nothing saves nothing
                version = document_type.version
                await uow.document_types.save(document_type, expected_version=version)
                document_type.version = version + 1
                await record_change(
                    uow,
                    principal,
                    entity_type="document_type",
                    entity_id=document_type.id,
                    action="update",
                    before=before,
                    after=_snapshot(document_type),
                    at=self._clock.now(),
                )
                await uow.commit()
        return document_type

    async def reorder(
        self, principal: Principal, type_ids: Sequence[UUID]
    ) -> Sequence[DocumentType]:
        """Every type (deactivated ones too) in a new display order; only moved ones change."""
        principal.require(Permission.ORGANISATION_MANAGE)
        now = self._clock.now()
        async with self._uow as uow:
            found = list(
                await uow.document_types.list(principal.organisation_scope, include_inactive=True)
            )
            for document_type, was in renumber(found, type_ids, field="type_ids"):
                version = document_type.version
                await uow.document_types.save(document_type, expected_version=version)
                document_type.version = version + 1
                await record_change(
                    uow,
                    principal,
                    entity_type="document_type",
                    entity_id=document_type.id,
                    action="reorder",
                    before={"position": was},
                    after={"position": document_type.position},
                    at=now,
                )
            await uow.commit()
        return sorted(found, key=lambda t: t.position)


def _snapshot(document_type: DocumentType) -> dict[str, object]:
    return {
        "code": document_type.code,
        "name": document_type.name,
        "is_active": document_type.is_active,
        "position": document_type.position,
    }
