"""The retention rules on their own: ABC classes by the share above a client, the sleeping
limit of a client's segments, and the settings' and cross-sell rules' bounds."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from domain.retention.model import (
    AbcClass,
    CrossSellRule,
    RetentionSettings,
    abc_class,
)
from domain.shared.errors import InvalidInput

NOW = datetime(2026, 12, 2, tzinfo=UTC)
A, B = Decimal(80), Decimal(15)


@pytest.mark.parametrize(
    ("above", "total", "expected"),
    [
        (Decimal(0), Decimal(1000), AbcClass.A),
        (Decimal(799), Decimal(1000), AbcClass.A),
        (Decimal(800), Decimal(1000), AbcClass.B),
        (Decimal(949), Decimal(1000), AbcClass.B),
        (Decimal(950), Decimal(1000), AbcClass.C),
        (Decimal(0), Decimal(0), AbcClass.A),
    ],
)
def test_a_client_is_classed_by_what_the_clients_above_it_hold(
    above: Decimal, total: Decimal, expected: AbcClass
) -> None:
    assert abc_class(above, total, A, B) is expected


def test_the_top_client_is_a_even_when_it_alone_holds_more_than_the_a_share() -> None:
    assert abc_class(Decimal(0), Decimal(100), Decimal(50), Decimal(30)) is AbcClass.A


def settings() -> RetentionSettings:
    return RetentionSettings(organisation_id=uuid4())


def test_a_client_of_several_segments_sleeps_after_the_fewest_days() -> None:
    s = settings()
    s.change(
        abc_a_share=Decimal("70.5"),
        abc_b_share=Decimal(20),
        sleeping_days=90,
        sleeping_days_by_segment={" Опт ": 30, "Москва": 60},
        at=NOW,
    )
    assert s.sleeping_days_by_segment == {"Опт": 30, "Москва": 60}
    assert s.sleeping_days_for(["Москва", "Опт"]) == 30
    assert s.sleeping_days_for(["Москва"]) == 60
    assert s.sleeping_days_for(["Розница"]) == 90
    assert s.abc_c_share == Decimal("9.50")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"abc_a_share": Decimal(0)}, "abc_a_share"),
        ({"abc_a_share": Decimal(100)}, "abc_a_share"),
        ({"abc_a_share": Decimal("80.001")}, "abc_a_share"),
        ({"abc_a_share": Decimal("NaN")}, "abc_a_share"),
        ({"abc_a_share": Decimal(85), "abc_b_share": Decimal(15)}, "abc_b_share"),
        ({"sleeping_days": 0}, "sleeping_days"),
        ({"sleeping_days": 3651}, "sleeping_days"),
        ({"sleeping_days_by_segment": {"": 10}}, "sleeping_days_by_segment"),
        ({"sleeping_days_by_segment": {f"s{i}": 1 for i in range(51)}}, "sleeping_days_by_segment"),
    ],
)
def test_settings_out_of_bounds_are_refused_naming_the_field(
    change: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {
        "abc_a_share": Decimal(80),
        "abc_b_share": Decimal(15),
        "sleeping_days": 90,
        "sleeping_days_by_segment": {},
    } | change
    s = settings()
    with pytest.raises(InvalidInput) as refused:
        s.change(at=NOW, **values)  # type: ignore[arg-type]
    assert refused.value.problems[0].loc[0] == field
    assert s.version == 0
    assert s.sleeping_days == 90  # nothing changed


def test_a_cross_sell_rule_compares_its_pattern_as_product_names_are_compared() -> None:
    rule = CrossSellRule.new(
        organisation_id=uuid4(),
        product_pattern="  Ёлочные   ИГРУШКИ ",
        after_days=30,
        suggestion="Гирлянды",
        at=NOW,
        by=None,
    )
    assert rule.product_pattern == "Ёлочные ИГРУШКИ"
    assert rule.pattern_key == "елочные игрушки"
    with pytest.raises(InvalidInput) as refused:
        rule.change(after_days=0, suggestion=" ", at=NOW)
    assert [p.loc for p in refused.value.problems] == [("after_days",), ("suggestion",)]
    assert (rule.after_days, rule.suggestion) == (30, "Гирлянды")
