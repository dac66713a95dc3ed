from __future__ import annotations

import asyncio

from tests.api.deals.support import (
    API,
    attach,
    create_client,
    create_contact,
    create_deal,
    error_locs,
    get_deal,
    if_match,
    json_of,
    move,
    stage_named,
    teams,
)
from tests.factories import Factory


class TestCreateDeal:
    async def test_defaults_first_stage_org_currency_caller_and_amount_from_lines(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)
        deal = await create_deal(
            factory,
            world.seller,
            products=[
                {"name": "Лицензия", "quantity": "3", "price": "1000.50"},
                {"name": "Внедрение", "price": "5000"},
            ],
        )
        assert deal["stage_id"] == world.funnel["stages"][0]["id"]
        assert deal["stage_name"] == "Заявка"
        assert deal["funnel_id"] == world.funnel["id"]
        assert deal["currency"] == "RUB"
        assert deal["responsible_id"] == str(world.seller.user.id)
        assert deal["amount"] == "8001.50"
        assert [p["amount"] for p in deal["products"]] == ["3001.50", "5000.00"]
        assert deal["status"] == "open"
        assert deal["weighted_amount"] == "0.00"
        assert deal["is_stale"] is False
        assert deal["time_in_stage_seconds"] >= 0

    async def test_weighted_amount_is_amount_times_stage_probability(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)
        meeting = stage_named(world.funnel, "Встреча")
        deal = await create_deal(
            factory, world.seller, amount="12345.67", currency="USD", stage_id=meeting["id"]
        )
        assert deal["probability"] == "10.00"
        assert deal["weighted_amount"] == "1234.57"
        assert deal["currency"] == "USD"

    async def test_the_client_must_be_visible_and_the_contact_its_own(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)
        theirs = await create_client(factory, world.stranger)
        refused = await create_deal(factory, world.seller, client_id=theirs["id"], status=422)
        assert refused["errors"][0]["loc"] == ["body", "client_id"]
        mine = await create_client(factory, world.seller)
        other_contact = await create_contact(factory, world.stranger, theirs["id"])
        wrong = await create_deal(
            factory,
            world.seller,
            client_id=mine["id"],
            contact_id=other_contact["id"],
            status=422,
        )
        assert wrong["errors"][0]["loc"] == ["body", "contact_id"]
        contact = await create_contact(factory, world.seller, mine["id"])
        deal = await create_deal(
            factory, world.seller, client_id=mine["id"], contact_id=contact["id"]
        )
        assert deal["contact_id"] == contact["id"]
        assert deal["client_name"] == mine["name"]

    async def test_custom_fields_are_validated_against_deal_definitions(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)
        defined = await factory.client.post(
            f"{API}/custom-fields",
            json={"entity": "deal", "key": "budget", "label": "Бюджет", "type": "number"},
            headers=world.admin.headers,
        )
        assert defined.status_code == 201, defined.text
        bad = await create_deal(
            factory, world.seller, custom_fields={"budget": "много"}, status=422
        )
        assert bad["errors"][0]["loc"] == ["body", "custom_fields", "budget"]
        unknown = await create_deal(factory, world.seller, custom_fields={"x": 1}, status=422)
        assert unknown["errors"][0]["loc"] == ["body", "custom_fields", "x"]
        good = await create_deal(factory, world.seller, custom_fields={"budget": "150000"})
        assert good["custom_fields"] == {"budget": 150000}

    async def test_a_new_deal_makes_a_cold_client_potential(self, factory: Factory) -> None:
        world = await teams(factory)
        client = await create_client(factory, world.seller)
        assert client["relationship_type"] == "cold"
        await create_deal(factory, world.seller, client_id=client["id"])
        after = json_of(
            await factory.client.get(f"{API}/clients/{client['id']}", headers=world.seller.headers),
            200,
        )
        assert after["relationship_type"] == "potential"

    async def test_without_a_funnel_the_deal_is_refused(self, factory: Factory) -> None:
        _org, admin = await factory.admin_session()
        refused = await create_deal(factory, admin, status=422)
        assert refused["errors"][0]["loc"] == ["body", "funnel_id"]

    async def test_needs_deals_write(self, factory: Factory) -> None:
        world = await teams(factory)
        lawyer = await factory.login(await factory.user(world.org, "lawyer"))
        client = await create_client(factory, world.admin)
        response = await factory.client.post(
            f"{API}/deals",
            json={"client_id": client["id"], "title": "Сделка"},
            headers=lawyer.headers,
        )
        assert response.status_code == 403


