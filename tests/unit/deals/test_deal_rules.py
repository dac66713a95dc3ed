from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.deals.commands import LoseDeal, ProductLineInput
from domain.deals.errors import Requirement, StageRequirementsMissing
from domain.deals.events import DealCreated, DealLost, DealReopened, DealStageChanged, DealWon
from domain.deals.model import Deal, DealStatus, MoveKind, ProductLine, product_lines, staleness
from domain.deals.services import stage_stays
from domain.funnels.model import StageSpec, build_funnel
from domain.shared.errors import InvalidInput, InvalidTransition

ORG = uuid.uuid4()
USER = uuid.uuid4()
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

FUNNEL = build_funnel(
    ORG,
    "Продажи",
    [
        StageSpec(name="Заявка", probability=0, max_days=2),
        StageSpec(name="Переговоры", probability=40, required_fields=("amount", "contact_id")),
        StageSpec(name="Договор", probability=60, required_documents=("contract",)),
        StageSpec(name="Бюджет", probability=70, required_fields=("custom:budget",)),
    ],
)
REQUEST, NEGOTIATION, CONTRACT, BUDGET = FUNNEL.stages


def new_deal(**fields: object) -> Deal:
    deal, _ = Deal.open(
        organisation_id=ORG,
        client_id=uuid.uuid4(),
        title="Поставка",
        currency="RUB",
        stage=REQUEST,
        responsible_id=USER,
        at=T0,
        by=USER,
        **fields,  # type: ignore[arg-type]
    )
    return deal


class TestOpening:
    def test_amount_defaults_to_the_lines_total(self) -> None:
        lines = product_lines(
            [
                ProductLineInput(name="Лицензия", quantity=Decimal(3), price=Decimal("99.99")),
                ProductLineInput(name="Работы", price=Decimal(1)),
            ]
        )
        deal = new_deal(products=lines)
        assert deal.amount == Decimal("300.97")
        assert deal.stage_id == REQUEST.id
        assert deal.status is DealStatus.OPEN
        assert isinstance(deal.events[0], DealCreated)

    def test_a_given_amount_wins_over_lines(self) -> None:
        deal = new_deal(
            amount="10", products=[ProductLine(name="A", quantity=Decimal(1), price=Decimal(5))]
        )
        assert deal.amount == Decimal("10.00")

    def test_bad_lines_are_named_by_index(self) -> None:
        with pytest.raises(InvalidInput) as refused:
            product_lines(
                [
                    ProductLineInput(name="", price=Decimal(1)),
                    ProductLineInput(name="B", quantity=Decimal(0), price=Decimal(1)),
                ]
            )
        assert [p.loc for p in refused.value.problems] == [
            ("products", 0, "name"),
            ("products", 1, "quantity"),
        ]

    def test_negative_amount_is_refused(self) -> None:
        with pytest.raises(InvalidInput):
            new_deal(amount="-1")

    def test_opening_in_a_stage_checks_its_requirements(self) -> None:
        with pytest.raises(StageRequirementsMissing):
            Deal.open(
                organisation_id=ORG,
                client_id=uuid.uuid4(),
                title="Сразу договор",
                currency="RUB",
                stage=CONTRACT,
                responsible_id=USER,
                at=T0,
                by=USER,
            )


class TestRequirements:
    def test_every_missing_field_and_document_is_listed(self) -> None:
        deal = new_deal()
        with pytest.raises(StageRequirementsMissing) as refused:
            deal.move_to(NEGOTIATION, at=T0, by=USER)
        assert refused.value.missing == (
            Requirement("fields", "amount"),
            Requirement("fields", "contact_id"),
        )
        assert [p.loc for p in refused.value.problems] == [
            ("fields", "amount"),
            ("fields", "contact_id"),
        ]
        with pytest.raises(StageRequirementsMissing) as no_contract:
            deal.move_to(CONTRACT, at=T0, by=USER, documents={"invoice"})
        assert no_contract.value.missing == (Requirement("documents", "contract"),)
        assert deal.stage_id == REQUEST.id  # nothing changed

    def test_met_requirements_let_the_deal_in(self) -> None:
        deal = new_deal(amount="100", contact_id=uuid.uuid4())
        assert deal.move_to(NEGOTIATION, at=T0, by=USER) is not None
        assert deal.move_to(CONTRACT, at=T0, by=USER, documents={"contract"}) is not None

    def test_custom_field_requirements(self) -> None:
        deal = new_deal(custom_fields={"budget": ""})
        with pytest.raises(StageRequirementsMissing):
            deal.move_to(BUDGET, at=T0, by=USER)
        deal.custom_fields["budget"] = 0
        assert deal.move_to(BUDGET, at=T0, by=USER) is not None


