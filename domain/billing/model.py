"""Billing: invoices issued on deals and the payments that settle them.

An invoice's status follows from its payments: nothing paid yet is ``issued``, part of the
amount ``partly_paid``, all of it ``paid``. Only ``cancelled`` is set by hand, and only on an
invoice without payments (a payment is deleted first, as a mistaken entry). Payments are in the
invoice's currency and never exceed what is left to pay: an overpayment is refused rather than
kept as a credit, which nothing in the product could spend (1C keeps the books; a real
overpayment there comes over as an invoice amount corrected first).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.billing.events import (
    InvoiceCancelled,
    InvoiceIssued,
    InvoicePaid,
    InvoicePaymentDeleted,
    InvoicePaymentRecorded,
    InvoiceUpdated,
)
from domain.shared.clock import validate_day
from domain.shared.errors import (
    ABOVE_CODE,
    AT_LEAST_CODE,
    AT_MOST_CODE,
    InvalidInput,
    InvalidTransition,
    NotFound,
)
from domain.shared.events import DomainEvent
from domain.shared.ids import new_id
from domain.shared.money import to_amount, validate_currency
from domain.shared.patch import UNSET
from domain.shared.text import FieldName, clean_name, clean_text

if TYPE_CHECKING:
    from domain.billing.commands import ExternalRef, RecordPayment, UpdateInvoice

# Field limits, shared with the API schema (api/schemas/billing.py) and the tables.
INVOICE_NUMBER_MAX = 50
COMMENT_MAX = 2000
EXTERNAL_SOURCE_MAX = 50
EXTERNAL_ID_MAX = 100


class InvoiceStatus(enum.StrEnum):
    ISSUED = "issued"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    CANCELLED = "cancelled"


def settled_status(amount: Decimal, paid: Decimal) -> InvoiceStatus:
    """The status a live (not cancelled) invoice of ``amount`` has with ``paid`` received."""
    if paid <= 0:
        return InvoiceStatus.ISSUED
    if paid < amount:
        return InvoiceStatus.PARTLY_PAID
    return InvoiceStatus.PAID


def positive_amount(value: Decimal | int | str, field_name: FieldName = "amount") -> Decimal:
    amount = to_amount(value, field_name)
    if amount <= 0:
        raise InvalidInput(field_name, "must be above 0", code=ABOVE_CODE, ctx={"gt": "0"})
    return amount


def invoice_number(value: str) -> str:
    return clean_name(value, "number", max_length=INVOICE_NUMBER_MAX)


def _comment(value: str | None) -> str | None:
    return clean_text(value, "comment", max_length=COMMENT_MAX, required=False, multiline=True)


def external_ref(ref: ExternalRef | None) -> tuple[str | None, str | None]:
    """(source, id) of a reference from another system, cleaned; (None, None) without one."""
    if ref is None:
        return None, None
    source = clean_name(ref.source, "external_source", max_length=EXTERNAL_SOURCE_MAX)
    ident = clean_name(ref.id, "external_id", max_length=EXTERNAL_ID_MAX)
    return source, ident


@dataclass(slots=True, kw_only=True)
class Payment:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    invoice_id: UUID
    paid_on: date
    amount: Decimal
    comment: str | None = None
    external_source: str | None = None
    external_id: str | None = None
    created_by: UUID | None = None
    created_at: datetime | None = None


@dataclass(slots=True, kw_only=True)
class Invoice:
    id: UUID = field(default_factory=new_id)
    organisation_id: UUID
    deal_id: UUID
    # The deal's client when the invoice was issued: the party the document is made out to.
    client_id: UUID
    number: str
    issued_on: date
    amount: Decimal
    currency: str
    status: InvoiceStatus = InvoiceStatus.ISSUED
    due_on: date | None = None
    comment: str | None = None
    external_source: str | None = None
    external_id: str | None = None
    payments: list[Payment] = field(default_factory=list)
    # The date of the latest payment while the invoice is paid; None otherwise.
    paid_on: date | None = None
    cancelled_at: datetime | None = None
    created_by: UUID | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    # --- creation ----------------------------------------------------------------------

    @classmethod
    def issue(
        cls,
        *,
        organisation_id: UUID,
        deal_id: UUID,
        client_id: UUID,
        number: str,
        issued_on: date,
        amount: Decimal | int | str,
        currency: str,
        at: datetime,
        by: UUID | None,
        due_on: date | None = None,
        comment: str | None = None,
        external: ExternalRef | None = None,
    ) -> Invoice:
        source, ident = external_ref(external)
        invoice = cls(
            organisation_id=organisation_id,
            deal_id=deal_id,
            client_id=client_id,
            number=invoice_number(number),
            issued_on=validate_day(issued_on, "issued_on"),
            amount=positive_amount(amount),
            currency=validate_currency(currency),
            due_on=None if due_on is None else validate_day(due_on, "due_on"),
            comment=_comment(comment),
            external_source=source,
            external_id=ident,
            created_by=by,
            created_at=at,
            updated_at=at,
        )
        invoice._check_due()
        invoice.events.append(
            InvoiceIssued(
                **invoice._about(at, by),
                number=invoice.number,
                issued_on=invoice.issued_on,
                amount=invoice.amount,
                currency=invoice.currency,
            )
        )
        return invoice

    # --- derived figures ---------------------------------------------------------------

    @property
    def paid_amount(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal("0.00"))

    @property
    def outstanding(self) -> Decimal:
        """What is left to pay; nothing on a cancelled invoice."""
        if self.status is InvoiceStatus.CANCELLED:
            return Decimal("0.00")
        return max(Decimal("0.00"), self.amount - self.paid_amount)

    # --- editing -----------------------------------------------------------------------

    def apply(
        self, update: UpdateInvoice, *, at: datetime, by: UUID | None, responsible_id: UUID
    ) -> tuple[str, ...]:
        """Set the fields ``update`` gives. The amount may not fall below what is paid, and
        the currency is fixed once a payment is recorded in it. A new amount re-derives the
        status (raising the amount of a paid invoice makes it partly paid). Records
        ``invoice.updated`` naming what changed, and returns those names."""
        self._require_live("edited")
        before = self.snapshot()
        if update.number is not UNSET:
            self.number = invoice_number(update.number)
        if update.issued_on is not UNSET:
            self.issued_on = validate_day(update.issued_on, "issued_on")
        if update.due_on is not UNSET:
            self.due_on = None if update.due_on is None else validate_day(update.due_on, "due_on")
        if update.comment is not UNSET:
            self.comment = _comment(update.comment)
        if update.currency is not UNSET:
            currency = validate_currency(update.currency)
            if currency != self.currency and self.payments:
                raise InvalidInput(
                    "currency", "cannot change once payments are recorded in the invoice's"
                )
            self.currency = currency
        if update.amount is not UNSET:
            amount = positive_amount(update.amount)
            if amount < self.paid_amount:
                raise InvalidInput(
                    "amount",
                    f"must be at least the {self.paid_amount} {self.currency} already paid",
                    code=AT_LEAST_CODE,
                    ctx={"ge": str(self.paid_amount)},
                )
            self.amount = amount
        self._check_due()
        changed = tuple(k for k, v in self.snapshot().items() if v != before[k])
        if changed:
            self.updated_at = at
            self.events.append(InvoiceUpdated(**self._about(at, by), changed=changed))
            self._settle(at, by, responsible_id)
        return changed

    def cancel(self, *, at: datetime, by: UUID | None) -> None:
        """Only an invoice nobody has paid anything on: delete mistaken payments first."""
        if self.status is InvoiceStatus.CANCELLED:
            raise InvalidTransition("The invoice is cancelled already")
        if self.payments:
            raise InvalidTransition(
                "The invoice has payments; delete them first if they were entered by mistake"
            )
        self.status = InvoiceStatus.CANCELLED
        self.cancelled_at = at
        self.updated_at = at
        self.events.append(
            InvoiceCancelled(
                **self._about(at, by),
                number=self.number,
                amount=self.amount,
                currency=self.currency,
            )
        )

    # --- payments ----------------------------------------------------------------------

    def record_payment(
        self,
        command: RecordPayment,
        *,
        paid_on: date,
        at: datetime,
        by: UUID | None,
        responsible_id: UUID,
    ) -> Payment:
        """A payment of at most what is left to pay, in the invoice's currency. ``paid_on``:
        the command's date, or the organisation's today that the service chose."""
        self._require_live("paid")
        amount = positive_amount(command.amount)
        outstanding = self.outstanding
        if amount > outstanding:
            raise InvalidInput(
                "amount",
                f"must be at most {outstanding} {self.currency}, what is left to pay "
                "(an overpayment is not accepted)",
                code=AT_MOST_CODE,
                ctx={"le": str(outstanding)},
            )
        source, ident = external_ref(command.external)
        payment = Payment(
            organisation_id=self.organisation_id,
            invoice_id=self.id,
            paid_on=validate_day(paid_on, "paid_on"),
            amount=amount,
            comment=_comment(command.comment),
            external_source=source,
            external_id=ident,
            created_by=by,
            created_at=at,
        )
        self.payments.append(payment)
        self.updated_at = at
        self.events.append(
            InvoicePaymentRecorded(
                **self._about(at, by),
                payment_id=payment.id,
                amount=amount,
                currency=self.currency,
                paid_on=payment.paid_on,
            )
        )
        self._settle(at, by, responsible_id)
        return payment

    def delete_payment(
        self, payment_id: UUID, *, at: datetime, by: UUID | None, responsible_id: UUID
    ) -> Payment:
        """Remove a payment entered by mistake; the status follows what is left."""
        payment = next((p for p in self.payments if p.id == payment_id), None)
        if payment is None:
            raise NotFound("Payment", payment_id)
        self.payments.remove(payment)
        self.updated_at = at
        self.events.append(
            InvoicePaymentDeleted(
                **self._about(at, by),
                payment_id=payment.id,
                amount=payment.amount,
                currency=self.currency,
                paid_on=payment.paid_on,
            )
        )
        self._settle(at, by, responsible_id)
        return payment

    # --- helpers -----------------------------------------------------------------------

    def _settle(self, at: datetime, by: UUID | None, responsible_id: UUID) -> None:
        """Re-derive the status from the payments; becoming paid records ``invoice.paid``."""
        was = self.status
        self.status = settled_status(self.amount, self.paid_amount)
        if self.status is not InvoiceStatus.PAID:
            self.paid_on = None
            return
        self.paid_on = max(p.paid_on for p in self.payments)
        if was is not InvoiceStatus.PAID:
            self.events.append(
                InvoicePaid(
                    **self._about(at, by),
                    responsible_id=responsible_id,
                    amount=self.amount,
                    currency=self.currency,
                    paid_on=self.paid_on,
                )
            )

    def _check_due(self) -> None:
        if self.due_on is not None and self.due_on < self.issued_on:
            raise InvalidInput(
                "due_on",
                f"must not be before the invoice date {self.issued_on.isoformat()}",
                code=AT_LEAST_CODE,
                ctx={"ge": self.issued_on.isoformat()},
            )

    def _require_live(self, verb: str) -> None:
        if self.status is InvoiceStatus.CANCELLED:
            raise InvalidTransition(f"The invoice is cancelled; it cannot be {verb}")

    def _about(self, at: datetime, by: UUID | None) -> dict[str, Any]:
        return {
            "organisation_id": self.organisation_id,
            "occurred_at": at,
            "actor_id": by,
            "invoice_id": self.id,
            "deal_id": self.deal_id,
            "client_id": self.client_id,
        }

    def snapshot(self) -> dict[str, Any]:
        """The fields the audit log compares."""
        return {
            "number": self.number,
            "issued_on": self.issued_on,
            "amount": self.amount,
            "currency": self.currency,
            "due_on": self.due_on,
            "comment": self.comment,
            "status": self.status,
            "paid_on": self.paid_on,
        }