class TestMoveDealStage:
    async def test_entering_contract_requires_the_contract_document(self, factory: Factory) -> None:
        world = await teams(factory)
        contract = stage_named(world.funnel, "Договор")
        deal = await create_deal(factory, world.seller, amount="1000")
        refused = await move(factory, world.seller, deal["id"], contract["id"])
        assert refused.status_code == 422
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert error_locs(refused) == [["body", "documents", "contract"]]
        assert "contract" in refused.json()["errors"][0]["msg"]
        unchanged = json_of(await get_deal(factory, world.seller, deal["id"]), 200)
        assert unchanged["stage_id"] == deal["stage_id"]

        await attach(factory, world.seller, deal["id"], "contract")
        moved = json_of(await move(factory, world.seller, deal["id"], contract["id"]), 200)
        assert moved["stage_name"] == "Договор"
        assert moved["weighted_amount"] == "600.00"

    async def test_every_missing_field_is_named(self, factory: Factory) -> None:
        world = await teams(factory)
        negotiation = stage_named(world.funnel, "Переговоры")
        deal = await create_deal(factory, world.seller)  # amount 0
        refused = await move(factory, world.seller, deal["id"], negotiation["id"])
        assert refused.status_code == 422
        assert error_locs(refused) == [["body", "fields", "amount"]]

    async def test_a_custom_field_requirement(self, factory: Factory) -> None:
        world = await teams(
            factory,
            name="С бюджетом",
            stages=[{"name": "A"}, {"name": "B", "required_fields": ["custom:budget"]}],
        )
        await factory.client.post(
            f"{API}/custom-fields",
            json={"entity": "deal", "key": "budget", "label": "Бюджет", "type": "number"},
            headers=world.admin.headers,
        )
        b = stage_named(world.funnel, "B")
        deal = await create_deal(factory, world.seller)
        refused = await move(factory, world.seller, deal["id"], b["id"])
        assert error_locs(refused) == [["body", "fields", "custom:budget"]]
        patched = await factory.client.patch(
            f"{API}/deals/{deal['id']}",
            json={"custom_fields": {"budget": 10}},
            headers=world.seller.headers,
        )
        assert patched.status_code == 200, patched.text
        assert (await move(factory, world.seller, deal["id"], b["id"])).status_code == 200

    async def test_moves_are_kept_with_who_and_time_in_the_previous_stage(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)
        meeting = stage_named(world.funnel, "Встреча")
        deal = await create_deal(factory, world.seller)
        json_of(await move(factory, world.seller, deal["id"], meeting["id"]), 200)
        history = json_of(
            await factory.client.get(
                f"{API}/deals/{deal['id']}/stage-history", headers=world.seller.headers
            ),
            200,
        )
        kinds = [(m["kind"], m["from_stage_id"], m["to_stage_id"]) for m in history["moves"]]
        assert kinds == [
            ("created", None, deal["stage_id"]),
            ("moved", deal["stage_id"], meeting["id"]),
        ]
        assert history["moves"][1]["by_user_id"] == str(world.seller.user.id)
        assert history["moves"][1]["seconds_in_previous"] >= 0
        assert [s["stage_name"] for s in history["stays"]] == ["Заявка", "Встреча"]
        assert history["stays"][-1]["left_at"] is None
        assert {t["stage_name"] for t in history["time_in_stages"]} == {"Заявка", "Встреча"}

    async def test_a_stage_of_another_organisation_is_refused(self, factory: Factory) -> None:
        world = await teams(factory)
        other = await factory.client.post(
            f"{API}/funnels", json={"template": "sales"}, headers=world.outsider.headers
        )
        deal = await create_deal(factory, world.seller)
        response = await move(factory, world.seller, deal["id"], other.json()["stages"][1]["id"])
        assert response.status_code == 422
        assert error_locs(response) == [["body", "stage_id"]]

    async def test_moving_to_another_funnel_changes_the_funnel(self, factory: Factory) -> None:
        world = await teams(factory)
        b2b = json_of(
            await factory.client.post(
                f"{API}/funnels", json={"template": "b2b_project"}, headers=world.admin.headers
            ),
            201,
        )
        deal = await create_deal(factory, world.seller)
        moved = json_of(await move(factory, world.seller, deal["id"], b2b["stages"][0]["id"]), 200)
        assert moved["funnel_id"] == b2b["id"]