class TestTransitions:
    def test_a_move_records_from_to_who_and_seconds_in_the_previous_stage(self) -> None:
        deal = new_deal(amount="100", contact_id=uuid.uuid4())
        later = T0 + timedelta(hours=5)
        move = deal.move_to(NEGOTIATION, at=later, by=USER)
        assert move is not None
        assert (move.kind, move.from_stage_id, move.to_stage_id) == (
            MoveKind.MOVED,
            REQUEST.id,
            NEGOTIATION.id,
        )
        assert move.seconds_in_previous == 5 * 3600
        assert move.by_user_id == USER
        assert deal.stage_entered_at == later
        assert isinstance(deal.events[-1], DealStageChanged)

    def test_moving_to_the_current_stage_is_nothing(self) -> None:
        deal = new_deal()
        assert deal.move_to(REQUEST, at=T0, by=USER) is None

    def test_won_and_lost_are_terminal_until_reopened(self) -> None:
        deal = new_deal()
        deal.win(at=T0, by=USER)
        assert isinstance(deal.events[-1], DealWon)
        for action in (
            lambda: deal.win(at=T0, by=USER),
            lambda: deal.move_to(NEGOTIATION, at=T0, by=USER),
            lambda: deal.lose(LoseDeal(loss_reason_id=uuid.uuid4()), at=T0, by=USER),
        ):
            with pytest.raises(InvalidTransition):
                action()
        move = deal.reopen(at=T0 + timedelta(days=1), by=USER)
        assert move.kind is MoveKind.REOPENED
        assert move.from_status is DealStatus.WON
        assert deal.status is DealStatus.OPEN
        assert deal.closed_at is None
        assert isinstance(deal.events[-1], DealReopened)
        with pytest.raises(InvalidTransition):
            deal.reopen(at=T0, by=USER)

    def test_lose_keeps_the_reason_and_flags_and_reopen_clears_them(self) -> None:
        deal = new_deal()
        reason = uuid.uuid4()
        deal.lose(
            LoseDeal(loss_reason_id=reason, comment=" тендер ", lost_tender=True), at=T0, by=USER
        )
        assert (deal.status, deal.loss_reason_id, deal.loss_comment, deal.lost_tender) == (
            DealStatus.LOST,
            reason,
            "тендер",
            True,
        )
        event = deal.events[-1]
        assert isinstance(event, DealLost)
        assert event.lost_tender
        deal.reopen(at=T0, by=USER)
        assert deal.loss_reason_id is None
        assert not deal.lost_tender


class TestFigures:
    def test_weighted_amount(self) -> None:
        deal = new_deal(amount="1000.05", contact_id=uuid.uuid4())
        deal.move_to(NEGOTIATION, at=T0, by=USER)
        assert deal.weighted_amount(NEGOTIATION) == Decimal("400.02")
        deal.win(at=T0, by=USER)
        assert deal.weighted_amount(NEGOTIATION) == Decimal("1000.05")
        deal.reopen(at=T0, by=USER)
        deal.lose(LoseDeal(loss_reason_id=uuid.uuid4()), at=T0, by=USER)
        assert deal.weighted_amount(NEGOTIATION) == Decimal("0.00")

    def test_time_in_stage_stops_when_closed(self) -> None:
        deal = new_deal()
        assert deal.time_in_stage(T0 + timedelta(hours=3)) == timedelta(hours=3)
        deal.win(at=T0 + timedelta(hours=4), by=USER)
        assert deal.time_in_stage(T0 + timedelta(days=9)) == timedelta(hours=4)

    @pytest.mark.parametrize(
        ("days", "stale", "propose"),
        [
            (1, False, False),
            (2, False, False),
            (2.01, True, False),
            (4, True, False),
            (4.01, True, True),
        ],
    )
    def test_staleness_against_the_day_limit(self, days: float, stale: bool, propose: bool) -> None:
        result = staleness(DealStatus.OPEN, T0, 2, T0 + timedelta(days=days))
        assert (result.is_stale, result.close_proposed) == (stale, propose)

    def test_no_limit_or_closed_is_never_stale(self) -> None:
        far = T0 + timedelta(days=999)
        assert not staleness(DealStatus.OPEN, T0, None, far).is_stale
        assert not staleness(DealStatus.WON, T0, 1, far).is_stale

    def test_stays_from_moves(self) -> None:
        deal, first = Deal.open(
            organisation_id=ORG,
            client_id=uuid.uuid4(),
            title="Сделка",
            currency="RUB",
            stage=REQUEST,
            responsible_id=USER,
            at=T0,
            by=USER,
            amount="1",
            contact_id=uuid.uuid4(),
        )
        second = deal.move_to(NEGOTIATION, at=T0 + timedelta(hours=2), by=USER)
        assert second is not None
        won = deal.win(at=T0 + timedelta(hours=5), by=USER)
        names = {REQUEST.id: REQUEST.name, NEGOTIATION.id: NEGOTIATION.name}
        stays = stage_stays([first, second, won], deal, T0 + timedelta(days=1), names)
        assert [(s.stage_name, s.seconds) for s in stays] == [
            ("Заявка", 2 * 3600),
            ("Переговоры", 3 * 3600),
        ]
        assert stays[-1].left_at == T0 + timedelta(hours=5)
