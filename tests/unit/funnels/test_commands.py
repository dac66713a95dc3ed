"""Funnels, stages and loss reasons edited through their typed commands."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from domain.funnels.commands import UpdateFunnel, UpdateLossReason, UpdateStage
from domain.funnels.model import Funnel, LossReason, StageGroup, StageSpec, build_funnel
from domain.shared.errors import InvalidInput

ORG = uuid.uuid4()


def a_funnel(name: str = "Продажи") -> Funnel:
    return build_funnel(
        ORG,
        name,
        [
            StageSpec(name="Заявка", probability=10, expected_result="Звонок", max_days=3),
            StageSpec(name="Договор", probability=60, required_fields=("amount",)),
        ],
    )


class TestUpdateFunnel:
    def test_nothing_given_changes_nothing(self) -> None:
        funnel = a_funnel()
        funnel.apply(UpdateFunnel())
        assert (funnel.name, funnel.is_default) == ("Продажи", False)

    def test_rename_is_cleaned_and_unique_among_the_others(self) -> None:
        funnel, other = a_funnel(), a_funnel("Сервис")
        funnel.apply(UpdateFunnel(name="  Продажи  2 "), others=[funnel, other])
        assert funnel.name == "Продажи 2"
        with pytest.raises(InvalidInput) as refused:
            funnel.apply(UpdateFunnel(name="СЕРВИС"), others=[funnel, other])
        assert refused.value.problems[0].loc == ("name",)

    def test_true_makes_it_the_default_false_is_refused_for_the_default(self) -> None:
        funnel = a_funnel()
        funnel.apply(UpdateFunnel(is_default=False))  # not the default: nothing to do
        assert funnel.is_default is False
        funnel.apply(UpdateFunnel(is_default=True))
        assert funnel.is_default is True
        with pytest.raises(InvalidInput) as refused:
            funnel.apply(UpdateFunnel(is_default=False))
        assert refused.value.problems[0].loc == ("is_default",)


class TestUpdateStage:
    def test_unset_fields_keep_their_values(self) -> None:
        funnel = a_funnel()
        stage = funnel.stages[0]
        before = stage.snapshot()
        funnel.change_stage(stage.id, UpdateStage())
        assert stage.snapshot() == before

    def test_given_fields_are_checked_and_set(self) -> None:
        funnel = a_funnel()
        stage = funnel.change_stage(
            funnel.stages[0].id,
            UpdateStage(
                name=" Первый  звонок ",
                probability="15.5",
                required_fields=["amount", "amount", "custom:budget"],
                required_documents=["contract"],
                group=StageGroup.MARKETING,
            ),
        )
        assert stage.name == "Первый звонок"
        assert stage.probability == Decimal("15.50")
        assert stage.required_fields == ["amount", "custom:budget"]
        assert stage.required_documents == ["contract"]
        assert stage.group is StageGroup.MARKETING
        assert (stage.expected_result, stage.max_days) == ("Звонок", 3)

    def test_none_clears_the_expected_result_and_the_day_limit(self) -> None:
        funnel = a_funnel()
        stage = funnel.change_stage(
            funnel.stages[0].id, UpdateStage(expected_result=None, max_days=None)
        )
        assert (stage.expected_result, stage.max_days) == (None, None)

    def test_bad_values_are_refused_by_field(self) -> None:
        funnel = a_funnel()
        stage_id = funnel.stages[0].id
        for update, loc in (
            (UpdateStage(probability=101), ("probability",)),
            (UpdateStage(max_days=0), ("max_days",)),
            (UpdateStage(required_fields=["colour"]), ("required_fields", 0)),
            (UpdateStage(name="договор"), ("name",)),
        ):
            with pytest.raises(InvalidInput) as refused:
                funnel.change_stage(stage_id, update)
            assert refused.value.problems[0].loc == loc


class TestLossReason:
    def test_apply_sets_only_what_was_given(self) -> None:
        reason = LossReason(organisation_id=ORG, name="Дорого", position=2)
        reason.apply(UpdateLossReason(name="  Слишком  дорого "))
        assert (reason.name, reason.is_active, reason.position) == ("Слишком дорого", True, 2)
        reason.apply(UpdateLossReason(is_active=False, position=0))
        assert (reason.name, reason.is_active, reason.position) == ("Слишком дорого", False, 0)
        with pytest.raises(InvalidInput):
            reason.apply(UpdateLossReason(name="   "))

    def test_deactivate(self) -> None:
        reason = LossReason(organisation_id=ORG, name="Дорого")
        reason.deactivate()
        assert reason.is_active is False
