"""Built-in roles fit the sales conveyor (issue 10, item 12): the lawyer and the assistant
comment on and attach documents to the deals they see without changing them; the marketer
creates clients and leads (deals in a marketing stage) and nothing beyond; a third funnel
template, "Простая продажа", sells a simple product in five stages."""

from __future__ import annotations

from typing import Any

from tests.api.deals.support import API, create_client, create_deal, create_funnel, json_of
from tests.factories import Factory, Org, Session


async def _as(factory: Factory, org: Org, role: str) -> Session:
    return await factory.login(await factory.user(org, role))


async def _sales_deal(factory: Factory, admin: Session, seller: Session) -> dict[str, Any]:
    funnel = await create_funnel(factory, admin, template="sales", is_default=True)
    return await create_deal(
        factory, seller, funnel_id=funnel["id"], responsible_id=str(seller.user.id)
    )


async def _comment(factory: Factory, session: Session, deal_id: str) -> int:
    response = await factory.client.post(
        f"{API}/discussions",
        json={"body": "Договор проверен, можно подписывать", "deal_id": deal_id},
        headers=session.headers,
    )
    return response.status_code


async def _attach(factory: Factory, session: Session, deal_id: str) -> int:
    response = await factory.client.post(
        f"{API}/attachments",
        data={"document_type": "contract", "deal_id": deal_id},
        files={"file": ("Договор.pdf", b"%PDF-1.4 signed", "application/pdf")},
        headers=session.headers,
    )
    return response.status_code