class TestCloseDeal:
    async def test_win_counts_in_full_and_makes_the_client_current(self, factory: Factory) -> None:
        world = await teams(factory)
        client = await create_client(factory, world.seller)
        deal = await create_deal(factory, world.seller, client_id=client["id"], amount="500")
        won = json_of(
            await factory.client.post(
                f"{API}/deals/{deal['id']}/win",
                headers={**world.seller.headers, **if_match(deal["version"])},
            ),
            200,
        )
        assert won["status"] == "won"
        assert won["closed_at"] is not None
        assert won["weighted_amount"] == "500.00"
        after = json_of(
            await factory.client.get(f"{API}/clients/{client['id']}", headers=world.seller.headers),
            200,
        )
        assert after["relationship_type"] == "current"
        again = await factory.client.post(
            f"{API}/deals/{deal['id']}/win", headers=world.seller.headers
        )
        assert again.status_code == 409
        stuck = await move(factory, world.seller, deal["id"], world.funnel["stages"][1]["id"])
        assert stuck.status_code == 409

    async def test_lose_needs_an_active_reason_and_keeps_the_flags(self, factory: Factory) -> None:
        world = await teams(factory)
        deal = await create_deal(factory, world.seller, amount="900")
        url = f"{API}/deals/{deal['id']}/lose"
        missing = await factory.client.post(url, json={}, headers=world.seller.headers)
        assert missing.status_code == 422
        assert ["body", "loss_reason_id"] in error_locs(missing)
        reasons = json_of(
            await factory.client.get(f"{API}/loss-reasons", headers=world.seller.headers), 200
        )
        lost = json_of(
            await factory.client.post(
                url,
                json={
                    "loss_reason_id": reasons[0]["id"],
                    "comment": "Ушли на тендер",
                    "lost_tender": True,
                    "public_conflict": True,
                },
                headers=world.seller.headers,
            ),
            200,
        )
        assert lost["status"] == "lost"
        assert lost["weighted_amount"] == "0.00"
        assert lost["loss_reason_id"] == reasons[0]["id"]
        assert (lost["lost_tender"], lost["loss_making"], lost["public_conflict"]) == (
            True,
            False,
            True,
        )
        assert lost["loss_comment"] == "Ушли на тендер"

    async def test_reopen_is_allowed_and_recorded(self, factory: Factory) -> None:
        world = await teams(factory)
        deal = await create_deal(factory, world.seller)
        reasons = json_of(
            await factory.client.get(f"{API}/loss-reasons", headers=world.seller.headers), 200
        )
        await factory.client.post(
            f"{API}/deals/{deal['id']}/lose",
            json={"loss_reason_id": reasons[0]["id"], "loss_making": True},
            headers=world.seller.headers,
        )
        reopened = json_of(
            await factory.client.post(
                f"{API}/deals/{deal['id']}/reopen", headers=world.seller.headers
            ),
            200,
        )
        assert reopened["status"] == "open"
        assert reopened["loss_reason_id"] is None
        assert reopened["loss_making"] is False
        history = json_of(
            await factory.client.get(
                f"{API}/deals/{deal['id']}/stage-history", headers=world.seller.headers
            ),
            200,
        )
        assert [m["kind"] for m in history["moves"]] == ["created", "lost", "reopened"]
        assert history["moves"][-1]["from_status"] == "lost"
        open_again = await factory.client.post(
            f"{API}/deals/{deal['id']}/reopen", headers=world.seller.headers
        )
        assert open_again.status_code == 409


