"""What happened to an invoice; recorded by the entity, handed to the unit of work on save.

Every billing event names the invoice, its deal and its client. Nothing in the product reacts
to them yet: they exist for integrators (outgoing webhooks, later the 1C exchange) and for the
KPI context, which will count paid turnover from ``invoice.paid`` and recount it when a payment
is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.platform.messagebus import webhook_only
from domain.shared.events import DomainEvent, event


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceEvent(DomainEvent):
    invoice_id: UUID
    deal_id: UUID
    client_id: UUID


@webhook_only
@event("invoice.issued")
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceIssued(InvoiceEvent):
    number: str
    issued_on: date
    amount: Decimal
    currency: str


@webhook_only
@event("invoice.updated")
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceUpdated(InvoiceEvent):
    """Fields of the invoice changed (number, dates, amount...); ``changed`` names them."""

    changed: tuple[str, ...]


@webhook_only
@event("invoice.payment_recorded")
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoicePaymentRecorded(InvoiceEvent):
    payment_id: UUID
    amount: Decimal
    currency: str
    paid_on: date


@webhook_only
@event("invoice.payment_deleted")
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoicePaymentDeleted(InvoiceEvent):
    """A payment entered by mistake was removed; a paid invoice may be unpaid again (the
    invoice's status after the deletion is in the payload's data)."""

    payment_id: UUID
    amount: Decimal
    currency: str
    paid_on: date


@webhook_only
@event("invoice.paid")
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoicePaid(InvoiceEvent):
    """The payments reached the invoice's amount. ``responsible_id`` is the deal's responsible
    at that moment and ``paid_on`` the date of the latest payment: what plan fulfilment counts
    and for whom."""

    responsible_id: UUID
    amount: Decimal
    currency: str
    paid_on: date


@webhook_only
@event("invoice.cancelled")
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceCancelled(InvoiceEvent):
    number: str
    amount: Decimal
    currency: str
