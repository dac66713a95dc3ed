"""SQL of orders to 1C: an integration's order stages, the deals to send as orders (with
their buyer, lines and the catalogue's Ид) and the versions 1C confirmed. Mixed into
``SqlOnecRepository``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from adapters.db.repositories.base import SqlRepository
from adapters.db.tables.clients import clients, contact_emails, contact_phones, contacts
from adapters.db.tables.deals import deal_products, deals
from adapters.db.tables.funnels import stages
from adapters.db.tables.onec import (
    onec_counterparties,
    onec_documents,
    onec_exported_orders,
    onec_order_stages,
    products,
)
from adapters.db.tables.staff import users
from domain.onec.counterparties import SOURCE_CHANNEL
from domain.onec.model import OnecIntegration
from domain.onec.orders import Order, OrderLine, OrderParty, SentOrder


class SqlOnecOrders(SqlRepository):
    # --- order stages, kept with the integration ----------------------------------------

    async def _load_order_stages(self, integrations: Sequence[OnecIntegration]) -> None:
        if not integrations:
            return
        t = onec_order_stages
        rows = await self._conn.execute(
            sa.select(t.c.integration_id, t.c.stage_id)
            .select_from(
                t.join(
                    stages,
                    sa.and_(
                        stages.c.organisation_id == t.c.organisation_id,
                        stages.c.id == t.c.stage_id,
                    ),
                )
            )
            .where(
                t.c.organisation_id.in_({i.organisation_id for i in integrations}),
                t.c.integration_id.in_([i.id for i in integrations]),
            )
            .order_by(t.c.integration_id, stages.c.funnel_id, stages.c.position, t.c.stage_id)
        )
        found: dict[UUID, list[UUID]] = {}
        for row in rows:
            found.setdefault(row.integration_id, []).append(row.stage_id)
        for integration in integrations:
            integration.order_stage_ids = tuple(found.get(integration.id, ()))

    async def _write_order_stages(self, integration: OnecIntegration) -> None:
        t = onec_order_stages
        await self._conn.execute(
            sa.delete(t).where(
                t.c.organisation_id == integration.organisation_id,
                t.c.integration_id == integration.id,
            )
        )
        if integration.order_stage_ids:
            await self._conn.execute(
                sa.insert(t),
                [
                    {
                        "organisation_id": integration.organisation_id,
                        "integration_id": integration.id,
                        "stage_id": stage_id,
                    }
                    for stage_id in integration.order_stage_ids
                ],
            )

    # --- the orders ----------------------------------------------------------------------

    async def orders_to_send(
        self, organisation_id: UUID, integration_id: UUID, stage_ids: Sequence[UUID], *, limit: int
    ) -> Sequence[Order]:
        if not stage_ids:
            return []
        d = deals
        e = onec_exported_orders
        doc = onec_documents
        # The deal's export row (outer-joined below): a deal whose version 1C has is no order.
        exported = e.c.deal_version.is_not_distinct_from(d.c.version)
        # A deal made from one of this 1C's own orders is 1C's already: sending it back would be
        # a second order there. (A deal of ours 1C sent back is linked too, but keeps its own
        # source channel, so it still goes when it changes.)
        from_onec = sa.and_(
            # Not distinct: a deal without a source channel is plainly not one (NOT NULL).
            d.c.source_channel.is_not_distinct_from(SOURCE_CHANNEL),
            sa.exists().where(
                doc.c.organisation_id == d.c.organisation_id,
                doc.c.integration_id == integration_id,
                doc.c.deal_id == d.c.id,
            ),
        )
        rows = list(
            await self._conn.execute(
                sa.select(
                    d.c.id,
                    d.c.version,
                    d.c.title,
                    d.c.created_at,
                    d.c.updated_at,
                    d.c.currency,
                    d.c.amount,
                    d.c.status,
                    d.c.client_id,
                    d.c.contact_id,
                    stages.c.name.label("stage_name"),
                    users.c.full_name.label("responsible_name"),
                    e.c.fingerprint.label("exported_fingerprint"),
                )
                .select_from(
                    d.join(
                        stages,
                        sa.and_(
                            stages.c.organisation_id == d.c.organisation_id,
                            stages.c.id == d.c.stage_id,
                        ),
                    )
                    .outerjoin(
                        users,
                        sa.and_(
                            users.c.organisation_id == d.c.organisation_id,
                            users.c.id == d.c.responsible_id,
                        ),
                    )
                    .outerjoin(
                        e,
                        sa.and_(
                            e.c.organisation_id == d.c.organisation_id,
                            e.c.integration_id == integration_id,
                            e.c.deal_id == d.c.id,
                        ),
                    )
                )
                .where(
                    d.c.organisation_id == organisation_id,
                    d.c.stage_id.in_(list(stage_ids)),
                    ~exported,
                    ~from_onec,
                )
                .order_by(d.c.updated_at, d.c.id)
                .limit(limit)
            )
        )
        if not rows:
            return []
        buyers = await self._buyers(organisation_id, integration_id, rows)
        lines = await self._order_lines(organisation_id, [r.id for r in rows])
        return [
            Order(
                deal_id=r.id,
                version=r.version,
                number=str(r.id),
                title=r.title,
                created_at=r.created_at,
                changed_at=r.updated_at,
                currency=r.currency,
                amount=r.amount,
                status=r.status,
                stage_name=r.stage_name,
                responsible_name=r.responsible_name,
                buyer=buyers[r.id],
                lines=tuple(lines.get(r.id, ())),
                exported_fingerprint=r.exported_fingerprint,
            )
            for r in rows
        ]

    async def _buyers(
        self, organisation_id: UUID, integration_id: UUID, rows: Sequence[Any]
    ) -> dict[UUID, OrderParty]:
        """Each deal's buyer: its client, named by 1C's Ид when 1C sent it, with the phone
        and e-mail of the deal's contact (else the client's primary, else first, contact)."""
        client_ids = list({r.client_id for r in rows})
        found = {
            row.id: row
            for row in await self._conn.execute(
                sa.select(
                    clients.c.id,
                    clients.c.kind,
                    clients.c.name,
                    clients.c.legal_name,
                    clients.c.inn,
                    clients.c.kpp,
                    clients.c.edrpou,
                ).where(clients.c.organisation_id == organisation_id, clients.c.id.in_(client_ids))
            )
        }
        links: dict[UUID, str] = {}
        link_rows = await self._conn.execute(
            sa.select(
                onec_counterparties.c.client_id,
                sa.func.min(onec_counterparties.c.external_id).label("external_id"),
            )
            .where(
                onec_counterparties.c.organisation_id == organisation_id,
                onec_counterparties.c.integration_id == integration_id,
                onec_counterparties.c.client_id.in_(client_ids),
            )
            .group_by(onec_counterparties.c.client_id)
        )
        for link in link_rows:
            links[link.client_id] = link.external_id
        # The client's own contact to reach: primary first, then the oldest.
        first_contact: dict[UUID, UUID] = {}
        contact_rows = await self._conn.execute(
            sa.select(contacts.c.id, contacts.c.client_id)
            .where(
                contacts.c.organisation_id == organisation_id, contacts.c.client_id.in_(client_ids)
            )
            .order_by(
                contacts.c.client_id,
                contacts.c.is_primary.desc(),
                contacts.c.created_at,
                contacts.c.id,
            )
        )
        for contact in contact_rows:
            first_contact.setdefault(contact.client_id, contact.id)
        chosen = {r.id: r.contact_id or first_contact.get(r.client_id) for r in rows}
        contact_ids = list({c for c in chosen.values() if c is not None})
        phones: dict[UUID, str] = {}
        emails: dict[UUID, str] = {}
        if contact_ids:
            for phone in await self._conn.execute(
                sa.select(contact_phones.c.contact_id, contact_phones.c.e164)
                .where(
                    contact_phones.c.organisation_id == organisation_id,
                    contact_phones.c.contact_id.in_(contact_ids),
                )
                .order_by(contact_phones.c.contact_id, contact_phones.c.position)
            ):
                phones.setdefault(phone.contact_id, phone.e164)
            for email in await self._conn.execute(
                sa.select(contact_emails.c.contact_id, contact_emails.c.email)
                .where(
                    contact_emails.c.organisation_id == organisation_id,
                    contact_emails.c.contact_id.in_(contact_ids),
                )
                .order_by(contact_emails.c.contact_id, contact_emails.c.position)
            ):
                emails.setdefault(email.contact_id, email.email)
        result: dict[UUID, OrderParty] = {}
        for r in rows:
            client = found[r.client_id]
            contact_id = chosen[r.id]
            result[r.id] = OrderParty(
                id=links.get(r.client_id, str(r.client_id)),
                name=client.name,
                full_name=client.legal_name or client.name,
                inn=client.inn,
                kpp=client.kpp,
                edrpou=client.edrpou,
                is_person=client.kind == "person",
                phone=phones.get(contact_id) if contact_id else None,
                email=emails.get(contact_id) if contact_id else None,
            )
        return result

    async def _order_lines(
        self, organisation_id: UUID, deal_ids: Sequence[UUID]
    ) -> dict[UUID, list[OrderLine]]:
        p = deal_products
        rows = await self._conn.execute(
            sa.select(
                p.c.id,
                p.c.deal_id,
                p.c.name,
                p.c.quantity,
                p.c.price,
                products.c.external_id,
                products.c.article,
                products.c.unit,
            )
            .select_from(
                p.outerjoin(
                    products,
                    sa.and_(
                        products.c.organisation_id == p.c.organisation_id,
                        products.c.id == p.c.product_id,
                    ),
                )
            )
            .where(p.c.organisation_id == organisation_id, p.c.deal_id.in_(deal_ids))
            .order_by(p.c.deal_id, p.c.position, p.c.id)
        )
        lines: dict[UUID, list[OrderLine]] = {}
        for row in rows:
            lines.setdefault(row.deal_id, []).append(
                OrderLine(
                    product_external_id=row.external_id,
                    line_id=str(row.id),
                    name=row.name,
                    article=row.article,
                    unit=row.unit,
                    price=row.price,
                    quantity=row.quantity,
                )
            )
        return lines

    async def mark_orders_exported(
        self,
        organisation_id: UUID,
        integration_id: UUID,
        sent: Sequence[SentOrder],
        *,
        now: datetime,
    ) -> int:
        if not sent:
            return 0
        versions = {s.deal_id: s.version for s in sent}
        fingerprints = {s.deal_id: s.fingerprint for s in sent}
        # Only deals that still exist (one deleted since the query is skipped, not an error).
        present = {
            row.id
            for row in await self._conn.execute(
                sa.select(deals.c.id).where(
                    deals.c.organisation_id == organisation_id, deals.c.id.in_(list(versions))
                )
            )
        }
        values = [
            {
                "organisation_id": organisation_id,
                "integration_id": integration_id,
                "deal_id": deal_id,
                "deal_version": version,
                "fingerprint": fingerprints[deal_id],
                "exported_at": now,
            }
            for deal_id, version in versions.items()
            if deal_id in present
        ]
        if not values:
            return 0
        statement = insert(onec_exported_orders).values(values)
        await self._conn.execute(
            statement.on_conflict_do_update(
                index_elements=["organisation_id", "integration_id", "deal_id"],
                set_={
                    "deal_version": statement.excluded.deal_version,
                    "fingerprint": statement.excluded.fingerprint,
                    "exported_at": statement.excluded.exported_at,
                },
                # Versions only go forward: a late success of an older answer keeps the newer.
                where=onec_exported_orders.c.deal_version < statement.excluded.deal_version,
            )
        )
        return len(values)

    async def keep_exported_versions(
        self, organisation_id: UUID, integration_id: UUID, sent: Sequence[SentOrder]
    ) -> None:
        if not sent:
            return
        e = onec_exported_orders
        # One statement: each deal's row moves to the version whose content 1C has already.
        values = sa.values(
            sa.column("deal_id", sa.UUID()),
            sa.column("deal_version", sa.Integer()),
            name="seen",
        ).data([(s.deal_id, s.version) for s in sent])
        await self._conn.execute(
            sa.update(e)
            .where(
                e.c.organisation_id == organisation_id,
                e.c.integration_id == integration_id,
                e.c.deal_id == values.c.deal_id,
                e.c.deal_version < values.c.deal_version,
            )
            .values(deal_version=values.c.deal_version)
        )
