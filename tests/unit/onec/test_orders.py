"""An order's fingerprint: what 1C sees of a deal. The title, the responsible and the line ids
(which move with edits 1C does not care about) leave it as it is; the buyer, a line, the
amount, the currency, the stage and the status change it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

from domain.onec.orders import Order, OrderLine, OrderParty, SentOrder

AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def order() -> Order:
    return Order(
        deal_id=uuid4(),
        version=3,
        number="n-1",
        title="Поставка",
        created_at=AT,
        changed_at=AT,
        currency="RUB",
        amount=Decimal("7700.50"),
        status="open",
        stage_name="Счёт",
        responsible_name="Анна",
        buyer=OrderParty(id="cp-1", name="ООО «Ромашка»", inn="7707083893"),
        lines=(
            OrderLine(
                product_external_id="p-1",
                line_id="l-1",
                name="Стул",
                article="С-1",
                unit="шт",
                price=Decimal("3100.00"),
                quantity=Decimal("2.000"),
            ),
        ),
    )


class TestFingerprint:
    def test_what_1c_does_not_see_leaves_it(self) -> None:
        base = order()
        same = replace(
            base,
            version=9,
            title="Другое название",
            responsible_name="Борис",
            changed_at=datetime(2027, 1, 1, tzinfo=UTC),
            lines=(replace(base.lines[0], line_id="l-2", quantity=Decimal("2")),),
        )
        assert same.fingerprint() == base.fingerprint()

    def test_what_1c_sees_changes_it(self) -> None:
        base = order()
        line = base.lines[0]
        changes = [
            replace(base, amount=Decimal("7700.51")),
            replace(base, currency="UAH"),
            replace(base, status="won"),
            replace(base, stage_name="Оплата"),
            replace(base, buyer=replace(base.buyer, phone="+79123456789")),
            replace(base, lines=(replace(line, quantity=Decimal(3)),)),
            replace(base, lines=(line, replace(line, line_id="l-2", name="Стол"))),
            replace(base, lines=()),
        ]
        prints = {o.fingerprint() for o in changes}
        assert len(prints) == len(changes)
        assert base.fingerprint() not in prints

    def test_an_order_exported_as_it_is_is_not_changed(self) -> None:
        base = order()
        assert base.changed_for_onec  # never exported
        assert not replace(base, exported_fingerprint=base.fingerprint()).changed_for_onec


class TestSentOrder:
    def test_round_trips_through_the_exchange_json_and_reads_older_rows(self) -> None:
        sent = SentOrder.of_order(order())
        assert SentOrder.of(sent.as_json()) == sent
        older = {"deal_id": str(sent.deal_id), "version": 3}
        assert SentOrder.of(older) == SentOrder(sent.deal_id, 3, None)
        assert SentOrder.of({"deal_id": "x", "version": 1}) is None
