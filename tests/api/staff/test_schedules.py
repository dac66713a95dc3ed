from __future__ import annotations

from typing import Any

from tests.api.staff.support import API, error_locs, json_of
from tests.factories import Factory, Session

# 2030-07-01 is a Monday; Moscow is UTC+3.
MONDAY_NOON_MOSCOW = "2030-07-01T12:00:00+03:00"
MONDAY_NIGHT_MOSCOW = "2030-07-01T22:00:00+03:00"
SATURDAY_NOON_MOSCOW = "2030-07-06T12:00:00+03:00"

WEEKENDS = {
    "sat": {"starts": "10:00", "ends": "16:00"},
    "sun": {"starts": "10:00", "ends": "16:00"},
}


async def on_duty(factory: Factory, session: Session, at: str) -> set[str]:
    response = await factory.client.get(
        f"{API}/users/on-duty", params={"at": at}, headers=session.headers
    )
    return {u["id"] for u in json_of(response, 200)["items"]}


async def put_schedule(
    factory: Factory,
    session: Session,
    user_id: object,
    days: dict[str, Any],
    tz: str = "Europe/Moscow",
) -> Any:
    return await factory.client.put(
        f"{API}/users/{user_id}/schedule",
        json={"time_zone": tz, "days": days},
        headers=session.headers,
    )


