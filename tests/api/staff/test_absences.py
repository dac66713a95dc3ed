from __future__ import annotations

from typing import Any

from httpx import Response

from tests.api.staff.support import API, auth, error_locs, if_match, json_of
from tests.factories import Factory, Session


async def post_absence(factory: Factory, session: Session, **body: Any) -> Response:
    body.setdefault("kind", "vacation")
    body.setdefault("starts_on", "2030-07-01")
    body.setdefault("ends_on", "2030-07-14")
    body = {k: str(v) if k.endswith("_id") else v for k, v in body.items()}
    return await factory.client.post(f"{API}/absences", json=body, headers=session.headers)


class TestCreateAbsence:
    async def test_a_user_records_their_own_vacation(self, factory: Factory) -> None:
        org = await factory.organisation()
        user = await factory.user(org)
        session = await factory.login(user)
        substitute = await factory.user(org)
        response = await post_absence(
            factory, session, substitute_id=substitute.id, comment="  Море  "
        )
        body = json_of(response, 201)
        assert body["user_id"] == str(user.id)
        assert body["created_by"] == str(user.id)
        assert body["substitute_id"] == str(substitute.id)
        assert body["comment"] == "Море"
        assert response.headers["etag"] == '"v1"'

    async def test_a_seller_cannot_record_a_colleagues_absence(self, factory: Factory) -> None:
        org = await factory.organisation()
        seller = await factory.login(await factory.user(org))
        colleague = await factory.user(org)
        response = await post_absence(factory, seller, user_id=colleague.id)
        assert response.status_code == 403

    async def test_absences_manage_records_a_colleagues_absence(self, factory: Factory) -> None:
        org = await factory.organisation()
        department = await factory.department(org)
        assistant = await factory.login(await factory.user(org, "assistant", department=department))
        colleague = await factory.user(org, department=department)
        response = await post_absence(factory, assistant, user_id=colleague.id, kind="sick_leave")
        body = json_of(response, 201)
        assert (body["user_id"], body["kind"]) == (str(colleague.id), "sick_leave")

    async def test_ending_before_it_starts_is_422_on_ends_on(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await post_absence(factory, admin, starts_on="2030-07-10", ends_on="2030-07-09")
        assert response.status_code == 422
        assert ["body", "ends_on"] in error_locs(response)

    async def test_an_overlapping_absence_of_the_same_user_is_409(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        json_of(await post_absence(factory, admin), 201)
        response = await post_absence(
            factory, admin, kind="business_trip", starts_on="2030-07-14", ends_on="2030-07-20"
        )
        assert response.status_code == 409
        adjacent = await post_absence(factory, admin, starts_on="2030-07-15", ends_on="2030-07-20")
        assert adjacent.status_code == 201

    async def test_a_substitute_absent_on_overlapping_dates_is_422_on_substitute_id(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        substitute = await factory.user(org)
        json_of(
            await post_absence(
                factory, admin, user_id=substitute.id, starts_on="2030-07-10", ends_on="2030-07-20"
            ),
            201,
        )
        user = await factory.user(org)
        response = await post_absence(
            factory, await factory.login(user), substitute_id=substitute.id
        )
        assert response.status_code == 422
        assert ["body", "substitute_id"] in error_locs(response)

    async def test_the_substitute_must_be_another_active_colleague(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        former = await factory.user(org, is_active=False)
        stranger = await factory.user(await factory.organisation())
        for substitute in (former.id, stranger.id, org.admin.id):
            response = await post_absence(factory, admin, substitute_id=substitute)
            assert response.status_code == 422, substitute
            assert ["body", "substitute_id"] in error_locs(response)

    async def test_a_user_of_another_organisation_cannot_be_the_absentee(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        stranger = await factory.user(await factory.organisation())
        response = await post_absence(factory, admin, user_id=stranger.id)
        assert response.status_code == 422
        assert ["body", "user_id"] in error_locs(response)


class TestUpdateAbsence:
    async def test_a_user_changes_their_own_absence(self, factory: Factory) -> None:
        org = await factory.organisation()
        session = await factory.login(await factory.user(org))
        substitute = await factory.user(org)
        absence = json_of(await post_absence(factory, session, substitute_id=substitute.id), 201)
        response = await factory.client.patch(
            f"{API}/absences/{absence['id']}",
            json={"ends_on": "2030-07-05", "substitute_id": None, "kind": "business_trip"},
            headers=auth(session, **if_match(absence["version"])),
        )
        body = json_of(response, 200)
        assert (body["ends_on"], body["substitute_id"], body["kind"]) == (
            "2030-07-05",
            None,
            "business_trip",
        )
        assert response.headers["etag"] == f'"v{absence["version"] + 1}"'

    async def test_moving_onto_another_absence_is_409(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        json_of(await post_absence(factory, admin), 201)
        later = json_of(
            await post_absence(factory, admin, starts_on="2030-08-01", ends_on="2030-08-05"), 201
        )
        response = await factory.client.patch(
            f"{API}/absences/{later['id']}", json={"starts_on": "2030-07-14"}, headers=admin.headers
        )
        assert response.status_code == 409

    async def test_moving_the_start_after_the_end_is_422(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        absence = json_of(await post_absence(factory, admin), 201)
        response = await factory.client.patch(
            f"{API}/absences/{absence['id']}",
            json={"starts_on": "2030-08-01"},
            headers=admin.headers,
        )
        assert response.status_code == 422
        assert ["body", "ends_on"] in error_locs(response)

    async def test_a_seller_cannot_change_a_colleagues_absence(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        absence = json_of(await post_absence(factory, admin), 201)
        seller = await factory.login(await factory.user(org))
        response = await factory.client.patch(
            f"{API}/absences/{absence['id']}", json={"kind": "sick_leave"}, headers=seller.headers
        )
        assert response.status_code == 403

    async def test_stale_if_match_is_412(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        absence = json_of(await post_absence(factory, admin), 201)
        url = f"{API}/absences/{absence['id']}"
        json_of(await factory.client.patch(url, json={"comment": "A"}, headers=admin.headers), 200)
        stale = await factory.client.patch(
            url, json={"comment": "B"}, headers=auth(admin, **if_match(absence["version"]))
        )
        assert stale.status_code == 412


class TestDeleteAbsence:
    async def test_a_user_deletes_their_own_absence(self, factory: Factory) -> None:
        org = await factory.organisation()
        session = await factory.login(await factory.user(org))
        absence = json_of(await post_absence(factory, session), 201)
        url = f"{API}/absences/{absence['id']}"
        assert (await factory.client.delete(url, headers=session.headers)).status_code == 204
        assert (await factory.client.get(url, headers=session.headers)).status_code == 404

    async def test_a_seller_cannot_delete_a_colleagues_absence(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        absence = json_of(await post_absence(factory, admin), 201)
        seller = await factory.login(await factory.user(org))
        response = await factory.client.delete(
            f"{API}/absences/{absence['id']}", headers=seller.headers
        )
        assert response.status_code == 403


class TestListAbsences:
    async def test_filtered_by_user_and_dates_and_paged_by_start(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        user = await factory.user(org)
        session = await factory.login(user)
        for starts, ends in (
            ("2030-03-01", "2030-03-02"),
            ("2030-01-10", "2030-01-12"),
            ("2030-02-01", "2030-02-03"),
        ):
            json_of(await post_absence(factory, session, starts_on=starts, ends_on=ends), 201)
        json_of(
            await post_absence(factory, admin, starts_on="2030-02-01", ends_on="2030-02-01"), 201
        )
        params: dict[str, str | int] = {"user_id": str(user.id), "limit": 2}
        first = json_of(
            await factory.client.get(f"{API}/absences", params=params, headers=admin.headers), 200
        )
        assert [a["starts_on"] for a in first["items"]] == ["2030-01-10", "2030-02-01"]
        second = json_of(
            await factory.client.get(
                f"{API}/absences",
                params={**params, "cursor": first["next_cursor"]},
                headers=admin.headers,
            ),
            200,
        )
        assert [a["starts_on"] for a in second["items"]] == ["2030-03-01"]
        assert second["next_cursor"] is None
        february = json_of(
            await factory.client.get(
                f"{API}/absences",
                params={"date_from": "2030-02-02", "date_to": "2030-02-28"},
                headers=admin.headers,
            ),
            200,
        )
        assert [a["user_id"] for a in february["items"]] == [str(user.id)]


class TestAbsencesOfAnotherOrganisation:
    async def test_are_404_to_read_change_and_delete_and_not_listed(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        _, other_admin = await factory.admin_session()
        absence = json_of(await post_absence(factory, admin), 201)
        url = f"{API}/absences/{absence['id']}"
        headers = other_admin.headers
        assert (await factory.client.get(url, headers=headers)).status_code == 404
        patched = await factory.client.patch(url, json={"kind": "sick_leave"}, headers=headers)
        assert patched.status_code == 404
        assert (await factory.client.delete(url, headers=headers)).status_code == 404
        listed = json_of(await factory.client.get(f"{API}/absences", headers=headers), 200)
        assert listed["items"] == []
        kept = json_of(await factory.client.get(url, headers=admin.headers), 200)
        assert kept["kind"] == "vacation"
