from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.billing.commands import ExternalRef, RecordPayment, UpdateInvoice
from domain.billing.events import (
    InvoiceCancelled,
    InvoiceIssued,
    InvoicePaid,
    InvoicePaymentDeleted,
    InvoicePaymentRecorded,
    InvoiceUpdated,
)
from domain.billing.model import Invoice, InvoiceStatus, settled_status
from domain.shared.errors import InvalidInput, InvalidTransition, NotFound
from domain.shared.events import from_payload, to_payload

ORG = uuid.uuid4()
USER = uuid.uuid4()
SELLER = uuid.uuid4()
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def new_invoice(amount: str = "1000.00", **fields: object) -> Invoice:
    values: dict[str, object] = {
        "organisation_id": ORG,
        "deal_id": uuid.uuid4(),
        "client_id": uuid.uuid4(),
        "number": "1",
        "issued_on": date(2026, 3, 2),
        "amount": Decimal(amount),
        "currency": "RUB",
        "at": T0,
        "by": USER,
        **fields,
    }
    invoice = Invoice.issue(**values)  # type: ignore[arg-type]
    invoice.events.clear()
    return invoice


def pay(invoice: Invoice, amount: str, on: date = date(2026, 3, 5)) -> None:
    invoice.record_payment(
        RecordPayment(amount=Decimal(amount)),
        paid_on=on,
        at=T0,
        by=USER,
        responsible_id=SELLER,
    )


def locs(exc: pytest.ExceptionInfo[InvalidInput]) -> list[tuple[str | int, ...]]:
    return [p.loc for p in exc.value.problems]


class TestIssue:
    def test_a_new_invoice_is_issued_and_says_so(self) -> None:
        invoice = Invoice.issue(
            organisation_id=ORG,
            deal_id=uuid.uuid4(),
            client_id=uuid.uuid4(),
            number="  СЧ-7 ",
            issued_on=date(2026, 3, 2),
            amount="1500.005",
            currency="RUB",
            at=T0,
            by=USER,
        )
        assert invoice.status is InvoiceStatus.ISSUED
        assert invoice.number == "СЧ-7"
        assert invoice.amount == Decimal("1500.01")
        assert invoice.outstanding == Decimal("1500.01")
        [issued] = invoice.events
        assert isinstance(issued, InvoiceIssued)
        assert issued.amount == Decimal("1500.01")

    @pytest.mark.parametrize("amount", ["0", "-5"])
    def test_an_invoice_for_nothing_is_refused(self, amount: str) -> None:
        with pytest.raises(InvalidInput) as exc:
            new_invoice(amount)
        assert locs(exc) == [("amount",)]
        assert exc.value.problems[0].code == "greater_than"

    def test_the_due_date_is_not_before_the_invoice_date(self) -> None:
        with pytest.raises(InvalidInput) as exc:
            new_invoice(due_on=date(2026, 3, 1))
        assert locs(exc) == [("due_on",)]

    def test_an_external_reference_comes_whole_and_cleaned(self) -> None:
        invoice = new_invoice(external=ExternalRef(source=" 1c ", id="00-000123"))
        assert (invoice.external_source, invoice.external_id) == ("1c", "00-000123")


class TestStatusDerivation:
    @pytest.mark.parametrize(
        ("paid", "status"),
        [
            ("0", InvoiceStatus.ISSUED),
            ("0.01", InvoiceStatus.PARTLY_PAID),
            ("999.99", InvoiceStatus.PARTLY_PAID),
            ("1000", InvoiceStatus.PAID),
        ],
    )
    def test_the_status_follows_the_sum_of_payments(self, paid: str, status: InvoiceStatus) -> None:
        assert settled_status(Decimal("1000"), Decimal(paid)) is status

    def test_payments_move_an_invoice_to_partly_paid_then_paid(self) -> None:
        invoice = new_invoice()
        pay(invoice, "400", date(2026, 3, 3))
        assert invoice.status is InvoiceStatus.PARTLY_PAID
        assert invoice.paid_on is None
        assert invoice.outstanding == Decimal("600.00")
        pay(invoice, "600", date(2026, 3, 9))
        assert invoice.status is InvoiceStatus.PAID
        assert invoice.outstanding == Decimal("0.00")
        assert invoice.paid_on == date(2026, 3, 9)

    def test_becoming_paid_records_invoice_paid_with_the_deals_responsible(self) -> None:
        invoice = new_invoice()
        pay(invoice, "300", date(2026, 3, 10))
        pay(invoice, "700", date(2026, 3, 4))  # entered late, dated earlier
        names = [type(e) for e in invoice.events]
        assert names == [InvoicePaymentRecorded, InvoicePaymentRecorded, InvoicePaid]
        paid = invoice.events[-1]
        assert isinstance(paid, InvoicePaid)
        assert paid.responsible_id == SELLER
        assert paid.deal_id == invoice.deal_id
        assert paid.client_id == invoice.client_id
        assert paid.amount == Decimal("1000.00")
        assert paid.paid_on == date(2026, 3, 10)  # the latest payment's date
        # It travels through the outbox as JSON.
        assert from_payload(paid.name, to_payload(paid)) == paid

    def test_deleting_a_payment_of_a_paid_invoice_makes_it_partly_paid_again(self) -> None:
        invoice = new_invoice()
        pay(invoice, "400")
        pay(invoice, "600")
        last = invoice.payments[-1]
        invoice.events.clear()
        invoice.delete_payment(last.id, at=T0, by=USER, responsible_id=SELLER)
        assert invoice.status is InvoiceStatus.PARTLY_PAID
        assert invoice.paid_on is None
        [deleted] = invoice.events
        assert isinstance(deleted, InvoicePaymentDeleted)
        assert deleted.amount == Decimal("600.00")
        invoice.delete_payment(invoice.payments[0].id, at=T0, by=USER, responsible_id=SELLER)
        assert invoice.status is InvoiceStatus.ISSUED

    def test_deleting_a_payment_the_invoice_does_not_have_is_not_found(self) -> None:
        with pytest.raises(NotFound):
            new_invoice().delete_payment(uuid.uuid4(), at=T0, by=USER, responsible_id=SELLER)

    def test_raising_the_amount_of_a_paid_invoice_makes_it_partly_paid(self) -> None:
        invoice = new_invoice()
        pay(invoice, "1000")
        invoice.apply(UpdateInvoice(amount=Decimal("1200")), at=T0, by=USER, responsible_id=SELLER)
        assert invoice.status is InvoiceStatus.PARTLY_PAID
        assert invoice.outstanding == Decimal("200.00")

    def test_lowering_the_amount_to_what_is_paid_makes_it_paid(self) -> None:
        invoice = new_invoice()
        pay(invoice, "800")
        invoice.events.clear()
        changed = invoice.apply(
            UpdateInvoice(amount=Decimal("800")), at=T0, by=USER, responsible_id=SELLER
        )
        assert changed == ("amount",)
        assert invoice.status is InvoiceStatus.PAID
        assert [type(e) for e in invoice.events] == [InvoiceUpdated, InvoicePaid]


