from __future__ import annotations

from typing import Any
from uuid import UUID

from tests.api.staff.support import API, auth, error_locs, if_match, json_of
from tests.factories import Factory, Session


async def create_department(factory: Factory, admin: Session, **body: Any) -> dict[str, Any]:
    body.setdefault("name", "Продажи")
    body = {k: str(v) if isinstance(v, UUID) else v for k, v in body.items()}
    response = await factory.client.post(f"{API}/departments", json=body, headers=admin.headers)
    return json_of(response, 201)  # type: ignore[no-any-return]


class TestCreateDepartment:
    async def test_admin_creates_a_sub_department_with_a_head(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        head = await factory.user(org, "head_of_sales")
        parent = await create_department(factory, admin, name="Коммерция")
        response = await factory.client.post(
            f"{API}/departments",
            json={"name": "Продажи Москва", "parent_id": parent["id"], "head_id": str(head.id)},
            headers=admin.headers,
        )
        body = json_of(response, 201)
        assert body["parent_id"] == parent["id"]
        assert body["head_id"] == str(head.id)
        assert response.headers["etag"] == '"v1"'
        listed = json_of(await factory.client.get(f"{API}/departments", headers=admin.headers), 200)
        assert {d["id"] for d in listed} == {parent["id"], body["id"]}

    async def test_head_from_another_organisation_is_refused_with_the_field_named(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        stranger = await factory.user(await factory.organisation())
        response = await factory.client.post(
            f"{API}/departments",
            json={"name": "Продажи", "head_id": str(stranger.id)},
            headers=admin.headers,
        )
        assert response.status_code == 422
        assert ["body", "head_id"] in error_locs(response)

    async def test_a_deactivated_head_is_refused(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        former = await factory.user(org, is_active=False)
        response = await factory.client.post(
            f"{API}/departments",
            json={"name": "Продажи", "head_id": str(former.id)},
            headers=admin.headers,
        )
        assert response.status_code == 422
        assert ["body", "head_id"] in error_locs(response)

    async def test_a_parent_of_another_organisation_is_refused(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        other_org = await factory.organisation()
        foreign = await factory.department(other_org)
        response = await factory.client.post(
            f"{API}/departments",
            json={"name": "Продажи", "parent_id": str(foreign.id)},
            headers=admin.headers,
        )
        assert response.status_code == 422
        assert ["body", "parent_id"] in error_locs(response)

    async def test_seller_is_forbidden(self, factory: Factory) -> None:
        org = await factory.organisation()
        seller = await factory.login(await factory.user(org))
        response = await factory.client.post(
            f"{API}/departments", json={"name": "Мой отдел"}, headers=seller.headers
        )
        assert response.status_code == 403


class TestUpdateDepartment:
    async def test_a_department_cannot_move_under_its_own_descendant(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        top = await factory.department(org)
        middle = await factory.department(org, parent=top)
        bottom = await factory.department(org, parent=middle)
        response = await factory.client.patch(
            f"{API}/departments/{top.id}",
            json={"parent_id": str(bottom.id)},
            headers=admin.headers,
        )
        assert response.status_code == 422
        assert ["body", "parent_id"] in error_locs(response)
        itself = await factory.client.patch(
            f"{API}/departments/{top.id}", json={"parent_id": str(top.id)}, headers=admin.headers
        )
        assert itself.status_code == 422

    async def test_moving_to_the_top_and_removing_the_head_with_null(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        head = await factory.user(org)
        top = await factory.department(org)
        child = await factory.department(org, parent=top, head=head)
        response = await factory.client.patch(
            f"{API}/departments/{child.id}",
            json={"parent_id": None, "head_id": None, "name": "Отдельно"},
            headers=admin.headers,
        )
        body = json_of(response, 200)
        assert (body["parent_id"], body["head_id"], body["name"]) == (None, None, "Отдельно")

    async def test_stale_if_match_is_412(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        department = await factory.department(org)
        url = f"{API}/departments/{department.id}"
        current = await factory.client.get(url, headers=admin.headers)
        etag = current.headers["etag"]
        first = await factory.client.patch(
            url, json={"name": "Первое"}, headers=auth(admin, **{"If-Match": etag})
        )
        assert first.status_code == 200
        stale = await factory.client.patch(
            url, json={"name": "Второе"}, headers=auth(admin, **if_match(1))
        )
        assert stale.status_code == 412
        assert (await factory.client.get(url, headers=admin.headers)).json()["name"] == "Первое"


class TestDeleteDepartment:
    async def test_an_empty_department_is_deleted(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        department = await factory.department(org)
        url = f"{API}/departments/{department.id}"
        assert (await factory.client.delete(url, headers=admin.headers)).status_code == 204
        assert (await factory.client.get(url, headers=admin.headers)).status_code == 404

    async def test_a_department_with_members_is_409(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        department = await factory.department(org)
        await factory.user(org, department=department)
        response = await factory.client.delete(
            f"{API}/departments/{department.id}", headers=admin.headers
        )
        assert response.status_code == 409

    async def test_a_department_with_sub_departments_is_409(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        department = await factory.department(org)
        await factory.department(org, parent=department)
        response = await factory.client.delete(
            f"{API}/departments/{department.id}", headers=admin.headers
        )
        assert response.status_code == 409


class TestManagerDerivation:
    async def test_a_member_is_managed_by_the_head_and_a_head_by_the_parent_head(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        director = await factory.user(org, "head_of_sales")
        lead = await factory.user(org, "head_of_sales")
        top = await factory.department(org, head=director)
        sales = await factory.department(org, parent=top, head=lead)
        await factory.client.patch(
            f"{API}/users/{director.id}", json={"department_id": str(top.id)}, headers=admin.headers
        )
        await factory.client.patch(
            f"{API}/users/{lead.id}", json={"department_id": str(sales.id)}, headers=admin.headers
        )
        seller = await factory.user(org, department=sales)

        async def manager_of(user_id: UUID) -> str | None:
            response = await factory.client.get(f"{API}/users/{user_id}", headers=admin.headers)
            return json_of(response, 200)["manager_id"]  # type: ignore[no-any-return]

        assert await manager_of(seller.id) == str(lead.id)
        assert await manager_of(lead.id) == str(director.id)
        assert await manager_of(director.id) is None

    async def test_a_department_without_head_passes_management_up(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        director = await factory.user(org, "head_of_sales")
        top = await factory.department(org, head=director)
        headless = await factory.department(org, parent=top)
        seller = await factory.user(org, department=headless)
        response = await factory.client.get(f"{API}/users/{seller.id}", headers=admin.headers)
        assert json_of(response, 200)["manager_id"] == str(director.id)

    async def test_changing_the_head_changes_the_members_manager(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        old, new = await factory.user(org), await factory.user(org)
        department = await factory.department(org, head=old)
        seller = await factory.login(await factory.user(org, department=department))
        await factory.client.patch(
            f"{API}/departments/{department.id}",
            json={"head_id": str(new.id)},
            headers=admin.headers,
        )
        me = json_of(await factory.client.get(f"{API}/users/me", headers=seller.headers), 200)
        assert me["manager_id"] == str(new.id)


class TestDepartmentsOfAnotherOrganisation:
    async def test_are_404_to_read_change_and_delete_and_not_listed(self, factory: Factory) -> None:
        org = await factory.organisation()
        _, other_admin = await factory.admin_session()
        department = await factory.department(org)
        url = f"{API}/departments/{department.id}"
        headers = other_admin.headers
        assert (await factory.client.get(url, headers=headers)).status_code == 404
        patched = await factory.client.patch(url, json={"name": "Чужой"}, headers=headers)
        assert patched.status_code == 404
        assert (await factory.client.delete(url, headers=headers)).status_code == 404
        listed = json_of(await factory.client.get(f"{API}/departments", headers=headers), 200)
        assert listed == []
