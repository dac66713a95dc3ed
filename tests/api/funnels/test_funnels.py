from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from domain.shared.scope import Scope
from tests.api.deals.support import (
    API,
    create_deal,
    create_funnel,
    error_locs,
    if_match,
    json_of,
    stage_named,
    teams,
    unique_name,
)
from tests.factories import Factory

SALES = [
    ("Заявка", "0.00"),
    ("Встреча", "10.00"),
    ("Рассмотрение КП", "20.00"),
    ("Переговоры", "40.00"),
    ("Договор", "60.00"),
    ("Договор и счёт", "70.00"),
    ("Оплата", "80.00"),
    ("Исполнение", "90.00"),
    ("Закрывающие документы", "100.00"),
]


class TestTemplates:
    async def test_the_sales_template_ships_nine_stages_with_their_probabilities(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        funnel = await create_funnel(factory, admin, template="sales")
        assert [(s["name"], s["probability"]) for s in funnel["stages"]] == SALES
        assert stage_named(funnel, "Договор")["required_documents"] == ["contract"]
        assert funnel["is_default"] is True
        assert funnel["template"] == "sales"
        assert funnel["warnings"]  # nine stages: more than seven

    async def test_the_b2b_template_and_a_custom_name(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        funnel = await create_funnel(factory, admin, template="b2b_project", name="Проекты")
        names = [s["name"] for s in funnel["stages"]]
        assert funnel["name"] == "Проекты"
        assert names[0] == "Брифинг"
        assert names[-1] == "Закрыт"
        assert len(names) == 9
        assert {s["group"] for s in funnel["stages"]} <= {
            "marketing",
            "sale",
            "paperwork",
            "service",
        }
        assert funnel["is_default"] is True

    async def test_a_second_funnel_is_not_default_unless_asked(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        first = await create_funnel(factory, admin, template="sales")
        second = await create_funnel(factory, admin, template="b2b_project", is_default=True)
        assert second["is_default"] is True
        listed = json_of(await factory.client.get(f"{API}/funnels", headers=admin.headers), 200)
        by_id = {f["id"]: f for f in listed}
        assert by_id[first["id"]]["is_default"] is False


class TestStageRules:
    async def test_more_than_twelve_stages_is_422(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        stages = [{"name": f"Этап {i}", "probability": i} for i in range(13)]
        response = await factory.client.post(
            f"{API}/funnels", json={"name": "Длинная", "stages": stages}, headers=admin.headers
        )
        assert response.status_code == 422
        assert ["body", "stages"] in error_locs(response)

    async def test_up_to_seven_stages_carry_no_warning_and_eight_do(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        seven = await create_funnel(
            factory, admin, stages=[{"name": f"Этап {i}"} for i in range(7)]
        )
        eight = await create_funnel(
            factory, admin, stages=[{"name": f"Этап {i}"} for i in range(8)]
        )
        assert seven["warnings"] == []
        assert eight["warnings"]
        assert "7" in eight["warnings"][0]

    async def test_duplicate_stage_names_are_refused_case_insensitively(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.post(
            f"{API}/funnels",
            json={"name": "Дубли", "stages": [{"name": "Встреча"}, {"name": "ВСТРЕЧА"}]},
            headers=admin.headers,
        )
        assert response.status_code == 422
        assert error_locs(response) == [["body", "stages", 1, "name"]]

    async def test_probability_must_be_0_to_100_and_required_items_must_exist(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        too_high = await factory.client.post(
            f"{API}/funnels",
            json={"name": "X", "stages": [{"name": "A", "probability": 101}]},
            headers=admin.headers,
        )
        assert too_high.status_code == 422
        unknown = await factory.client.post(
            f"{API}/funnels",
            json={
                "name": "Y",
                "stages": [
                    {"name": "A", "required_fields": ["colour"]},
                    {"name": "B", "required_documents": ["passport"]},
                ],
            },
            headers=admin.headers,
        )
        assert unknown.status_code == 422
        assert ["body", "stages", 0, "required_fields", 0] in error_locs(unknown)

    async def test_an_unknown_document_type_is_named(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        response = await factory.client.post(
            f"{API}/funnels",
            json={"name": "Y", "stages": [{"name": "B", "required_documents": ["passport"]}]},
            headers=admin.headers,
        )
        assert response.status_code == 422
        assert error_locs(response) == [["body", "stages", 0, "required_documents", 0]]


class TestStageEditing:
    async def test_add_edit_reorder_and_delete_stages(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        funnel = await create_funnel(factory, admin)
        url = f"{API}/funnels/{funnel['id']}"
        added = json_of(
            await factory.client.post(
                f"{url}/stages",
                json={
                    "name": "Счёт",
                    "probability": 70,
                    "required_documents": ["invoice"],
                    "required_fields": ["amount", "custom:budget"],
                    "group": "paperwork",
                    "max_days": 3,
                    "position": 1,
                },
                headers={**admin.headers, **if_match(funnel["version"])},
            ),
            201,
        )
        assert [s["name"] for s in added["stages"]] == ["Первый", "Счёт", "Второй"]
        invoice = stage_named(added, "Счёт")
        assert invoice["required_fields"] == ["amount", "custom:budget"]

        edited = json_of(
            await factory.client.patch(
                f"{url}/stages/{invoice['id']}",
                json={"probability": 75, "max_days": None, "expected_result": "Счёт оплачен"},
                headers=admin.headers,
            ),
            200,
        )
        invoice = stage_named(edited, "Счёт")
        assert invoice["probability"] == "75.00"
        assert invoice["max_days"] is None
        assert invoice["expected_result"] == "Счёт оплачен"

        clash = await factory.client.patch(
            f"{url}/stages/{invoice['id']}", json={"name": "первый"}, headers=admin.headers
        )
        assert clash.status_code == 422
        assert error_locs(clash) == [["body", "name"]]

        ids = [s["id"] for s in edited["stages"]]
        reordered = json_of(
            await factory.client.post(
                f"{url}/stages/reorder",
                json={"stage_ids": list(reversed(ids))},
                headers=admin.headers,
            ),
            200,
        )
        assert [s["name"] for s in reordered["stages"]] == ["Второй", "Счёт", "Первый"]
        assert [s["position"] for s in reordered["stages"]] == [0, 1, 2]
        partial = await factory.client.post(
            f"{url}/stages/reorder", json={"stage_ids": ids[:2]}, headers=admin.headers
        )
        assert partial.status_code == 422

        remaining = json_of(
            await factory.client.delete(f"{url}/stages/{invoice['id']}", headers=admin.headers),
            200,
        )
        assert [s["name"] for s in remaining["stages"]] == ["Второй", "Первый"]

    async def test_a_stale_funnel_etag_is_412(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        funnel = await create_funnel(factory, admin)
        url = f"{API}/funnels/{funnel['id']}"
        await factory.client.patch(url, json={"name": unique_name("Новое")}, headers=admin.headers)
        stale = await factory.client.patch(
            url,
            json={"name": unique_name("Другое")},
            headers={**admin.headers, **if_match(funnel["version"])},
        )
        assert stale.status_code == 412

    async def test_a_stage_with_deals_cannot_be_deleted_nor_its_funnel(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)
        first = world.funnel["stages"][0]
        await create_deal(factory, world.seller)
        url = f"{API}/funnels/{world.funnel['id']}"
        refused = await factory.client.delete(
            f"{url}/stages/{first['id']}", headers=world.admin.headers
        )
        assert refused.status_code == 409
        assert (await factory.client.delete(url, headers=world.admin.headers)).status_code == 409

    async def test_a_stage_deals_passed_through_can_be_deleted(self, factory: Factory) -> None:
        world = await teams(factory)
        stages = world.funnel["stages"]
        deal = await create_deal(factory, world.seller)
        moved = await factory.client.post(
            f"{API}/deals/{deal['id']}/move",
            json={"stage_id": stages[1]["id"]},
            headers=world.seller.headers,
        )
        assert moved.status_code == 200, moved.text
        deleted = await factory.client.delete(
            f"{API}/funnels/{world.funnel['id']}/stages/{stages[0]['id']}",
            headers=world.admin.headers,
        )
        assert deleted.status_code == 200, deleted.text
        history = json_of(
            await factory.client.get(
                f"{API}/deals/{deal['id']}/stage-history", headers=world.seller.headers
            ),
            200,
        )
        assert history["moves"][0]["to_stage_id"] is None  # the history stays, unnamed

    async def test_changes_are_audited(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        funnel = await create_funnel(factory, admin)
        stage = funnel["stages"][0]
        await factory.client.patch(
            f"{API}/funnels/{funnel['id']}/stages/{stage['id']}",
            json={"probability": 15},
            headers=admin.headers,
        )
        async with factory.container.uow() as uow:
            entries = await uow.audit.list_for(
                Scope.organisation_wide(admin.user.organisation_id),
                entity_type="stage",
                entity_id=UUID(stage["id"]),
                limit=10,
            )
        assert entries[0].changes["probability"] == {"before": "10.00", "after": "15.00"}
        assert Decimal(entries[0].changes["probability"]["after"]) == Decimal(15)


class TestFunnelAccess:
    async def test_only_organisation_managers_change_funnels(self, factory: Factory) -> None:
        world = await teams(factory)
        response = await factory.client.post(
            f"{API}/funnels",
            json={"template": "sales", "name": "Моя"},
            headers=world.seller.headers,
        )
        assert response.status_code == 403
        listed = await factory.client.get(f"{API}/funnels", headers=world.seller.headers)
        assert listed.status_code == 200
        assert len(listed.json()) == 1

    async def test_another_organisation_gets_404(self, factory: Factory) -> None:
        world = await teams(factory)
        url = f"{API}/funnels/{world.funnel['id']}"
        outsider = world.outsider.headers
        assert (await factory.client.get(url, headers=outsider)).status_code == 404
        assert (
            await factory.client.patch(url, json={"name": "Чужая"}, headers=outsider)
        ).status_code == 404
        assert (await factory.client.delete(url, headers=outsider)).status_code == 404
        assert (await factory.client.get(f"{url}/board", headers=outsider)).status_code == 404
        stage = world.funnel["stages"][0]["id"]
        assert (
            await factory.client.patch(
                f"{url}/stages/{stage}", json={"probability": 1}, headers=outsider
            )
        ).status_code == 404
        listed = json_of(await factory.client.get(f"{API}/funnels", headers=outsider), 200)
        assert world.funnel["id"] not in {f["id"] for f in listed}


class TestFunnelOrder:
    async def test_an_admin_reorders_the_funnels_and_the_list_follows(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)
        second = await create_funnel(factory, world.admin)
        third = await create_funnel(factory, world.admin)
        wanted = [third["id"], world.funnel["id"], second["id"]]
        reordered = json_of(
            await factory.client.post(
                f"{API}/funnels/reorder", json={"funnel_ids": wanted}, headers=world.admin.headers
            ),
            200,
        )
        assert [f["id"] for f in reordered] == wanted
        listed = json_of(
            await factory.client.get(f"{API}/funnels", headers=world.seller.headers), 200
        )
        assert [f["id"] for f in listed] == wanted
        # A moved funnel's version went up: an edit against the old one is refused.
        stale = await factory.client.patch(
            f"{API}/funnels/{third['id']}",
            json={"name": unique_name("Воронка")},
            headers={**world.admin.headers, **if_match(third["version"])},
        )
        assert stale.status_code == 412

    async def test_the_order_must_name_every_funnel_of_the_organisation_once(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)
        second = await create_funnel(factory, world.admin)
        foreign = await create_funnel(factory, world.outsider)
        url = f"{API}/funnels/reorder"
        for ids in (
            [second["id"]],
            [second["id"], second["id"]],
            [second["id"], foreign["id"]],
            [second["id"], world.funnel["id"], foreign["id"]],
        ):
            refused = await factory.client.post(
                url, json={"funnel_ids": ids}, headers=world.admin.headers
            )
            assert refused.status_code == 422, ids
            assert refused.headers["content-type"] == "application/problem+json"
            assert error_locs(refused) == [["body", "funnel_ids"]]
        listed = json_of(
            await factory.client.get(f"{API}/funnels", headers=world.admin.headers), 200
        )
        assert [f["id"] for f in listed] == [world.funnel["id"], second["id"]]

    async def test_only_an_organisation_manager_reorders(self, factory: Factory) -> None:
        world = await teams(factory)
        forbidden = await factory.client.post(
            f"{API}/funnels/reorder",
            json={"funnel_ids": [world.funnel["id"]]},
            headers=world.head.headers,
        )
        assert forbidden.status_code == 403
