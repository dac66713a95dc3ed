"""Billing use cases: issue, edit and cancel invoices; record and delete payments; lists.

An invoice is seen and changed through its deal: reading needs deals:read and the deal within
the caller's deals scope (a seller their own deals' invoices, a head their department's, an
admin all); changing needs invoices:write as well."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from domain.auth.principal import Principal
from domain.billing.commands import IssueInvoice, RecordPayment, UpdateInvoice
from domain.billing.errors import InvoiceNumberTaken
from domain.billing.model import Invoice, invoice_number
from domain.billing.ports import InvoiceFilter, PaymentFilter, PaymentLine
from domain.deals.model import Deal
from domain.platform.audit import record_change
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import AT_LEAST_CODE, NOT_FOUND_CODE, InvalidInput, NotFound
from domain.shared.patch import UNSET
from domain.staff.permissions import Permission, Resource


@dataclass(frozen=True, slots=True)
class InvoiceView:
    """An invoice with the names a reader sees beside it."""

    invoice: Invoice
    deal_title: str | None
    client_name: str | None


class InvoiceService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    # --- reading -----------------------------------------------------------------------

    async def get(self, principal: Principal, invoice_id: UUID) -> InvoiceView:
        principal.require(Permission.DEALS_READ)
        async with self._uow as uow:
            invoice = await _load(uow, principal, invoice_id)
            return (await _views(uow, [invoice]))[0]

    async def list(
        self,
        principal: Principal,
        filters: InvoiceFilter,
        *,
        limit: int,
        after: tuple[date, UUID] | None = None,
    ) -> Sequence[InvoiceView]:
        principal.require(Permission.DEALS_READ)
        async with self._uow as uow:
            invoices = await uow.invoices.list(
                principal.scope_for(Resource.DEALS), filters, limit=limit, after=after
            )
            return await _views(uow, invoices)

    async def list_for_deal(
        self,
        principal: Principal,
        deal_id: UUID,
        *,
        limit: int,
        after: tuple[date, UUID] | None = None,
    ) -> Sequence[InvoiceView]:
        """The deal's invoices, newest first; NotFound when the deal is not visible."""
        principal.require(Permission.DEALS_READ)
        async with self._uow as uow:
            await _deal(uow, principal, deal_id)
            invoices = await uow.invoices.list(
                principal.scope_for(Resource.DEALS),
                InvoiceFilter(deal_id=deal_id),
                limit=limit,
                after=after,
            )
            return await _views(uow, invoices)

    async def list_payments(
        self,
        principal: Principal,
        filters: PaymentFilter,
        *,
        limit: int,
        after: tuple[date, UUID] | None = None,
    ) -> Sequence[PaymentLine]:
        """Payments received on the invoices the caller may read, newest first: what turnover
        on the paid-invoices basis sums, row by row. InvalidInput on ``paid_to`` when the
        period ends before it starts."""
        principal.require(Permission.DEALS_READ)
        first, last = filters.paid_from, filters.paid_to
        if first is not None and last is not None and last < first:
            raise InvalidInput(
                ("query", "paid_to"),
                "must not be before paid_from",
                code=AT_LEAST_CODE,
                ctx={"ge": first.isoformat()},
            )
        async with self._uow as uow:
            return await uow.invoices.list_payments(
                principal.scope_for(Resource.DEALS), filters, limit=limit, after=after
            )

    # --- writing -----------------------------------------------------------------------

    async def issue(self, principal: Principal, command: IssueInvoice) -> InvoiceView:
        principal.require(Permission.INVOICES_WRITE)
        now = self._clock.now()
        async with self._uow as uow:
            deal = await uow.deals.get(principal.scope_for(Resource.DEALS), command.deal_id)
            if deal is None:
                raise InvalidInput("deal_id", "no such deal", code=NOT_FOUND_CODE)
            organisation_id = principal.organisation_id
            if command.number is None:
                number = await uow.invoices.next_number(organisation_id)
            else:
                number = invoice_number(command.number)
                if await uow.invoices.number_taken(organisation_id, number):
                    raise InvoiceNumberTaken()
            invoice = Invoice.issue(
                organisation_id=organisation_id,
                deal_id=deal.id,
                client_id=deal.client_id,
                number=number,
                issued_on=command.issued_on or await _today(uow, organisation_id, now),
                amount=command.amount,
                currency=command.currency or deal.currency,
                due_on=command.due_on,
                comment=command.comment,
                external=command.external,
                at=now,
                by=principal.user_id,
            )
            await uow.invoices.add(invoice)
            await self._audit(uow, principal, invoice, "create", None, now)
            await uow.commit()
            return (await _views(uow, [invoice]))[0]

    async def update(
        self,
        principal: Principal,
        invoice_id: UUID,
        update: UpdateInvoice,
        *,
        expected_version: int | None = None,
    ) -> InvoiceView:
        principal.require(Permission.INVOICES_WRITE)
        now = self._clock.now()
        async with self._uow as uow:
            invoice = await _load(uow, principal, invoice_id, for_update=True)
            deal = await _deal(uow, principal, invoice.deal_id)
            before = invoice.snapshot()
            if update.number is not UNSET:
                number = invoice_number(update.number)
                if number != invoice.number and await uow.invoices.number_taken(
                    invoice.organisation_id, number, other_than=invoice.id
                ):
                    raise InvoiceNumberTaken()
            if invoice.apply(
                update, at=now, by=principal.user_id, responsible_id=deal.responsible_id
            ):
                await _save(uow, invoice, expected_version)
                await self._audit(uow, principal, invoice, "update", before, now)
                await uow.commit()
            return (await _views(uow, [invoice]))[0]

    async def cancel(
        self, principal: Principal, invoice_id: UUID, *, expected_version: int | None = None
    ) -> InvoiceView:
        principal.require(Permission.INVOICES_WRITE)
        now = self._clock.now()
        async with self._uow as uow:
            invoice = await _load(uow, principal, invoice_id, for_update=True)
            before = invoice.snapshot()
            invoice.cancel(at=now, by=principal.user_id)
            await _save(uow, invoice, expected_version)
            await self._audit(uow, principal, invoice, "cancel", before, now)
            await uow.commit()
            return (await _views(uow, [invoice]))[0]

    async def record_payment(
        self,
        principal: Principal,
        invoice_id: UUID,
        command: RecordPayment,
        *,
        expected_version: int | None = None,
    ) -> InvoiceView:
        principal.require(Permission.INVOICES_WRITE)
        now = self._clock.now()
        async with self._uow as uow:
            invoice = await _load(uow, principal, invoice_id, for_update=True)
            deal = await _deal(uow, principal, invoice.deal_id)
            before = invoice.snapshot()
            payment = invoice.record_payment(
                command,
                paid_on=command.paid_on or await _today(uow, invoice.organisation_id, now),
                at=now,
                by=principal.user_id,
                responsible_id=deal.responsible_id,
            )
            await _save(uow, invoice, expected_version)
            await uow.invoices.add_payment(payment)
            await self._audit(
                uow,
                principal,
                invoice,
                "pay",
                before,
                now,
                extra={"payment": {"id": payment.id, "amount": payment.amount}},
            )
            await uow.commit()
            return (await _views(uow, [invoice]))[0]

    async def delete_payment(
        self,
        principal: Principal,
        invoice_id: UUID,
        payment_id: UUID,
        *,
        expected_version: int | None = None,
    ) -> InvoiceView:
        principal.require(Permission.INVOICES_WRITE)
        now = self._clock.now()
        async with self._uow as uow:
            invoice = await _load(uow, principal, invoice_id, for_update=True)
            deal = await _deal(uow, principal, invoice.deal_id)
            before = invoice.snapshot()
            payment = invoice.delete_payment(
                payment_id, at=now, by=principal.user_id, responsible_id=deal.responsible_id
            )
            await _save(uow, invoice, expected_version)
            await uow.invoices.delete_payment(invoice.organisation_id, payment.id)
            await self._audit(
                uow,
                principal,
                invoice,
                "delete_payment",
                before,
                now,
                extra={"payment": {"id": payment.id, "amount": payment.amount}},
            )
            await uow.commit()
            return (await _views(uow, [invoice]))[0]

    # --- helpers -----------------------------------------------------------------------

    async def _audit(
        self,
        uow: UnitOfWork,
        principal: Principal,
        invoice: Invoice,
        action: str,
        before: dict[str, object] | None,
        at: datetime,
        *,
        extra: dict[str, dict[str, object]] | None = None,
    ) -> None:
        await record_change(
            uow,
            principal,
            organisation_id=invoice.organisation_id,
            entity_type="invoice",
            entity_id=invoice.id,
            action=action,
            before=before,
            after=invoice.snapshot(),
            at=at,
            extra=extra,
        )