class TestUpdateDeal:
    async def test_fields_change_and_are_audited(self, factory: Factory) -> None:
        world = await teams(factory)
        deal = await create_deal(factory, world.seller, amount="100")
        updated = json_of(
            await factory.client.patch(
                f"{API}/deals/{deal['id']}",
                json={
                    "title": "Поставка серверов",
                    "products": [{"name": "Сервер", "quantity": 2, "price": "250000"}],
                    "expected_close_date": "2026-12-31",
                    "expected_margin": "100000",
                    "source_channel": "выставка",
                },
                headers={**world.seller.headers, **if_match(deal["version"])},
            ),
            200,
        )
        assert updated["title"] == "Поставка серверов"
        assert updated["amount"] == "500000.00"  # from the lines
        assert updated["version"] == deal["version"] + 1
        audit = json_of(
            await factory.client.get(
                f"{API}/audit?entity_type=deal&entity_id={deal['id']}",
                headers=world.admin.headers,
            ),
            200,
        )
        actions = [e["action"] for e in audit["items"]]
        assert "update" in actions
        assert "create" in actions

    async def test_two_concurrent_updates_with_the_same_etag_end_with_one_412(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)
        deal = await create_deal(factory, world.seller)
        headers = {**world.seller.headers, **if_match(deal["version"])}

        async def patch(title: str) -> int:
            response = await factory.client.patch(
                f"{API}/deals/{deal['id']}", json={"title": title}, headers=headers
            )
            return response.status_code

        statuses = await asyncio.gather(patch("Первая правка"), patch("Вторая правка"))
        assert sorted(statuses) == [200, 412]

    async def test_a_move_with_a_stale_etag_is_412(self, factory: Factory) -> None:
        world = await teams(factory)
        deal = await create_deal(factory, world.seller)
        await factory.client.patch(
            f"{API}/deals/{deal['id']}", json={"title": "Новое"}, headers=world.seller.headers
        )
        stale = await move(
            factory,
            world.seller,
            deal["id"],
            world.funnel["stages"][1]["id"],
            **if_match(deal["version"]),
        )
        assert stale.status_code == 412

    async def test_changing_the_client_recomputes_both_and_drops_the_old_contact(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)
        first = await create_client(factory, world.seller)
        contact = await create_contact(factory, world.seller, first["id"])
        second = await create_client(factory, world.seller)
        deal = await create_deal(
            factory, world.seller, client_id=first["id"], contact_id=contact["id"]
        )
        moved = json_of(
            await factory.client.patch(
                f"{API}/deals/{deal['id']}",
                json={"client_id": second["id"]},
                headers=world.seller.headers,
            ),
            200,
        )
        assert moved["client_id"] == second["id"]
        assert moved["contact_id"] is None
        types = {}
        for c in (first, second):
            body = json_of(
                await factory.client.get(f"{API}/clients/{c['id']}", headers=world.seller.headers),
                200,
            )
            types[c["id"]] = body["relationship_type"]
        assert types == {first["id"]: "cold", second["id"]: "potential"}


class TestDealVisibility:
    async def test_a_seller_of_another_department_gets_404(self, factory: Factory) -> None:
        world = await teams(factory)
        deal = await create_deal(factory, world.seller)
        url = f"{API}/deals/{deal['id']}"
        for session in (world.stranger, world.outsider):
            h = session.headers
            assert (await factory.client.get(url, headers=h)).status_code == 404
            assert (
                await factory.client.patch(url, json={"title": "X"}, headers=h)
            ).status_code == 404
            assert (await move(factory, session, deal["id"], deal["stage_id"])).status_code in (
                404,
            )
            for action in ("win", "reopen"):
                assert (await factory.client.post(f"{url}/{action}", headers=h)).status_code == 404
            assert (
                await factory.client.post(
                    f"{url}/lose", json={"loss_reason_id": deal["id"]}, headers=h
                )
            ).status_code == 404
            assert (await factory.client.get(f"{url}/stage-history", headers=h)).status_code == 404
            listed = json_of(await factory.client.get(f"{API}/deals", headers=h), 200)
            assert deal["id"] not in {d["id"] for d in listed["items"]}
            exported = await factory.client.get(f"{API}/deals/export", headers=h)
            assert deal["title"] not in exported.text

    async def test_the_head_of_the_department_sees_the_sellers_deal(self, factory: Factory) -> None:
        world = await teams(factory)
        deal = await create_deal(factory, world.seller)
        assert (await get_deal(factory, world.head, deal["id"])).status_code == 200
        listed = json_of(await factory.client.get(f"{API}/deals", headers=world.head.headers), 200)
        assert deal["id"] in {d["id"] for d in listed["items"]}
