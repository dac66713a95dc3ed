"""The demo seed's two rules, made through the automation use cases."""

from __future__ import annotations

from uuid import UUID

from httpx import AsyncClient

from adapters.bootstrap import Container
from adapters.seed import _automation_rules, _Org
from domain.shared.scope import Scope
from tests.api.deals.support import API, create_funnel, json_of, stage_named
from tests.factories import Factory


async def test_the_demo_gets_the_contract_rule_and_the_complaint_rule(
    factory: Factory, client: AsyncClient, container: Container
) -> None:
    org, admin = await factory.admin_session()
    created = await create_funnel(factory, admin, template="sales")
    async with container.uow() as uow:
        funnel = await uow.funnels.get(Scope.organisation_wide(org.id), UUID(created["id"]))
    assert funnel is not None
    await _automation_rules(container, _Org(id=org.id, admin=org.admin, funnels=[funnel]))

    rules = json_of(await client.get(f"{API}/automation/rules", headers=admin.headers), 200)
    by_trigger = {rule["trigger"]["kind"]: rule for rule in rules["items"]}
    contract = by_trigger["deal_entered_stage"]
    assert contract["trigger"]["stage_id"] == stage_named(created, "Договор")["id"]
    assert contract["actions"][0]["recipient"]["role"] == "lawyer"
    complaint = by_trigger["complaint_overdue"]
    assert complaint["actions"][0]["kind"] == "notify"
    assert complaint["actions"][0]["recipient"]["kind"] == "responsible_head"