class TestGetSchedule:
    async def test_without_a_schedule_the_standard_week_is_shown(self, factory: Factory) -> None:
        org = await factory.organisation()
        user = await factory.user(org)
        session = await factory.login(user)
        response = await factory.client.get(
            f"{API}/users/{user.id}/schedule", headers=session.headers
        )
        body = json_of(response, 200)
        assert body["is_default"] is True
        assert body["days"]["mon"] == {"starts": "09:00", "ends": "18:00"}
        assert body["days"]["sat"] is None

    async def test_a_user_of_another_organisation_is_404(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        stranger = await factory.user(await factory.organisation())
        response = await factory.client.get(
            f"{API}/users/{stranger.id}/schedule", headers=admin.headers
        )
        assert response.status_code == 404


class TestPutSchedule:
    async def test_a_user_sets_their_own_hours_and_days_off(self, factory: Factory) -> None:
        org = await factory.organisation()
        user = await factory.user(org)
        session = await factory.login(user)
        response = await put_schedule(
            factory, session, user.id, {"mon": {"starts": "08:30", "ends": "17:00"}}, "Asia/Omsk"
        )
        body = json_of(response, 200)
        assert body["is_default"] is False
        stored = json_of(
            await factory.client.get(f"{API}/users/{user.id}/schedule", headers=session.headers),
            200,
        )
        assert stored["time_zone"] == "Asia/Omsk"
        assert stored["days"]["mon"] == {"starts": "08:30", "ends": "17:00"}
        assert stored["days"]["tue"] is None

    async def test_a_seller_cannot_set_a_colleagues_schedule(self, factory: Factory) -> None:
        org = await factory.organisation()
        seller = await factory.login(await factory.user(org))
        colleague = await factory.user(org)
        response = await put_schedule(factory, seller, colleague.id, WEEKENDS)
        assert response.status_code == 403

    async def test_schedules_manage_reaches_the_managers_department_subtree(
        self, factory: Factory
    ) -> None:
        org = await factory.organisation()
        head_user = await factory.user(org, "head_of_sales")
        east = await factory.department(org, head=head_user)
        field_team = await factory.department(org, parent=east)
        west = await factory.department(org)
        async with factory.container.uow() as uow:
            head_user.assign(department_id=east.id)
            await uow.users.update(head_user, head_user.version)
            await uow.commit()
        head = await factory.login(head_user)
        own = await factory.user(org, department=field_team)
        other = await factory.user(org, department=west)
        unplaced = await factory.user(org)
        assert (await put_schedule(factory, head, own.id, WEEKENDS)).status_code == 200
        assert (await put_schedule(factory, head, other.id, WEEKENDS)).status_code == 403
        assert (await put_schedule(factory, head, unplaced.id, WEEKENDS)).status_code == 403
        _, admin = await factory.admin_session(org)
        assert (await put_schedule(factory, admin, other.id, WEEKENDS)).status_code == 200

    async def test_a_day_ending_before_it_starts_is_refused_with_the_day_named(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        response = await put_schedule(
            factory, admin, org.admin.id, {"tue": {"starts": "18:00", "ends": "09:00"}}
        )
        assert response.status_code == 422
        assert ["body", "days", "tue"] in error_locs(response)

    async def test_an_unknown_time_zone_or_malformed_time_is_422(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        zone = await put_schedule(factory, admin, org.admin.id, WEEKENDS, "Nowhere/City")
        assert zone.status_code == 422
        assert ["body", "time_zone"] in error_locs(zone)
        malformed = await put_schedule(
            factory, admin, org.admin.id, {"mon": {"starts": "9", "ends": "25:00"}}
        )
        assert malformed.status_code == 422

    async def test_a_user_of_another_organisation_is_404(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        stranger = await factory.user(await factory.organisation())
        response = await put_schedule(factory, admin, stranger.id, WEEKENDS)
        assert response.status_code == 404


class TestUsersOnDuty:
    async def test_without_a_schedule_users_work_weekdays_nine_to_six_in_their_zone(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        seller = await factory.user(org)
        assert str(seller.id) in await on_duty(factory, admin, MONDAY_NOON_MOSCOW)
        assert str(seller.id) not in await on_duty(factory, admin, MONDAY_NIGHT_MOSCOW)
        assert str(seller.id) not in await on_duty(factory, admin, SATURDAY_NOON_MOSCOW)

    async def test_a_schedule_replaces_the_standard_week(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        weekender = await factory.user(org)
        await put_schedule(factory, admin, weekender.id, WEEKENDS)
        assert str(weekender.id) not in await on_duty(factory, admin, MONDAY_NOON_MOSCOW)
        assert str(weekender.id) in await on_duty(factory, admin, SATURDAY_NOON_MOSCOW)

    async def test_the_schedules_time_zone_decides(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        far_east = await factory.user(org)
        await put_schedule(
            factory,
            admin,
            far_east.id,
            {"mon": {"starts": "09:00", "ends": "18:00"}},
            "Asia/Vladivostok",
        )
        # 12:00 in Moscow is 19:00 in Vladivostok: the working day is over there.
        assert str(far_east.id) not in await on_duty(factory, admin, MONDAY_NOON_MOSCOW)
        assert str(far_east.id) in await on_duty(factory, admin, "2030-07-01T05:00:00+03:00")

    async def test_an_absent_user_is_not_on_duty(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        user = await factory.user(org)
        session = await factory.login(user)
        json_of(
            await factory.client.post(
                f"{API}/absences",
                json={"kind": "sick_leave", "starts_on": "2030-07-01", "ends_on": "2030-07-01"},
                headers=session.headers,
            ),
            201,
        )
        assert str(user.id) not in await on_duty(factory, admin, MONDAY_NOON_MOSCOW)
        assert str(user.id) in await on_duty(factory, admin, "2030-07-02T12:00:00+03:00")

    async def test_deactivated_users_are_never_on_duty(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        former = await factory.user(org, is_active=False)
        assert str(former.id) not in await on_duty(factory, admin, MONDAY_NOON_MOSCOW)

    async def test_a_moment_without_offset_is_422(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.get(
            f"{API}/users/on-duty", params={"at": "2030-07-01T12:00:00"}, headers=admin.headers
        )
        assert response.status_code == 422

    async def test_only_the_callers_organisation_is_listed(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        stranger = await factory.user(await factory.organisation())
        found = await on_duty(factory, admin, MONDAY_NOON_MOSCOW)
        assert found == {str(org.admin.id)}
        assert str(stranger.id) not in found
