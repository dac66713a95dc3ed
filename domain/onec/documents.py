"""1C's documents (type=sale) to deals, invoices and payments.

A document is kept per integration by its Ид (``onec_documents``) with the deal and the invoice
it became and the fingerprint of the content last applied, so a second identical exchange
finds every document unchanged and writes nothing.

- An order or an invoice (ХозОперация "Заказ товара", "Счет на оплату"):
  - whose Ид (or Номер) is the id of one of the organisation's deals is that deal, sent to 1C
    as an order and coming back: its invoice follows the document;
  - otherwise it made in 1C (or a web shop through 1C): the deal it made on an earlier
    exchange, else a new deal for the counterparty's client (``counterparties.py`` keeps 1C's
    Ид -> client), in the first stage of the integration's funnel (else the default one), with
    the document's lines as product lines, for the client's responsible.
  The invoice (external source "1c:<integration id>", id the document's Ид: two 1C bases of
  one organisation may use the same Ид) is issued, or updated to the document's sum,
  currency and number; an invoice with payments keeps its sum and currency, and the exchange
  log says how the document differs. A changed document changes the deal it made (its lines,
  sum and currency) through the deals' use case, as an edit by hand would. "Заказ оплачен" =
  true or a "Дата оплаты" records a payment of what is left to pay (external id
  ``<Ид>:paid``) on that date; a document marked for deletion or cancelled ("Отменен", a
  status saying so) cancels an unpaid invoice (a paid one is left and reported). When the
  integration says so (``win_on_status``), a status of one of the CRM's own orders saying
  it is shipped or done wins its deal.
- A payment ("Выплата наличных денег", "Выплата безналичных денег", "Эквайринговая операция",
  "Оплата...", "Поступление...") records a payment (external id its Ид) on the invoice of the
  order it names (Основание, or the order of its Контейнер), at most what is left to pay.

Invoices and payments go through the billing entities, as by hand: the same events (so plan
fulfilment and karma move), the same audit entries (by the system).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.billing.commands import ExternalRef, RecordPayment, UpdateInvoice
from domain.billing.model import Invoice, InvoiceStatus, invoice_number
from domain.billing.ports import InvoiceFilter
from domain.clients.custom_fields import (
    CustomFieldDefinition,
    FieldEntity,
    validate_custom_fields,
)
from domain.clients.model import Client
from domain.deals.commands import ProductLineInput, UpdateDeal
from domain.deals.model import (
    DEAL_TITLE_MAX,
    MAX_PRODUCT_LINES,
    Deal,
    DealStatus,
    product_lines,
)
from domain.deals.services import DealService
from domain.funnels.model import Stage
from domain.onec.counterparties import SOURCE_CHANNEL, system_principal
from domain.onec.model import (
    DocumentCounts,
    DocumentLink,
    DocumentRecord,
    OnecIntegration,
)
from domain.platform.audit import record_change
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock, validate_day
from domain.shared.errors import DomainError, InvalidInput
from domain.shared.money import ISO_4217
from domain.shared.patch import UNSET, Patch
from domain.staff.permissions import Resource

EXTERNAL_SOURCE = "1c"
ORDER_OPERATIONS = frozenset({"заказ товара", "счет на оплату", "счёт на оплату"})
PAYMENT_OPERATIONS = frozenset(
    {
        "выплата наличных денег",
        "выплата безналичных денег",
        "эквайринговая операция",
        "оплата",
    }
)
# 1C writes a currency as its short name, its ISO code or its numeric code.
CURRENCIES = {
    "руб": "RUB",
    "руб.": "RUB",
    "рубль": "RUB",
    "rur": "RUB",
    "643": "RUB",
    "810": "RUB",
    "₽": "RUB",
    "грн": "UAH",
    "грн.": "UAH",
    "гривна": "UAH",
    "гривня": "UAH",
    "980": "UAH",
    "₴": "UAH",
    "usd": "USD",
    "840": "USD",
    "$": "USD",
    "eur": "EUR",
    "978": "EUR",
    "€": "EUR",
    "тенге": "KZT",
    "398": "KZT",
    "933": "BYN",
    "бел. руб": "BYN",
    "бел.руб.": "BYN",
}
_TRUE = frozenset({"true", "да", "1", "yes", "истина"})
_FALSE = frozenset({"false", "нет", "0", "no", "ложь"})
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$|^(\d{2})\.(\d{2})\.(\d{4})(?: .*)?$")
_UUID = re.compile(r"^[0-9a-fA-F-]{32,36}$")


def external_source(integration_id: UUID) -> str:
    """The external source of the invoices and payments an integration's documents make."""
    return f"{EXTERNAL_SOURCE}:{integration_id}"


