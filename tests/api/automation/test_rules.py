"""Automation rules through HTTP: who may manage them, strict bodies, organisation scoping,
enable / disable, and the dry run."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from tests.api.automation.support import deal_in, make_rule, world
from tests.api.deals.support import API, error_locs, if_match, json_of
from tests.factories import Factory


def given(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not None}


LAWYER_TASK = {
    "kind": "create_task",
    "recipient": {"kind": "role", "role": "lawyer"},
    "title": "Проверить договор по сделке {deal}",
    "due_in_days": 1,
}


class TestManageRules:
    async def test_an_admin_creates_reads_lists_disables_and_deletes_a_rule(
        self, factory: Factory, client: AsyncClient
    ) -> None:
        w = await world(factory)
        rule = await make_rule(
            factory,
            w.t.admin,
            name="Договор → юристу",
            trigger={"kind": "deal_entered_stage", "stage_id": w.stage("Второй")},
            conditions=[{"kind": "amount", "min_amount": "1000"}],
            actions=[LAWYER_TASK],
        )
        assert rule["is_enabled"] is True
        assert given(rule["trigger"]) == {
            "kind": "deal_entered_stage",
            "stage_id": w.stage("Второй"),
        }
        assert [given(c) for c in rule["conditions"]] == [{"kind": "amount", "min_amount": "1000"}]
        assert given(rule["actions"][0]["recipient"]) == {"kind": "role", "role": "lawyer"}
        assert rule["last_run_at"] is None

        listed = json_of(
            await client.get(f"{API}/automation/rules", headers=w.t.admin.headers), 200
        )
        assert [r["id"] for r in listed["items"]] == [rule["id"]]

        url = f"{API}/automation/rules/{rule['id']}"
        disabled = await client.patch(
            url, json={"is_enabled": False}, headers={**w.t.admin.headers, **if_match(1)}
        )
        assert json_of(disabled, 200)["is_enabled"] is False
        stale = await client.patch(
            url, json={"is_enabled": True}, headers={**w.t.admin.headers, **if_match(1)}
        )
        assert stale.status_code == 412
        assert (await client.delete(url, headers=w.t.admin.headers)).status_code == 204
        assert (await client.get(url, headers=w.t.admin.headers)).status_code == 404

    async def test_a_head_of_sales_manages_rules_and_a_seller_cannot(
        self, factory: Factory, client: AsyncClient
    ) -> None:
        w = await world(factory)
        body: dict[str, Any] = {
            "name": "Выигрыш",
            "trigger": {"kind": "deal_won"},
            "actions": [
                {"kind": "notify", "recipient": {"kind": "responsible_head"}, "text": "Ура"}
            ],
        }
        rule = await make_rule(factory, w.t.head, **body)
        denied = await client.post(f"{API}/automation/rules", json=body, headers=w.t.seller.headers)
        assert denied.status_code == 403
        for method, path in (
            ("GET", "/automation/rules"),
            ("GET", f"/automation/rules/{rule['id']}"),
            ("GET", f"/automation/rules/{rule['id']}/runs"),
            ("POST", f"/automation/rules/{rule['id']}/dry-run"),
        ):
            response = await client.request(method, f"{API}{path}", headers=w.t.seller.headers)
            assert response.status_code == 403, path

    async def test_another_organisations_rule_is_not_found(
        self, factory: Factory, client: AsyncClient
    ) -> None:
        w = await world(factory)
        rule = await make_rule(
            factory, w.t.admin, trigger={"kind": "deal_lost"}, actions=[LAWYER_TASK]
        )
        outsider = w.t.outsider.headers
        base = f"{API}/automation/rules/{rule['id']}"
        assert (await client.get(base, headers=outsider)).status_code == 404
        assert (
            await client.patch(base, json={"is_enabled": False}, headers=outsider)
        ).status_code == 404
        assert (await client.get(f"{base}/runs", headers=outsider)).status_code == 404
        assert (await client.post(f"{base}/dry-run", headers=outsider)).status_code == 404
        assert (await client.delete(base, headers=outsider)).status_code == 404
        listed = json_of(await client.get(f"{API}/automation/rules", headers=outsider), 200)
        assert listed["items"] == []
        # Nor may a rule name another organisation's stage.
        foreign = await make_rule(
            factory,
            w.t.outsider,
            status=422,
            trigger={"kind": "deal_entered_stage", "stage_id": w.stage("Второй")},
            actions=[LAWYER_TASK],
        )
        assert foreign["errors"][0]["loc"][-2:] == ["trigger", "stage_id"]


class TestStrictBodies:
    async def test_fields_of_another_kind_missing_values_and_bounds_are_refused_by_field(
        self, factory: Factory, client: AsyncClient
    ) -> None:
        w = await world(factory)
        url = f"{API}/automation/rules"
        cases: list[tuple[dict[str, Any], list[dict[str, Any]], list[str | int]]] = [
            # days belong to the stayed-in-stage trigger only
            ({"kind": "deal_won", "days": 3}, [LAWYER_TASK], ["trigger", "days"]),
            # stayed in stage needs its days
            (
                {"kind": "deal_stayed_in_stage", "stage_id": w.stage("Первый")},
                [LAWYER_TASK],
                ["trigger", "days"],
            ),
            # a task needs its title
            (
                {"kind": "deal_won"},
                [{"kind": "create_task", "recipient": {"kind": "responsible"}}],
                ["actions", 0, "title"],
            ),
            # a role that does not exist
            (
                {"kind": "deal_won"},
                [{**LAWYER_TASK, "recipient": {"kind": "role", "role": "astronaut"}}],
                ["actions", 0, "recipient", "role"],
            ),
            # at most ten actions
            ({"kind": "deal_won"}, [LAWYER_TASK] * 11, ["actions"]),
        ]
        for trigger, actions, loc in cases:
            response = await client.post(
                url,
                json={"name": "Плохое", "trigger": trigger, "actions": actions},
                headers=w.t.admin.headers,
            )
            assert response.status_code == 422, (trigger, response.text)
            assert any(found[-len(loc) :] == loc for found in error_locs(response)), (
                loc,
                response.text,
            )
        too_many = [{"kind": "source", "values": ["сайт"]}] * 21
        response = await client.post(
            url,
            json={
                "name": "Много",
                "trigger": {"kind": "deal_won"},
                "conditions": too_many,
                "actions": [LAWYER_TASK],
            },
            headers=w.t.admin.headers,
        )
        assert response.status_code == 422


class TestDryRun:
    async def test_lists_the_deals_in_the_stage_that_meet_the_conditions_now(
        self, factory: Factory, client: AsyncClient
    ) -> None:
        w = await world(factory)
        big = await deal_in(factory, w, "Второй", amount="50000")
        await deal_in(factory, w, "Второй", amount="10")
        await deal_in(factory, w, "Первый", amount="90000")
        body: dict[str, Any] = {
            "name": "Крупные во втором",
            "trigger": {"kind": "deal_entered_stage", "stage_id": w.stage("Второй")},
            "conditions": [{"kind": "amount", "min_amount": "1000"}],
            "actions": [LAWYER_TASK],
        }
        unsaved = json_of(
            await client.post(f"{API}/automation/dry-run", json=body, headers=w.t.admin.headers),
            200,
        )
        assert [d["id"] for d in unsaved["items"]] == [big["id"]]
        rule = await make_rule(factory, w.t.admin, **body)
        saved = json_of(
            await client.post(
                f"{API}/automation/rules/{rule['id']}/dry-run", headers=w.t.admin.headers
            ),
            200,
        )
        assert [d["id"] for d in saved["items"]] == [big["id"]]
        assert saved["items"][0]["title"] == big["title"]

    async def test_pages_with_a_cursor(self, factory: Factory, client: AsyncClient) -> None:
        w = await world(factory)
        made = {(await deal_in(factory, w, "Третий"))["id"] for _ in range(3)}
        rule = await make_rule(
            factory,
            w.t.admin,
            trigger={"kind": "deal_entered_stage", "stage_id": w.stage("Третий")},
            actions=[LAWYER_TASK],
        )
        url = f"{API}/automation/rules/{rule['id']}/dry-run?limit=2"
        first = json_of(await client.post(url, headers=w.t.admin.headers), 200)
        assert len(first["items"]) == 2
        assert first["next_cursor"]
        second = json_of(
            await client.post(f"{url}&cursor={first['next_cursor']}", headers=w.t.admin.headers),
            200,
        )
        assert {d["id"] for d in first["items"] + second["items"]} == made
        assert second["next_cursor"] is None
