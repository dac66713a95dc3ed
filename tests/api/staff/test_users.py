from __future__ import annotations

import uuid
from typing import Any

from tests.api.staff.support import API, auth, error_locs, if_match, json_of
from tests.factories import PASSWORD, Factory, Session


async def list_users(factory: Factory, session: Session, **params: Any) -> dict[str, Any]:
    response = await factory.client.get(f"{API}/users", params=params, headers=session.headers)
    return json_of(response, 200)  # type: ignore[no-any-return]


class TestListUsers:
    async def test_pages_follow_the_cursor_in_name_order(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        for name in ("Борис", "Анна", "Вера"):
            await factory.user(org, full_name=f"{name} Петрова")
        first = await list_users(factory, admin, q="Петрова", limit=2)
        assert [u["full_name"] for u in first["items"]] == ["Анна Петрова", "Борис Петрова"]
        assert first["next_cursor"]
        second = await list_users(factory, admin, q="Петрова", limit=2, cursor=first["next_cursor"])
        assert [u["full_name"] for u in second["items"]] == ["Вера Петрова"]
        assert second["next_cursor"] is None

    async def test_search_by_name_is_case_insensitive_in_cyrillic(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        await factory.user(org, full_name="Ёлкина Ирина")
        await factory.user(org, full_name="Смирнов Олег")
        found = await list_users(factory, admin, q="ИРИНА")
        assert [u["full_name"] for u in found["items"]] == ["Ёлкина Ирина"]

    async def test_search_by_e_mail(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        user = await factory.user(org)
        found = await list_users(factory, admin, q=user.email.split("@")[0].upper())
        assert [u["id"] for u in found["items"]] == [str(user.id)]

    async def test_department_filter_includes_sub_departments_on_request(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        top = await factory.department(org)
        child = await factory.department(org, parent=top)
        in_top = await factory.user(org, department=top)
        in_child = await factory.user(org, department=child)
        await factory.user(org)
        only_top = await list_users(factory, admin, department_id=str(top.id))
        assert {u["id"] for u in only_top["items"]} == {str(in_top.id)}
        subtree = await list_users(
            factory, admin, department_id=str(top.id), include_subdepartments="true"
        )
        assert {u["id"] for u in subtree["items"]} == {str(in_top.id), str(in_child.id)}

    async def test_is_active_filter(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        former = await factory.user(org, is_active=False)
        inactive = await list_users(factory, admin, is_active="false")
        assert [u["id"] for u in inactive["items"]] == [str(former.id)]
        active = await list_users(factory, admin, is_active="true")
        assert str(former.id) not in {u["id"] for u in active["items"]}

    async def test_users_of_other_organisations_are_never_listed(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        stranger = await factory.user(await factory.organisation(), full_name="Чужой Человек")
        everyone = await list_users(factory, admin, limit=200)
        assert str(stranger.id) not in {u["id"] for u in everyone["items"]}
        assert {u["organisation_id"] for u in everyone["items"]} == {str(org.id)}

    async def test_a_garbled_cursor_is_422(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.get(
            f"{API}/users", params={"cursor": "!!!"}, headers=admin.headers
        )
        assert response.status_code == 422


class TestGetUser:
    async def test_a_colleague_is_read_with_role_and_etag(self, factory: Factory) -> None:
        org = await factory.organisation()
        seller = await factory.login(await factory.user(org))
        response = await factory.client.get(f"{API}/users/{org.admin.id}", headers=seller.headers)
        body = json_of(response, 200)
        assert body["role_code"] == "admin"
        assert response.headers["etag"] == f'"v{body["version"]}"'

    async def test_a_user_of_another_organisation_is_404(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        stranger = await factory.user(await factory.organisation())
        response = await factory.client.get(f"{API}/users/{stranger.id}", headers=admin.headers)
        assert response.status_code == 404


class TestUpdateUser:
    async def test_admin_changes_name_role_department_and_profile(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        user = await factory.user(org)
        department = await factory.department(org)
        response = await factory.client.patch(
            f"{API}/users/{user.id}",
            json={
                "full_name": "Новое Имя",
                "role_id": str(org.roles["lawyer"].id),
                "department_id": str(department.id),
                "phone": "+7 (916) 123-45-67",
                "language": "en",
                "time_zone": "Asia/Yekaterinburg",
            },
            headers=auth(admin, **if_match(user.version)),
        )
        body = json_of(response, 200)
        assert body["full_name"] == "Новое Имя"
        assert body["role_code"] == "lawyer"
        assert body["department_id"] == str(department.id)
        assert body["phone"] == "+79161234567"
        assert (body["language"], body["time_zone"]) == ("en", "Asia/Yekaterinburg")
        assert response.headers["etag"] == f'"v{user.version + 1}"'
        cleared = await factory.client.patch(
            f"{API}/users/{user.id}",
            json={"department_id": None, "phone": None},
            headers=admin.headers,
        )
        assert json_of(cleared, 200)["department_id"] is None
        assert cleared.json()["phone"] is None

    async def test_a_role_of_another_organisation_is_refused(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        other = await factory.organisation()
        user = await factory.user(org)
        response = await factory.client.patch(
            f"{API}/users/{user.id}",
            json={"role_id": str(other.roles["admin"].id)},
            headers=admin.headers,
        )
        assert response.status_code == 422
        assert ["body", "role_id"] in error_locs(response)

    async def test_seller_cannot_edit_a_colleague(self, factory: Factory) -> None:
        org = await factory.organisation()
        seller = await factory.login(await factory.user(org))
        colleague = await factory.user(org)
        response = await factory.client.patch(
            f"{API}/users/{colleague.id}", json={"full_name": "Хакер"}, headers=seller.headers
        )
        assert response.status_code == 403

    async def test_stale_if_match_is_412(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        user = await factory.user(org)
        url = f"{API}/users/{user.id}"
        assert (
            await factory.client.patch(url, json={"full_name": "A"}, headers=admin.headers)
        ).status_code == 200
        stale = await factory.client.patch(
            url, json={"full_name": "B"}, headers=auth(admin, **if_match(user.version))
        )
        assert stale.status_code == 412
        assert stale.json()["status"] == 412

    async def test_the_last_active_admin_cannot_be_demoted(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        response = await factory.client.patch(
            f"{API}/users/{org.admin.id}",
            json={"role_id": str(org.roles["seller"].id)},
            headers=admin.headers,
        )
        assert response.status_code == 409
        me = json_of(await factory.client.get(f"{API}/users/me", headers=admin.headers), 200)
        assert me["role_code"] == "admin"

    async def test_an_admin_can_be_demoted_while_another_remains(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        second = await factory.user(org, "admin")
        response = await factory.client.patch(
            f"{API}/users/{second.id}",
            json={"role_id": str(org.roles["seller"].id)},
            headers=admin.headers,
        )
        assert json_of(response, 200)["role_code"] == "seller"

    async def test_a_user_of_another_organisation_is_404(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        stranger = await factory.user(await factory.organisation())
        response = await factory.client.patch(
            f"{API}/users/{stranger.id}", json={"full_name": "Чужой"}, headers=admin.headers
        )
        assert response.status_code == 404


class TestDeactivateUser:
    async def test_a_deactivated_user_cannot_sign_in_and_their_sessions_end(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        user = await factory.user(org)
        session = await factory.login(user)
        response = await factory.client.post(
            f"{API}/users/{user.id}/deactivate", headers=admin.headers
        )
        assert json_of(response, 200)["is_active"] is False
        login = await factory.client.post(
            f"{API}/auth/login", json={"email": user.email, "password": PASSWORD}
        )
        assert login.status_code == 401
        refresh = await factory.client.post(
            f"{API}/auth/refresh", json={"refresh_token": session.refresh_token}
        )
        assert refresh.status_code == 401
        me = await factory.client.get(f"{API}/users/me", headers=session.headers)
        assert me.status_code == 401

    async def test_the_user_and_their_records_are_kept(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        user = await factory.user(org)
        session = await factory.login(user)
        absence = json_of(
            await factory.client.post(
                f"{API}/absences",
                json={"kind": "vacation", "starts_on": "2030-07-01", "ends_on": "2030-07-14"},
                headers=session.headers,
            ),
            201,
        )
        await factory.client.post(f"{API}/users/{user.id}/deactivate", headers=admin.headers)
        kept = json_of(
            await factory.client.get(f"{API}/users/{user.id}", headers=admin.headers), 200
        )
        assert kept["is_active"] is False
        assert kept["email"] == user.email
        still = await factory.client.get(f"{API}/absences/{absence['id']}", headers=admin.headers)
        assert json_of(still, 200)["user_id"] == str(user.id)

    async def test_a_deactivated_head_no_longer_heads_the_department(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        head = await factory.user(org)
        department = await factory.department(org, head=head)
        await factory.client.post(f"{API}/users/{head.id}/deactivate", headers=admin.headers)
        stored = await factory.client.get(
            f"{API}/departments/{department.id}", headers=admin.headers
        )
        assert json_of(stored, 200)["head_id"] is None

    async def test_an_admin_cannot_deactivate_themself(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        response = await factory.client.post(
            f"{API}/users/{org.admin.id}/deactivate", headers=admin.headers
        )
        assert response.status_code == 409

    async def test_the_last_active_admin_cannot_be_deactivated(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        role = json_of(
            await factory.client.post(
                f"{API}/roles",
                json={"name": f"Кадры {uuid.uuid4().hex[:4]}", "permissions": ["users:manage"]},
                headers=admin.headers,
            ),
            201,
        )
        personnel = await factory.user(org)
        await factory.client.patch(
            f"{API}/users/{personnel.id}", json={"role_id": role["id"]}, headers=admin.headers
        )
        session = await factory.login(personnel)
        response = await factory.client.post(
            f"{API}/users/{org.admin.id}/deactivate", headers=session.headers
        )
        assert response.status_code == 409
        assert "last active administrator" in response.json()["detail"]

    async def test_seller_is_forbidden(self, factory: Factory) -> None:
        org = await factory.organisation()
        seller = await factory.login(await factory.user(org))
        colleague = await factory.user(org)
        response = await factory.client.post(
            f"{API}/users/{colleague.id}/deactivate", headers=seller.headers
        )
        assert response.status_code == 403

    async def test_a_user_of_another_organisation_is_404(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        stranger = await factory.user(await factory.organisation())
        response = await factory.client.post(
            f"{API}/users/{stranger.id}/deactivate", headers=admin.headers
        )
        assert response.status_code == 404


class TestActivateUser:
    async def test_a_reactivated_user_signs_in_again(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        user = await factory.user(org, is_active=False)
        response = await factory.client.post(
            f"{API}/users/{user.id}/activate", headers=admin.headers
        )
        assert json_of(response, 200)["is_active"] is True
        await factory.login(user)

    async def test_seller_is_forbidden(self, factory: Factory) -> None:
        org = await factory.organisation()
        seller = await factory.login(await factory.user(org))
        former = await factory.user(org, is_active=False)
        response = await factory.client.post(
            f"{API}/users/{former.id}/activate", headers=seller.headers
        )
        assert response.status_code == 403