def currency_of(raw: str | None) -> str | None:
    """The ISO code of a currency as 1C writes it; None when it is not known."""
    if raw is None:
        return None
    value = raw.strip()
    code = CURRENCIES.get(value.lower())
    if code is not None:
        return code
    return value.upper() if value.upper() in ISO_4217 else None


def parse_day(raw: str, what: str) -> date:
    """A date in a requisite: 2021-02-11, 2021-02-11T18:45:21, or 11.02.2021 18:45:21."""
    found = _DAY.match(raw.strip()[:40])
    problem = InvalidInput(what, f"not a date: {raw[:40]}")
    if found is None:
        raise problem
    year, month, day = (
        found.group(1, 2, 3) if found.group(1) else (found.group(6), found.group(5), found.group(4))
    )
    try:
        value = date(int(year), int(month), int(day))
    except ValueError as exc:
        raise problem from exc
    return validate_day(value, what)


class _Requisites:
    def __init__(self, pairs: Sequence[tuple[str, str]]) -> None:
        self._values: dict[str, str] = {}
        for key, value in pairs:
            self._values.setdefault(key.strip().lower(), value.strip())

    def get(self, *names: str) -> str | None:
        for name in names:
            value = self._values.get(name)
            if value:
                return value
        return None

    def flag(self, *names: str) -> bool | None:
        value = self.get(*names)
        if value is None:
            return None
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        return None


def _done(requisites: _Requisites) -> bool:
    """A status saying the order is shipped or done (Bitrix: "[F] Выполнен", "Финальный
    статус")."""
    status = (requisites.get("статус заказа") or "").lower()
    return bool(requisites.flag("финальный статус")) or any(
        word in status for word in ("выполнен", "отгружен", "доставлен", "закрыт", "[f]")
    )


def is_payment(operation: str) -> bool:
    return operation in PAYMENT_OPERATIONS or operation.startswith(("поступление", "оплата"))


