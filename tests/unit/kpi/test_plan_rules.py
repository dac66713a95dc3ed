from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.kpi.model import (
    Metric,
    Period,
    PeriodKind,
    Plan,
    fulfilment_percent,
    plan_target,
)
from domain.kpi.ports import DepartmentNode, Person, UserFacts
from domain.kpi.services import metric_rows, ranked, roll_up, subtree
from domain.shared.errors import InvalidInput

ORG = uuid.uuid4()
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class TestPeriod:
    @pytest.mark.parametrize(
        ("kind", "start", "end"),
        [
            (PeriodKind.WEEK, date(2026, 11, 30), date(2026, 12, 7)),  # a Monday
            (PeriodKind.MONTH, date(2026, 12, 1), date(2027, 1, 1)),
            (PeriodKind.MONTH, date(2026, 2, 1), date(2026, 3, 1)),
            (PeriodKind.QUARTER, date(2026, 10, 1), date(2027, 1, 1)),
            (PeriodKind.QUARTER, date(2026, 4, 1), date(2026, 7, 1)),
            (PeriodKind.YEAR, date(2026, 1, 1), date(2027, 1, 1)),
        ],
    )
    def test_a_period_runs_from_its_first_day_to_the_next_periods(
        self, kind: PeriodKind, start: date, end: date
    ) -> None:
        period = Period.of(kind, start)
        assert (period.start, period.end) == (start, end)
        assert period.last_day < end

    @pytest.mark.parametrize(
        ("kind", "start"),
        [
            (PeriodKind.WEEK, date(2026, 12, 1)),  # a Tuesday
            (PeriodKind.MONTH, date(2026, 12, 2)),
            (PeriodKind.QUARTER, date(2026, 2, 1)),
            (PeriodKind.QUARTER, date(2026, 4, 2)),
            (PeriodKind.YEAR, date(2026, 2, 1)),
        ],
    )
    def test_a_day_that_does_not_start_such_a_period_is_refused_on_the_field(
        self, kind: PeriodKind, start: date
    ) -> None:
        with pytest.raises(InvalidInput) as caught:
            Period.of(kind, start)
        assert [p.loc for p in caught.value.problems] == [("period_start",)]

    def test_a_day_outside_the_supported_window_is_refused(self) -> None:
        with pytest.raises(InvalidInput):
            Period.of(PeriodKind.YEAR, date(1000, 1, 1))


class TestTarget:
    def test_money_targets_keep_cents_and_counts_are_whole(self) -> None:
        assert plan_target(Metric.TURNOVER, "1500.5") == Decimal("1500.50")
        assert plan_target(Metric.CALLS, "40") == Decimal(40)
        with pytest.raises(InvalidInput):
            plan_target(Metric.CALLS, "40.5")

    def test_a_negative_target_is_refused(self) -> None:
        with pytest.raises(InvalidInput):
            plan_target(Metric.MARGIN, "-1")

    def test_a_plan_has_exactly_one_subject(self) -> None:
        common = {
            "organisation_id": ORG,
            "metric": Metric.TURNOVER,
            "period": Period.of(PeriodKind.MONTH, date(2026, 12, 1)),
            "target": "1",
            "at": T0,
            "by": None,
        }
        with pytest.raises(InvalidInput):
            Plan.new(user_id=None, department_id=None, **common)  # type: ignore[arg-type]
        with pytest.raises(InvalidInput):
            Plan.new(user_id=uuid.uuid4(), department_id=uuid.uuid4(), **common)  # type: ignore[arg-type]

    def test_changing_the_target_to_the_same_value_changes_nothing(self) -> None:
        plan = Plan.new(
            organisation_id=ORG,
            user_id=uuid.uuid4(),
            department_id=None,
            metric=Metric.WON_DEALS,
            period=Period.of(PeriodKind.MONTH, date(2026, 12, 1)),
            target="5",
            at=T0,
            by=None,
        )
        assert not plan.change_target("5", at=T0)
        assert plan.change_target("6", at=T0)
        assert plan.target == Decimal(6)


class TestFulfilment:
    def test_percent_is_fact_over_plan_to_one_decimal(self) -> None:
        assert fulfilment_percent(Decimal(300), Decimal(100)) == Decimal("33.3")
        assert fulfilment_percent(Decimal(200), Decimal(300)) == Decimal("150.0")
        assert fulfilment_percent(Decimal(3), Decimal(2)) == Decimal("66.7")

    def test_no_percent_without_a_plan_or_with_a_zero_target(self) -> None:
        assert fulfilment_percent(None, Decimal(5)) is None
        assert fulfilment_percent(Decimal(0), Decimal(5)) is None

    def test_every_metric_has_a_row_and_only_turnover_a_forecast(self) -> None:
        facts = UserFacts({Metric.TURNOVER: Decimal(50)}, forecast=Decimal(20))
        rows = {r.metric: r for r in metric_rows({Metric.TURNOVER: Decimal(200)}, facts)}
        assert set(rows) == set(Metric)
        assert rows[Metric.TURNOVER].percent == Decimal("25.0")
        assert rows[Metric.TURNOVER].forecast == Decimal(20)
        assert rows[Metric.CALLS].fact == 0
        assert rows[Metric.CALLS].plan is None
        assert rows[Metric.CALLS].forecast is None

    def test_a_department_sums_its_members_and_sub_departments(self) -> None:
        top, sub, other = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        tree = [
            DepartmentNode(id=top, name="Север", parent_id=None),
            DepartmentNode(id=sub, name="Север-2", parent_id=top),
            DepartmentNode(id=other, name="Юг", parent_id=None),
        ]
        a, b, c = (
            Person(id=uuid.uuid4(), name=n, department_id=d)
            for n, d in (("А", top), ("Б", sub), ("В", other))
        )
        facts = {
            a.id: UserFacts({Metric.CALLS: Decimal(2)}, Decimal(10)),
            b.id: UserFacts({Metric.CALLS: Decimal(3), Metric.TURNOVER: Decimal(7)}),
            c.id: UserFacts({Metric.CALLS: Decimal(100)}),
        }
        assert subtree(tree, top) == {top, sub}
        totals = roll_up(tree, [a, b, c], facts)
        assert totals[top].values == {Metric.CALLS: Decimal(5), Metric.TURNOVER: Decimal(7)}
        assert totals[top].forecast == Decimal(10)
        assert totals[sub].values[Metric.CALLS] == Decimal(3)
        assert totals[other].values[Metric.CALLS] == Decimal(100)

    def test_the_leaderboard_ranks_by_percent_and_ties_share_a_rank(self) -> None:
        people = [Person(id=uuid.uuid4(), name=n, department_id=None) for n in "ГВБА"]
        plans = {p.id: Decimal(100) for p in people[:3]}  # А has no plan
        facts = {
            people[0].id: UserFacts({Metric.TURNOVER: Decimal(50)}),
            people[1].id: UserFacts({Metric.TURNOVER: Decimal(120)}),
            people[2].id: UserFacts({Metric.TURNOVER: Decimal(50)}),
        }
        board = ranked(people, plans, facts)
        assert [(e.rank, e.name, e.percent) for e in board] == [
            (1, "В", Decimal("120.0")),
            (2, "Б", Decimal("50.0")),
            (2, "Г", Decimal("50.0")),
        ]