class TestOverpayment:
    def test_a_payment_above_what_is_left_is_refused_naming_the_limit(self) -> None:
        invoice = new_invoice()
        pay(invoice, "700")
        with pytest.raises(InvalidInput) as exc:
            pay(invoice, "300.01")
        [problem] = exc.value.problems
        assert problem.loc == ("amount",)
        assert problem.code == "less_than_equal"
        assert problem.ctx == {"le": "300.00"}
        assert invoice.paid_amount == Decimal("700.00")  # nothing recorded

    def test_a_paid_invoice_takes_no_more_payments(self) -> None:
        invoice = new_invoice()
        pay(invoice, "1000")
        with pytest.raises(InvalidInput):
            pay(invoice, "0.01")

    @pytest.mark.parametrize("amount", ["0", "-1"])
    def test_a_payment_must_be_above_zero(self, amount: str) -> None:
        with pytest.raises(InvalidInput) as exc:
            pay(new_invoice(), amount)
        assert locs(exc) == [("amount",)]

    def test_the_amount_cannot_fall_below_what_is_paid(self) -> None:
        invoice = new_invoice()
        pay(invoice, "600")
        with pytest.raises(InvalidInput) as exc:
            invoice.apply(
                UpdateInvoice(amount=Decimal("500")), at=T0, by=USER, responsible_id=SELLER
            )
        assert locs(exc) == [("amount",)]
        assert exc.value.problems[0].ctx == {"ge": "600.00"}

    def test_the_currency_is_fixed_once_something_is_paid(self) -> None:
        invoice = new_invoice()
        invoice.apply(UpdateInvoice(currency="EUR"), at=T0, by=USER, responsible_id=SELLER)
        assert invoice.currency == "EUR"
        pay(invoice, "1")
        with pytest.raises(InvalidInput) as exc:
            invoice.apply(UpdateInvoice(currency="USD"), at=T0, by=USER, responsible_id=SELLER)
        assert locs(exc) == [("currency",)]


class TestCancel:
    def test_an_unpaid_invoice_is_cancelled_and_says_so(self) -> None:
        invoice = new_invoice()
        invoice.cancel(at=T0, by=USER)
        assert invoice.status is InvoiceStatus.CANCELLED
        assert invoice.cancelled_at == T0
        assert invoice.outstanding == Decimal("0.00")
        [cancelled] = invoice.events
        assert isinstance(cancelled, InvoiceCancelled)

    def test_an_invoice_with_payments_is_not_cancelled(self) -> None:
        invoice = new_invoice()
        pay(invoice, "10")
        with pytest.raises(InvalidTransition, match="delete them first"):
            invoice.cancel(at=T0, by=USER)
        assert invoice.status is InvoiceStatus.PARTLY_PAID

    def test_a_cancelled_invoice_is_final(self) -> None:
        invoice = new_invoice()
        invoice.cancel(at=T0, by=USER)
        with pytest.raises(InvalidTransition):
            invoice.cancel(at=T0, by=USER)
        with pytest.raises(InvalidTransition):
            pay(invoice, "10")
        with pytest.raises(InvalidTransition):
            invoice.apply(UpdateInvoice(comment="x"), at=T0, by=USER, responsible_id=SELLER)


class TestEdit:
    def test_an_edit_that_changes_nothing_records_nothing(self) -> None:
        invoice = new_invoice()
        changed = invoice.apply(
            UpdateInvoice(number="1", amount=Decimal("1000")),
            at=T0,
            by=USER,
            responsible_id=SELLER,
        )
        assert changed == ()
        assert invoice.events == []

    def test_an_edit_names_what_changed(self) -> None:
        invoice = new_invoice()
        invoice.apply(
            UpdateInvoice(number="СЧ-2", due_on=date(2026, 4, 1), comment="  Аванс  "),
            at=T0,
            by=USER,
            responsible_id=SELLER,
        )
        [updated] = invoice.events
        assert isinstance(updated, InvoiceUpdated)
        assert set(updated.changed) == {"number", "due_on", "comment"}
        assert invoice.comment == "Аванс"

    def test_a_blank_number_is_refused(self) -> None:
        with pytest.raises(InvalidInput) as exc:
            new_invoice().apply(UpdateInvoice(number="  "), at=T0, by=USER, responsible_id=SELLER)
        assert locs(exc) == [("number",)]
