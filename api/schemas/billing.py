from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from pydantic import Field

from api.schemas.base import (
    Currency,
    Day,
    Name,
    PositiveAmount,
    Schema,
    Text,
    given,
    given_not_null,
    given_unless_null,
)
from domain.billing.commands import ExternalRef, IssueInvoice, RecordPayment, UpdateInvoice
from domain.billing.model import (
    COMMENT_MAX,
    EXTERNAL_ID_MAX,
    EXTERNAL_SOURCE_MAX,
    INVOICE_NUMBER_MAX,
    InvoiceStatus,
    Payment,
)
from domain.billing.ports import PaymentLine
from domain.billing.services import InvoiceView
from domain.shared.errors import InvalidInput


class _External(Schema):
    external_source: Name | None = Field(
        default=None,
        min_length=1,
        max_length=EXTERNAL_SOURCE_MAX,
        description="The system the record comes from (1c); with external_id",
        examples=["1c"],
    )
    external_id: Name | None = Field(
        default=None,
        min_length=1,
        max_length=EXTERNAL_ID_MAX,
        description="Its id there; unique per organisation and source",
    )

    def external(self) -> ExternalRef | None:
        if self.external_source is None and self.external_id is None:
            return None
        if self.external_id is None:
            raise InvalidInput("external_id", "is required with external_source")
        if self.external_source is None:
            raise InvalidInput("external_source", "is required with external_id")
        return ExternalRef(source=self.external_source, id=self.external_id)


class InvoiceCreate(_External):
    deal_id: UUID
    number: Name | None = Field(
        default=None,
        min_length=1,
        max_length=INVOICE_NUMBER_MAX,
        description="Unique in the organisation; the next automatic number (1, 2, 3...) when "
        "omitted",
    )
    issued_on: Day | None = Field(default=None, description="The organisation's today when omitted")
    amount: PositiveAmount
    currency: Currency | None = Field(default=None, description="The deal's when omitted")
    due_on: Day | None = Field(default=None, description="Not before issued_on")
    comment: Text | None = Field(default=None, max_length=COMMENT_MAX)

    def to_command(self) -> IssueInvoice:
        return IssueInvoice(
            deal_id=self.deal_id,
            amount=self.amount,
            number=self.number,
            issued_on=self.issued_on,
            currency=self.currency,
            due_on=self.due_on,
            comment=self.comment,
            external=self.external(),
        )


class InvoiceUpdate(Schema):
    number: Name | None = Field(default=None, min_length=1, max_length=INVOICE_NUMBER_MAX)
    issued_on: Day | None = None
    amount: PositiveAmount | None = Field(default=None, description="At least what is paid")
    currency: Currency | None = Field(default=None, description="Only while nothing is paid")
    due_on: Day | None = None
    comment: Text | None = Field(default=None, max_length=COMMENT_MAX)

    def to_command(self) -> UpdateInvoice:
        """Fields not sent stay UNSET; the number, date and amount cannot be cleared, a null
        currency is ignored (as on deals)."""
        return UpdateInvoice(
            number=given_not_null(self, "number", self.number),
            issued_on=given_not_null(self, "issued_on", self.issued_on),
            amount=given_not_null(self, "amount", self.amount),
            currency=given_unless_null(self, "currency", self.currency),
            due_on=given(self, "due_on", self.due_on),
            comment=given(self, "comment", self.comment),
        )


class PaymentCreate(_External):
    amount: PositiveAmount = Field(description="At most what is left to pay")
    paid_on: Day | None = Field(default=None, description="The organisation's today when omitted")
    comment: Text | None = Field(default=None, max_length=COMMENT_MAX)

    def to_command(self) -> RecordPayment:
        return RecordPayment(
            amount=self.amount,
            paid_on=self.paid_on,
            comment=self.comment,
            external=self.external(),
        )


class PaymentRead(Schema):
    id: UUID
    paid_on: date
    amount: Decimal
    comment: str | None
    external_source: str | None
    external_id: str | None
    created_by: UUID | None
    created_at: datetime | None

    @classmethod
    def of(cls, payment: Payment) -> PaymentRead:
        return cls.model_validate(payment)


class InvoiceRead(Schema):
    id: UUID
    deal_id: UUID
    deal_title: str | None
    client_id: UUID = Field(description="The deal's client when the invoice was issued")
    client_name: str | None
    number: str
    issued_on: date
    amount: Decimal
    currency: str
    status: InvoiceStatus = Field(
        description="issued, partly_paid and paid follow from the payments; cancelled is set"
    )
    paid_amount: Decimal
    outstanding: Decimal = Field(description="Left to pay; 0 when paid or cancelled")
    paid_on: date | None = Field(description="While paid: the date of the latest payment")
    due_on: date | None
    comment: str | None
    external_source: str | None
    external_id: str | None
    payments: list[PaymentRead] = Field(description="By date, oldest first")
    cancelled_at: datetime | None
    created_by: UUID | None
    created_at: datetime | None
    updated_at: datetime | None
    version: int

    @classmethod
    def of(cls, view: InvoiceView) -> InvoiceRead:
        i = view.invoice
        return cls(
            id=i.id,
            deal_id=i.deal_id,
            deal_title=view.deal_title,
            client_id=i.client_id,
            client_name=view.client_name,
            number=i.number,
            issued_on=i.issued_on,
            amount=i.amount,
            currency=i.currency,
            status=i.status,
            paid_amount=i.paid_amount,
            outstanding=i.outstanding,
            paid_on=i.paid_on,
            due_on=i.due_on,
            comment=i.comment,
            external_source=i.external_source,
            external_id=i.external_id,
            payments=[PaymentRead.of(p) for p in i.payments],
            cancelled_at=i.cancelled_at,
            created_by=i.created_by,
            created_at=i.created_at,
            updated_at=i.updated_at,
            version=i.version,
        )


class InvoicePage(Schema):
    items: list[InvoiceRead]
    next_cursor: str | None


class PaymentListItem(Schema):
    """A received payment with what it was paid on: its invoice, deal, client and the deal's
    responsible (whose turnover it counts towards)."""

    id: UUID
    paid_on: date
    amount: Decimal
    currency: str = Field(description="The invoice's")
    invoice_id: UUID
    invoice_number: str
    deal_id: UUID
    deal_title: str
    client_id: UUID = Field(description="The invoice's client")
    client_name: str
    responsible_id: UUID = Field(description="The deal's responsible")
    responsible_name: str

    @classmethod
    def of(cls, line: PaymentLine) -> PaymentListItem:
        return cls.model_validate(line)


class PaymentListPage(Schema):
    items: list[PaymentListItem]
    next_cursor: str | None
