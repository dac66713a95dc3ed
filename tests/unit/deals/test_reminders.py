"""Recurring follow-ups of a postponed deal and the warranty reminder, as entity rules: every N
days while open in the stage (a move or closing stops it), the end date reminded once."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from domain.deals.commands import LoseDeal, UpdateDeal
from domain.deals.events import DealFollowUpDue, DealWarrantyEnding
from domain.deals.model import Deal
from domain.funnels.model import StageSpec, build_funnel
from domain.shared.errors import InvalidInput

ORG = uuid.uuid4()
USER = uuid.uuid4()
T0 = datetime(2030, 3, 2, 10, 0, tzinfo=UTC)
FUNNEL = build_funnel(
    ORG, "Продажи", [StageSpec(name="Заявка", probability=10), StageSpec(name="КП", probability=30)]
)


def a_deal() -> Deal:
    deal, _ = Deal.open(
        organisation_id=ORG,
        client_id=uuid.uuid4(),
        title="Поставка",
        currency="RUB",
        stage=FUNNEL.stages[0],
        responsible_id=USER,
        at=T0,
        by=USER,
        amount=Decimal(100),
    )
    deal.events.clear()
    return deal


class TestFollowUp:
    def test_every_n_days_until_the_stage_changes(self) -> None:
        deal = a_deal()
        deal.apply(UpdateDeal(follow_up_every_days=3), at=T0, by=USER)
        assert deal.follow_up_next_at == T0 + timedelta(days=3)
        assert deal.follow_up_due(T0 + timedelta(days=2)) is False
        assert deal.follow_up_due(T0 + timedelta(days=3)) is True
        assert deal.follow_up_due(T0 + timedelta(days=3, hours=1)) is False
        assert deal.follow_up_next_at == T0 + timedelta(days=6)
        due = [e for e in deal.events if isinstance(e, DealFollowUpDue)]
        assert [(e.every_days, e.responsible_id) for e in due] == [(3, USER)]
        deal.move_to(FUNNEL.stages[1], at=T0 + timedelta(days=4), by=USER)
        assert deal.snapshot()["follow_up_every_days"] is None
        assert not deal.follow_up_due(T0 + timedelta(days=6))
        assert deal.follow_up_due(T0 + timedelta(days=30)) is False

    def test_closing_stops_it_and_a_closed_deal_is_not_postponed(self) -> None:
        deal = a_deal()
        deal.apply(UpdateDeal(follow_up_every_days=1), at=T0, by=USER)
        deal.lose(LoseDeal(loss_reason_id=uuid.uuid4()), at=T0, by=USER)
        assert deal.follow_up_every_days is None
        with pytest.raises(InvalidInput):
            deal.apply(UpdateDeal(follow_up_every_days=2), at=T0, by=USER)

    @pytest.mark.parametrize("days", [0, 366])
    def test_the_interval_is_bounded(self, days: int) -> None:
        with pytest.raises(InvalidInput) as refused:
            a_deal().apply(UpdateDeal(follow_up_every_days=days), at=T0, by=USER)
        assert refused.value.problems[0].loc == ("follow_up_every_days",)


class TestWarranty:
    def test_reminded_once_per_end_date_within_its_days(self) -> None:
        deal = a_deal()
        ends = date(2030, 6, 30)
        deal.apply(UpdateDeal(warranty_ends_on=ends, warranty_remind_days=10), at=T0, by=USER)
        assert deal.warranty_reminder_due(date(2030, 6, 19), T0) is False
        assert deal.warranty_reminder_due(date(2030, 6, 20), T0) is True
        assert deal.warranty_reminder_due(date(2030, 6, 21), T0) is False
        deal.apply(UpdateDeal(warranty_ends_on=date(2031, 6, 30)), at=T0, by=USER)
        assert deal.warranty_reminder_due(date(2031, 7, 1), T0) is False  # ended: too late
        assert deal.warranty_reminder_due(date(2031, 6, 25), T0) is True
        ending = [e for e in deal.events if isinstance(e, DealWarrantyEnding)]
        assert [e.ends_on for e in ending] == [ends, date(2031, 6, 30)]
