"""Lead distribution (issue 11, item 5): rules per form, source or funnel share leads among
the people on duty (round-robin, least loaded, by tag); a known client's lead goes to their
manager or the substitute; a lead nobody on duty could take escalates to a head; first
response is measured per lead and per manager. Everything through the HTTP API and the real
worker."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from adapters.worker.jobs.distribution import escalate_leads
from domain.intake.distribution_services import LeadEscalation
from tests.api.deals.support import create_client, create_funnel
from tests.api.intake.support import API, create_form, drain, item, post_form
from tests.factories import Factory, Org, Session

ALL_DAY = {"starts": "00:00", "ends": "23:59"}
WEEK = dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), ALL_DAY)
NOBODYS_HOURS = {"mon": {"starts": "00:00", "ends": "00:01"}}


async def on_duty_always(factory: Factory, admin: Session, *users: Any) -> None:
    for user in users:
        put = await factory.client.put(
            f"{API}/users/{user.id}/schedule",
            json={"time_zone": "UTC", "days": WEEK},
            headers=admin.headers,
        )
        assert put.status_code == 200, put.text


async def off_duty(factory: Factory, admin: Session, *users: Any) -> None:
    for user in users:
        put = await factory.client.put(
            f"{API}/users/{user.id}/schedule",
            json={"time_zone": "UTC", "days": {}},
            headers=admin.headers,
        )
        assert put.status_code == 200, put.text


async def away(
    factory: Factory, admin: Session, user: Any, substitute: Any | None = None
) -> dict[str, Any]:
    today = datetime.now(UTC).date()
    posted = await factory.client.post(
        f"{API}/absences",
        json={
            "user_id": str(user.id),
            "kind": "vacation",
            "starts_on": (today - timedelta(days=1)).isoformat(),
            "ends_on": (today + timedelta(days=7)).isoformat(),
            "substitute_id": str(substitute.id) if substitute else None,
        },
        headers=admin.headers,
    )
    assert posted.status_code == 201, posted.text
    return dict(posted.json())


async def create_rule(
    factory: Factory, admin: Session, *, status: int = 201, **body: Any
) -> dict[str, Any]:
    body.setdefault("name", "Заявки с сайта")
    created = await factory.client.post(
        f"{API}/intake/distribution-rules", json=body, headers=admin.headers
    )
    assert created.status_code == status, created.text
    return dict(created.json())


async def lead_of(factory: Factory, admin: Session, item_id: str) -> dict[str, Any]:
    outcome = (await item(factory, admin, item_id))["lead"]
    got = await factory.client.get(
        f"{API}/intake/leads/{outcome['lead_id']}/assignment", headers=admin.headers
    )
    assert got.status_code == 200, got.text
    return {**outcome, **got.json()}


async def deal(factory: Factory, session: Session, deal_id: str) -> dict[str, Any]:
    got = await factory.client.get(f"{API}/deals/{deal_id}", headers=session.headers)
    assert got.status_code == 200, got.text
    return dict(got.json())


async def sellers(factory: Factory, org: Org, count: int, **kwargs: Any) -> list[Any]:
    return [await factory.user(org, "seller", **kwargs) for _ in range(count)]


class TestRoundRobin:
    async def test_three_sellers_with_one_on_vacation_split_100_leads_evenly_between_the_other_two(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        first, second, vacationing = await sellers(factory, org, 3)
        await on_duty_always(factory, admin, first, second, vacationing)
        await away(factory, admin, vacationing)
        funnel = await create_funnel(factory, admin)
        form = await create_form(factory, admin, funnel_id=funnel["id"])
        await create_rule(
            factory,
            admin,
            kind="round_robin",
            form_id=form["id"],
            user_ids=[str(first.id), str(second.id), str(vacationing.id)],
        )

        # Ten at a time: the database server is shared with other test runs.
        posted = []
        for start in range(0, 100, 10):
            posted += await asyncio.gather(
                *(
                    post_form(factory.client, form["key"], f"name=Клиент+{n}&phone=8916700{n:04d}")
                    for n in range(start, start + 10)
                )
            )
        assert all(p.status_code == 200 for p in posted), posted[0].text
        await drain(factory.container)

        leads = [await lead_of(factory, admin, p.json()["id"]) for p in posted]
        assert Counter(lead["assignee_id"] for lead in leads) == {
            str(first.id): 50,
            str(second.id): 50,
        }
        assert {lead["assignment"] for lead in leads} == {"round_robin"}
        owners = Counter(
            [(await deal(factory, admin, lead["deal_id"]))["responsible_id"] for lead in leads]
        )
        assert owners == {str(first.id): 50, str(second.id): 50}

    async def test_workers_processing_at_once_still_take_turns(self, factory: Factory) -> None:
        """Four workers choose at the same time: the counter's row lock keeps the turn fair."""
        org, admin = await factory.admin_session()
        first, second = await sellers(factory, org, 2)
        await on_duty_always(factory, admin, first, second)
        await create_funnel(factory, admin)
        form = await create_form(factory, admin)
        await create_rule(
            factory, admin, kind="round_robin", user_ids=[str(first.id), str(second.id)]
        )
        posted = [
            await post_form(factory.client, form["key"], f"name=Гость+{n}&phone=8916701{n:04d}")
            for n in range(40)
        ]
        ids = [UUID(p.json()["id"]) for p in posted]
        processor = factory.container.inbox_processor()
        done = await asyncio.gather(
            *(processor.process_due(ids[n::4], organisation_id=org.id) for n in range(4))
        )
        assert sum(done) == 40
        await drain(factory.container)
        leads = [await lead_of(factory, admin, p.json()["id"]) for p in posted]
        assert Counter(lead["assignee_id"] for lead in leads) == {
            str(first.id): 20,
            str(second.id): 20,
        }

    async def test_a_person_outside_working_hours_gets_no_leads(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        working, resting = await sellers(factory, org, 2)
        await on_duty_always(factory, admin, working)
        await off_duty(factory, admin, resting)
        form = await create_form(factory, admin)
        await create_funnel(factory, admin)
        await create_rule(
            factory, admin, kind="round_robin", user_ids=[str(resting.id), str(working.id)]
        )
        posted = [
            await post_form(factory.client, form["key"], f"name=Гость&phone=8916710{n:04d}")
            for n in range(4)
        ]
        await drain(factory.container)
        assignees = {(await lead_of(factory, admin, p.json()["id"]))["assignee_id"] for p in posted}
        assert assignees == {str(working.id)}


class TestLeastLoadedAndTags:
    async def test_least_loaded_gives_new_leads_to_whoever_has_fewest_open_ones(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        busy, free = await sellers(factory, org, 2)
        await on_duty_always(factory, admin, busy, free)
        await create_funnel(factory, admin)
        busy_form = await create_form(factory, admin, name="Форма занятого")
        await create_rule(
            factory, admin, kind="round_robin", form_id=busy_form["id"], user_ids=[str(busy.id)]
        )
        for n in range(3):
            await post_form(factory.client, busy_form["key"], f"name=A&phone=8916720{n:04d}")
        await drain(factory.container)
        form = await create_form(factory, admin, name="Общая форма")
        await create_rule(
            factory,
            admin,
            kind="least_loaded",
            form_id=form["id"],
            user_ids=[str(busy.id), str(free.id)],
        )
        posted = [
            await post_form(factory.client, form["key"], f"name=B&phone=8916721{n:04d}")
            for n in range(4)
        ]
        await drain(factory.container)
        got = [(await lead_of(factory, admin, p.json()["id"]))["assignee_id"] for p in posted]
        # free had 0 against 3: the first three go to free, then they are level (3 and 3).
        assert got[:3] == [str(free.id)] * 3
        assert Counter(got) in (
            Counter({str(free.id): 4}),
            Counter({str(free.id): 3, str(busy.id): 1}),
        )

    async def test_by_tag_the_leads_region_picks_the_people(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        moscow, kyiv, anyone = await sellers(factory, org, 3)
        await on_duty_always(factory, admin, moscow, kyiv, anyone)
        await create_funnel(factory, admin)
        form = await create_form(factory, admin)
        await create_rule(
            factory,
            admin,
            kind="by_tag",
            tag="region",
            tag_routes=[
                {"value": "Москва", "user_ids": [str(moscow.id)]},
                {"value": "Київ", "user_ids": [str(kyiv.id)]},
            ],
            user_ids=[str(anyone.id)],
        )
        to_kyiv = await post_form(
            factory.client,
            form["key"],
            "name=Олена&phone=%2B380501234567&Region=%D0%BA%D0%B8%D1%97%D0%B2",
        )
        to_moscow = await post_form(
            factory.client, form["key"], "name=Ivan&phone=89167300001&region=Москва"
        )
        elsewhere = await post_form(
            factory.client, form["key"], "name=Kim&phone=89167300002&region=Алматы"
        )
        await drain(factory.container)
        assert (await lead_of(factory, admin, to_kyiv.json()["id"]))["assignee_id"] == str(kyiv.id)
        assert (await lead_of(factory, admin, to_moscow.json()["id"]))["assignee_id"] == str(
            moscow.id
        )
        assert (await lead_of(factory, admin, elsewhere.json()["id"]))["assignee_id"] == str(
            anyone.id
        )

    async def test_the_rule_for_the_form_wins_over_the_rule_for_every_lead(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        general, special = await sellers(factory, org, 2)
        await on_duty_always(factory, admin, general, special)
        await create_funnel(factory, admin)
        form = await create_form(factory, admin)
        other = await create_form(factory, admin, name="Другая форма")
        await create_rule(factory, admin, kind="round_robin", user_ids=[str(general.id)])
        await create_rule(
            factory, admin, kind="round_robin", form_id=form["id"], user_ids=[str(special.id)]
        )
        mine = await post_form(factory.client, form["key"], "name=A&phone=89167400001")
        theirs = await post_form(factory.client, other["key"], "name=B&phone=89167400002")
        await drain(factory.container)
        assert (await lead_of(factory, admin, mine.json()["id"]))["assignee_id"] == str(special.id)
        assert (await lead_of(factory, admin, theirs.json()["id"]))["assignee_id"] == str(
            general.id
        )


class TestKnownClient:
    async def test_a_known_clients_lead_goes_to_their_manager_or_the_substitute_while_away(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        manager, substitute, pool = await sellers(factory, org, 3)
        await on_duty_always(factory, admin, pool)
        await create_funnel(factory, admin)
        owner = await factory.login(manager)
        await create_client(
            factory,
            owner,
            name="ООО Берёза",
            contacts=[{"full_name": "Анна", "phones": ["+7 916 750-00-01"]}],
        )
        form = await create_form(factory, admin)
        await create_rule(factory, admin, kind="round_robin", user_ids=[str(pool.id)])
        first = await post_form(factory.client, form["key"], "name=Анна&phone=89167500001")
        await drain(factory.container)
        got = await lead_of(factory, admin, first.json()["id"])
        assert got["assignee_id"] == str(manager.id)
        assert got["assignment"] == "responsible"

        await away(factory, admin, manager, substitute)
        again = await post_form(factory.client, form["key"], "name=Анна&phone=%2B79167500001")
        await drain(factory.container)
        got = await lead_of(factory, admin, again.json()["id"])
        assert got["assignee_id"] == str(substitute.id)
        assert got["assignment"] == "substitute"


class _Later:
    def __init__(self, minutes: int) -> None:
        self._shift = timedelta(minutes=minutes)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._shift


class TestEscalation:
    async def test_a_lead_nobody_on_duty_took_goes_to_the_head_after_the_rules_minutes_once(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        head = await factory.user(org, "head_of_sales")
        department = await factory.department(org, head=head)
        resting = await factory.user(org, "seller", department=department)
        await off_duty(factory, admin, resting)
        await create_funnel(factory, admin)
        form = await create_form(factory, admin)
        await create_rule(
            factory,
            admin,
            kind="round_robin",
            user_ids=[str(resting.id)],
            department_id=str(department.id),
            escalate_after_minutes=10,
        )
        posted = await post_form(factory.client, form["key"], "name=Ночной&phone=89167600001")
        await drain(factory.container)
        waiting = await lead_of(factory, admin, posted.json()["id"])
        assert waiting["assignee_id"] is None
        assert waiting["escalate_at"] is not None
        # Its deal is held by the head meanwhile.
        assert (await deal(factory, admin, waiting["deal_id"]))["responsible_id"] == str(head.id)

        # Before the minutes have passed nothing happens.
        await escalate_leads({"container": factory.container})
        assert (await lead_of(factory, admin, posted.json()["id"]))["assignee_id"] is None
        escalation = LeadEscalation(factory.container.uow, _Later(minutes=11))
        assert await escalation.run() >= 1
        escalated = await lead_of(factory, admin, posted.json()["id"])
        assert escalated["assignee_id"] == str(head.id)
        assert escalated["assignment"] == "escalated"
        assert escalated["escalated_at"] is not None
        # Idempotent: a second sweep changes nothing.
        await escalation.run()
        assert await lead_of(factory, admin, posted.json()["id"]) == escalated


class TestFirstResponse:
    async def test_the_assignees_first_activity_on_the_deal_is_the_first_response(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        seller = await factory.user(org, "seller")
        await on_duty_always(factory, admin, seller)
        await create_funnel(factory, admin)
        form = await create_form(factory, admin)
        await create_rule(factory, admin, kind="round_robin", user_ids=[str(seller.id)])
        posted = await post_form(factory.client, form["key"], "name=Пётр&phone=89167700001")
        await drain(factory.container)
        lead = await lead_of(factory, admin, posted.json()["id"])
        assert lead["first_response_at"] is None

        # Someone else's note is not the assignee's answer.
        note = await factory.client.post(
            f"{API}/activities",
            json={"kind": "note", "deal_id": lead["deal_id"], "body": "Заметка админа"},
            headers=admin.headers,
        )
        assert note.status_code == 201, note.text
        assert (await lead_of(factory, admin, posted.json()["id"]))["first_response_at"] is None

        session = await factory.login(seller)
        call = await factory.client.post(
            f"{API}/activities",
            json={"kind": "call", "deal_id": lead["deal_id"], "direction": "outbound"},
            headers=session.headers,
        )
        assert call.status_code == 201, call.text
        answered = await lead_of(factory, admin, posted.json()["id"])
        assert answered["first_response_at"] is not None
        assert answered["response_seconds"] >= 0

        report = await factory.client.get(
            f"{API}/intake/reports/response-times", headers=admin.headers
        )
        assert report.status_code == 200, report.text
        (row,) = [r for r in report.json()["rows"] if r["key"] == str(seller.id)]
        assert (row["assigned"], row["responded"]) == (1, 1)
        # One lead: its median is its own time (whole seconds, rounded rather than cut).
        assert abs(row["median_seconds"] - answered["response_seconds"]) <= 1


class TestRules:
    async def test_an_admin_creates_lists_changes_and_deletes_a_rule(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        first, second = await sellers(factory, org, 2)
        rule = await create_rule(factory, admin, kind="round_robin", user_ids=[str(first.id)])
        assert rule["escalate_after_minutes"] == 15
        listed = await factory.client.get(f"{API}/intake/distribution-rules", headers=admin.headers)
        assert [r["id"] for r in listed.json()["items"]] == [rule["id"]]
        changed = await factory.client.patch(
            f"{API}/intake/distribution-rules/{rule['id']}",
            json={
                "kind": "least_loaded",
                "user_ids": [str(first.id), str(second.id)],
                "source": "yandex",
            },
            headers={**admin.headers, "If-Match": f'"v{rule["version"]}"'},
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["kind"] == "least_loaded"
        assert changed.json()["source"] == "yandex"
        stale = await factory.client.patch(
            f"{API}/intake/distribution-rules/{rule['id']}",
            json={"priority": 5},
            headers={**admin.headers, "If-Match": f'"v{rule["version"]}"'},
        )
        assert stale.status_code == 412
        deleted = await factory.client.delete(
            f"{API}/intake/distribution-rules/{rule['id']}", headers=admin.headers
        )
        assert deleted.status_code == 204
        gone = await factory.client.get(
            f"{API}/intake/distribution-rules/{rule['id']}", headers=admin.headers
        )
        assert gone.status_code == 404

    async def test_bad_rules_are_problems_naming_the_field(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        other_org, _ = await factory.admin_session()
        stranger = await factory.user(other_org, "seller")
        seller = await factory.user(org, "seller")
        cases: list[tuple[dict[str, Any], str]] = [
            ({"kind": "round_robin", "user_ids": []}, "user_ids"),
            ({"kind": "by_tag", "user_ids": [str(seller.id)]}, "tag"),
            ({"kind": "manual", "user_ids": [str(seller.id)]}, "kind"),
            ({"kind": "round_robin", "user_ids": [str(stranger.id)]}, "user_ids"),
            ({"kind": "round_robin", "user_ids": [str(seller.id)] * 2}, "user_ids"),
            (
                {"kind": "round_robin", "user_ids": [str(seller.id)], "escalate_after_minutes": 0},
                "escalate_after_minutes",
            ),
            ({"kind": "round_robin", "user_ids": [str(seller.id)], "name": "x" * 201}, "name"),
        ]
        for body, field in cases:
            got = await factory.client.post(
                f"{API}/intake/distribution-rules",
                json={"name": "Правило", **body},
                headers=admin.headers,
            )
            assert got.status_code == 422, (body, got.text)
            assert got.headers["content-type"].startswith("application/problem+json")
            assert field in [str(e["loc"][-1]) for e in got.json()["errors"]] or field in [
                str(part) for e in got.json()["errors"] for part in e["loc"]
            ], (body, got.text)

    async def test_a_seller_may_not_manage_rules_and_another_organisation_sees_none(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        seller = await factory.user(org, "seller")
        rule = await create_rule(factory, admin, kind="round_robin", user_ids=[str(seller.id)])
        session = await factory.login(seller)
        refused = await factory.client.get(
            f"{API}/intake/distribution-rules", headers=session.headers
        )
        assert refused.status_code == 403
        _, stranger = await factory.admin_session()
        hidden = await factory.client.get(
            f"{API}/intake/distribution-rules/{rule['id']}", headers=stranger.headers
        )
        assert hidden.status_code == 404
        listed = await factory.client.get(
            f"{API}/intake/distribution-rules", headers=stranger.headers
        )
        assert listed.json()["items"] == []


class TestWorkload:
    async def test_a_head_sees_the_teams_load_and_a_dragged_deal_takes_its_lead_along(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        head = await factory.user(org, "head_of_sales", full_name="А Руководитель")
        department = await factory.department(org, head=head)
        head.department_id = department.id
        async with factory.container.uow() as uow:
            await uow.users.update(head, head.version)
            await uow.commit()
        first = await factory.user(org, "seller", department=department, full_name="Б Первый")
        second = await factory.user(org, "seller", department=department, full_name="В Второй")
        outsider = await factory.user(org, "seller", full_name="Г Чужой")
        await on_duty_always(factory, admin, first, second)
        await create_funnel(factory, admin)
        form = await create_form(factory, admin)
        await create_rule(factory, admin, kind="round_robin", user_ids=[str(first.id)])
        posted = await post_form(factory.client, form["key"], "name=Ольга&phone=89167800001")
        await drain(factory.container)
        lead = await lead_of(factory, admin, posted.json()["id"])
        boss = await factory.login(head)

        got = await factory.client.get(f"{API}/intake/workload", headers=boss.headers)
        assert got.status_code == 200, got.text
        rows = {r["user_id"]: r for r in got.json()["managers"]}
        assert str(outsider.id) not in rows
        assert set(rows) == {str(head.id), str(first.id), str(second.id)}
        assert rows[str(first.id)]["open_leads"] == 1
        assert rows[str(first.id)]["open_deals"] == 1
        assert rows[str(first.id)]["on_duty"] is True
        (card,) = rows[str(first.id)]["deals"]
        assert card["deal_id"] == lead["deal_id"]
        assert card["from_lead"] is True
        assert rows[str(second.id)]["open_leads"] == 0

        dragged = await factory.client.patch(
            f"{API}/deals/{card['deal_id']}",
            json={"responsible_id": str(second.id)},
            headers={**boss.headers, "If-Match": f'"v{card["version"]}"'},
        )
        assert dragged.status_code == 200, dragged.text
        after = {
            r["user_id"]: r
            for r in (
                await factory.client.get(f"{API}/intake/workload", headers=boss.headers)
            ).json()["managers"]
        }
        assert after[str(first.id)]["open_leads"] == 0
        assert after[str(second.id)]["open_leads"] == 1
        assert [c["deal_id"] for c in after[str(second.id)]["deals"]] == [lead["deal_id"]]
        moved = await lead_of(factory, admin, posted.json()["id"])
        assert moved["assignee_id"] == str(second.id)
        assert moved["assignment"] == "manual"

    async def test_a_seller_sees_only_their_own_row(self, factory: Factory) -> None:
        org, _ = await factory.admin_session()
        seller = await factory.user(org, "seller")
        await factory.user(org, "seller")
        session = await factory.login(seller)
        got = await factory.client.get(f"{API}/intake/workload", headers=session.headers)
        assert got.status_code == 200, got.text
        assert [r["user_id"] for r in got.json()["managers"]] == [str(seller.id)]


class TestCallsAnswerLeads:
    async def test_a_call_the_assignee_made_to_the_lead_is_its_first_response_and_counts_today(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        seller = await factory.user(org, "seller")
        await on_duty_always(factory, admin, seller)
        await create_funnel(factory, admin)
        form = await create_form(factory, admin)
        await create_rule(factory, admin, kind="round_robin", user_ids=[str(seller.id)])
        posted = await post_form(factory.client, form["key"], "name=Зоя&phone=89167900001")
        await drain(factory.container)
        assert (await lead_of(factory, admin, posted.json()["id"]))["first_response_at"] is None

        created = await factory.client.post(
            f"{API}/intake/telephony-settings",
            json={"name": "АТС", "provider": "generic", "extensions": {"101": str(seller.id)}},
            headers=admin.headers,
        )
        assert created.status_code == 201, created.text
        integration = created.json()
        now = datetime.now(UTC)
        raw = json.dumps(
            {
                "call_id": "out-1",
                "event": "end",
                "direction": "outbound",
                "client_number": "+79167900001",
                "extension": "101",
                "started_at": now.isoformat(),
                "answered_at": (now + timedelta(seconds=5)).isoformat(),
                "ended_at": (now + timedelta(seconds=65)).isoformat(),
                "result": "answered",
            }
        ).encode()
        signature = hmac.new(integration["secret"].encode(), raw, hashlib.sha256).hexdigest()
        sent = await factory.client.post(
            integration["event_path"],
            content=raw,
            headers={"content-type": "application/json", "X-Signature": f"sha256={signature}"},
        )
        assert sent.status_code == 200, sent.text
        await drain(factory.container)

        answered = await lead_of(factory, admin, posted.json()["id"])
        assert answered["first_response_at"] is not None
        load = await factory.client.get(f"{API}/intake/workload", headers=admin.headers)
        (row,) = [r for r in load.json()["managers"] if r["user_id"] == str(seller.id)]
        assert row["calls_today"] == 1
