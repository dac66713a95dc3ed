"""SQL repositories for attachments and document types. An attachment is visible exactly when
its parent is: its deal when it has one, otherwise its client."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from adapters.db.repositories.base import SqlRepository, in_organisation
from adapters.db.repositories.visibility import visible
from adapters.db.tables.clients import clients
from adapters.db.tables.deals import deals
from adapters.db.tables.funnels import document_types
from adapters.db.tables.records import attachments
from domain.attachments.model import DEFAULT_DOCUMENT_TYPES, Attachment, DocumentType
from domain.attachments.ports import ParentScopes
from domain.shared.errors import Conflict
from domain.shared.ids import new_id
from domain.shared.scope import Scope


def attachment_visible(scopes: ParentScopes) -> sa.ColumnElement[bool]:
    """For a query over ``attachments`` outer-joined to its client and deal."""
    branches: list[sa.ColumnElement[bool]] = []
    if scopes.deal_files:
        branches.append(
            sa.and_(
                attachments.c.deal_id.is_not(None), visible(deals.c.responsible_id, scopes.deals)
            )
        )
    if scopes.client_files:
        branches.append(
            sa.and_(
                attachments.c.deal_id.is_(None), visible(clients.c.responsible_id, scopes.clients)
            )
        )
    return sa.or_(sa.false(), *branches)


def _parent(table: sa.Table, reference: sa.Column[Any]) -> sa.ColumnElement[bool]:
    """The client or deal an attachment's ``reference`` names, in its organisation."""
    return sa.and_(
        table.c.organisation_id == attachments.c.organisation_id, table.c.id == reference
    )


def _with_parents() -> sa.FromClause:
    return attachments.outerjoin(deals, _parent(deals, attachments.c.deal_id)).outerjoin(
        clients, _parent(clients, attachments.c.client_id)
    )


def _attachment(row: Any) -> Attachment:
    return Attachment(**{c.name: row._mapping[c] for c in attachments.c})


class SqlAttachmentRepository(SqlRepository):
    async def add(self, attachment: Attachment) -> None:
        await self._conn.execute(
            sa.insert(attachments).values(
                **{c.name: getattr(attachment, c.name) for c in attachments.c}
            )
        )
        self._collect(attachment)

    def _visible_query(self, scopes: ParentScopes) -> sa.Select[Any]:
        return (
            sa.select(*attachments.c)
            .select_from(_with_parents())
            .where(attachments.c.organisation_id == scopes.clients.organisation_id)
            .where(attachment_visible(scopes))
        )

    async def get(self, scopes: ParentScopes, attachment_id: UUID) -> Attachment | None:
        row = (
            await self._conn.execute(
                self._visible_query(scopes).where(attachments.c.id == attachment_id)
            )
        ).one_or_none()
        return _attachment(row) if row else None

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
        query = self._visible_query(scopes)
        if client_id is not None:
            query = query.where(attachments.c.client_id == client_id)
        if deal_id is not None:
            query = query.where(attachments.c.deal_id == deal_id)
        if document_type is not None:
            query = query.where(attachments.c.document_type == document_type)
        if after is not None:
            query = query.where(
                sa.tuple_(attachments.c.created_at, attachments.c.id) < sa.tuple_(*after)
            )
        query = query.order_by(attachments.c.created_at.desc(), attachments.c.id.desc()).limit(
            limit
        )
        return [_attachment(r) for r in await self._conn.execute(query)]

    async def delete(self, scopes: ParentScopes, attachment_id: UUID) -> None:
        await self._conn.execute(
            sa.delete(attachments).where(
                attachments.c.organisation_id == scopes.clients.organisation_id,
                attachments.c.id == attachment_id,
            )
        )

    async def document_types_on_deal(self, scope: Scope, deal_id: UUID) -> set[str]:
        query = (
            sa.select(attachments.c.document_type)
            .distinct()
            .select_from(attachments.join(deals, _parent(deals, attachments.c.deal_id)))
            .where(
                attachments.c.organisation_id == scope.organisation_id,
                attachments.c.deal_id == deal_id,
                deals.c.organisation_id == scope.organisation_id,
                visible(deals.c.responsible_id, scope),
            )
        )
        return set((await self._conn.scalars(query)).all())

    async def client_visible(self, scope: Scope, client_id: UUID) -> bool:
        found = await self._conn.scalar(
            sa.select(sa.literal(1)).where(
                in_organisation(clients, scope),
                clients.c.id == client_id,
                visible(clients.c.responsible_id, scope),
            )
        )
        return found is not None

    async def deal_client(self, scope: Scope, deal_id: UUID) -> UUID | None:
        found: UUID | None = await self._conn.scalar(
            sa.select(deals.c.client_id).where(
                in_organisation(deals, scope),
                deals.c.id == deal_id,
                visible(deals.c.responsible_id, scope),
            )
        )
        return found


def _document_type(row: Any) -> DocumentType:
    return DocumentType(**{c.name: row._mapping[c] for c in document_types.c})


class SqlDocumentTypeRepository(SqlRepository):
    async def ensure_defaults(self, organisation_id: UUID, at: datetime) -> None:
        exists = await self._conn.scalar(
            sa.select(sa.literal(1))
            .where(document_types.c.organisation_id == organisation_id)
            .limit(1)
        )
        if exists is not None:
            return
        await self._conn.execute(
            insert(document_types)
            .values(
                [
                    {
                        "id": new_id(),
                        "organisation_id": organisation_id,
                        "code": code,
                        "name": name,
                        "position": position,
                        "created_at": at,
                    }
                    for position, (code, name) in enumerate(DEFAULT_DOCUMENT_TYPES)
                ]
            )
            .on_conflict_do_nothing(constraint="uq_document_types_organisation_id_code")
        )

    async def list(self, scope: Scope, *, include_inactive: bool) -> Sequence[DocumentType]:
        query = sa.select(document_types).where(in_organisation(document_types, scope))
        if not include_inactive:
            query = query.where(document_types.c.is_active)
        query = query.order_by(
            document_types.c.position, document_types.c.name, document_types.c.id
        )
        return [_document_type(r) for r in await self._conn.execute(query)]

    async def get(self, scope: Scope, type_id: UUID) -> DocumentType | None:
        row = (
            await self._conn.execute(
                sa.select(document_types).where(
                    in_organisation(document_types, scope), document_types.c.id == type_id
                )
            )
        ).one_or_none()
        return _document_type(row) if row else None

    async def get_by_code(self, scope: Scope, code: str) -> DocumentType | None:
        row = (
            await self._conn.execute(
                sa.select(document_types).where(
                    in_organisation(document_types, scope), document_types.c.code == code
                )
            )
        ).one_or_none()
        return _document_type(row) if row else None

    async def add(self, document_type: DocumentType) -> None:
        result = await self._conn.execute(
            insert(document_types)
            .values(**{c.name: getattr(document_type, c.name) for c in document_types.c})
            .on_conflict_do_nothing(constraint="uq_document_types_organisation_id_code")
        )
        if result.rowcount == 0:
            raise Conflict(f"A document type with the code {document_type.code} exists already")

    async def save(self, document_type: DocumentType, *, expected_version: int) -> None:
        await self._update_versioned(
            document_types,
            entity="Document type",
            ident=document_type.id,
            organisation_id=document_type.organisation_id,
            expected_version=expected_version,
            values={
                "name": document_type.name,
                "is_active": document_type.is_active,
                "position": document_type.position,
            },
        )
