from __future__ import annotations

from typing import Any

from tests.api.staff.support import API, auth, error_locs, if_match, json_of
from tests.factories import Factory, Session

BUILTIN_CODES = {
    "admin",
    "head_of_sales",
    "seller",
    "telemarketer",
    "marketer",
    "assistant",
    "lawyer",
    "account_manager",
    "project_manager",
}


async def create_role(factory: Factory, admin: Session, **body: Any) -> dict[str, Any]:
    body.setdefault("name", "Оператор")
    response = await factory.client.post(f"{API}/roles", json=body, headers=admin.headers)
    return json_of(response, 201)  # type: ignore[no-any-return]


class TestListRoles:
    async def test_a_new_organisation_has_the_nine_built_in_roles(self, factory: Factory) -> None:
        org = await factory.organisation()
        seller = await factory.login(await factory.user(org))
        roles = json_of(await factory.client.get(f"{API}/roles", headers=seller.headers), 200)
        assert {r["code"] for r in roles} == BUILTIN_CODES
        admin = next(r for r in roles if r["code"] == "admin")
        assert "organisation:manage" in admin["permissions"]
        assert set(admin["visibility"].values()) == {"all"}

    async def test_permission_catalogue_lists_permissions_resources_and_levels(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        body = json_of(await factory.client.get(f"{API}/permissions", headers=admin.headers), 200)
        assert "absences:manage" in body["permissions"]
        assert set(body["resources"]) >= {"clients", "deals", "tasks"}
        assert body["visibility_levels"] == ["own", "team", "all"]


class TestCreateRole:
    async def test_admin_creates_a_custom_role_with_permissions_and_visibility(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.post(
            f"{API}/roles",
            json={
                "name": "Оператор",
                "permissions": ["clients:read", "deals:read"],
                "visibility": {"deals": "team"},
            },
            headers=admin.headers,
        )
        body = json_of(response, 201)
        assert body["code"] is None
        assert body["is_builtin"] is False
        assert body["permissions"] == ["clients:read", "deals:read"]
        assert body["visibility"]["deals"] == "team"
        assert body["visibility"]["clients"] == "own"
        assert response.headers["etag"] == '"v1"'
        stored = await factory.client.get(f"{API}/roles/{body['id']}", headers=admin.headers)
        assert stored.json()["permissions"] == ["clients:read", "deals:read"]

    async def test_a_duplicate_name_is_409_whatever_the_case(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        await create_role(factory, admin, name="Оператор")
        response = await factory.client.post(
            f"{API}/roles", json={"name": "оператор"}, headers=admin.headers
        )
        assert response.status_code == 409

    async def test_a_built_in_name_is_taken_too(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.post(
            f"{API}/roles", json={"name": "Продавец"}, headers=admin.headers
        )
        assert response.status_code == 409

    async def test_an_unknown_permission_is_422(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.post(
            f"{API}/roles",
            json={"name": "X", "permissions": ["root:everything"]},
            headers=admin.headers,
        )
        assert response.status_code == 422
        assert ["body", "permissions", 0] in error_locs(response)

    async def test_seller_is_forbidden(self, factory: Factory) -> None:
        org = await factory.organisation()
        seller = await factory.login(await factory.user(org))
        response = await factory.client.post(
            f"{API}/roles", json={"name": "Свой"}, headers=seller.headers
        )
        assert response.status_code == 403


class TestUpdateRole:
    async def test_permissions_are_replaced_and_visibility_merged(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        role = await create_role(factory, admin, visibility={"deals": "team"})
        response = await factory.client.patch(
            f"{API}/roles/{role['id']}",
            json={"permissions": ["tasks:read"], "visibility": {"clients": "all"}},
            headers=auth(admin, **if_match(role["version"])),
        )
        body = json_of(response, 200)
        assert body["permissions"] == ["tasks:read"]
        assert body["visibility"]["deals"] == "team"
        assert body["visibility"]["clients"] == "all"
        assert response.headers["etag"] == f'"v{role["version"] + 1}"'

    async def test_a_built_in_role_can_be_edited(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        response = await factory.client.patch(
            f"{API}/roles/{org.roles['seller'].id}",
            json={"permissions": ["clients:read"]},
            headers=admin.headers,
        )
        assert json_of(response, 200)["permissions"] == ["clients:read"]

    async def test_the_admin_roles_permissions_cannot_be_changed(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        response = await factory.client.patch(
            f"{API}/roles/{org.roles['admin'].id}",
            json={"permissions": ["clients:read"]},
            headers=admin.headers,
        )
        assert response.status_code == 409
        stored = await factory.client.get(
            f"{API}/roles/{org.roles['admin'].id}", headers=admin.headers
        )
        assert "roles:manage" in stored.json()["permissions"]

    async def test_renaming_to_another_roles_name_is_409(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        role = await create_role(factory, admin)
        response = await factory.client.patch(
            f"{API}/roles/{role['id']}", json={"name": "Юрист"}, headers=admin.headers
        )
        assert response.status_code == 409

    async def test_stale_if_match_is_412(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        role = await create_role(factory, admin)
        await factory.client.patch(
            f"{API}/roles/{role['id']}", json={"name": "Новое"}, headers=admin.headers
        )
        stale = await factory.client.patch(
            f"{API}/roles/{role['id']}",
            json={"name": "Старое"},
            headers=auth(admin, **if_match(role["version"])),
        )
        assert stale.status_code == 412

    async def test_seller_is_forbidden(self, factory: Factory) -> None:
        org = await factory.organisation()
        seller = await factory.login(await factory.user(org))
        response = await factory.client.patch(
            f"{API}/roles/{org.roles['seller'].id}",
            json={"permissions": ["users:manage"]},
            headers=seller.headers,
        )
        assert response.status_code == 403


class TestDeleteRole:
    async def test_an_unused_role_is_deleted(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        role = await create_role(factory, admin)
        response = await factory.client.delete(f"{API}/roles/{role['id']}", headers=admin.headers)
        assert response.status_code == 204
        gone = await factory.client.get(f"{API}/roles/{role['id']}", headers=admin.headers)
        assert gone.status_code == 404

    async def test_a_role_held_by_a_user_is_409(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        await factory.user(org, "lawyer")
        response = await factory.client.delete(
            f"{API}/roles/{org.roles['lawyer'].id}", headers=admin.headers
        )
        assert response.status_code == 409

    async def test_the_admin_role_cannot_be_deleted(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        response = await factory.client.delete(
            f"{API}/roles/{org.roles['admin'].id}", headers=admin.headers
        )
        assert response.status_code == 409


class TestRolesOfAnotherOrganisation:
    async def test_are_404_to_read_change_and_delete(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        _, other_admin = await factory.admin_session()
        role = await create_role(factory, admin)
        url = f"{API}/roles/{role['id']}"
        headers = other_admin.headers
        assert (await factory.client.get(url, headers=headers)).status_code == 404
        patched = await factory.client.patch(url, json={"name": "Чужое"}, headers=headers)
        assert patched.status_code == 404
        assert (await factory.client.delete(url, headers=headers)).status_code == 404
        listed = json_of(await factory.client.get(f"{API}/roles", headers=headers), 200)
        assert role["id"] not in {r["id"] for r in listed}
        still = json_of(await factory.client.get(url, headers=admin.headers), 200)
        assert still["name"] == "Оператор"
