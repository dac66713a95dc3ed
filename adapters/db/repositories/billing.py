"""Invoices and their payments in SQL. An invoice is visible when its deal is: every read joins
the deal (organisation and id) and applies the deals visibility to its responsible."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from adapters.db.repositories.base import SqlRepository, in_organisation
from adapters.db.repositories.visibility import (
    narrowed_to_department,
    owned_by,
    visible,
    visible_owner_ids,
)
from adapters.db.tables.billing import invoice_number_sequences, invoice_payments, invoices
from adapters.db.tables.clients import clients
from adapters.db.tables.deals import deals
from adapters.db.tables.staff import users
from domain.billing.errors import InvoiceNumberTaken
from domain.billing.model import Invoice, InvoiceStatus, Payment
from domain.billing.ports import InvoiceFilter, PaymentFilter, PaymentLine
from domain.shared.errors import Conflict
from domain.shared.scope import Scope

_OF_DEAL = sa.and_(
    deals.c.organisation_id == invoices.c.organisation_id, deals.c.id == invoices.c.deal_id
)
# Automatic numbers skip those given by hand; this many in a row taken is a sign of a broken
# sequence, not of a busy organisation.
_NUMBER_ATTEMPTS = 1000
_EXTERNAL_TAKEN = "A record with this external_source and external_id exists already"


_OF_INVOICE = sa.and_(
    invoices.c.organisation_id == invoice_payments.c.organisation_id,
    invoices.c.id == invoice_payments.c.invoice_id,
)


def _payments_with_deals() -> sa.Join:
    return invoice_payments.join(invoices, _OF_INVOICE).join(deals, _OF_DEAL)


def payments_received(
    organisation_id: UUID, first_day: date, end_day: date, currency: str
) -> tuple[sa.FromClause, list[sa.ColumnElement[bool]]]:
    """The payments received in [first_day, end_day) on invoices in ``currency``, joined with
    their invoices and deals (for the deal's responsible, client and funnel), and the
    conditions that pick them: what turnover on the paid-invoices basis is summed over, for
    plans (per responsible) as for ABC (per client), and what the payments list shows."""
    return _payments_with_deals(), [
        invoice_payments.c.organisation_id == organisation_id,
        invoice_payments.c.paid_on >= first_day,
        invoice_payments.c.paid_on < end_day,
        invoices.c.currency == currency,
    ]


def _visible_invoices(scope: Scope) -> sa.Select[Any]:
    return (
        sa.select(invoices)
        .join(deals, _OF_DEAL)
        .where(in_organisation(invoices, scope), visible(deals.c.responsible_id, scope))
    )


def _payment_conditions(f: PaymentFilter) -> list[sa.ColumnElement[bool]]:
    c: list[sa.ColumnElement[bool]] = []
    if f.paid_from is not None:
        c.append(invoice_payments.c.paid_on >= f.paid_from)
    if f.paid_to is not None:
        c.append(invoice_payments.c.paid_on <= f.paid_to)
    if f.responsible_ids:
        c.append(deals.c.responsible_id.in_(f.responsible_ids))
    if f.currency is not None:
        c.append(invoices.c.currency == f.currency)
    return c


def _payment_line(row: Any) -> PaymentLine:
    return PaymentLine(
        id=row.id,
        paid_on=row.paid_on,
        amount=row.amount,
        currency=row.currency,
        invoice_id=row.invoice_id,
        invoice_number=row.invoice_number,
        deal_id=row.deal_id,
        deal_title=row.deal_title,
        client_id=row.client_id,
        client_name=row.client_name,
        responsible_id=row.responsible_id,
        responsible_name=row.responsible_name,
    )


def _invoice_values(invoice: Invoice) -> dict[str, Any]:
    return {
        "deal_id": invoice.deal_id,
        "client_id": invoice.client_id,
        "number": invoice.number,
        "issued_on": invoice.issued_on,
        "amount": invoice.amount,
        "currency": invoice.currency,
        "status": invoice.status.value,
        "due_on": invoice.due_on,
        "comment": invoice.comment,
        "external_source": invoice.external_source,
        "external_id": invoice.external_id,
        "paid_on": invoice.paid_on,
        "cancelled_at": invoice.cancelled_at,
        "updated_at": invoice.updated_at or sa.func.now(),
    }


def _payment(row: Any) -> Payment:
    return Payment(
        id=row.id,
        organisation_id=row.organisation_id,
        invoice_id=row.invoice_id,
        paid_on=row.paid_on,
        amount=row.amount,
        comment=row.comment,
        external_source=row.external_source,
        external_id=row.external_id,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def _invoice(row: Any, payments: list[Payment]) -> Invoice:
    return Invoice(
        id=row.id,
        organisation_id=row.organisation_id,
        deal_id=row.deal_id,
        client_id=row.client_id,
        number=row.number,
        issued_on=row.issued_on,
        amount=row.amount,
        currency=row.currency,
        status=InvoiceStatus(row.status),
        due_on=row.due_on,
        comment=row.comment,
        external_source=row.external_source,
        external_id=row.external_id,
        payments=payments,
        paid_on=row.paid_on,
        cancelled_at=row.cancelled_at,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def _conditions(f: InvoiceFilter) -> list[sa.ColumnElement[bool]]:
    c: list[sa.ColumnElement[bool]] = []
    if f.statuses:
        c.append(invoices.c.status.in_([s.value for s in f.statuses]))
    if f.issued_from is not None:
        c.append(invoices.c.issued_on >= f.issued_from)
    if f.issued_to is not None:
        c.append(invoices.c.issued_on <= f.issued_to)
    if f.client_id is not None:
        c.append(invoices.c.client_id == f.client_id)
    if f.deal_id is not None:
        c.append(invoices.c.deal_id == f.deal_id)
    return c


class SqlInvoiceRepository(SqlRepository):
    async def add(self, invoice: Invoice) -> None:
        result = await self._conn.execute(
            insert(invoices)
            .values(
                id=invoice.id,
                organisation_id=invoice.organisation_id,
                created_by=invoice.created_by,
                created_at=invoice.created_at or sa.func.now(),
                **_invoice_values(invoice),
            )
            .on_conflict_do_nothing()
        )
        if result.rowcount == 0:
            # Another invoice took the number (or the external reference) since the service
            # checked it.
            if await self.number_taken(invoice.organisation_id, invoice.number):
                raise InvoiceNumberTaken()
            raise Conflict(_EXTERNAL_TAKEN)
        self._collect(invoice)

    async def get(
        self, scope: Scope, invoice_id: UUID, *, for_update: bool = False
    ) -> Invoice | None:
        query = _visible_invoices(scope).where(invoices.c.id == invoice_id)
        if for_update:
            # NO KEY UPDATE: a payment being added holds KEY SHARE on its invoice.
            query = query.with_for_update(key_share=True, of=invoices)
        row = (await self._conn.execute(query)).one_or_none()
        if row is None:
            return None
        return (await self._hydrate([row]))[0]

    async def update(self, invoice: Invoice, expected_version: int) -> None:
        await self._update_versioned(
            invoices,
            entity="Invoice",
            ident=invoice.id,
            organisation_id=invoice.organisation_id,
            expected_version=expected_version,
            values=_invoice_values(invoice),
        )
        invoice.version = expected_version + 1
        self._collect(invoice)

    async def add_payment(self, payment: Payment) -> None:
        result = await self._conn.execute(
            insert(invoice_payments)
            .values(
                id=payment.id,
                organisation_id=payment.organisation_id,
                invoice_id=payment.invoice_id,
                paid_on=payment.paid_on,
                amount=payment.amount,
                comment=payment.comment,
                external_source=payment.external_source,
                external_id=payment.external_id,
                created_by=payment.created_by,
                created_at=payment.created_at or sa.func.now(),
            )
            .on_conflict_do_nothing()
        )
        if result.rowcount == 0:
            raise Conflict(_EXTERNAL_TAKEN)

    async def delete_payment(self, organisation_id: UUID, payment_id: UUID) -> None:
        await self._conn.execute(
            sa.delete(invoice_payments).where(
                invoice_payments.c.organisation_id == organisation_id,
                invoice_payments.c.id == payment_id,
            )
        )

    async def list(
        self,
        scope: Scope,
        filters: InvoiceFilter,
        *,
        limit: int,
        after: tuple[date, UUID] | None = None,
    ) -> Sequence[Invoice]:
        query = _visible_invoices(scope).where(*_conditions(filters))
        if after is not None:
            query = query.where(sa.tuple_(invoices.c.issued_on, invoices.c.id) < sa.tuple_(*after))
        rows = await self._conn.execute(
            query.order_by(invoices.c.issued_on.desc(), invoices.c.id.desc()).limit(limit)
        )
        return await self._hydrate(list(rows))

    async def list_payments(
        self,
        scope: Scope,
        filters: PaymentFilter,
        *,
        limit: int,
        after: tuple[date, UUID] | None = None,
    ) -> Sequence[PaymentLine]:
        # Visibility and the department as ``responsible_id = ANY(:owners)``, read once, as
        # the deals list does; the names come in the same statement (no query per row).
        owners = await narrowed_to_department(
            self._conn,
            await visible_owner_ids(self._conn, scope),
            scope.organisation_id,
            filters.department_id,
        )
        joined = (
            _payments_with_deals()
            .join(
                clients,
                sa.and_(
                    clients.c.organisation_id == invoices.c.organisation_id,
                    clients.c.id == invoices.c.client_id,
                ),
            )
            .join(
                users,
                sa.and_(
                    users.c.organisation_id == deals.c.organisation_id,
                    users.c.id == deals.c.responsible_id,
                ),
            )
        )
        query = (
            sa.select(
                invoice_payments.c.id,
                invoice_payments.c.paid_on,
                invoice_payments.c.amount,
                invoices.c.currency,
                invoices.c.id.label("invoice_id"),
                invoices.c.number.label("invoice_number"),
                deals.c.id.label("deal_id"),
                deals.c.title.label("deal_title"),
                clients.c.id.label("client_id"),
                clients.c.name.label("client_name"),
                users.c.id.label("responsible_id"),
                users.c.full_name.label("responsible_name"),
            )
            .select_from(joined)
            .where(
                in_organisation(invoice_payments, scope),
                owned_by(deals.c.responsible_id, owners),
                *_payment_conditions(filters),
            )
        )
        if after is not None:
            key = sa.tuple_(invoice_payments.c.paid_on, invoice_payments.c.id)
            query = query.where(key < sa.tuple_(*after))
        rows = await self._conn.execute(
            query.order_by(invoice_payments.c.paid_on.desc(), invoice_payments.c.id.desc()).limit(
                limit
            )
        )
        return [_payment_line(row) for row in rows]

    async def number_taken(
        self, organisation_id: UUID, number: str, *, other_than: UUID | None = None
    ) -> bool:
        query = sa.select(sa.literal(1)).where(
            invoices.c.organisation_id == organisation_id, invoices.c.number == number
        )
        if other_than is not None:
            query = query.where(invoices.c.id != other_than)
        return (await self._conn.scalar(query)) is not None

    async def next_number(self, organisation_id: UUID) -> str:
        for _ in range(_NUMBER_ATTEMPTS):
            taken = await self._conn.scalar(
                insert(invoice_number_sequences)
                .values(organisation_id=organisation_id, last_number=1)
                .on_conflict_do_update(
                    index_elements=[invoice_number_sequences.c.organisation_id],
                    set_={"last_number": invoice_number_sequences.c.last_number + 1},
                )
                .returning(invoice_number_sequences.c.last_number)
            )
            number = str(taken)
            if not await self.number_taken(organisation_id, number):
                return number
        raise Conflict("No free invoice number was found; give the number by hand")

    async def deal_titles(self, organisation_id: UUID, deal_ids: Sequence[UUID]) -> dict[UUID, str]:
        if not deal_ids:
            return {}
        rows = await self._conn.execute(
            sa.select(deals.c.id, deals.c.title).where(
                deals.c.organisation_id == organisation_id, deals.c.id.in_(deal_ids)
            )
        )
        return {r.id: r.title for r in rows}

    async def _hydrate(self, rows: Sequence[Any]) -> Sequence[Invoice]:
        """The invoices of ``rows`` with their payments (oldest first), in one query."""
        if not rows:
            return []
        organisation_id = rows[0].organisation_id
        payments: dict[UUID, list[Payment]] = {row.id: [] for row in rows}
        found = await self._conn.execute(
            sa.select(invoice_payments)
            .where(
                invoice_payments.c.organisation_id == organisation_id,
                invoice_payments.c.invoice_id.in_(list(payments)),
            )
            .order_by(invoice_payments.c.paid_on, invoice_payments.c.created_at)
        )
        for p in found:
            payments[p.invoice_id].append(_payment(p))
        return [_invoice(row, payments[row.id]) for row in rows]