class TestLawyerAndAssistant:
    async def test_the_lawyer_comments_and_files_the_contract_of_a_deal_they_only_read(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        seller = await _as(factory, org, "seller")
        deal = await _sales_deal(factory, admin, seller)
        lawyer = await _as(factory, org, "lawyer")

        assert await _comment(factory, lawyer, deal["id"]) == 201
        assert await _attach(factory, lawyer, deal["id"]) == 201
        files = json_of(
            await factory.client.get(
                f"{API}/attachments", params={"deal_id": deal["id"]}, headers=seller.headers
            ),
            200,
        )
        assert [f["filename"] for f in files["items"]] == ["Договор.pdf"]
        # Reading and filing is all: the deal itself stays the seller's to change.
        edit = await factory.client.patch(
            f"{API}/deals/{deal['id']}", json={"title": "Чужая правка"}, headers=lawyer.headers
        )
        assert edit.status_code == 403
        assert "deals:write" in edit.json()["detail"]

    async def test_the_assistant_comments_and_attaches_within_their_team_only(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        team = await factory.department(org)
        other_team = await factory.department(org)
        seller = await factory.login(await factory.user(org, "seller", department=team))
        stranger = await factory.login(await factory.user(org, "seller", department=other_team))
        assistant = await factory.login(await factory.user(org, "assistant", department=team))
        deal = await _sales_deal(factory, admin, seller)
        unseen = await create_deal(factory, stranger, funnel_id=deal["funnel_id"])

        assert await _comment(factory, assistant, deal["id"]) == 201
        assert await _attach(factory, assistant, deal["id"]) == 201
        # Another team's deal is beyond an assistant's sight: not found, not merely refused.
        assert await _comment(factory, assistant, unseen["id"]) == 404
        assert await _attach(factory, assistant, unseen["id"]) == 404

    async def test_a_role_without_the_permissions_can_neither_comment_nor_attach(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        seller = await _as(factory, org, "seller")
        deal = await _sales_deal(factory, admin, seller)
        # The marketer sees every deal's client but holds neither permission.
        marketer = await _as(factory, org, "marketer")
        assert await _comment(factory, marketer, deal["id"]) == 403
        assert await _attach(factory, marketer, deal["id"]) == 403

    async def test_a_custom_role_gets_commenting_without_the_right_to_change_deals(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        seller = await _as(factory, org, "seller")
        deal = await _sales_deal(factory, admin, seller)
        role = json_of(
            await factory.client.post(
                f"{API}/roles",
                json={
                    "name": "Контролёр",
                    "permissions": ["deals:read", "comments:write"],
                    "visibility": {"deals": "all"},
                },
                headers=admin.headers,
            ),
            201,
        )
        auditor = await factory.user(org, "seller")
        await factory.client.patch(
            f"{API}/users/{auditor.id}", json={"role_id": role["id"]}, headers=admin.headers
        )
        session = await factory.login(auditor)
        assert await _comment(factory, session, deal["id"]) == 201
        assert await _attach(factory, session, deal["id"]) == 403


class TestMarketer:
    async def test_the_marketer_creates_a_client_and_a_lead_in_the_marketing_stage(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        funnel = await create_funnel(factory, admin, template="sales", is_default=True)
        seller = await factory.user(org, "seller")
        marketer = await _as(factory, org, "marketer")

        client = await create_client(factory, marketer, name="ИП Лидов")
        lead = await create_deal(
            factory,
            marketer,
            client_id=client["id"],
            title="Заявка с выставки",
            responsible_id=str(seller.id),
        )
        assert lead["stage_id"] == funnel["stages"][0]["id"]
        assert lead["responsible_id"] == str(seller.id)

    async def test_the_marketer_cannot_open_a_deal_past_the_marketing_stages(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        funnel = await create_funnel(factory, admin, template="sales", is_default=True)
        marketer = await _as(factory, org, "marketer")
        client = await create_client(factory, marketer)
        negotiation = funnel["stages"][3]
        assert negotiation["group"] == "sale"

        refused = await create_deal(
            factory, marketer, status=403, client_id=client["id"], stage_id=negotiation["id"]
        )
        assert "leads:create" in refused["detail"]

    async def test_the_marketer_cannot_change_the_lead_afterwards(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        await create_funnel(factory, admin, template="sales", is_default=True)
        marketer = await _as(factory, org, "marketer")
        lead = await create_deal(factory, marketer)

        for method, path, body in (
            ("PATCH", f"/deals/{lead['id']}", {"title": "Иначе"}),
            ("POST", f"/deals/{lead['id']}/win", {}),
        ):
            response = await factory.client.request(
                method, f"{API}{path}", json=body, headers=marketer.headers
            )
            assert response.status_code == 403, (path, response.text)

    async def test_a_seller_still_opens_a_deal_in_any_stage(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        funnel = await create_funnel(factory, admin, template="sales", is_default=True)
        seller = await _as(factory, org, "seller")
        deal = await create_deal(factory, seller, stage_id=funnel["stages"][2]["id"])
        assert deal["stage_id"] == funnel["stages"][2]["id"]


class TestSimpleSaleTemplate:
    async def test_the_simple_sale_funnel_has_five_stages_of_rising_probability(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        funnel = await create_funnel(factory, admin, template="simple_sale")

        assert funnel["name"] == "Простая продажа"
        assert funnel["template"] == "simple_sale"
        stages = funnel["stages"]
        assert [s["name"] for s in stages] == [
            "Контакт",
            "Потребности",
            "Презентация",
            "Возражения",
            "Закрытие",
        ]
        probabilities = [float(s["probability"]) for s in stages]
        assert probabilities == sorted(probabilities)
        assert probabilities[0] > 0
        assert probabilities[-1] < 100
        assert stages[0]["group"] == "marketing"
        assert all(s["max_days"] for s in stages)
        assert funnel["warnings"] == []

    async def test_it_sits_beside_the_two_other_templates(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        for template in ("sales", "b2b_project", "simple_sale"):
            await create_funnel(factory, admin, template=template)
        funnels = json_of(await factory.client.get(f"{API}/funnels", headers=admin.headers), 200)
        assert sorted(f["template"] for f in funnels) == ["b2b_project", "sales", "simple_sale"]
