"""Rules parse their JSON strictly, round-trip it, and decide what matches without I/O."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.automation.engine import Facts, _render, condition_fails, trigger_matches
from domain.automation.model import (
    Action,
    Condition,
    Trigger,
    TriggerKind,
    parse_actions,
    parse_conditions,
)
from domain.deals.events import DealStageChanged, DealUpdated
from domain.deals.model import Deal
from domain.shared.errors import InvalidInput

NOW = datetime(2026, 12, 3, tzinfo=UTC)
ORG = uuid.uuid4()


def deal(**fields: object) -> Deal:
    values: dict[str, object] = {
        "organisation_id": ORG,
        "client_id": uuid.uuid4(),
        "title": "Поставка",
        "currency": "RUB",
        "funnel_id": uuid.uuid4(),
        "stage_id": uuid.uuid4(),
        "responsible_id": uuid.uuid4(),
        "stage_entered_at": NOW,
        **fields,
    }
    return Deal(**values)  # type: ignore[arg-type]


class TestParsing:
    def test_round_trips_each_kind(self) -> None:
        stage = str(uuid.uuid4())
        raw_actions = [
            {"kind": "create_task", "recipient": {"kind": "role", "role": "lawyer"}, "title": "Т"},
            {"kind": "change_responsible", "recipient": {"kind": "user", "user_id": stage}},
            {"kind": "notify", "recipient": {"kind": "responsible_head"}, "text": "Текст"},
            {"kind": "send_email", "email": "a@example.com", "subject": "Тема", "body": "Тело"},
            {"kind": "move_to_stage", "stage_id": stage},
            {"kind": "set_field", "field": "custom:inn", "value": "7701"},
            {"kind": "call_webhook", "endpoint_id": stage},
        ]
        assert [a.to_json() for a in parse_actions(raw_actions)] == raw_actions
        raw_conditions = [
            {"kind": "amount", "min_amount": "10", "max_amount": "20"},
            {"kind": "tags", "values": ["опт"]},
            {"kind": "custom_field", "field": "region", "value": "Москва"},
        ]
        assert [c.to_json() for c in parse_conditions(raw_conditions)] == raw_conditions
        trigger = {"kind": "deal_stayed_in_stage", "stage_id": stage, "days": 7}
        assert Trigger.parse(trigger).to_json() == trigger

    @pytest.mark.parametrize(
        ("raw", "loc"),
        [
            ({"kind": "nope"}, ("actions", 0, "kind")),
            ({"kind": "move_to_stage", "stage_id": "x"}, ("actions", 0, "stage_id")),
            (
                {"kind": "move_to_stage", "stage_id": str(uuid.uuid4()), "days": 1},
                ("actions", 0, "days"),
            ),
            ({"kind": "set_field", "field": "status", "value": "won"}, ("actions", 0, "field")),
            ({"kind": "send_email", "subject": "Т", "body": "Т"}, ("actions", 0, "email")),
            (
                {"kind": "change_responsible", "recipient": {"kind": "responsible"}},
                ("actions", 0, "recipient", "kind"),
            ),
        ],
    )
    def test_refuses_with_the_field_named(
        self, raw: dict[str, object], loc: tuple[object, ...]
    ) -> None:
        with pytest.raises(InvalidInput) as refused:
            parse_actions([raw])
        assert refused.value.problems[0].loc == loc

    def test_bounds_the_lists(self) -> None:
        action = {"kind": "notify", "recipient": {"kind": "responsible"}, "text": "т"}
        with pytest.raises(InvalidInput):
            parse_actions([action] * 11)
        with pytest.raises(InvalidInput):
            parse_actions([])
        with pytest.raises(InvalidInput):
            parse_conditions([{"kind": "tags", "values": ["a"]}] * 21)
        with pytest.raises(InvalidInput):
            Condition.parse({"kind": "amount", "min_amount": "5", "max_amount": "1"}, ("c",))


class TestMatching:
    def test_entered_and_left_stage_compare_their_stage(self) -> None:
        a, b = uuid.uuid4(), uuid.uuid4()
        moved = DealStageChanged(
            organisation_id=ORG,
            occurred_at=NOW,
            deal_id=uuid.uuid4(),
            client_id=uuid.uuid4(),
            from_stage_id=a,
            to_stage_id=b,
            seconds_in_previous=5,
        )
        assert trigger_matches(Trigger(kind=TriggerKind.DEAL_ENTERED_STAGE, stage_id=b), moved)
        assert not trigger_matches(Trigger(kind=TriggerKind.DEAL_ENTERED_STAGE, stage_id=a), moved)
        assert trigger_matches(Trigger(kind=TriggerKind.DEAL_LEFT_STAGE, stage_id=a), moved)
        assert trigger_matches(Trigger(kind=TriggerKind.DEAL_ENTERED_STAGE), moved)
        assert not trigger_matches(Trigger(kind=TriggerKind.DEAL_WON), moved)

    def test_field_changed_watches_its_field(self) -> None:
        updated = DealUpdated(
            organisation_id=ORG,
            occurred_at=NOW,
            deal_id=uuid.uuid4(),
            client_id=uuid.uuid4(),
            changed=("amount", "custom_fields"),
        )
        watch = Trigger.parse({"kind": "deal_field_changed", "field": "amount"})
        assert trigger_matches(watch, updated)
        assert trigger_matches(
            Trigger.parse({"kind": "deal_field_changed", "field": "custom:x"}), updated
        )
        assert not trigger_matches(
            Trigger.parse({"kind": "deal_field_changed", "field": "title"}), updated
        )

    def test_conditions_read_the_deal_and_the_responsible(self) -> None:
        department = uuid.uuid4()
        facts = Facts(
            deal=deal(
                amount=Decimal("500"), source_channel="сайт", custom_fields={"region": "Москва"}
            ),
            tags=frozenset({"опт"}),
            role_code="seller",
            department_ids=frozenset({department}),
        )

        def fails(raw: dict[str, object]) -> str | None:
            return condition_fails(Condition.parse(raw, ("c",)), facts)

        assert fails({"kind": "amount", "min_amount": "100", "max_amount": "500"}) is None
        assert fails({"kind": "amount", "min_amount": "501"}) == "condition amount not met"
        assert fails({"kind": "source", "values": ["сайт"]}) is None
        assert fails({"kind": "tags", "values": ["розница"]}) is not None
        assert fails({"kind": "custom_field", "field": "region", "value": "Москва"}) is None
        assert fails({"kind": "responsible_role", "values": ["lawyer"]}) is not None
        assert fails({"kind": "responsible_department", "ids": [str(department)]}) is None

    def test_templates_fill_known_names_and_keep_the_rest(self) -> None:
        assert _render("{deal} для {client}: {nope}", {"deal": "Сделка", "client": "ООО"}) == (
            "Сделка для ООО: {nope}"
        )
        assert _render("Скидка {10%", {"deal": "Сделка"}) == "Скидка {10%"


def test_an_action_is_a_value() -> None:
    assert Action.parse({"kind": "move_to_stage", "stage_id": str(uuid.UUID(int=1))}, ("a",)) == (
        Action.parse({"kind": "move_to_stage", "stage_id": str(uuid.UUID(int=1))}, ("a",))
    )