async def _save(uow: UnitOfWork, invoice: Invoice, expected_version: int | None) -> None:
    version = invoice.version if expected_version is None else expected_version
    await uow.invoices.update(invoice, version)


async def _load(
    uow: UnitOfWork, principal: Principal, invoice_id: UUID, *, for_update: bool = False
) -> Invoice:
    invoice = await uow.invoices.get(
        principal.scope_for(Resource.DEALS), invoice_id, for_update=for_update
    )
    if invoice is None:
        raise NotFound("Invoice", invoice_id)
    return invoice


async def _deal(uow: UnitOfWork, principal: Principal, deal_id: UUID) -> Deal:
    deal = await uow.deals.get(principal.scope_for(Resource.DEALS), deal_id)
    if deal is None:
        raise NotFound("Deal", deal_id)
    return deal


async def _today(uow: UnitOfWork, organisation_id: UUID, now: datetime) -> date:
    organisation = await uow.organisations.get(organisation_id)
    return organisation.today(now) if organisation else now.date()


async def _views(uow: UnitOfWork, invoices: Sequence[Invoice]) -> list[InvoiceView]:
    if not invoices:
        return []
    organisation_id = invoices[0].organisation_id
    titles = await uow.invoices.deal_titles(organisation_id, list({i.deal_id for i in invoices}))
    names = await uow.deals.client_names(organisation_id, list({i.client_id for i in invoices}))
    return [InvoiceView(i, titles.get(i.deal_id), names.get(i.client_id)) for i in invoices]
