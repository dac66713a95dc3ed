"""Deals edited through the typed UpdateDeal command."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.deals.commands import ProductLineInput, UpdateDeal
from domain.deals.events import DealUpdated
from domain.deals.model import Deal
from domain.funnels.model import StageSpec, build_funnel
from domain.shared.errors import InvalidInput

ORG = uuid.uuid4()
USER = uuid.uuid4()
T0 = datetime(2030, 3, 2, 10, 0, tzinfo=UTC)
T1 = datetime(2030, 3, 3, 10, 0, tzinfo=UTC)
STAGE = build_funnel(ORG, "Продажи", [StageSpec(name="Заявка", probability=10)]).stages[0]


def a_deal() -> Deal:
    deal, _ = Deal.open(
        organisation_id=ORG,
        client_id=uuid.uuid4(),
        title="Поставка",
        currency="RUB",
        stage=STAGE,
        responsible_id=USER,
        at=T0,
        by=USER,
        amount=Decimal(100),
        contact_id=uuid.uuid4(),
        source_channel="  сайт  ",
        utm={"utm_source": "ya"},
        expected_close_date=date(2030, 4, 1),
        custom_fields={"budget": 5, "region": "north"},
    )
    deal.events.clear()
    return deal


class TestUpdateDeal:
    def test_unset_fields_stay_as_they_are(self) -> None:
        deal = a_deal()
        contact = deal.contact_id
        deal.apply(UpdateDeal(title="  Поставка   серверов "), at=T1, by=USER)
        assert deal.title == "Поставка серверов"
        assert deal.amount == Decimal("100.00")
        assert deal.contact_id == contact
        assert deal.source_channel == "сайт"
        assert deal.expected_close_date == date(2030, 4, 1)
        assert deal.updated_at == T1

    def test_none_clears_a_field(self) -> None:
        deal = a_deal()
        deal.apply(
            UpdateDeal(contact_id=None, expected_close_date=None, utm=None, source_channel=None),
            at=T1,
            by=USER,
        )
        assert deal.contact_id is None
        assert deal.expected_close_date is None
        assert deal.utm == {}
        assert deal.source_channel is None

    def test_products_without_an_amount_set_it_to_their_total(self) -> None:
        deal = a_deal()
        lines = [ProductLineInput(name="Сервер", quantity=Decimal(2), price=Decimal("10.50"))]
        deal.apply(UpdateDeal(products=lines), at=T1, by=USER)
        assert deal.amount == Decimal("21.00")
        deal.apply(UpdateDeal(products=lines, amount=Decimal(5)), at=T1, by=USER)
        assert deal.amount == Decimal("5.00")

    def test_a_bad_amount_is_refused(self) -> None:
        with pytest.raises(InvalidInput):
            a_deal().apply(UpdateDeal(amount=Decimal(-1)), at=T1, by=USER)

    def test_custom_fields_are_merged_and_none_removes_a_key(self) -> None:
        deal = a_deal()
        deal.apply(UpdateDeal(custom_fields={"budget": 7, "region": None}), at=T1, by=USER)
        assert deal.custom_fields == {"budget": 7}

    def test_the_event_names_what_changed(self) -> None:
        deal = a_deal()
        changed = deal.apply(
            UpdateDeal(title="Поставка", expected_close_date=None, amount=Decimal(100)),
            at=T1,
            by=USER,
        )
        assert changed == ("expected_close_date",)
        [event] = deal.events
        assert isinstance(event, DealUpdated)
        assert event.changed == ("expected_close_date",)
        assert event.previous_client_id is None
        assert (event.actor_id, event.occurred_at) == (USER, T1)

    def test_nothing_changed_records_nothing(self) -> None:
        deal = a_deal()
        assert deal.apply(UpdateDeal(title="Поставка"), at=T1, by=USER) == ()
        assert deal.events == []

    def test_a_new_client_drops_the_old_contact_and_names_the_previous_client(self) -> None:
        deal = a_deal()
        old_client, new_client = deal.client_id, uuid.uuid4()
        changed = deal.apply(UpdateDeal(client_id=new_client), at=T1, by=USER)
        assert (deal.client_id, deal.contact_id) == (new_client, None)
        assert changed == ("client_id", "contact_id")
        [event] = deal.events
        assert isinstance(event, DealUpdated)
        assert event.previous_client_id == old_client
        assert event.client_id == new_client

    def test_a_new_client_keeps_a_contact_given_with_it(self) -> None:
        deal = a_deal()
        contact = uuid.uuid4()
        deal.apply(UpdateDeal(client_id=uuid.uuid4(), contact_id=contact), at=T1, by=USER)
        assert deal.contact_id == contact