class DocumentImport:
    """Applies a slice of documents in the caller's transaction."""

    def __init__(self, uow: UnitOfWork, clock: Clock, integration: OnecIntegration) -> None:
        self._uow = uow
        self._clock = clock
        self._integration = integration
        self._org = integration.organisation_id
        self._source = external_source(integration.id)
        self._principal = system_principal(self._org)
        self._scope = self._principal.scope_for(Resource.DEALS)
        self._now = clock.now()
        self._today = self._now.date()
        self._currency = "RUB"
        self._counts = DocumentCounts()
        # Read once per slice.
        self._stage: Stage | None = None
        self._definitions: Sequence[CustomFieldDefinition] = ()
        self._active: dict[UUID, bool] = {}
        self._clients: dict[UUID, Client | None] = {}
        self._products: dict[str, UUID] = {}

    async def apply(self, records: Sequence[DocumentRecord]) -> DocumentCounts:
        uow = self._uow
        counts = self._counts
        unique: dict[str, DocumentRecord] = {}
        for record in records:
            if record.error is not None or not record.external_id:
                counts.failed += 1
                self._error(record, record.error or "no Ид")
                continue
            unique[record.external_id] = record
        if not unique:
            return counts
        # Two sessions of one integration take turns with its documents, so the second finds
        # the deals and invoices of the first instead of making its own.
        await uow.clients.lock_identities(self._org, [f"onec-documents:{self._integration.id}"])
        wanted = list(unique) + [r.basis for r in unique.values() if r.basis]
        links = await uow.onec.document_links(self._org, self._integration.id, wanted)
        unchanged = {
            ident
            for ident, record in unique.items()
            if (link := links.get(ident)) is not None and link.fingerprint == record.fingerprint()
        }
        counts.unchanged += len(unchanged)
        todo = [r for ident, r in unique.items() if ident not in unchanged]
        if not todo:
            return counts
        organisation = await uow.organisations.get(self._org)
        if organisation is not None:
            self._currency = organisation.currency
            self._today = organisation.today(self._now)
        parties = await uow.onec.counterparty_links(
            self._org,
            self._integration.id,
            [r.counterparty_external_id for r in todo if r.counterparty_external_id],
        )
        clients = {ident: link.client_id for ident, link in parties.items()}
        # Lines name the catalogue's products by 1C's Ид: the deal's lines point to them.
        self._products = await uow.onec.product_ids(
            self._org,
            [
                line.product_external_id
                for r in todo
                for line in r.lines
                if line.product_external_id
            ],
        )
        changed: dict[str, DocumentLink] = {}
        for record in todo:
            ident = record.external_id
            known = ident in links
            link = links.setdefault(ident, DocumentLink())
            try:
                await self._apply(record, link, links, clients)
            except DomainError as exc:
                counts.failed += 1
                self._error(record, _reason(exc))
                link.fingerprint = None
            else:
                link.fingerprint = record.fingerprint()
                if known:
                    counts.updated += 1
                else:
                    counts.created += 1
            changed[ident] = link
        await uow.onec.save_document_links(self._org, self._integration.id, changed, now=self._now)
        return counts

    def _error(self, record: DocumentRecord, reason: str) -> None:
        number = f" (№ {record.number})" if record.number else ""
        self._counts.errors.append(f"document {record.external_id or '?'}{number}: {reason}")

    async def _apply(
        self,
        record: DocumentRecord,
        link: DocumentLink,
        links: dict[str, DocumentLink],
        clients: dict[str, UUID],
    ) -> None:
        operation = (record.operation or "").strip().lower()
        if operation and is_payment(operation):
            await self._payment_document(record, link, links)
        elif not operation or operation in ORDER_OPERATIONS:
            await self._order(record, link, clients)
        # Anything else (shipments, returns, reports) says nothing about invoices: kept as
        # seen, so it is not read again.

    # --- orders and invoices ------------------------------------------------------------

    async def _order(
        self, record: DocumentRecord, link: DocumentLink, clients: dict[str, UUID]
    ) -> None:
        requisites = _Requisites(record.requisites)
        cancelled = (
            record.deleted
            or bool(requisites.flag("отменен", "отменён", "пометкаудаления"))
            or "отмен" in (requisites.get("статус заказа") or "").lower()
        )
        # Everything the document says is checked before anything of it is written.
        currency = currency_of(record.currency)
        if currency is None:
            currency = self._currency
            if record.currency:
                self._error(
                    record,
                    f"unknown currency {record.currency[:20]}; the organisation's {currency} is "
                    "used",
                )
        amount = record.amount
        if amount is None and record.lines:
            amount = sum((line.amount or Decimal(0) for line in record.lines), Decimal(0))
        issued_on = validate_day(record.issued_on or self._today, "Дата")
        paid_flag = requisites.flag("заказ оплачен", "оплачен")
        paid_raw = requisites.get("дата оплаты")
        paid_on = parse_day(paid_raw, "Дата оплаты") if paid_raw else None
        paid = paid_flag is True or (paid_flag is None and paid_on is not None)
        if not cancelled and (amount is None or amount <= 0):
            raise InvalidInput("Сумма", "the document has no sum above 0")
        lines = self._lines(record)

        deal, own = await self._deal(record, link)
        if deal is None:
            if cancelled:
                return  # Cancelled before the CRM saw it: nothing to make.
            deal = await self._new_deal(record, clients, amount, currency, lines)
        elif not own and not cancelled:
            assert amount is not None
            deal = await self._follow(deal, amount, currency, lines)
        link.deal_id = deal.id

        invoice = await self._invoice(link, deal, own)
        if cancelled:
            if invoice is not None:
                link.invoice_id = invoice.id
                await self._cancel(record, invoice)
            return
        assert amount is not None
        if invoice is None:
            invoice = await self._issue(record, deal, amount, currency, issued_on)
        elif invoice.status is InvoiceStatus.CANCELLED:
            raise InvalidInput(
                "invoice", f"the invoice {invoice.number} is cancelled in the CRM; not changed"
            )
        else:
            await self._update(record, invoice, deal, amount, currency)
        link.invoice_id = invoice.id
        if paid:
            await self._pay(
                invoice,
                deal,
                amount=None,
                paid_on=paid_on or issued_on,
                external_id=f"{record.external_id}:paid",
            )
        if own and self._integration.win_on_status and _done(requisites):
            await self._win(deal)

    async def _win(self, deal: Deal) -> None:
        """The CRM's own deal, shipped or done in 1C: won, as the deal's win use case does."""
        uow = self._uow
        if deal.status is not DealStatus.OPEN:
            return
        before = deal.snapshot()
        move = deal.win(at=self._now, by=None)
        await uow.deals.update(deal, deal.version)
        await uow.deals.add_move(move)
        await record_change(
            uow,
            self._principal,
            organisation_id=self._org,
            entity_type="deal",
            entity_id=deal.id,
            action="win",
            before=before,
            after=deal.snapshot(),
            at=self._now,
        )
        self._counts.deals_won += 1

    async def _follow(
        self, deal: Deal, amount: Decimal, currency: str, lines: list[ProductLineInput]
    ) -> Deal:
        """The deal a document made, changed as the document was: its lines (new, changed,
        removed), sum and currency, by the deals' use case (its event, history and audit)."""
        wanted = [
            (line.product_id, line.name, line.quantity, line.price) for line in product_lines(lines)
        ]
        current = [(p.product_id, p.name, p.quantity, p.price) for p in deal.products]
        update = UpdateDeal(
            products=lines if wanted != current else UNSET,
            amount=amount if amount != deal.amount else UNSET,
            currency=currency if currency != deal.currency else UNSET,
        )
        if update == UpdateDeal():
            return deal
        view = await DealService(self._uow, self._clock).update(self._principal, deal.id, update)
        self._counts.deals_updated += 1
        return view.deal

    def _lines(self, record: DocumentRecord) -> list[ProductLineInput]:
        lines: list[ProductLineInput] = []
        for line in record.lines[:MAX_PRODUCT_LINES]:
            quantity = line.quantity if line.quantity and line.quantity > 0 else Decimal(1)
            price = line.price
            if price is None:
                price = (line.amount or Decimal(0)) / quantity
            lines.append(
                ProductLineInput(
                    name=line.name,
                    quantity=quantity,
                    price=price,
                    product_id=self._products.get(line.product_external_id or ""),
                )
            )
        product_lines(lines)  # checked now, so a bad line leaves the document before any write
        return lines

    async def _deal(self, record: DocumentRecord, link: DocumentLink) -> tuple[Deal | None, bool]:
        """The organisation's own deal the document names (sent to 1C as an order), else the
        deal an earlier exchange made of it."""
        for candidate in (record.external_id, record.number):
            if candidate and _UUID.match(candidate):
                try:
                    deal_id = UUID(candidate)
                except ValueError:
                    continue
                # Scoped to the organisation: another organisation's deal is never found.
                deal = await self._uow.deals.get(self._scope, deal_id, for_update=True)
                if deal is not None:
                    return deal, True
        if link.deal_id is not None:
            deal = await self._uow.deals.get(self._scope, link.deal_id)
            if deal is not None:
                return deal, False
        return None, False

    async def _new_deal(
        self,
        record: DocumentRecord,
        clients: dict[str, UUID],
        amount: Decimal | None,
        currency: str,
        lines: list[ProductLineInput],
    ) -> Deal:
        uow = self._uow
        party = record.counterparty_external_id
        client_id = clients.get(party) if party else None
        client = None
        if client_id is not None:
            if client_id not in self._clients:
                found = await uow.clients.get_unscoped(self._org, client_id)
                for _ in range(10):  # merged since: the survivor
                    if found is None or found.merged_into_id is None:
                        break
                    found = await uow.clients.get_unscoped(self._org, found.merged_into_id)
                self._clients[client_id] = found
            client = self._clients[client_id]
        if client is None:
            raise InvalidInput(
                "Контрагенты",
                f"the counterparty {party} is not a client yet (see the counterparties' errors)"
                if party
                else "the document names no counterparty",
            )
        responsible = await self._responsible(client.responsible_id)
        stage, definitions = await self._deal_settings()
        number = record.number or record.external_id
        # As DealService.create opens a deal, with what is the same for every document of the
        # slice (the stage, the custom fields) read once.
        deal, move = Deal.open(
            organisation_id=self._org,
            client_id=client.id,
            title=f"Заказ № {number} (1С)"[:DEAL_TITLE_MAX],
            currency=currency,
            stage=stage,
            responsible_id=responsible,
            at=self._now,
            by=None,
            amount=amount,
            products=product_lines(lines),
            source_channel=SOURCE_CHANNEL,
            custom_fields=validate_custom_fields(definitions, {}),
        )
        await uow.deals.add(deal)
        await uow.deals.add_move(move)
        await record_change(
            uow,
            self._principal,
            organisation_id=self._org,
            entity_type="deal",
            entity_id=deal.id,
            action="create",
            before=None,
            after=deal.snapshot(),
            at=self._now,
        )
        self._counts.deals_created += 1
        return deal

    async def _deal_settings(self) -> tuple[Stage, Sequence[CustomFieldDefinition]]:
        if self._stage is None:
            uow = self._uow
            scope = self._principal.organisation_scope
            funnel_id = self._integration.deal_funnel_id
            funnel = await uow.funnels.get(scope, funnel_id) if funnel_id else None
            funnel = funnel or await uow.funnels.default(scope)
            if funnel is None:
                raise InvalidInput("funnel_id", "the organisation has no funnel; create one first")
            self._stage = funnel.first_stage
            self._definitions = await uow.custom_fields.list(scope, FieldEntity.DEAL)
        return self._stage, self._definitions

    async def _responsible(self, preferred: UUID | None) -> UUID:
        uow = self._uow
        for candidate in (preferred, self._integration.responsible_id):
            if candidate is None:
                continue
            if candidate not in self._active:
                user = await uow.users.get(self._principal.organisation_scope, candidate)
                self._active[candidate] = user is not None and user.is_active
            if self._active[candidate]:
                return candidate
        admin = await uow.distribution.first_active_admin(self._org)
        if admin is None:
            raise InvalidInput("responsible_id", "the organisation has no active administrator")
        return admin

    async def _invoice(self, link: DocumentLink, deal: Deal, own: bool) -> Invoice | None:
        uow = self._uow
        if link.invoice_id is not None:
            invoice = await uow.invoices.get(self._scope, link.invoice_id, for_update=True)
            if invoice is not None:
                return invoice
        if own:
            # The deal's own invoice, made in the CRM: the document speaks of it when it is
            # the only live one.
            found = await uow.invoices.list(self._scope, InvoiceFilter(deal_id=deal.id), limit=3)
            # Not one another integration issued for its own document.
            live = [
                i
                for i in found
                if i.status is not InvoiceStatus.CANCELLED
                and i.external_source in (None, self._source)
            ]
            if len(live) == 1:
                return await uow.invoices.get(self._scope, live[0].id, for_update=True)
        return None

    async def _number(self, wanted: str | None, *, other_than: UUID | None = None) -> str | None:
        """The document's number for the invoice, unless another invoice has it already."""
        if not wanted:
            return None
        try:
            number = invoice_number(wanted)
        except InvalidInput:
            return None
        taken = await self._uow.invoices.number_taken(self._org, number, other_than=other_than)
        return None if taken else number

    async def _issue(
        self,
        record: DocumentRecord,
        deal: Deal,
        amount: Decimal,
        currency: str,
        issued_on: date,
    ) -> Invoice:
        uow = self._uow
        number = await self._number(record.number)
        if number is None:
            number = await uow.invoices.next_number(self._org)
        invoice = Invoice.issue(
            organisation_id=self._org,
            deal_id=deal.id,
            client_id=deal.client_id,
            number=number,
            issued_on=issued_on,
            amount=amount,
            currency=currency,
            external=ExternalRef(source=self._source, id=record.external_id),
            at=self._now,
            by=None,
        )
        await uow.invoices.add(invoice)
        await self._audit(invoice, "create", None)
        self._counts.invoices_issued += 1
        return invoice

    async def _update(
        self,
        record: DocumentRecord,
        invoice: Invoice,
        deal: Deal,
        amount: Decimal,
        currency: str,
    ) -> None:
        before = invoice.snapshot()
        if invoice.payments and (amount != invoice.amount or currency != invoice.currency):
            # Money was received against the invoice: 1C's new sum is not written over it.
            self._error(
                record,
                f"the document's sum {amount:.2f} {currency} differs from the invoice "
                f"{invoice.number} ({invoice.amount} {invoice.currency}), which has payments: "
                "the invoice is left as it is",
            )
            amount, currency = invoice.amount, invoice.currency
        number: Patch[str] = UNSET
        if record.number and record.number != invoice.number:
            found = await self._number(record.number, other_than=invoice.id)
            number = found if found is not None else UNSET
        changed = invoice.apply(
            UpdateInvoice(
                amount=amount if amount != invoice.amount else UNSET,
                currency=currency if currency != invoice.currency else UNSET,
                number=number,
            ),
            at=self._now,
            by=None,
            responsible_id=deal.responsible_id,
        )
        if changed:
            await self._uow.invoices.update(invoice, invoice.version)
            await self._audit(invoice, "update", before)
            self._counts.invoices_updated += 1

    async def _cancel(self, record: DocumentRecord, invoice: Invoice) -> None:
        if invoice.status is InvoiceStatus.CANCELLED:
            return
        if invoice.payments:
            self._error(
                record,
                f"cancelled in 1C, but the invoice {invoice.number} has payments: left as it is",
            )
            return
        before = invoice.snapshot()
        invoice.cancel(at=self._now, by=None)
        await self._uow.invoices.update(invoice, invoice.version)
        await self._audit(invoice, "cancel", before)
        self._counts.invoices_cancelled += 1

    async def _pay(
        self,
        invoice: Invoice,
        deal: Deal,
        *,
        amount: Decimal | None,
        paid_on: date,
        external_id: str,
    ) -> None:
        """A payment of ``amount`` (None: what is left), at most what is left to pay; once per
        external id."""
        if invoice.status is InvoiceStatus.CANCELLED:
            return
        if any(
            p.external_source == self._source and p.external_id == external_id
            for p in invoice.payments
        ):
            return
        outstanding = invoice.outstanding
        pay = outstanding if amount is None else min(amount, outstanding)
        if pay <= 0:
            return
        before = invoice.snapshot()
        payment = invoice.record_payment(
            RecordPayment(
                amount=pay,
                paid_on=paid_on,
                external=ExternalRef(source=self._source, id=external_id),
            ),
            paid_on=paid_on,
            at=self._now,
            by=None,
            responsible_id=deal.responsible_id,
        )
        await self._uow.invoices.update(invoice, invoice.version)
        await self._uow.invoices.add_payment(payment)
        await self._audit(
            invoice,
            "pay",
            before,
            extra={"payment": {"id": payment.id, "amount": payment.amount}},
        )
        self._counts.payments += 1

    # --- payments -----------------------------------------------------------------------

    async def _payment_document(
        self, record: DocumentRecord, link: DocumentLink, links: dict[str, DocumentLink]
    ) -> None:
        requisites = _Requisites(record.requisites)
        if requisites.flag("оплачен", "проведен") is False or record.deleted:
            return  # Not (or no longer) paid: nothing to record.
        if record.amount is None or record.amount <= 0:
            raise InvalidInput("Сумма", "the payment has no sum above 0")
        paid_raw = requisites.get("дата оплаты")
        paid_on = validate_day(
            parse_day(paid_raw, "Дата оплаты") if paid_raw else record.issued_on or self._today,
            "Дата",
        )
        target = links.get(record.basis) if record.basis else None
        if target is None or target.invoice_id is None:
            raise InvalidInput(
                "Основание",
                f"the order it pays ({record.basis}) has no invoice yet"
                if record.basis
                else "the payment names no order (Основание)",
            )
        invoice = await self._uow.invoices.get(self._scope, target.invoice_id, for_update=True)
        if invoice is None:
            raise InvalidInput("Основание", f"the invoice of the order {record.basis} is gone")
        deal = await self._uow.deals.get(self._scope, invoice.deal_id)
        if deal is None:
            raise InvalidInput("Основание", f"the deal of the order {record.basis} is gone")
        link.deal_id, link.invoice_id = deal.id, invoice.id
        await self._pay(
            invoice, deal, amount=record.amount, paid_on=paid_on, external_id=record.external_id
        )

    async def _audit(
        self,
        invoice: Invoice,
        action: str,
        before: dict[str, object] | None,
        *,
        extra: dict[str, dict[str, object]] | None = None,
    ) -> None:
        await record_change(
            self._uow,
            self._principal,
            organisation_id=self._org,
            entity_type="invoice",
            entity_id=invoice.id,
            action=action,
            before=before,
            after=invoice.snapshot(),
            at=self._now,
            extra=extra,
        )


def _reason(exc: DomainError) -> str:
    problems = getattr(exc, "problems", None)
    if problems:
        return "; ".join(f"{'.'.join(map(str, p.loc))}: {p.msg}" for p in problems)
    return str(exc) or getattr(exc, "title", type(exc).__name__)


__all__ = ["DocumentImport", "currency_of", "external_source", "parse_day"]
