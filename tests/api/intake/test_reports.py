"""Lead intake reports (issue 11, item 8): leads and calls by source, channel, campaign and
tracking number; missed calls and the time to call back; response time per manager; over a
bounded period, counting only what the caller sees."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from adapters.db.tables.distribution import intake_leads
from adapters.db.tables.telephony import calls
from tests.api.deals.support import create_client, create_funnel
from tests.api.intake.support import API, create_form, drain, post_form
from tests.factories import Factory, Org, Session

REPORTS = f"{API}/intake/reports"


async def _report(
    factory: Factory, session: Session, name: str, query: str = "", status: int = 200
) -> dict[str, Any]:
    got = await factory.client.get(f"{REPORTS}/{name}{query}", headers=session.headers)
    assert got.status_code == status, got.text
    return dict(got.json())


def _by_key(report: dict[str, Any]) -> dict[str | None, dict[str, Any]]:
    return {row["key"]: row for row in report["rows"]}


async def _get_organisation(factory: Factory, session: Session) -> dict[str, Any]:
    got = await factory.client.get(f"{API}/organisation", headers=session.headers)
    assert got.status_code == 200, got.text
    return dict(got.json())


async def _today(factory: Factory, session: Session) -> str:
    """The organisation's day now (the reports' days are the organisation's)."""
    organisation = await factory.client.get(f"{API}/organisation", headers=session.headers)
    zone = ZoneInfo(organisation.json()["time_zone"])
    return datetime.now(UTC).astimezone(zone).date().isoformat()


async def _seed_leads(factory: Factory, org: Org, *leads: dict[str, Any]) -> None:
    """Leads as the distribution step records them (who got each, when they answered)."""
    now = datetime.now(UTC)
    rows = [
        {
            "id": uuid.uuid4(),
            "organisation_id": org.id,
            "inbox_item_id": uuid.uuid4(),
            "kind": "form",
            "received_at": now - timedelta(hours=1),
            **lead,
        }
        for lead in leads
    ]
    async with factory.container.engine.begin() as conn:
        for row in rows:  # each with its own columns
            await conn.execute(sa.insert(intake_leads).values(row))


async def _seed_calls(factory: Factory, org: Org, *seeded: dict[str, Any]) -> None:
    """Calls as the telephony step stores them from a PBX's events."""
    rows = [
        {
            "id": uuid.uuid4(),
            "organisation_id": org.id,
            "provider": "zadarma",
            "provider_call_id": f"in_{uuid.uuid4().hex}",
            "direction": "inbound",
            "result": "answered",
            **call,
        }
        for call in seeded
    ]
    async with factory.container.engine.begin() as conn:
        for row in rows:
            await conn.execute(sa.insert(calls).values(row))


