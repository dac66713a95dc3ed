"""1C integrations, exchanges with their files, and the product catalogue in PostgreSQL.

Catalogue upserts are one statement per kind and slice: INSERT ... ON CONFLICT (organisation,
Ид) DO UPDATE ... WHERE the stored row differs, RETURNING whether the row was inserted. A row
not returned was unchanged, so a second identical import counts everything as unchanged and
writes nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from adapters.db.repositories.base import in_organisation
from adapters.db.repositories.onec_orders import SqlOnecOrders
from adapters.db.tables.onec import (
    onec_counterparties,
    onec_documents,
    onec_exchange_files,
    onec_exchanges,
    onec_integrations,
    price_types,
    product_groups,
    product_prices,
    product_stock,
    products,
    warehouses,
)
from domain.onec.model import (
    CatalogItem,
    CounterpartyLink,
    DocumentLink,
    Exchange,
    ExchangeFile,
    ExchangeStatus,
    ExchangeType,
    FileKind,
    FileStatus,
    GroupRecord,
    OfferRecord,
    OnecIntegration,
    PriceTypeRecord,
    Product,
    ProductPrice,
    ProductRecord,
    ProductStock,
    UpsertCounts,
    WarehouseRecord,
)
from domain.shared.ids import new_id
from domain.shared.scope import Scope

R = TypeVar("R")
_INSERTED: sa.Label[bool] = sa.literal_column("xmax = 0", sa.Boolean).label("inserted")


def _last_by_key(records: Iterable[R], key: Any) -> list[R]:
    """One record per key (the last one): ON CONFLICT may not touch a row twice."""
    return list({key(r): r for r in records}.values())


def _counts(total: int, returned: Sequence[Any]) -> UpsertCounts:
    created = sum(1 for row in returned if row.inserted)
    return UpsertCounts(
        created=created, updated=len(returned) - created, unchanged=total - len(returned)
    )


class SqlOnecRepository(SqlOnecOrders):
    # --- integrations ---------------------------------------------------------------------

    async def add_integration(self, integration: OnecIntegration) -> None:
        await self._conn.execute(
            sa.insert(onec_integrations).values(
                id=integration.id,
                organisation_id=integration.organisation_id,
                created_at=integration.created_at or sa.func.now(),
                **_integration_values(integration),
            )
        )
        await self._write_order_stages(integration)

    async def get_integration(self, scope: Scope, integration_id: UUID) -> OnecIntegration | None:
        t = onec_integrations
        row = (
            await self._conn.execute(
                sa.select(t).where(in_organisation(t, scope), t.c.id == integration_id)
            )
        ).first()
        return await self._with_order_stages(_integration(row._mapping)) if row else None

    async def find_integration(self, integration_id: UUID) -> OnecIntegration | None:
        t = onec_integrations
        row = (await self._conn.execute(sa.select(t).where(t.c.id == integration_id))).first()
        return await self._with_order_stages(_integration(row._mapping)) if row else None

    async def _with_order_stages(self, integration: OnecIntegration) -> OnecIntegration:
        await self._load_order_stages([integration])
        return integration

    async def list_integrations(
        self, scope: Scope, *, limit: int, after: tuple[datetime, UUID] | None
    ) -> Sequence[OnecIntegration]:
        t = onec_integrations
        rows = await self._newest_first(t, in_organisation(t, scope), limit=limit, after=after)
        found = [_integration(row) for row in rows]
        await self._load_order_stages(found)
        return found

    async def update_integration(self, integration: OnecIntegration, expected_version: int) -> None:
        await self._update_versioned(
            onec_integrations,
            entity="1C integration",
            ident=integration.id,
            organisation_id=integration.organisation_id,
            expected_version=expected_version,
            values=_integration_values(integration),
        )
        integration.version = expected_version + 1
        await self._write_order_stages(integration)

    async def delete_integration(self, scope: Scope, integration_id: UUID) -> None:
        t = onec_integrations
        await self._conn.execute(
            sa.delete(t).where(in_organisation(t, scope), t.c.id == integration_id)
        )

    # --- exchanges ------------------------------------------------------------------------

    async def add_exchange(self, exchange: Exchange) -> None:
        await self._conn.execute(
            sa.insert(onec_exchanges).values(
                id=exchange.id,
                organisation_id=exchange.organisation_id,
                integration_id=exchange.integration_id,
                type=exchange.type.value,
                token_digest=exchange.token_digest,
                started_at=exchange.started_at,
                **_exchange_values(exchange),
            )
        )

    async def exchange_by_token(
        self, organisation_id: UUID, integration_id: UUID, digest: str
    ) -> Exchange | None:
        t = onec_exchanges
        row = (
            await self._conn.execute(
                sa.select(t)
                .where(
                    t.c.organisation_id == organisation_id,
                    t.c.token_digest == digest,
                    t.c.integration_id == integration_id,
                )
                .with_for_update()
            )
        ).first()
        return _exchange(row._mapping) if row else None

    async def abandoned_exchanges(self, *, before: datetime, limit: int) -> Sequence[Exchange]:
        t = onec_exchanges
        rows = await self._conn.execute(
            sa.select(t)
            # The partial index of open sessions (0047) answers this across organisations.
            .where(
                t.c.status.in_([ExchangeStatus.OPEN.value, ExchangeStatus.IMPORTING.value]),
                t.c.last_seen_at < before,
            )
            .order_by(t.c.last_seen_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_exchange(row._mapping) for row in rows]

    async def get_exchange(self, scope: Scope, exchange_id: UUID) -> Exchange | None:
        t = onec_exchanges
        row = (
            await self._conn.execute(
                sa.select(t).where(in_organisation(t, scope), t.c.id == exchange_id)
            )
        ).first()
        return _exchange(row._mapping) if row else None

    async def list_exchanges(
        self,
        scope: Scope,
        *,
        integration_id: UUID | None,
        limit: int,
        after: tuple[datetime, UUID] | None,
    ) -> Sequence[Exchange]:
        t = onec_exchanges
        query = sa.select(t).where(in_organisation(t, scope))
        if integration_id is not None:
            query = query.where(t.c.integration_id == integration_id)
        if after is not None:
            query = query.where(sa.tuple_(t.c.started_at, t.c.id) < sa.tuple_(*after))
        rows = await self._conn.execute(
            query.order_by(t.c.started_at.desc(), t.c.id.desc()).limit(limit)
        )
        return [_exchange(row._mapping) for row in rows]

    async def save_exchange(self, exchange: Exchange) -> None:
        t = onec_exchanges
        await self._conn.execute(
            sa.update(t)
            .where(t.c.organisation_id == exchange.organisation_id, t.c.id == exchange.id)
            .values(**_exchange_values(exchange), version=t.c.version + 1)
        )

    async def files(self, organisation_id: UUID, exchange_id: UUID) -> Sequence[ExchangeFile]:
        t = onec_exchange_files
        rows = await self._conn.execute(
            sa.select(t)
            .where(t.c.organisation_id == organisation_id, t.c.exchange_id == exchange_id)
            .order_by(t.c.created_at, t.c.name)
        )
        return [_file(row._mapping) for row in rows]

    async def save_file(self, file: ExchangeFile) -> None:
        values = {
            "kind": file.kind.value,
            "size": file.size,
            "status": file.status.value,
            "items_done": file.items_done,
            "created": file.created,
            "updated": file.updated,
            "unchanged": file.unchanged,
            "error": file.error,
        }
        statement = insert(onec_exchange_files).values(
            id=file.id,
            organisation_id=file.organisation_id,
            exchange_id=file.exchange_id,
            name=file.name,
            **values,
        )
        await self._conn.execute(
            statement.on_conflict_do_update(
                index_elements=["organisation_id", "exchange_id", "name"], set_=values
            )
        )

    # --- counterparties --------------------------------------------------------------------

    async def counterparty_links(
        self, organisation_id: UUID, integration_id: UUID, external_ids: Sequence[str]
    ) -> dict[str, CounterpartyLink]:
        wanted = sorted(set(external_ids))
        if not wanted:
            return {}
        t = onec_counterparties
        rows = await self._conn.execute(
            sa.select(t.c.external_id, t.c.client_id, t.c.fingerprint).where(
                t.c.organisation_id == organisation_id,
                t.c.integration_id == integration_id,
                t.c.external_id.in_(wanted),
            )
        )
        return {
            row.external_id: CounterpartyLink(client_id=row.client_id, fingerprint=row.fingerprint)
            for row in rows
        }

    async def link_counterparty(
        self,
        organisation_id: UUID,
        integration_id: UUID,
        external_id: str,
        link: CounterpartyLink,
        *,
        now: datetime,
    ) -> None:
        statement = insert(onec_counterparties).values(
            organisation_id=organisation_id,
            integration_id=integration_id,
            external_id=external_id,
            client_id=link.client_id,
            fingerprint=link.fingerprint,
            created_at=now,
            updated_at=now,
        )
        await self._conn.execute(
            statement.on_conflict_do_update(
                index_elements=["organisation_id", "integration_id", "external_id"],
                set_={
                    "client_id": statement.excluded.client_id,
                    "fingerprint": statement.excluded.fingerprint,
                    "updated_at": statement.excluded.updated_at,
                },
            )
        )

    async def link_counterparties(
        self,
        organisation_id: UUID,
        integration_id: UUID,
        links: Mapping[str, CounterpartyLink],
        *,
        now: datetime,
    ) -> None:
        if not links:
            return
        statement = insert(onec_counterparties)
        await self._conn.execute(
            statement.on_conflict_do_update(
                index_elements=["organisation_id", "integration_id", "external_id"],
                set_={
                    "client_id": statement.excluded.client_id,
                    "fingerprint": statement.excluded.fingerprint,
                    "updated_at": statement.excluded.updated_at,
                },
            ),
            [
                {
                    "organisation_id": organisation_id,
                    "integration_id": integration_id,
                    "external_id": external_id,
                    "client_id": link.client_id,
                    "fingerprint": link.fingerprint,
                    "created_at": now,
                    "updated_at": now,
                }
                for external_id, link in links.items()
            ],
        )

    async def document_links(
        self, organisation_id: UUID, integration_id: UUID, external_ids: Sequence[str]
    ) -> dict[str, DocumentLink]:
        wanted = sorted(set(external_ids))
        if not wanted:
            return {}
        t = onec_documents
        rows = await self._conn.execute(
            sa.select(t.c.external_id, t.c.deal_id, t.c.invoice_id, t.c.fingerprint).where(
                t.c.organisation_id == organisation_id,
                t.c.integration_id == integration_id,
                t.c.external_id.in_(wanted),
            )
        )
        return {
            row.external_id: DocumentLink(
                deal_id=row.deal_id, invoice_id=row.invoice_id, fingerprint=row.fingerprint
            )
            for row in rows
        }

    async def save_document_links(
        self,
        organisation_id: UUID,
        integration_id: UUID,
        links: dict[str, DocumentLink],
        *,
        now: datetime,
    ) -> None:
        if not links:
            return
        statement = insert(onec_documents).values(
            [
                {
                    "organisation_id": organisation_id,
                    "integration_id": integration_id,
                    "external_id": external_id,
                    "deal_id": link.deal_id,
                    "invoice_id": link.invoice_id,
                    "fingerprint": link.fingerprint,
                    "created_at": now,
                    "updated_at": now,
                }
                for external_id, link in sorted(links.items())
            ]
        )
        await self._conn.execute(
            statement.on_conflict_do_update(
                index_elements=["organisation_id", "integration_id", "external_id"],
                set_={
                    "deal_id": statement.excluded.deal_id,
                    "invoice_id": statement.excluded.invoice_id,
                    "fingerprint": statement.excluded.fingerprint,
                    "updated_at": statement.excluded.updated_at,
                },
            )
        )

    # --- the catalogue --------------------------------------------------------------------

    async def upsert_groups(
        self, organisation_id: UUID, groups: Sequence[GroupRecord]
    ) -> UpsertCounts:
        unique = _last_by_key(groups, lambda g: g.external_id)
        t = product_groups
        statement = insert(t).values(
            [
                {
                    "id": new_id(),
                    "organisation_id": organisation_id,
                    "external_id": g.external_id,
                    "name": g.name or g.external_id,
                    "parent_external_id": g.parent_external_id,
                }
                for g in unique
            ]
        )
        rows = await self._upsert(
            statement, t, ("name", "parent_external_id"), touch_updated_at=True
        )
        return _counts(len(groups), rows)

    async def upsert_price_types(
        self, organisation_id: UUID, price_types_: Sequence[PriceTypeRecord]
    ) -> UpsertCounts:
        unique = _last_by_key(price_types_, lambda p: p.external_id)
        statement = insert(price_types).values(
            [
                {
                    "id": new_id(),
                    "organisation_id": organisation_id,
                    "external_id": p.external_id,
                    "name": p.name or p.external_id,
                    "currency": p.currency,
                }
                for p in unique
            ]
        )
        rows = await self._upsert(statement, price_types, ("name", "currency"))
        return _counts(len(price_types_), rows)

    async def upsert_warehouses(
        self, organisation_id: UUID, warehouses_: Sequence[WarehouseRecord]
    ) -> UpsertCounts:
        unique = _last_by_key(warehouses_, lambda w: w.external_id)
        statement = insert(warehouses).values(
            [
                {
                    "id": new_id(),
                    "organisation_id": organisation_id,
                    "external_id": w.external_id,
                    "name": w.name or w.external_id,
                }
                for w in unique
            ]
        )
        rows = await self._upsert(statement, warehouses, ("name",))
        return _counts(len(warehouses_), rows)

    async def upsert_products(
        self, organisation_id: UUID, products_: Sequence[ProductRecord], *, now: datetime
    ) -> UpsertCounts:
        unique = _last_by_key(products_, lambda p: p.external_id)
        statement = insert(products).values(
            [
                {
                    "id": new_id(),
                    "organisation_id": organisation_id,
                    "external_id": p.external_id,
                    "name": p.name,
                    "article": p.article,
                    "barcode": p.barcode,
                    "unit": p.unit,
                    "description": p.description,
                    "group_external_id": p.group_external_id,
                    "properties": dict(p.properties),
                    "requisites": dict(p.requisites),
                    "is_deleted": p.deleted,
                    "created_at": now,
                    "updated_at": now,
                }
                for p in unique
            ]
        )
        rows = await self._upsert(
            statement,
            products,
            (
                "name",
                "article",
                "barcode",
                "unit",
                "description",
                "group_external_id",
                "properties",
                "requisites",
                "is_deleted",
            ),
            touch_updated_at=True,
        )
        return _counts(len(products_), rows)

    async def _upsert(
        self,
        statement: Any,
        table: sa.Table,
        columns: Sequence[str],
        *,
        touch_updated_at: bool = False,
    ) -> Sequence[Any]:
        excluded = statement.excluded
        changes: dict[str, Any] = {name: excluded[name] for name in columns}
        if touch_updated_at:
            changes["updated_at"] = sa.func.now()
        upsert = statement.on_conflict_do_update(
            index_elements=["organisation_id", "external_id"],
            set_=changes,
            where=sa.tuple_(*(table.c[n] for n in columns)).is_distinct_from(
                sa.tuple_(*(excluded[n] for n in columns))
            ),
        ).returning(table.c.id, _INSERTED)
        return list(await self._conn.execute(upsert))

    async def product_ids(
        self, organisation_id: UUID, external_ids: Sequence[str]
    ) -> dict[str, UUID]:
        return await self._ids(products, organisation_id, external_ids)

    async def _ids(
        self, table: sa.Table, organisation_id: UUID, external_ids: Iterable[str]
    ) -> dict[str, UUID]:
        wanted = sorted(set(external_ids))
        if not wanted:
            return {}
        rows = await self._conn.execute(
            sa.select(table.c.external_id, table.c.id).where(
                table.c.organisation_id == organisation_id, table.c.external_id.in_(wanted)
            )
        )
        return {row.external_id: row.id for row in rows}

    async def apply_offers(
        self, organisation_id: UUID, offers: Sequence[OfferRecord], *, now: datetime
    ) -> UpsertCounts:
        """Prices and stock of products already in the catalogue; an offer of an unknown
        product, price type or warehouse is an error line, the rest of it still applies."""
        wanted = sorted({o.product_external_id for o in offers})
        known_rows = list(
            await self._conn.execute(
                sa.select(products.c.external_id, products.c.id, products.c.quantity).where(
                    products.c.organisation_id == organisation_id,
                    products.c.external_id.in_(wanted),
                )
            )
        )
        product_ids = {row.external_id: row.id for row in known_rows}
        had_quantity = {row.id for row in known_rows if row.quantity is not None}
        type_ids = await self._ids(
            price_types,
            organisation_id,
            (p.price_type_external_id for o in offers for p in o.prices),
        )
        store_ids = await self._ids(
            warehouses, organisation_id, (s for o in offers for s, _ in o.stock)
        )
        errors: list[str] = []
        prices: dict[tuple[UUID, UUID], dict[str, Any]] = {}
        stock: dict[tuple[UUID, UUID], dict[str, Any]] = {}
        quantities: dict[UUID, Decimal | None] = {}
        known: list[OfferRecord] = []
        for offer in offers:
            product_id = product_ids.get(offer.product_external_id)
            if product_id is None:
                errors.append(f"offer {offer.product_external_id}: no such product")
                continue
            known.append(offer)
            quantities[product_id] = offer.quantity
            for price in offer.prices:
                type_id = type_ids.get(price.price_type_external_id)
                if type_id is None:
                    errors.append(
                        f"offer {offer.product_external_id}: no price type "
                        f"{price.price_type_external_id}"
                    )
                    continue
                prices[(product_id, type_id)] = {
                    "organisation_id": organisation_id,
                    "product_id": product_id,
                    "price_type_id": type_id,
                    "price": price.price,
                    "currency": price.currency,
                    "unit": price.unit,
                }
            for store, quantity in offer.stock:
                store_id = store_ids.get(store)
                if store_id is None:
                    errors.append(f"offer {offer.product_external_id}: no warehouse {store}")
                    continue
                stock[(product_id, store_id)] = {
                    "organisation_id": organisation_id,
                    "product_id": product_id,
                    "warehouse_id": store_id,
                    "quantity": quantity,
                }
        touched: dict[UUID, bool] = {}  # product -> every row of it was new
        if prices:
            statement = insert(product_prices).values(list(prices.values()))
            columns = ("price", "currency", "unit")
            rows = await self._conn.execute(
                statement.on_conflict_do_update(
                    index_elements=["organisation_id", "product_id", "price_type_id"],
                    set_={c: statement.excluded[c] for c in columns},
                    where=sa.tuple_(*(product_prices.c[c] for c in columns)).is_distinct_from(
                        sa.tuple_(*(statement.excluded[c] for c in columns))
                    ),
                ).returning(product_prices.c.product_id, _INSERTED)
            )
            for row in rows:
                touched[row.product_id] = touched.get(row.product_id, True) and row.inserted
        if stock:
            statement = insert(product_stock).values(list(stock.values()))
            rows = await self._conn.execute(
                statement.on_conflict_do_update(
                    index_elements=["organisation_id", "product_id", "warehouse_id"],
                    set_={"quantity": statement.excluded.quantity},
                    where=product_stock.c.quantity.is_distinct_from(statement.excluded.quantity),
                ).returning(product_stock.c.product_id, _INSERTED)
            )
            for row in rows:
                touched[row.product_id] = touched.get(row.product_id, True) and row.inserted
        changed_totals = [pid for pid, q in quantities.items() if q is not None]
        if changed_totals:
            values = sa.values(
                sa.column("id", sa.Uuid),
                sa.column("quantity", sa.Numeric(18, 3)),
                name="v",
            ).data([(pid, quantities[pid]) for pid in changed_totals])
            rows = await self._conn.execute(
                sa.update(products)
                .where(
                    products.c.organisation_id == organisation_id,
                    products.c.id == values.c.id,
                    products.c.quantity.is_distinct_from(values.c.quantity),
                )
                .values(quantity=values.c.quantity, updated_at=now)
                .returning(products.c.id)
            )
            for row in rows:
                # A first total is part of a new offer, a changed one an update.
                fresh = row.id not in had_quantity
                touched[row.id] = touched.get(row.id, True) and fresh
        created = sum(1 for o in known if touched.get(product_ids[o.product_external_id]) is True)
        updated = sum(1 for o in known if touched.get(product_ids[o.product_external_id]) is False)
        return UpsertCounts(
            created=created,
            updated=updated,
            unchanged=len(known) - created - updated,
            errors=tuple(errors),
        )

    async def list_products(
        self,
        scope: Scope,
        *,
        search: str | None,
        limit: int,
        after: tuple[str, UUID] | None,
    ) -> Sequence[Product]:
        p = products
        g = product_groups
        query = (
            sa.select(p, g.c.id.label("group_id"), g.c.name.label("group_name"))
            .select_from(
                p.outerjoin(
                    g,
                    sa.and_(
                        g.c.organisation_id == p.c.organisation_id,
                        g.c.external_id == p.c.group_external_id,
                    ),
                )
            )
            .where(in_organisation(p, scope))
        )
        if search:
            pattern = (
                "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
            query = query.where(
                sa.or_(
                    p.c.name.ilike(pattern, escape="\\"),
                    p.c.article.ilike(pattern, escape="\\"),
                    p.c.barcode.ilike(pattern, escape="\\"),
                )
            )
        if after is not None:
            query = query.where(sa.tuple_(p.c.name, p.c.id) > sa.tuple_(*after))
        rows = list(await self._conn.execute(query.order_by(p.c.name, p.c.id).limit(limit)))
        ids = [row.id for row in rows]
        prices: dict[UUID, list[ProductPrice]] = {i: [] for i in ids}
        stock: dict[UUID, list[ProductStock]] = {i: [] for i in ids}
        if ids:
            price_rows = await self._conn.execute(
                _prices(scope.organisation_id, ids).order_by(price_types.c.name)
            )
            for price in price_rows:
                prices[price.product_id].append(
                    ProductPrice(
                        price_type=price.name,
                        price=price.price,
                        currency=price.currency,
                        unit=price.unit,
                    )
                )
            stock_rows = await self._conn.execute(
                sa.select(product_stock.c.product_id, warehouses.c.name, product_stock.c.quantity)
                .select_from(
                    product_stock.join(
                        warehouses,
                        sa.and_(
                            warehouses.c.organisation_id == product_stock.c.organisation_id,
                            warehouses.c.id == product_stock.c.warehouse_id,
                        ),
                    )
                )
                .where(
                    product_stock.c.organisation_id == scope.organisation_id,
                    product_stock.c.product_id.in_(ids),
                )
                .order_by(warehouses.c.name)
            )
            for held in stock_rows:
                stock[held.product_id].append(
                    ProductStock(warehouse=held.name, quantity=held.quantity)
                )
        return [
            Product(
                id=row.id,
                organisation_id=row.organisation_id,
                external_id=row.external_id,
                name=row.name,
                article=row.article,
                barcode=row.barcode,
                unit=row.unit,
                description=row.description,
                group_id=row.group_id,
                group_name=row.group_name,
                properties=dict(row.properties or {}),
                is_deleted=row.is_deleted,
                quantity=row.quantity,
                prices=prices[row.id],
                stock=stock[row.id],
                created_at=row.created_at,
                updated_at=row.updated_at,
            )
            for row in rows
        ]

    async def catalog_items(
        self, organisation_id: UUID, product_ids: Sequence[UUID]
    ) -> dict[UUID, CatalogItem]:
        ids = list(dict.fromkeys(product_ids))
        if not ids:
            return {}
        p = products
        rows = await self._conn.execute(
            sa.select(p.c.id, p.c.external_id, p.c.name, p.c.article, p.c.unit).where(
                p.c.organisation_id == organisation_id, p.c.id.in_(ids)
            )
        )
        prices: dict[UUID, list[ProductPrice]] = {}
        price_rows = await self._conn.execute(
            _prices(organisation_id, ids).order_by(
                product_prices.c.product_id, price_types.c.name, price_types.c.id
            )
        )
        for price in price_rows:
            prices.setdefault(price.product_id, []).append(
                ProductPrice(
                    price_type=price.name,
                    price=price.price,
                    currency=price.currency,
                    unit=price.unit,
                )
            )
        return {
            row.id: CatalogItem(
                id=row.id,
                external_id=row.external_id,
                name=row.name,
                article=row.article,
                unit=row.unit,
                prices=tuple(prices.get(row.id, ())),
            )
            for row in rows
        }


def _integration_values(integration: OnecIntegration) -> dict[str, Any]:
    return {
        "name": integration.name,
        "login": integration.login,
        "password_hash": integration.password_hash,
        "exchange_catalog": integration.exchange_catalog,
        "exchange_sale": integration.exchange_sale,
        "is_active": integration.is_active,
        "responsible_id": integration.responsible_id,
        "deal_funnel_id": integration.deal_funnel_id,
        "win_on_status": integration.win_on_status,
    }


def _integration(row: Any) -> OnecIntegration:
    return OnecIntegration(
        id=row["id"],
        organisation_id=row["organisation_id"],
        name=row["name"],
        login=row["login"],
        password_hash=row["password_hash"],
        exchange_catalog=row["exchange_catalog"],
        exchange_sale=row["exchange_sale"],
        is_active=row["is_active"],
        responsible_id=row["responsible_id"],
        deal_funnel_id=row["deal_funnel_id"],
        win_on_status=row["win_on_status"],
        created_at=row["created_at"],
        version=row["version"],
    )


def _exchange_values(exchange: Exchange) -> dict[str, Any]:
    return {
        "status": exchange.status.value,
        "last_seen_at": exchange.last_seen_at,
        "finished_at": exchange.finished_at,
        "bytes_received": exchange.bytes_received,
        "files_count": exchange.files_count,
        "created": exchange.created,
        "updated": exchange.updated,
        "unchanged": exchange.unchanged,
        "errors": list(exchange.errors),
        "progress": exchange.progress,
        "counterparties_created": exchange.counterparties_created,
        "counterparties_updated": exchange.counterparties_updated,
        "counterparties_unchanged": exchange.counterparties_unchanged,
        "counterparties_flagged": exchange.counterparties_flagged,
        "flagged": list(exchange.flagged),
        "documents": dict(exchange.documents),
        "orders_sent": exchange.orders_sent,
        "pending_orders": list(exchange.pending_orders),
    }


def _exchange(row: Any) -> Exchange:
    return Exchange(
        id=row["id"],
        organisation_id=row["organisation_id"],
        integration_id=row["integration_id"],
        type=ExchangeType(row["type"]),
        token_digest=row["token_digest"],
        status=ExchangeStatus(row["status"]),
        started_at=row["started_at"],
        last_seen_at=row["last_seen_at"],
        finished_at=row["finished_at"],
        bytes_received=row["bytes_received"],
        files_count=row["files_count"],
        created=row["created"],
        updated=row["updated"],
        unchanged=row["unchanged"],
        errors=list(row["errors"] or []),
        progress=row["progress"],
        counterparties_created=row["counterparties_created"],
        counterparties_updated=row["counterparties_updated"],
        counterparties_unchanged=row["counterparties_unchanged"],
        counterparties_flagged=row["counterparties_flagged"],
        flagged=list(row["flagged"] or []),
        documents=dict(row["documents"] or {}),
        orders_sent=row["orders_sent"],
        pending_orders=list(row["pending_orders"] or []),
        version=row["version"],
    )


def _file(row: Any) -> ExchangeFile:
    return ExchangeFile(
        id=row["id"],
        organisation_id=row["organisation_id"],
        exchange_id=row["exchange_id"],
        name=row["name"],
        kind=FileKind(row["kind"]),
        size=row["size"],
        status=FileStatus(row["status"]),
        items_done=row["items_done"],
        created=row["created"],
        updated=row["updated"],
        unchanged=row["unchanged"],
        error=row["error"],
    )


def _prices(organisation_id: UUID, product_ids: Sequence[UUID]) -> sa.Select[Any]:
    """The prices of these products with their price type's name; a price without a currency
    of its own is in its price type's."""
    return (
        sa.select(
            product_prices.c.product_id,
            price_types.c.name,
            product_prices.c.price,
            sa.func.coalesce(product_prices.c.currency, price_types.c.currency).label("currency"),
            product_prices.c.unit,
        )
        .select_from(
            product_prices.join(
                price_types,
                sa.and_(
                    price_types.c.organisation_id == product_prices.c.organisation_id,
                    price_types.c.id == product_prices.c.price_type_id,
                ),
            )
        )
        .where(
            product_prices.c.organisation_id == organisation_id,
            product_prices.c.product_id.in_(product_ids),
        )
    )
