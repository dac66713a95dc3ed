"""What the billing context needs from persistence.

An invoice is visible exactly when its deal is: every read takes the caller's deals scope."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from domain.billing.model import Invoice, InvoiceStatus, Payment
from domain.shared.scope import Scope


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceFilter:
    statuses: tuple[InvoiceStatus, ...] = ()
    issued_from: date | None = None
    issued_to: date | None = None  # inclusive
    client_id: UUID | None = None
    deal_id: UUID | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentFilter:
    """Which payments a list shows: received in [paid_from, paid_to] (inclusive days), on
    deals of these responsibles or of a department's subtree, in one currency."""

    paid_from: date | None = None
    paid_to: date | None = None
    responsible_ids: tuple[UUID, ...] = ()
    department_id: UUID | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentLine:
    """A payment as a list shows it: with its invoice, deal, client and the deal's
    responsible, read in the one query that found it."""

    id: UUID
    paid_on: date
    amount: Decimal
    currency: str
    invoice_id: UUID
    invoice_number: str
    deal_id: UUID
    deal_title: str
    client_id: UUID
    client_name: str
    responsible_id: UUID
    responsible_name: str


class InvoiceRepository(Protocol):
    async def add(self, invoice: Invoice) -> None:
        """A new invoice (without payments). Raises InvalidInput naming ``number`` when the
        number is taken in the organisation, Conflict when the external reference is."""
        ...

    async def get(
        self, scope: Scope, invoice_id: UUID, *, for_update: bool = False
    ) -> Invoice | None:
        """An invoice, with its payments, whose deal the caller may see; None otherwise."""
        ...

    async def update(self, invoice: Invoice, expected_version: int) -> None:
        """The invoice's own fields and status; PreconditionFailed when the version moved
        on. Payments are added and deleted one by one (``add_payment``, ``delete_payment``)."""
        ...

    async def add_payment(self, payment: Payment) -> None:
        """Raises Conflict when the external reference is taken."""
        ...

    async def delete_payment(self, organisation_id: UUID, payment_id: UUID) -> None: ...

    async def list(
        self,
        scope: Scope,
        filters: InvoiceFilter,
        *,
        limit: int,
        after: tuple[date, UUID] | None = None,
    ) -> Sequence[Invoice]:
        """Visible invoices, newest invoice date first, after the keyset (issued_on, id)."""
        ...

    async def list_payments(
        self,
        scope: Scope,
        filters: PaymentFilter,
        *,
        limit: int,
        after: tuple[date, UUID] | None = None,
    ) -> Sequence[PaymentLine]:
        """Payments on invoices whose deal the caller may see, newest payment date first,
        after the keyset (paid_on, id)."""
        ...

    async def number_taken(
        self, organisation_id: UUID, number: str, *, other_than: UUID | None = None
    ) -> bool: ...

    async def next_number(self, organisation_id: UUID) -> str:
        """The organisation's next free invoice number (1, 2, 3...), skipping numbers given by
        hand; concurrent callers in one organisation wait for each other's transaction."""
        ...

    async def deal_titles(self, organisation_id: UUID, deal_ids: Sequence[UUID]) -> dict[UUID, str]:
        """Titles of the invoices' deals, batch-loaded (the invoices are already visible)."""
        ...