class TestLeadReport:
    async def test_posted_leads_by_source_campaign_channel_and_day(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        await create_funnel(factory, admin)
        site = await create_form(factory, admin, name="Сайт")
        landing = await create_form(factory, admin, name="Лендинг")
        posts = [
            (site, "name=А&phone=89160000001&utm_source=yandex&utm_campaign=autumn"),
            (site, "name=Б&phone=89160000002&utm_source=yandex&utm_campaign=autumn"),
            (landing, "name=В&phone=89160000003&utm_source=yandex"),
            (landing, "name=Г&phone=89160000004&utm_source=google&utm_campaign=brand"),
        ]
        for form, body in posts:
            assert (await post_form(factory.client, form["key"], body)).status_code == 200
        await drain(factory.container)

        by_source = await _report(factory, admin, "leads", "?group_by=source")
        assert by_source["group_by"] == "source"
        assert [(r["key"], r["leads"]) for r in by_source["rows"]] == [("yandex", 3), ("google", 1)]
        assert by_source["total"]["leads"] == 4
        assert by_source["total"]["with_deal"] == 4
        assert by_source["total"]["key"] is None
        assert by_source["truncated"] is False

        by_campaign = _by_key(await _report(factory, admin, "leads", "?group_by=campaign"))
        assert {k: r["leads"] for k, r in by_campaign.items()} == {
            "autumn": 2,
            "brand": 1,
            None: 1,
        }

        by_channel = _by_key(await _report(factory, admin, "leads", "?group_by=channel"))
        assert {r["label"]: r["leads"] for r in by_channel.values()} == {"Сайт": 2, "Лендинг": 2}
        assert set(by_channel) == {site["id"], landing["id"]}

        today = await _today(factory, admin)
        by_day = await _report(factory, admin, "leads", "?group_by=day")
        assert [(r["key"], r["leads"]) for r in by_day["rows"]] == [(today, 4)]
        assert by_day["period"]["date_to"] == today

        # Another organisation's report counts none of them.
        _, stranger = await factory.admin_session()
        assert (await _report(factory, stranger, "leads"))["total"]["leads"] == 0

    async def test_a_head_counts_their_teams_leads_and_a_seller_may_not_read_reports(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        team = await factory.department(org)
        head = await factory.user(org, "head_of_sales", department=team)
        member = await factory.user(org, "seller", department=team, full_name="Ирина Продажи")
        outsider = await factory.user(org, "seller")
        marketer = await factory.user(org, "marketer")
        now = datetime.now(UTC)
        await _seed_leads(
            factory,
            org,
            {"source": "yandex", "assignee_id": member.id, "assigned_at": now},
            {"source": "yandex", "assignee_id": member.id, "assigned_at": now, "status": "spam"},
            {"source": "google", "assignee_id": outsider.id, "assigned_at": now},
            {"source": "google"},
        )
        head_view = await _report(factory, await factory.login(head), "leads", "?group_by=manager")
        assert [(r["key"], r["label"], r["leads"], r["spam"]) for r in head_view["rows"]] == [
            (str(member.id), "Ирина Продажи", 2, 1)
        ]
        assert head_view["total"]["leads"] == 2
        everyone = await _report(factory, admin, "leads", "?group_by=manager")
        assert everyone["total"]["leads"] == 4
        assert everyone["total"]["assigned"] == 3
        assert _by_key(everyone)[None]["leads"] == 1  # nobody has it yet
        marketing = await _report(factory, await factory.login(marketer), "leads")
        assert marketing["total"]["leads"] == 4
        refused = await factory.client.get(
            f"{REPORTS}/leads", headers=(await factory.login(outsider)).headers
        )
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("application/problem+json")

    async def test_the_period_is_the_organisations_days_and_bounded(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        old = datetime.now(UTC) - timedelta(days=45)
        await _seed_leads(factory, org, {"source": "old", "received_at": old}, {"source": "new"})
        recent = await _report(factory, admin, "leads")
        assert recent["total"]["leads"] == 1  # the default: the last 30 days
        first = (old - timedelta(days=2)).date().isoformat()
        last = (old + timedelta(days=2)).date().isoformat()
        then = await _report(factory, admin, "leads", f"?date_from={first}&date_to={last}")
        assert [r["key"] for r in then["rows"]] == ["old"]
        assert then["period"]["date_from"] == first
        backwards = await _report(
            factory, admin, "leads", f"?date_from={last}&date_to={first}", status=422
        )
        assert backwards["errors"][0]["loc"] == ["query", "date_from"]
        too_long = await _report(
            factory, admin, "leads", "?date_from=2025-01-01&date_to=2026-03-01", status=422
        )
        assert too_long["errors"][0]["loc"] == ["query", "date_to"]
        await _report(factory, admin, "leads", "?group_by=colour", status=422)
        await _report(factory, admin, "leads", "?date_from=1000-01-01", status=422)

    async def test_by_day_every_day_in_date_order_in_the_organisations_time_zone(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        zone = ZoneInfo((await _get_organisation(factory, admin))["time_zone"])
        today = datetime.now(UTC).astimezone(zone).date()

        # 00:30 local time is the day before in UTC for the zones east of Greenwich.
        def at(days_ago: int) -> datetime:
            day = today - timedelta(days=days_ago)
            return datetime(day.year, day.month, day.day, 0, 30, tzinfo=zone)

        await _seed_leads(
            factory,
            org,
            *[{"source": "a", "received_at": at(5)} for _ in range(3)],
            {"source": "a", "received_at": at(2)},
            *[{"source": "a", "received_at": at(1)} for _ in range(2)],
        )
        report = await _report(factory, admin, "leads", "?group_by=day")
        days = [(today - timedelta(days=n)).isoformat() for n in (5, 2, 1)]
        assert [(r["key"], r["leads"]) for r in report["rows"]] == list(
            zip(days, [3, 1, 2], strict=True)
        )


class TestResponseTimes:
    async def test_per_manager_from_assignment_to_the_first_answer(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        fast = await factory.user(org, "seller", full_name="Быстрый")
        slow = await factory.user(org, "seller", full_name="Медленный")
        at = datetime.now(UTC) - timedelta(hours=2)

        def lead(who: UUID, seconds: int | None) -> dict[str, Any]:
            answered = at + timedelta(seconds=seconds) if seconds is not None else None
            return {"assignee_id": who, "assigned_at": at, "first_response_at": answered}

        await _seed_leads(
            factory,
            org,
            lead(fast.id, 60),
            lead(fast.id, 120),
            lead(fast.id, 600),
            lead(fast.id, None),
            lead(slow.id, 3600),
            {"source": "unassigned"},
        )
        report = await _report(factory, admin, "response-times")
        rows = _by_key(report)
        assert list(rows) == [str(fast.id), str(slow.id)]
        quick = rows[str(fast.id)]
        assert quick["label"] == "Быстрый"
        assert (quick["assigned"], quick["responded"]) == (4, 3)
        assert quick["average_seconds"] == 260
        assert quick["median_seconds"] == 120
        assert quick["p90_seconds"] == 504
        assert rows[str(slow.id)]["median_seconds"] == 3600
        assert report["total"]["assigned"] == 5
        assert report["total"]["median_seconds"] == 360
        own = await _report(factory, await factory.login(slow), "response-times", status=403)
        assert own["status"] == 403


class TestCallReports:
    async def test_calls_by_tracking_number_source_and_manager(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        seller = await factory.user(org, "seller", full_name="Оператор")
        now = datetime.now(UTC) - timedelta(hours=3)
        await _seed_calls(
            factory,
            org,
            {
                "company_number": "+74950000001",
                "source": "yandex",
                "campaign": "autumn",
                "client_number": "+79160000001",
                "employee_id": seller.id,
                "started_at": now,
                "talk_seconds": 100,
            },
            {
                "company_number": "+74950000001",
                "source": "yandex",
                "client_number": "+79160000002",
                "started_at": now,
                "result": "missed",
            },
            {
                "company_number": "+74950000002",
                "source": "avito",
                "client_number": "+79160000003",
                "started_at": now,
                "result": "busy",
            },
            {
                "direction": "outbound",
                "company_number": "+74950000002",
                "client_number": "+79160000003",
                "employee_id": seller.id,
                "started_at": now + timedelta(minutes=10),
                "talk_seconds": 50,
            },
        )
        numbers = await _report(factory, admin, "calls", "?group_by=tracking_number")
        assert {r["key"]: (r["calls"], r["missed"]) for r in numbers["rows"]} == {
            "+74950000001": (2, 1),
            "+74950000002": (2, 1),
        }
        total = numbers["total"]
        assert (total["calls"], total["inbound"], total["outbound"]) == (4, 3, 1)
        assert (total["answered"], total["missed"], total["talk_seconds"]) == (2, 2, 150)
        sources = _by_key(await _report(factory, admin, "calls", "?group_by=source"))
        assert sources["yandex"]["calls"] == 2
        people = _by_key(await _report(factory, admin, "calls", "?group_by=manager"))
        assert people[str(seller.id)]["label"] == "Оператор"
        assert people[str(seller.id)]["talk_seconds"] == 150

    async def test_missed_calls_and_the_time_to_call_back(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        team = await factory.department(org)
        head = await factory.user(org, "head_of_sales", department=team)
        seller = await factory.user(org, "seller", department=team, full_name="Перезвонит")
        client = await create_client(factory, admin, name="Звонивший")
        task = await factory.client.post(
            f"{API}/tasks",
            json={"title": "Перезвонить", "client_id": client["id"], "assignee_id": str(seller.id)},
            headers=admin.headers,
        )
        assert task.status_code == 201, task.text
        missed_at = datetime.now(UTC) - timedelta(hours=5)
        await _seed_calls(
            factory,
            org,
            # Called back by the seller 15 minutes later.
            {
                "client_number": "+79160000011",
                "company_number": "+74950000001",
                "started_at": missed_at,
                "result": "no_answer",
                "callback_task_id": UUID(task.json()["id"]),
            },
            {
                "direction": "outbound",
                "client_number": "+79160000011",
                "employee_id": seller.id,
                "started_at": missed_at + timedelta(minutes=15),
            },
            # Called again by the client after an hour, and answered.
            {
                "client_number": "+79160000012",
                "company_number": "+74950000001",
                "started_at": missed_at,
                "result": "missed",
            },
            {
                "client_number": "+79160000012",
                "started_at": missed_at + timedelta(hours=1),
            },
            # Never called back (a later unanswered attempt is no call back).
            {"client_number": "+79160000013", "started_at": missed_at, "result": "cancelled"},
            {
                "direction": "outbound",
                "client_number": "+79160000013",
                "started_at": missed_at + timedelta(minutes=5),
                "result": "no_answer",
            },
        )
        report = await _report(factory, admin, "missed-calls")
        total = report["total"]
        assert (total["missed"], total["called_back"]) == (3, 2)
        assert total["average_seconds"] == (15 * 60 + 3600) // 2
        assert total["max_seconds"] == 3600
        rows = _by_key(report)
        assert rows[str(seller.id)]["label"] == "Перезвонит"
        assert rows[str(seller.id)]["median_seconds"] == 15 * 60
        assert rows[None]["missed"] == 2  # nobody was given these
        numbers = _by_key(
            await _report(factory, admin, "missed-calls", "?group_by=tracking_number")
        )
        assert numbers["+74950000001"]["called_back"] == 2
        team_view = await _report(factory, await factory.login(head), "missed-calls")
        assert team_view["total"]["missed"] == 1  # the team's callback only
