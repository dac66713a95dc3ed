from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from domain.funnels.commands import UpdateStage
from domain.funnels.model import (
    MAX_STAGES,
    FunnelTemplate,
    StageSpec,
    build_funnel,
)
from domain.funnels.templates import TEMPLATES
from domain.shared.errors import InvalidInput

ORG = uuid.uuid4()


def specs(count: int) -> list[StageSpec]:
    return [StageSpec(name=f"Этап {i}", probability=i * 5) for i in range(count)]


class TestStageLimits:
    def test_twelve_stages_are_the_most(self) -> None:
        funnel = build_funnel(ORG, "Полная", specs(MAX_STAGES))
        assert len(funnel.stages) == 12
        with pytest.raises(InvalidInput) as refused:
            funnel.add_stage(StageSpec(name="Тринадцатый"))
        assert refused.value.problems[0].loc == ("stages",)
        with pytest.raises(InvalidInput):
            build_funnel(ORG, "Слишком", specs(13))

    def test_more_than_seven_stages_warn(self) -> None:
        assert build_funnel(ORG, "Семь", specs(7)).warnings == []
        assert len(build_funnel(ORG, "Восемь", specs(8)).warnings) == 1

    def test_a_funnel_needs_a_stage_and_keeps_one(self) -> None:
        with pytest.raises(InvalidInput):
            build_funnel(ORG, "Пустая", [])
        funnel = build_funnel(ORG, "Одна", specs(1))
        with pytest.raises(InvalidInput):
            funnel.remove_stage(funnel.stages[0].id)


class TestStageFields:
    def test_names_are_unique_case_insensitively_and_every_problem_is_named(self) -> None:
        with pytest.raises(InvalidInput) as refused:
            build_funnel(
                ORG,
                "Дубли",
                [
                    StageSpec(name="Встреча"),
                    StageSpec(name="встреча", probability=101),
                    StageSpec(name="ВСТРЕЧА"),
                ],
            )
        assert [p.loc for p in refused.value.problems] == [
            ("stages", 1, "probability"),
            ("stages", 2, "name"),
        ]

    @pytest.mark.parametrize("value", [-1, 100.01, "abc"])
    def test_probability_is_0_to_100(self, value: object) -> None:
        with pytest.raises(InvalidInput):
            build_funnel(ORG, "П", [StageSpec(name="A", probability=value)])  # type: ignore[arg-type]

    def test_required_fields_are_deal_fields_or_custom_keys(self) -> None:
        funnel = build_funnel(
            ORG,
            "Требования",
            [StageSpec(name="A", required_fields=("amount", "custom:budget", "amount"))],
        )
        assert funnel.stages[0].required_fields == ["amount", "custom:budget"]
        for bad in ("colour", "custom:Bad Key"):
            with pytest.raises(InvalidInput):
                build_funnel(ORG, "X", [StageSpec(name="A", required_fields=(bad,))])

    def test_max_days_is_positive(self) -> None:
        with pytest.raises(InvalidInput):
            build_funnel(ORG, "X", [StageSpec(name="A", max_days=0)])

    def test_rename_checks_the_other_names(self) -> None:
        funnel = build_funnel(ORG, "Имена", specs(3))
        second = funnel.stages[1]
        funnel.change_stage(second.id, UpdateStage(name="ЭТАП 1"))  # its own name in other case
        with pytest.raises(InvalidInput):
            funnel.change_stage(second.id, UpdateStage(name="этап 0"))


class TestOrder:
    def test_reorder_needs_every_stage_once_and_renumbers(self) -> None:
        funnel = build_funnel(ORG, "Порядок", specs(3))
        ids = [s.id for s in funnel.stages]
        funnel.reorder(list(reversed(ids)))
        assert [s.position for s in funnel.stages] == [0, 1, 2]
        assert [s.id for s in funnel.stages] == list(reversed(ids))
        with pytest.raises(InvalidInput):
            funnel.reorder(ids[:2])
        with pytest.raises(InvalidInput):
            funnel.reorder([*ids[:2], ids[0]])

    def test_add_at_a_position(self) -> None:
        funnel = build_funnel(ORG, "Вставка", specs(2))
        funnel.add_stage(StageSpec(name="Между"), position=1)
        assert [s.name for s in funnel.stages] == ["Этап 0", "Между", "Этап 1"]


class TestTemplates:
    def test_sales_probabilities(self) -> None:
        funnel = build_funnel(ORG, "Продажи", TEMPLATES[FunnelTemplate.SALES])
        assert [s.probability for s in funnel.stages] == [
            Decimal(p) for p in (0, 10, 20, 40, 60, 70, 80, 90, 100)
        ]
        contract = next(s for s in funnel.stages if s.name == "Договор")
        assert contract.required_documents == ["contract"]

    def test_b2b_project_has_nine_stages(self) -> None:
        funnel = build_funnel(ORG, "B2B", TEMPLATES[FunnelTemplate.B2B_PROJECT])
        assert len(funnel.stages) == 9
        assert funnel.stages[-1].probability == Decimal(100)
