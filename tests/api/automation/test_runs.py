"""Rules run by the worker's after-commit subscriber: once per event (a redelivered event runs
nothing), loop protection, conditions, each action kind, the time-based trigger, the log."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import sqlalchemy as sa
from httpx import AsyncClient

from adapters.bootstrap import Container
from adapters.db.tables.deals import deals
from adapters.db.tables.webhooks import webhook_deliveries
from adapters.worker.jobs.automation import sweep_automation_stays
from adapters.worker.jobs.outbox import dispatch_outbox
from domain.activities.events import TaskOverdue
from domain.automation.engine import AutomationSubscriber
from domain.complaints.events import ComplaintOverdue
from domain.intake.events import CallMissed, LeadReceived
from tests.api.automation.support import (
    deal_in,
    make_rule,
    move,
    notices_of,
    open_tasks_of,
    redeliver_all,
    runs_of,
    settle,
    stored_runs,
    world,
)
from tests.api.deals.support import API, create_client, json_of
from tests.api.webhooks.support import allow_private_targets, create_endpoint
from tests.factories import Factory
from tests.worker import mails_to

LAWYER_TASK = {
    "kind": "create_task",
    "recipient": {"kind": "role", "role": "lawyer"},
    "title": "Проверить договор: {deal}",
    "due_in_days": 1,
}


class TestOncePerEvent:
    async def test_entering_the_stage_gives_the_lawyer_one_task_even_when_redelivered(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        rule = await make_rule(
            factory,
            w.t.admin,
            name="Договор → юристу",
            trigger={"kind": "deal_entered_stage", "stage_id": w.stage("Второй")},
            actions=[LAWYER_TASK],
        )
        deal = await deal_in(factory, w)
        await move(factory, w.t.seller, deal["id"], w.stage("Второй"))
        await settle(container)

        [task] = await open_tasks_of(container, w.lawyer.user.id)
        assert task["title"] == f"Проверить договор: {deal['title']}"
        assert str(task["deal_id"]) == deal["id"]
        assert task["origin"] == "automation"
        # The lawyer sees the task as theirs.
        mine = json_of(await client.get(f"{API}/tasks", headers=w.lawyer.headers), 200)
        assert [t["title"] for t in mine["items"]] == [task["title"]]
        [run] = await runs_of(factory, w.t.admin, rule["id"])
        assert run["status"] == "done"
        assert run["event_name"] == "deal.stage_changed"
        assert run["deal_id"] == deal["id"]
        assert run["actions"][0].startswith("create_task")

        # Every event delivered again, as after a worker that died before marking them.
        assert await redeliver_all(container, w.t.org.id) > 0
        assert await dispatch_outbox(container, organisation_id=w.t.org.id) > 0
        await settle(container, 2)
        assert len(await open_tasks_of(container, w.lawyer.user.id)) == 1
        assert await stored_runs(container, rule["id"]) == 1
        listed = json_of(
            await client.get(f"{API}/automation/rules", headers=w.t.admin.headers), 200
        )
        assert listed["items"][0]["last_run_at"] == run["at"]

    async def test_a_disabled_rule_and_another_stage_run_nothing(
        self, factory: Factory, container: Container
    ) -> None:
        w = await world(factory)
        rule = await make_rule(
            factory,
            w.t.admin,
            trigger={"kind": "deal_entered_stage", "stage_id": w.stage("Третий")},
            actions=[LAWYER_TASK],
        )
        disabled = await make_rule(
            factory,
            w.t.admin,
            is_enabled=False,
            trigger={"kind": "deal_entered_stage", "stage_id": w.stage("Второй")},
            actions=[LAWYER_TASK],
        )
        deal = await deal_in(factory, w)
        await move(factory, w.t.seller, deal["id"], w.stage("Второй"))
        await settle(container)
        assert await open_tasks_of(container, w.lawyer.user.id) == []
        assert await stored_runs(container, rule["id"]) == 0
        assert await stored_runs(container, disabled["id"]) == 0


class TestLoopProtection:
    async def test_two_rules_moving_a_deal_back_and_forth_stop_beyond_depth_three(
        self, factory: Factory, container: Container
    ) -> None:
        w = await world(factory)
        there = await make_rule(
            factory,
            w.t.admin,
            name="Во второй → в третий",
            trigger={"kind": "deal_entered_stage", "stage_id": w.stage("Второй")},
            actions=[{"kind": "move_to_stage", "stage_id": w.stage("Третий")}],
        )
        back = await make_rule(
            factory,
            w.t.admin,
            name="В третий → во второй",
            trigger={"kind": "deal_entered_stage", "stage_id": w.stage("Третий")},
            actions=[{"kind": "move_to_stage", "stage_id": w.stage("Второй")}],
        )
        deal = await deal_in(factory, w)
        await move(factory, w.t.seller, deal["id"], w.stage("Второй"))
        await settle(container, 10)

        forth = sorted(await runs_of(factory, w.t.admin, there["id"]), key=lambda r: r["depth"])
        backs = sorted(await runs_of(factory, w.t.admin, back["id"]), key=lambda r: r["depth"])
        assert [(r["depth"], r["status"]) for r in forth] == [
            (0, "done"),
            (2, "done"),
            (4, "skipped"),
        ]
        assert [(r["depth"], r["status"]) for r in backs] == [(1, "done"), (3, "done")]
        assert "loop protection" in forth[-1]["reason"]
        # The last move (by the depth-3 run) stands: the deal is back in the second stage.
        async with container.engine.connect() as conn:
            stage_id = await conn.scalar(
                sa.select(deals.c.stage_id).where(deals.c.id == deal["id"])
            )
        assert str(stage_id) == w.stage("Второй")


class TestConditions:
    async def test_a_deal_that_misses_a_condition_is_logged_as_skipped_and_untouched(
        self, factory: Factory, container: Container
    ) -> None:
        w = await world(factory)
        rule = await make_rule(
            factory,
            w.t.admin,
            trigger={"kind": "deal_entered_stage", "stage_id": w.stage("Второй")},
            conditions=[
                {"kind": "amount", "min_amount": "1000"},
                {"kind": "responsible_role", "values": ["seller"]},
            ],
            actions=[LAWYER_TASK],
        )
        small = await deal_in(factory, w, amount="10")
        big = await deal_in(factory, w, amount="5000")
        await move(factory, w.t.seller, small["id"], w.stage("Второй"))
        await move(factory, w.t.seller, big["id"], w.stage("Второй"))
        await settle(container)
        runs = {r["deal_id"]: r for r in await runs_of(factory, w.t.admin, rule["id"])}
        assert runs[small["id"]]["status"] == "skipped"
        assert runs[small["id"]]["reason"] == "condition amount not met"
        assert runs[big["id"]]["status"] == "done"
        [task] = await open_tasks_of(container, w.lawyer.user.id)
        assert str(task["deal_id"]) == big["id"]

    async def test_tags_source_and_department_conditions(
        self, factory: Factory, container: Container
    ) -> None:
        w = await world(factory)
        seller_department = w.t.seller.user.department_id
        rule = await make_rule(
            factory,
            w.t.admin,
            trigger={"kind": "deal_entered_stage"},
            conditions=[
                {"kind": "source", "values": ["сайт"]},
                {"kind": "responsible_department", "ids": [str(seller_department)]},
                {"kind": "funnel", "ids": [w.funnel["id"]]},
            ],
            actions=[LAWYER_TASK],
        )
        from_site = await deal_in(factory, w, source_channel="сайт")
        by_phone = await deal_in(factory, w, source_channel="звонок")
        await move(factory, w.t.seller, from_site["id"], w.stage("Третий"))
        await move(factory, w.t.seller, by_phone["id"], w.stage("Третий"))
        await settle(container)
        status = {r["deal_id"]: r["status"] for r in await runs_of(factory, w.t.admin, rule["id"])}
        assert status == {from_site["id"]: "done", by_phone["id"]: "skipped"}


class TestActions:
    async def test_notify_the_head_email_set_a_field_and_hand_the_deal_over_on_winning(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        account_manager = await factory.user(w.t.org, "account_manager")
        rule = await make_rule(
            factory,
            w.t.admin,
            name="Передача аккаунту",
            trigger={"kind": "deal_won"},
            actions=[
                {
                    "kind": "notify",
                    "recipient": {"kind": "responsible_head"},
                    "text": "Сделка {deal} выиграна",
                },
                {
                    "kind": "send_email",
                    "email": "buh@example.com",
                    "subject": "Выиграна: {deal}",
                    "body": "Сумма {amount}",
                },
                {"kind": "set_field", "field": "source_campaign", "value": "повтор"},
                {
                    "kind": "change_responsible",
                    "recipient": {"kind": "user", "user_id": str(account_manager.id)},
                },
                {"kind": "create_task", "recipient": {"kind": "responsible"}, "title": "Позвонить"},
            ],
        )
        deal = await deal_in(factory, w, amount="700")
        won = await client.post(f"{API}/deals/{deal['id']}/win", headers=w.t.seller.headers)
        assert won.status_code == 200, won.text
        await settle(container)

        [run] = await runs_of(factory, w.t.admin, rule["id"])
        assert run["status"] == "done", run
        [notice] = await notices_of(container, w.t.head.user.id)
        assert notice["kind"] == "automation"
        assert notice["params"]["text"] == f"Сделка {deal['title']} выиграна"
        assert notice["params"]["rule_name"] == "Передача аккаунту"
        [mail] = mails_to(container, "buh@example.com")
        assert mail["Subject"] == f"Выиграна: {deal['title']}"
        async with container.engine.connect() as conn:
            row = (
                await conn.execute(
                    sa.select(deals.c.responsible_id, deals.c.source_campaign).where(
                        deals.c.id == deal["id"]
                    )
                )
            ).one()
        assert row.responsible_id == account_manager.id
        assert row.source_campaign == "повтор"
        # "The responsible" is read when the rule runs: the seller, before the hand-over.
        assert [t["title"] for t in await open_tasks_of(container, w.t.seller.user.id)] == [
            "Позвонить"
        ]

    async def test_an_action_that_cannot_be_done_fails_the_run_and_changes_nothing(
        self, factory: Factory, container: Container
    ) -> None:
        w = await world(factory)
        rule = await make_rule(
            factory,
            w.t.admin,
            trigger={"kind": "deal_entered_stage", "stage_id": w.stage("Второй")},
            actions=[
                {"kind": "set_field", "field": "source_channel", "value": "правило"},
                {
                    "kind": "create_task",
                    "recipient": {"kind": "role", "role": "marketer"},
                    "title": "Некому",
                },
            ],
        )
        deal = await deal_in(factory, w)
        await move(factory, w.t.seller, deal["id"], w.stage("Второй"))
        await settle(container)
        [run] = await runs_of(factory, w.t.admin, rule["id"])
        assert run["status"] == "failed"
        assert "nobody" in run["reason"]
        async with container.engine.connect() as conn:
            source = await conn.scalar(
                sa.select(deals.c.source_channel).where(deals.c.id == deal["id"])
            )
        assert source != "правило"

    async def test_call_webhook_stores_a_delivery_for_the_endpoint(
        self, factory: Factory, container: Container
    ) -> None:
        w = await world(factory)
        await allow_private_targets(factory, w.t.admin)
        endpoint = await create_endpoint(
            factory, w.t.admin, url="http://127.0.0.1:9/hook", events=["deal.reopened"]
        )
        rule = await make_rule(
            factory,
            w.t.admin,
            trigger={"kind": "deal_won"},
            actions=[{"kind": "call_webhook", "endpoint_id": endpoint["id"]}],
        )
        deal = await deal_in(factory, w)
        won = await factory.client.post(f"{API}/deals/{deal['id']}/win", headers=w.t.seller.headers)
        assert won.status_code == 200, won.text
        await settle(container, 2)
        [run] = await runs_of(factory, w.t.admin, rule["id"])
        assert run["status"] == "done", run
        async with container.engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.select(
                        webhook_deliveries.c.event_name, webhook_deliveries.c.event_fields
                    ).where(webhook_deliveries.c.endpoint_id == endpoint["id"])
                )
            ).all()
        [(event_name, fields)] = rows
        assert event_name == "automation.rule_fired"
        assert fields["rule_id"] == rule["id"]
        assert fields["deal_id"] == deal["id"]


class TestTimeBased:
    async def test_a_deal_in_the_stage_for_n_days_runs_the_rule_once_per_stay(
        self, factory: Factory, container: Container
    ) -> None:
        w = await world(factory)
        rule = await make_rule(
            factory,
            w.t.admin,
            trigger={"kind": "deal_stayed_in_stage", "stage_id": w.stage("Первый"), "days": 3},
            actions=[
                {"kind": "create_task", "recipient": {"kind": "responsible"}, "title": "Сдвинуть"}
            ],
        )
        old = await deal_in(factory, w)
        await deal_in(factory, w)  # entered now: not yet
        async with container.engine.begin() as conn:
            await conn.execute(
                sa.update(deals)
                .where(deals.c.id == old["id"])
                .values(stage_entered_at=deals.c.stage_entered_at - timedelta(days=4))
            )
        assert await sweep_automation_stays(container) >= 1
        await sweep_automation_stays(container)
        await settle(container, 2)
        [run] = await runs_of(factory, w.t.admin, rule["id"])
        assert run["deal_id"] == old["id"]
        assert run["status"] == "done"
        tasks = await open_tasks_of(container, w.t.seller.user.id)
        assert [t["title"] for t in tasks] == ["Сдвинуть"]


class TestRecordLog:
    async def test_the_runs_on_a_deal_are_shown_to_whoever_sees_the_deal(
        self, factory: Factory, client: AsyncClient, container: Container
    ) -> None:
        w = await world(factory)
        rule = await make_rule(
            factory,
            w.t.admin,
            name="Юристу",
            trigger={"kind": "deal_entered_stage", "stage_id": w.stage("Второй")},
            actions=[LAWYER_TASK],
        )
        deal = await deal_in(factory, w)
        await move(factory, w.t.seller, deal["id"], w.stage("Второй"))
        await settle(container)
        url = f"{API}/automation/runs?deal_id={deal['id']}"
        [run] = json_of(await client.get(url, headers=w.t.seller.headers), 200)["items"]
        assert run["rule_id"] == rule["id"]
        assert run["rule_name"] == "Юристу"
        assert (await client.get(url, headers=w.t.stranger.headers)).status_code == 404
        assert (await client.get(url, headers=w.t.outsider.headers)).status_code == 404
        assert (
            await client.get(f"{API}/automation/runs", headers=w.t.seller.headers)
        ).status_code == 422


class TestOtherTriggers:
    async def test_a_complaint_past_its_deadline_notifies_the_owners_head(
        self, factory: Factory, container: Container
    ) -> None:
        w = await world(factory)
        rule = await make_rule(
            factory,
            w.t.admin,
            name="Просроченная рекламация",
            trigger={"kind": "complaint_overdue"},
            actions=[
                {
                    "kind": "notify",
                    "recipient": {"kind": "responsible_head"},
                    "text": "Рекламация клиента {client} просрочена",
                }
            ],
        )
        client = await create_client(factory, w.t.seller, name="ООО Ромашка")
        event = ComplaintOverdue(
            organisation_id=w.t.org.id,
            occurred_at=container.clock.now(),
            complaint_id=uuid.uuid4(),
            client_id=uuid.UUID(client["id"]),
            deal_id=None,
            owner_id=w.t.seller.user.id,
            kind="quality",
            status="new",
            deadline=date(2026, 12, 1),
        )
        subscriber = AutomationSubscriber(container.rule_engine())
        await subscriber(event)
        await subscriber(event)  # delivered twice: one run, one notice
        [notice] = await notices_of(container, w.t.head.user.id)
        assert notice["params"]["text"] == "Рекламация клиента ООО Ромашка просрочена"
        [run] = await runs_of(factory, w.t.admin, rule["id"])
        assert run["event_name"] == "complaint.overdue"
        assert run["client_id"] == client["id"]

    async def test_an_overdue_task_tells_its_deals_responsible(
        self, factory: Factory, container: Container
    ) -> None:
        w = await world(factory)
        rule = await make_rule(
            factory,
            w.t.admin,
            trigger={"kind": "task_overdue"},
            conditions=[{"kind": "stage", "ids": [w.stage("Первый")]}],
            actions=[{"kind": "notify", "recipient": {"kind": "responsible"}, "text": "Просрочка"}],
        )
        deal = await deal_in(factory, w)
        event = TaskOverdue(
            organisation_id=w.t.org.id,
            occurred_at=container.clock.now(),
            task_id=uuid.uuid4(),
            client_id=None,
            deal_id=uuid.UUID(deal["id"]),
            assignee_id=w.lawyer.user.id,
            due_at=container.clock.now(),
        )
        await AutomationSubscriber(container.rule_engine())(event)
        [notice] = await notices_of(container, w.t.seller.user.id)
        assert notice["kind"] == "automation"
        assert (await runs_of(factory, w.t.admin, rule["id"]))[0]["status"] == "done"

    async def test_a_lead_on_a_deal_and_a_missed_call_on_a_client_run_their_rules(
        self, factory: Factory, container: Container
    ) -> None:
        w = await world(factory)
        lead_rule = await make_rule(
            factory,
            w.t.admin,
            trigger={"kind": "lead_received"},
            conditions=[{"kind": "funnel", "ids": [w.funnel["id"]]}],
            actions=[{"kind": "create_task", "recipient": {"kind": "responsible"}, "title": "Лид"}],
        )
        call_rule = await make_rule(
            factory,
            w.t.admin,
            trigger={"kind": "call_missed"},
            actions=[
                {"kind": "create_task", "recipient": {"kind": "responsible"}, "title": "Звонок"}
            ],
        )
        deal = await deal_in(factory, w)
        now = container.clock.now()
        engine = AutomationSubscriber(container.rule_engine())
        await engine(
            LeadReceived(
                organisation_id=w.t.org.id,
                occurred_at=now,
                inbox_item_id=uuid.uuid4(),
                source_kind="form",
                client_id=uuid.UUID(deal["client_id"]),
                deal_id=uuid.UUID(deal["id"]),
            )
        )
        await engine(
            CallMissed(
                organisation_id=w.t.org.id,
                occurred_at=now,
                call_id=uuid.uuid4(),
                direction="inbound",
                result="missed",
                client_id=uuid.UUID(deal["client_id"]),
                started_at=now,
                assignee_id=w.t.seller.user.id,
            )
        )
        titles = sorted(t["title"] for t in await open_tasks_of(container, w.t.seller.user.id))
        assert titles == ["Звонок", "Лид"]
        assert (await runs_of(factory, w.t.admin, lead_rule["id"]))[0]["status"] == "done"
        assert (await runs_of(factory, w.t.admin, call_rule["id"]))[0]["status"] == "done"
