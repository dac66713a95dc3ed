"""Staff domain rules, without I/O."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

import pytest

from domain.shared.errors import Conflict, InvalidInput
from domain.shared.scope import Visibility
from domain.staff.model import (
    MAX_DEPARTMENT_DEPTH,
    Absence,
    AbsenceKind,
    Department,
    DepartmentTree,
    Organisation,
    Role,
    Schedule,
    User,
    is_on_duty,
)
from domain.staff.permissions import ADMIN_ROLE_CODE, Permission, Resource

ORG = uuid.uuid4()


def department(
    name: str, parent: Department | None = None, head: uuid.UUID | None = None
) -> Department:
    return Department(
        organisation_id=ORG, name=name, parent_id=parent.id if parent else None, head_id=head
    )


class TestDepartmentTree:
    def test_subtree_holds_the_department_and_everything_below_it(self) -> None:
        top = department("top")
        left, right = department("left", top), department("right", top)
        leaf = department("leaf", left)
        tree = DepartmentTree([top, left, right, leaf])
        assert tree.subtree(top.id) == {top.id, left.id, right.id, leaf.id}
        assert tree.subtree(left.id) == {left.id, leaf.id}

    def test_ancestors_run_from_the_nearest_parent_to_the_root(self) -> None:
        top = department("top")
        middle = department("middle", top)
        leaf = department("leaf", middle)
        assert DepartmentTree([top, middle, leaf]).ancestors(leaf.id) == [middle, top]

    def test_a_member_is_managed_by_the_head(self) -> None:
        head, member = uuid.uuid4(), uuid.uuid4()
        sales = department("sales", head=head)
        assert DepartmentTree([sales]).manager_of(member, sales.id) == head

    def test_a_head_is_managed_by_the_nearest_head_above(self) -> None:
        director, lead = uuid.uuid4(), uuid.uuid4()
        top = department("top", head=director)
        headless = department("headless", top)
        sales = department("sales", headless, head=lead)
        tree = DepartmentTree([top, headless, sales])
        assert tree.manager_of(lead, sales.id) == director
        assert tree.manager_of(director, top.id) is None

    def test_nobody_manages_a_user_outside_departments(self) -> None:
        assert DepartmentTree([]).manager_of(uuid.uuid4(), None) is None

    def test_a_department_cannot_move_under_itself_or_a_descendant(self) -> None:
        top = department("top")
        child = department("child", top)
        tree = DepartmentTree([top, child])
        for parent in (top.id, child.id):
            with pytest.raises(InvalidInput) as refused:
                tree.check_parent(top.id, parent)
            assert refused.value.problems[0].loc == ("parent_id",)
        tree.check_parent(child.id, None)

    def test_an_unknown_parent_is_refused(self) -> None:
        with pytest.raises(InvalidInput):
            DepartmentTree([]).check_parent(uuid.uuid4(), uuid.uuid4())

    def test_nesting_is_limited(self) -> None:
        chain = [department("0")]
        for i in range(1, MAX_DEPARTMENT_DEPTH):
            chain.append(department(str(i), chain[-1]))
        with pytest.raises(InvalidInput):
            DepartmentTree(chain).check_parent(uuid.uuid4(), chain[-1].id)

    def test_a_department_is_not_its_own_parent(self) -> None:
        top = department("top")
        with pytest.raises(InvalidInput):
            top.change(parent_id=top.id)


def schedule(days: dict[str, tuple[time, time]], tz: str = "Europe/Moscow") -> Schedule:
    return Schedule.of(ORG, uuid.uuid4(), time_zone=tz, days=days)


# 2030-07-01 is a Monday.
MONDAY_NOON_MSK = datetime(2030, 7, 1, 9, 0, tzinfo=UTC)


class TestSchedule:
    def test_works_inside_the_hours_of_the_local_weekday(self) -> None:
        s = schedule({"mon": (time(9), time(18))})
        assert s.works_at(MONDAY_NOON_MSK)
        assert not s.works_at(datetime(2030, 7, 1, 15, 0, tzinfo=UTC))  # 18:00 local: over
        assert s.works_at(datetime(2030, 7, 1, 6, 0, tzinfo=UTC))  # 09:00 local: started
        assert not s.works_at(datetime(2030, 7, 2, 9, 0, tzinfo=UTC))  # Tuesday: day off

    def test_the_weekday_is_the_local_one(self) -> None:
        s = schedule({"tue": (time(0), time(6))}, "Asia/Vladivostok")
        # Monday 20:00 UTC is Tuesday 06:00 in Vladivostok, the end of the shift.
        assert s.works_at(datetime(2030, 7, 1, 19, 59, tzinfo=UTC))
        assert not s.works_at(datetime(2030, 7, 1, 20, 0, tzinfo=UTC))

    def test_hours_ending_before_they_start_are_refused_with_the_day_named(self) -> None:
        with pytest.raises(InvalidInput) as refused:
            schedule({"wed": (time(18), time(9))})
        assert refused.value.problems[0].loc == ("days", "wed")

    def test_an_unknown_time_zone_is_refused(self) -> None:
        with pytest.raises(InvalidInput) as refused:
            schedule({}, "Mars/Base")
        assert refused.value.problems[0].loc == ("time_zone",)


class TestIsOnDuty:
    def absence(self, user: uuid.UUID, starts: date, ends: date) -> Absence:
        return Absence(
            organisation_id=ORG,
            user_id=user,
            kind=AbsenceKind.VACATION,
            starts_on=starts,
            ends_on=ends,
        )

    def test_without_a_schedule_the_standard_week_in_the_users_zone_applies(self) -> None:
        assert is_on_duty(None, [], MONDAY_NOON_MSK, "Europe/Moscow")
        assert not is_on_duty(None, [], MONDAY_NOON_MSK, "America/New_York")  # 05:00 there
        saturday = datetime(2030, 7, 6, 9, 0, tzinfo=UTC)
        assert not is_on_duty(None, [], saturday, "Europe/Moscow")

    def test_an_absence_covering_the_local_day_takes_the_user_off_duty(self) -> None:
        user = uuid.uuid4()
        away = self.absence(user, date(2030, 7, 1), date(2030, 7, 1))
        assert not is_on_duty(None, [away], MONDAY_NOON_MSK, "Europe/Moscow")
        before = self.absence(user, date(2030, 6, 20), date(2030, 6, 30))
        assert is_on_duty(None, [before], MONDAY_NOON_MSK, "Europe/Moscow")

    def test_a_schedule_overrides_the_standard_week(self) -> None:
        weekends = schedule({"sat": (time(10), time(16))})
        assert not is_on_duty(weekends, [], MONDAY_NOON_MSK, "Europe/Moscow")
        assert is_on_duty(weekends, [], datetime(2030, 7, 6, 9, 0, tzinfo=UTC), "Europe/Moscow")


class TestAbsence:
    def make(self, **overrides: object) -> Absence:
        values: dict[str, object] = {
            "organisation_id": ORG,
            "user_id": uuid.uuid4(),
            "kind": AbsenceKind.VACATION,
            "starts_on": date(2030, 7, 1),
            "ends_on": date(2030, 7, 14),
        }
        values.update(overrides)
        return Absence(**values)  # type: ignore[arg-type]

    def test_cannot_end_before_it_starts(self) -> None:
        with pytest.raises(InvalidInput) as refused:
            self.make(ends_on=date(2030, 6, 30))
        assert refused.value.problems[0].loc == ("ends_on",)

    def test_a_one_day_absence_is_fine(self) -> None:
        one_day = self.make(ends_on=date(2030, 7, 1))
        assert one_day.covers(date(2030, 7, 1))
        assert not one_day.covers(date(2030, 7, 2))

    def test_nobody_substitutes_for_themself(self) -> None:
        user = uuid.uuid4()
        with pytest.raises(InvalidInput) as refused:
            self.make(user_id=user, substitute_id=user)
        assert refused.value.problems[0].loc == ("substitute_id",)

    def test_overlap_includes_shared_end_days(self) -> None:
        absence = self.make()
        assert absence.overlaps(date(2030, 7, 14), date(2030, 7, 20))
        assert absence.overlaps(date(2030, 6, 1), date(2030, 7, 1))
        assert not absence.overlaps(date(2030, 7, 15), date(2030, 7, 20))

    def test_a_change_is_checked_as_a_whole(self) -> None:
        absence = self.make()
        with pytest.raises(InvalidInput):
            absence.change(starts_on=date(2030, 8, 1))
        absence.change(starts_on=date(2030, 8, 1), ends_on=date(2030, 8, 2), comment="  ")
        assert (absence.starts_on, absence.ends_on, absence.comment) == (
            date(2030, 8, 1),
            date(2030, 8, 2),
            None,
        )


class TestRoleChange:
    def role(self, code: str | None = None) -> Role:
        return Role(
            organisation_id=ORG,
            name="Роль",
            code=code,
            permissions=frozenset({Permission.CLIENTS_READ}),
            visibility={Resource.DEALS: Visibility.TEAM},
        )

    def test_permissions_are_replaced_and_visibility_merged(self) -> None:
        role = self.role()
        role.change(
            permissions=[Permission.TASKS_READ], visibility={Resource.CLIENTS: Visibility.ALL}
        )
        assert role.permissions == {Permission.TASKS_READ}
        assert role.visibility == {
            Resource.DEALS: Visibility.TEAM,
            Resource.CLIENTS: Visibility.ALL,
        }
        assert role.visibility_of(Resource.TASKS) is Visibility.OWN

    def test_the_admin_role_keeps_every_permission(self) -> None:
        admin = self.role(ADMIN_ROLE_CODE)
        with pytest.raises(Conflict):
            admin.change(permissions=[])
        with pytest.raises(Conflict):
            admin.change(visibility={Resource.DEALS: Visibility.OWN})
        admin.change(name="Главный")
        assert admin.name == "Главный"
        assert admin.visibility_of(Resource.DEALS) is Visibility.ALL

    def test_a_blank_name_is_refused(self) -> None:
        with pytest.raises(InvalidInput):
            self.role().change(name="   ")
        with pytest.raises(InvalidInput):
            Role.custom(ORG, name="")


class TestOrganisationChange:
    def test_currency_must_be_an_iso_code(self) -> None:
        organisation = Organisation(name="Org")
        for bad in ("rub", "RU", "РУБ", "RUBL"):
            with pytest.raises(InvalidInput):
                organisation.change(currency=bad)
        organisation.change(currency="KZT", time_zone="Asia/Almaty")
        assert (organisation.currency, organisation.time_zone) == ("KZT", "Asia/Almaty")


class TestUserAssign:
    def test_none_removes_the_department_and_unset_keeps_it(self) -> None:
        department_id = uuid.uuid4()
        user = User(
            organisation_id=ORG,
            email="a@example.com",
            full_name="A",
            role_id=uuid.uuid4(),
            department_id=department_id,
        )
        user.assign(role_id=None)
        assert user.department_id == department_id
        user.assign(department_id=None)
        assert user.department_id is None
