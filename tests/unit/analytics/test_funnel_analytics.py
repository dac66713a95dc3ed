"""The analytics service's checks (period, permission, filters out of sight) and the read
model's arithmetic, with in-memory fakes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

import pytest

from domain.analytics.model import (
    MAX_PERIOD_DAYS,
    AnalyticsPeriod,
    CohortFigures,
    CohortQuery,
    CurrencyAmount,
    FunnelAnalyticsFilter,
    LossReasonFigures,
    StageFigures,
    StageRef,
    assemble,
    percent,
)
from domain.analytics.services import AnalyticsService
from domain.auth.principal import Principal
from domain.funnels.model import Funnel, Stage
from domain.platform.ports import UnitOfWork
from domain.shared.clock import FixedClock
from domain.shared.errors import InvalidInput, NotFound, PermissionDenied
from domain.shared.scope import Scope, Visibility
from domain.staff.model import Organisation
from domain.staff.permissions import Permission, Resource

ORG = uuid.uuid4()
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def _funnel() -> Funnel:
    funnel = Funnel(organisation_id=ORG, name="Продажи", is_default=True)
    funnel.stages = [
        Stage(organisation_id=ORG, funnel_id=funnel.id, name=n, position=i)
        for i, n in enumerate(("Заявка", "КП", "Договор"))
    ]
    return funnel


@dataclass
class FakeOrganisations:
    organisation: Organisation

    async def get(self, organisation_id: UUID) -> Organisation | None:
        return self.organisation if organisation_id == self.organisation.id else None


@dataclass
class FakeFunnels:
    funnel: Funnel

    async def get(self, scope: Scope, funnel_id: UUID) -> Funnel | None:
        return self.funnel if funnel_id == self.funnel.id else None

    async def default(self, scope: Scope) -> Funnel | None:
        return self.funnel


class FakeUow:
    def __init__(self, funnel: Funnel) -> None:
        self.organisations = FakeOrganisations(
            Organisation(id=ORG, name="ООО Тест", time_zone="Asia/Yekaterinburg")
        )
        self.funnels = FakeFunnels(funnel)

    async def __aenter__(self) -> FakeUow:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


@dataclass
class FakeQueries:
    users: set[UUID] = field(default_factory=set)
    departments: set[UUID] = field(default_factory=set)
    asked: list[tuple[Scope, CohortQuery]] = field(default_factory=list)

    async def user_visible(self, scope: Scope, user_id: UUID) -> bool:
        return user_id in self.users

    async def department_visible(self, scope: Scope, department_id: UUID) -> bool:
        return department_id in self.departments

    async def cohort(self, scope: Scope, query: CohortQuery) -> CohortFigures:
        self.asked.append((scope, query))
        return CohortFigures()


def _seller(*permissions: Permission) -> Principal:
    return Principal(
        organisation_id=ORG,
        user_id=uuid.uuid4(),
        permissions=frozenset(permissions or (Permission.DEALS_READ,)),
        visibility={Resource.DEALS: Visibility.OWN},
    )


def _service(queries: FakeQueries, funnel: Funnel) -> AnalyticsService:
    return AnalyticsService(cast(UnitOfWork, FakeUow(funnel)), FixedClock(NOW), queries)


def _asked(first: date, last: date, **rest: Any) -> FunnelAnalyticsFilter:
    return FunnelAnalyticsFilter(first_day=first, last_day=last, **rest)


class TestPeriod:
    def test_to_before_from_is_refused_on_to(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            AnalyticsPeriod.of(date(2026, 12, 2), date(2026, 12, 1))
        assert [p.loc for p in caught.value.problems] == [("query", "to")]

    def test_at_most_366_days(self) -> None:
        first = date(2024, 1, 1)
        assert AnalyticsPeriod.of(first, first + timedelta(days=MAX_PERIOD_DAYS - 1)).days == 366
        with pytest.raises(InvalidInput) as caught:
            AnalyticsPeriod.of(first, first + timedelta(days=MAX_PERIOD_DAYS))
        assert [p.loc for p in caught.value.problems] == [("query", "to")]

    def test_one_day_runs_from_its_midnight_to_the_next_in_the_time_zone(self) -> None:
        starts, ends = AnalyticsPeriod.of(date(2026, 12, 1), date(2026, 12, 1)).bounds(
            "Europe/Moscow"
        )
        assert (starts.astimezone(UTC), ends.astimezone(UTC)) == (
            datetime(2026, 11, 30, 21, tzinfo=UTC),
            datetime(2026, 12, 1, 21, tzinfo=UTC),
        )


class TestAnalyticsService:
    async def test_the_cohort_is_asked_in_the_callers_deals_scope_and_the_organisations_days(
        self,
    ) -> None:
        queries, funnel = FakeQueries(), _funnel()
        seller = _seller()
        result = await _service(queries, funnel).funnel(
            seller, _asked(date(2026, 11, 1), date(2026, 11, 30), source="site")
        )
        [(scope, query)] = queries.asked
        assert scope == seller.scope_for(Resource.DEALS)
        assert query.funnel_id == funnel.id
        assert query.starts_at == datetime(2026, 10, 31, 19, tzinfo=UTC)  # Yekaterinburg, +5
        assert query.ends_at == datetime(2026, 11, 30, 19, tzinfo=UTC)
        assert (query.now, query.source) == (NOW, "site")
        assert [s.name for s in result.stages] == ["Заявка", "КП", "Договор"]

    async def test_without_deals_read_it_is_refused(self) -> None:
        with pytest.raises(PermissionDenied):
            await _service(FakeQueries(), _funnel()).funnel(
                _seller(Permission.TASKS_READ), _asked(date(2026, 11, 1), date(2026, 11, 2))
            )

    async def test_a_period_too_long_is_refused_before_any_query(self) -> None:
        queries = FakeQueries()
        with pytest.raises(InvalidInput):
            await _service(queries, _funnel()).funnel(
                _seller(), _asked(date(2025, 1, 1), date(2026, 1, 2))
            )
        assert queries.asked == []

    @pytest.mark.parametrize("what", ["funnel_id", "responsible_id", "department_id"])
    async def test_a_filter_out_of_sight_is_not_found(self, what: str) -> None:
        queries = FakeQueries()
        with pytest.raises(NotFound):
            await _service(queries, _funnel()).funnel(
                _seller(), _asked(date(2026, 11, 1), date(2026, 11, 2), **{what: uuid.uuid4()})
            )
        assert queries.asked == []

    async def test_a_visible_user_and_department_are_passed_on(self) -> None:
        user, department = uuid.uuid4(), uuid.uuid4()
        queries = FakeQueries(users={user}, departments={department})
        await _service(queries, _funnel()).funnel(
            _seller(),
            _asked(
                date(2026, 11, 1), date(2026, 11, 2), responsible_id=user, department_id=department
            ),
        )
        [(_, query)] = queries.asked
        assert (query.responsible_id, query.department_id) == (user, department)


class TestAssemble:
    def test_conversions_rates_and_units(self) -> None:
        a, b, c = (StageRef(uuid.uuid4(), n, i) for i, n in enumerate("ABC"))
        figures = CohortFigures(
            deals=10,
            won=3,
            lost=1,
            stages=(
                StageFigures(a.id, reached=8, stays=2, average_seconds=Decimal(5400)),
                StageFigures(b.id, reached=6, stale=2, median_seconds=Decimal(7200)),
            ),
            won_amounts=(
                CurrencyAmount("USD", 1, Decimal("10.00")),
                CurrencyAmount("RUB", 3, Decimal("100.00")),
            ),
            cycle_average_seconds=Decimal(129600),
            loss_reasons=(LossReasonFigures(None, None, (CurrencyAmount("RUB", 1, Decimal(5)),)),),
        )
        result = assemble(
            uuid.uuid4(),
            "F",
            AnalyticsPeriod.of(date(2026, 1, 1), date(2026, 1, 31)),
            [a, b, c],
            figures,
        )
        assert [
            (
                s.reached,
                s.conversion_to_next,
                s.conversion_from_first,
                s.average_hours,
                s.median_hours,
                s.stale,
            )
            for s in result.stages
        ] == [
            (8, Decimal("75.0"), Decimal("100.0"), Decimal("1.5"), None, 0),
            (6, Decimal("0.0"), Decimal("75.0"), None, Decimal("2.0"), 2),
            (0, None, Decimal("0.0"), None, None, 0),
        ]
        totals = result.totals
        assert (totals.open, totals.win_rate, totals.cycle_average_days) == (
            6,
            Decimal("75.0"),
            Decimal("1.5"),
        )
        assert [(x.currency, x.average_amount) for x in totals.average_won] == [
            ("RUB", Decimal("33.33")),
            ("USD", Decimal("10.00")),
        ]
        assert result.loss_reasons[0].count == 1

    def test_no_closed_deal_has_no_win_rate(self) -> None:
        assert percent(0, 0) is None
        assert percent(2, 3) == Decimal("66.7")
