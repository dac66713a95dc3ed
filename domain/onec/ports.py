"""What the 1C exchange needs from the outside world."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.onec.model import (
    CatalogItem,
    CatalogSlice,
    CounterpartyLink,
    DocumentLink,
    Exchange,
    ExchangeFile,
    FileKind,
    GroupRecord,
    OfferRecord,
    OnecIntegration,
    PriceTypeRecord,
    Product,
    ProductRecord,
    UpsertCounts,
    WarehouseRecord,
)
from domain.onec.orders import Order, SentOrder
from domain.shared.scope import Scope


class OnecRepository(Protocol):
    # integrations
    async def add_integration(self, integration: OnecIntegration) -> None: ...
    async def get_integration(
        self, scope: Scope, integration_id: UUID
    ) -> OnecIntegration | None: ...
    async def find_integration(self, integration_id: UUID) -> OnecIntegration | None:
        """By id alone, across organisations: the exchange URL names only the integration."""
        ...

    async def list_integrations(
        self, scope: Scope, *, limit: int, after: tuple[datetime, UUID] | None
    ) -> Sequence[OnecIntegration]: ...
    async def update_integration(
        self, integration: OnecIntegration, expected_version: int
    ) -> None: ...
    async def delete_integration(self, scope: Scope, integration_id: UUID) -> None: ...

    # exchanges and their files
    async def add_exchange(self, exchange: Exchange) -> None: ...
    async def exchange_by_token(
        self, organisation_id: UUID, integration_id: UUID, digest: str
    ) -> Exchange | None:
        """Locked for the rest of the transaction: one request of a session at a time."""
        ...

    async def get_exchange(self, scope: Scope, exchange_id: UUID) -> Exchange | None: ...
    async def list_exchanges(
        self,
        scope: Scope,
        *,
        integration_id: UUID | None,
        limit: int,
        after: tuple[datetime, UUID] | None,
    ) -> Sequence[Exchange]: ...
    async def save_exchange(self, exchange: Exchange) -> None: ...
    async def abandoned_exchanges(self, *, before: datetime, limit: int) -> Sequence[Exchange]:
        """Across organisations (the worker's sweep): sessions still open or importing that
        1C last called before ``before``, locked; those a request holds now are skipped."""
        ...

    async def files(self, organisation_id: UUID, exchange_id: UUID) -> Sequence[ExchangeFile]: ...
    async def save_file(self, file: ExchangeFile) -> None:
        """Insert or update by (exchange, name)."""
        ...

    # counterparties: 1C's Ид (per integration) -> the client it is kept on
    async def counterparty_links(
        self, organisation_id: UUID, integration_id: UUID, external_ids: Sequence[str]
    ) -> dict[str, CounterpartyLink]: ...
    async def link_counterparty(
        self,
        organisation_id: UUID,
        integration_id: UUID,
        external_id: str,
        link: CounterpartyLink,
        *,
        now: datetime,
    ) -> None:
        """Insert or replace the link of ``external_id``."""
        ...

    async def link_counterparties(
        self,
        organisation_id: UUID,
        integration_id: UUID,
        links: Mapping[str, CounterpartyLink],
        *,
        now: datetime,
    ) -> None:
        """``link_counterparty`` for many, in one statement."""
        ...

    # documents: 1C's Ид (per integration) -> the deal and invoice it became
    async def document_links(
        self, organisation_id: UUID, integration_id: UUID, external_ids: Sequence[str]
    ) -> dict[str, DocumentLink]: ...
    async def save_document_links(
        self,
        organisation_id: UUID,
        integration_id: UUID,
        links: dict[str, DocumentLink],
        *,
        now: datetime,
    ) -> None:
        """Insert or replace each document's link."""
        ...

    # the catalogue: upserts keyed by 1C's Ид; a record equal to the stored one is unchanged
    async def upsert_groups(
        self, organisation_id: UUID, groups: Sequence[GroupRecord]
    ) -> UpsertCounts: ...
    async def upsert_price_types(
        self, organisation_id: UUID, price_types: Sequence[PriceTypeRecord]
    ) -> UpsertCounts: ...
    async def upsert_warehouses(
        self, organisation_id: UUID, warehouses: Sequence[WarehouseRecord]
    ) -> UpsertCounts: ...
    async def upsert_products(
        self, organisation_id: UUID, products: Sequence[ProductRecord], *, now: datetime
    ) -> UpsertCounts: ...
    async def apply_offers(
        self, organisation_id: UUID, offers: Sequence[OfferRecord], *, now: datetime
    ) -> UpsertCounts: ...
    async def product_ids(
        self, organisation_id: UUID, external_ids: Sequence[str]
    ) -> dict[str, UUID]:
        """The catalogue's products by 1C's Ид (those it has)."""
        ...

    async def list_products(
        self,
        scope: Scope,
        *,
        search: str | None,
        limit: int,
        after: tuple[str, UUID] | None,
    ) -> Sequence[Product]:
        """By name then id; ``search`` in the name, article or barcode."""
        ...

    # orders to 1C (domain/onec/orders.py)
    async def orders_to_send(
        self, organisation_id: UUID, integration_id: UUID, stage_ids: Sequence[UUID], *, limit: int
    ) -> Sequence[Order]:
        """The deals in ``stage_ids`` whose current version the integration has not exported,
        oldest change first, each with the fingerprint exported before; deals made from this
        integration's own orders left out."""
        ...

    async def keep_exported_versions(
        self, organisation_id: UUID, integration_id: UUID, sent: Sequence[SentOrder]
    ) -> None:
        """Moves each deal's exported version forward to ``sent``'s, its fingerprint kept: the
        deal changed in nothing 1C sees."""
        ...

    async def mark_orders_exported(
        self,
        organisation_id: UUID,
        integration_id: UUID,
        sent: Sequence[SentOrder],
        *,
        now: datetime,
    ) -> int:
        """Records each deal's exported version (deals deleted since are skipped); how many
        were recorded."""
        ...

    async def catalog_items(
        self, organisation_id: UUID, product_ids: Sequence[UUID]
    ) -> dict[UUID, CatalogItem]:
        """The organisation's products among ``product_ids`` (deleted ones too: 1C marks
        them, a deal may still name them), with their prices by price type name."""
        ...


class ExchangeFiles(Protocol):
    """Where an exchange's files are kept while (and after) they are imported."""

    async def append(
        self, organisation_id: UUID, exchange_id: UUID, path: str, chunk: bytes
    ) -> None: ...
    async def unpack(
        self, organisation_id: UUID, exchange_id: UUID, path: str, *, max_bytes: int
    ) -> Sequence[tuple[str, int]]:
        """Unpacks an archive next to it; the members' safe paths and sizes. Raises
        ExchangeRefused for traversal, absolute names, too many members or too many bytes."""
        ...

    async def exists(self, organisation_id: UUID, exchange_id: UUID, path: str) -> bool: ...
    async def discard(self, organisation_id: UUID, exchange_id: UUID) -> None:
        """Deletes everything kept for the exchange (received files, unpacked members, the
        spooled records); nothing kept is fine."""
        ...


class CatalogReader(Protocol):
    async def read(
        self,
        organisation_id: UUID,
        exchange_id: UUID,
        path: str,
        kind: FileKind,
        *,
        offset: int,
        limit: int,
    ) -> CatalogSlice:
        """Records ``offset`` to ``offset + limit`` of a stored CommerceML file, parsed as a
        stream off the event loop. Raises ExchangeRefused with a one-line reason for a
        document refused (a DTD or entities, malformed XML, a value out of bounds)."""
        ...


class OrderWriter(Protocol):
    def write(self, orders: Sequence[Order], *, at: datetime) -> bytes:
        """The CommerceML 2 document (UTF-8) of ``orders`` for 1C, formed at ``at``."""
        ...
