"""Distribution rules and the choice of a person, without I/O (an in-memory repository)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.intake.distribution import Distributor, Member, Rule, TagRoute, tag_value
from domain.intake.leads import Assignment
from domain.intake.model import DistributionKind
from domain.shared.errors import InvalidInput
from domain.shared.scope import Scope
from domain.staff.model import WEEKDAYS, Absence, AbsenceKind, Department, Schedule, WorkingHours

ORG = uuid4()
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # a Tuesday


def rule(**values: Any) -> Rule:
    values.setdefault("name", "Правило")
    values.setdefault("kind", "round_robin")
    return Rule.create(ORG, created_at=NOW, **values)


class FakeRepository:
    def __init__(self, people: Sequence[UUID], rules: Sequence[Rule] = ()) -> None:
        self.people = {p: Member(p, True, "UTC", None) for p in people}
        self.rules = list(rules)
        self.counters: dict[UUID, int] = {}
        self.absences: list[Absence] = []
        self.schedules: dict[UUID, Schedule] = {}
        self.open: dict[UUID, int] = {}
        self.admin: UUID | None = None

    async def active_rules(self, organisation_id: UUID) -> Sequence[Rule]:
        return [r for r in self.rules if r.is_active]

    async def advance(self, organisation_id: UUID, key: UUID) -> int:
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]

    async def take_turn(self, organisation_id: UUID, key: UUID) -> int:
        return await self.advance(organisation_id, key)

    async def members(self, organisation_id: UUID, user_ids: Sequence[UUID]) -> list[Member]:
        return [self.people[u] for u in user_ids if u in self.people]

    async def duty_facts(
        self, organisation_id: UUID, user_ids: Sequence[UUID], around: datetime
    ) -> tuple[dict[UUID, Schedule], list[Absence]]:
        return (
            {u: s for u, s in self.schedules.items() if u in user_ids},
            [a for a in self.absences if a.user_id in user_ids],
        )

    async def open_lead_counts(
        self, organisation_id: UUID, user_ids: Sequence[UUID]
    ) -> dict[UUID, int]:
        return {u: self.open.get(u, 0) for u in user_ids}

    async def first_active_admin(self, organisation_id: UUID) -> UUID | None:
        return self.admin


class FakeDepartments:
    def __init__(self, departments: Sequence[Department] = ()) -> None:
        self.departments = list(departments)

    async def list(self, scope: Scope) -> Sequence[Department]:
        return self.departments


def distributor(repo: FakeRepository, departments: Sequence[Department] = ()) -> Distributor:
    return Distributor(repo, FakeDepartments(departments))  # type: ignore[arg-type]


def vacation(user: UUID, substitute: UUID | None = None) -> Absence:
    return Absence(
        organisation_id=ORG,
        user_id=user,
        kind=AbsenceKind.VACATION,
        starts_on=date(2026, 11, 30),
        ends_on=date(2026, 12, 7),
        substitute_id=substitute,
    )


class TestRuleChecks:
    def test_a_shared_rule_names_people_and_by_tag_names_its_field(self) -> None:
        with pytest.raises(InvalidInput) as no_people:
            rule(user_ids=[])
        assert no_people.value.problems[0].loc == ("user_ids",)
        with pytest.raises(InvalidInput) as no_tag:
            rule(kind="by_tag", user_ids=[uuid4()])
        assert no_tag.value.problems[0].loc == ("tag",)
        with pytest.raises(InvalidInput) as manual:
            rule(kind="manual", user_ids=[uuid4()])
        assert manual.value.problems[0].loc == ("kind",)

    def test_a_rule_applies_to_one_form_source_or_funnel(self) -> None:
        with pytest.raises(InvalidInput):
            rule(user_ids=[uuid4()], form_id=uuid4(), source="yandex")

    def test_tag_values_do_not_repeat_whatever_their_case(self) -> None:
        person = uuid4()
        with pytest.raises(InvalidInput) as repeated:
            rule(
                kind="by_tag",
                tag="region",
                tag_routes=[TagRoute("Москва", (person,)), TagRoute("москва", (person,))],
            )
        assert repeated.value.problems[0].loc == ("tag_routes", 1, "value")


class TestTagValue:
    def test_the_leads_own_field_then_a_form_field_then_a_utm_tag(self) -> None:
        assert tag_value({"product": "Курс"}, "product") == "Курс"
        assert tag_value({"fields": {"Region": "Київ"}}, "region") == "Київ"
        assert tag_value({"utm": {"utm_content": "x"}}, "utm_content") == "x"
        assert tag_value({"fields": {"city": "Минск"}}, "region") is None


class TestChoose:
    async def test_round_robin_takes_turns_among_those_on_duty(self) -> None:
        a, b, away = uuid4(), uuid4(), uuid4()
        shared = rule(user_ids=[a, b, away])
        repo = FakeRepository([a, b, away], [shared])
        repo.absences.append(vacation(away))
        picks = [(await distributor(repo).choose(ORG, NOW, lead={})).user_id for _ in range(6)]
        assert picks == [a, b, a, b, a, b]

    async def test_least_loaded_picks_the_fewest_open_leads(self) -> None:
        a, b = uuid4(), uuid4()
        repo = FakeRepository([a, b], [rule(kind="least_loaded", user_ids=[a, b])])
        repo.open = {a: 3, b: 1}
        choice = await distributor(repo).choose(ORG, NOW, lead={})
        assert (choice.user_id, choice.assignment) == (b, Assignment.LEAST_LOADED)

    async def test_outside_working_hours_nobody_takes_it_and_it_escalates_to_the_head(
        self,
    ) -> None:
        seller, head = uuid4(), uuid4()
        department = Department(organisation_id=ORG, name="Продажи", head_id=head)
        repo = FakeRepository([seller, head], [rule(user_ids=[seller], escalate_after_minutes=10)])
        repo.people[seller] = Member(seller, True, "UTC", department.id)
        repo.schedules[seller] = Schedule(
            organisation_id=ORG,
            user_id=seller,
            time_zone="UTC",
            days=dict.fromkeys(WEEKDAYS, WorkingHours(time(0), time(1))),
        )
        choice = await distributor(repo, [department]).choose(ORG, NOW, lead={})
        assert choice.user_id is None
        assert choice.holder_id == head
        assert choice.escalate_at == NOW + timedelta(minutes=10)

    async def test_a_known_clients_manager_or_their_substitute_gets_it(self) -> None:
        manager, substitute, pool = uuid4(), uuid4(), uuid4()
        repo = FakeRepository([manager, substitute, pool], [rule(user_ids=[pool])])
        choice = await distributor(repo).choose(ORG, NOW, lead={}, responsible_id=manager)
        assert (choice.user_id, choice.assignment) == (manager, Assignment.RESPONSIBLE)
        repo.absences.append(vacation(manager, substitute))
        choice = await distributor(repo).choose(ORG, NOW, lead={}, responsible_id=manager)
        assert (choice.user_id, choice.assignment) == (substitute, Assignment.SUBSTITUTE)

    async def test_the_most_specific_rule_applies(self) -> None:
        general, special = uuid4(), uuid4()
        form_id = uuid4()
        repo = FakeRepository(
            [general, special],
            [rule(user_ids=[general]), rule(user_ids=[special], form_id=form_id)],
        )
        mine = await distributor(repo).choose(ORG, NOW, lead={}, form_id=form_id)
        other = await distributor(repo).choose(ORG, NOW, lead={}, form_id=uuid4())
        assert (mine.user_id, other.user_id) == (special, general)

    async def test_without_rules_an_administrator_takes_it(self) -> None:
        repo = FakeRepository([])
        repo.admin = uuid4()
        choice = await distributor(repo).choose(ORG, NOW, lead={})
        assert (choice.user_id, choice.assignment) == (repo.admin, Assignment.FALLBACK)


def test_kinds_are_the_forms_own() -> None:
    assert rule(user_ids=[uuid4()]).kind is DistributionKind.ROUND_ROBIN
