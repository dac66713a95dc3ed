"""The work-time rollup (migration 0032) stays exact: every change of an activity, a task or a
stage move, made through the API or straight in the database, moves its count to the right
hour, employee and metric in the same transaction, and ``work_time_rebuild`` recomputes the
very rows the triggers keep. A zone whose hours are not UTC hours is counted from the events."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from adapters.bootstrap import Container
from adapters.db.tables.activities import activities
from adapters.db.tables.deals import stage_moves
from adapters.db.tables.worktime import work_time_hours
from tests.api.analytics.test_work_time import at, cells, totals, work, work_time
from tests.api.attachments.support import API, make_client
from tests.api.deals.support import (
    create_deal,
    create_funnel,
    if_match,
    json_of,
    move,
    stage_named,
)
from tests.factories import Factory

MOSCOW = ZoneInfo("Europe/Moscow")
Rows = dict[tuple[datetime, uuid.UUID], tuple[int, int, int, int]]


async def rollup(container: Container, organisation_id: uuid.UUID) -> Rows:
    """The organisation's rollup rows with anything in them: (UTC hour, employee) ->
    (calls, meetings, tasks done, stage moves)."""
    w = work_time_hours
    counts = (w.c.calls, w.c.meetings, w.c.tasks_done, w.c.stage_moves)
    async with container.engine.connect() as conn:
        found = await conn.execute(
            sa.select(w.c.hour_at, w.c.user_id, *counts).where(
                w.c.organisation_id == organisation_id, sa.or_(*(c != 0 for c in counts))
            )
        )
        return {
            (r.hour_at, r.user_id): (r.calls, r.meetings, r.tasks_done, r.stage_moves)
            for r in found
        }


async def rebuilt(container: Container, organisation_id: uuid.UUID) -> Rows:
    """What work_time_rebuild makes of the organisation's events (rolled back afterwards, so
    the rows the triggers keep stay under test)."""
    w = work_time_hours
    async with container.engine.connect() as conn, conn.begin() as transaction:
        written = await conn.scalar(sa.select(sa.func.work_time_rebuild(organisation_id)))
        found = await conn.execute(
            sa.select(
                w.c.hour_at, w.c.user_id, w.c.calls, w.c.meetings, w.c.tasks_done, w.c.stage_moves
            ).where(w.c.organisation_id == organisation_id)
        )
        rows = {
            (r.hour_at, r.user_id): (r.calls, r.meetings, r.tasks_done, r.stage_moves)
            for r in found
        }
        await transaction.rollback()
    assert written == len(rows)  # the rebuild keeps no empty row
    return rows


async def assert_exact(container: Container, organisation_id: uuid.UUID) -> Rows:
    rows = await rollup(container, organisation_id)
    assert rows == await rebuilt(container, organisation_id)
    return rows


def utc_hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def today_period() -> dict[str, str]:
    """Yesterday to tomorrow on Moscow's clock: whatever the API stamps now falls in it."""
    today = datetime.now(MOSCOW).date()
    return {
        "from": (today - timedelta(days=1)).isoformat(),
        "to": (today + timedelta(days=1)).isoformat(),
    }


def cell_of(moment: str) -> tuple[int, int]:
    local = datetime.fromisoformat(moment).astimezone(MOSCOW)
    return local.isoweekday(), local.hour


class TestTheRollupFollowsEveryChange:
    async def test_the_map_data_is_in_the_rollup_by_utc_hour(self, factory: Factory) -> None:
        w = await work(factory)
        rows = await assert_exact(factory.container, w.org.id)
        seller, junior, rival = (s.user.id for s in (w.seller, w.junior, w.rival))
        assert rows == {
            # 2 November 10:15 Moscow is 07:00 UTC's hour: a call, and a task done at 10:40.
            (utc_hour(at(2, 10)), seller): (1, 0, 1, 0),
            (utc_hour(at(3, 15)), seller): (0, 1, 0, 0),
            (utc_hour(at(4, 9)), rival): (1, 0, 0, 0),
            # The deal's creation is no move; the move is.
            (utc_hour(at(2, 11)), junior): (0, 0, 0, 1),
            # Before the period, still counted: the rollup holds every hour.
            (utc_hour(datetime(2026, 10, 31, 23, tzinfo=MOSCOW)), seller): (1, 0, 0, 0),
        }

    async def test_an_activity_moved_in_time_changed_in_kind_or_author_then_deleted(
        self, factory: Factory
    ) -> None:
        w = await work(factory)
        container, org = factory.container, w.org.id
        client_id = await make_client(container, w.org, w.seller.user)
        created = json_of(
            await factory.client.post(
                f"{API}/activities",
                json={
                    "kind": "call",
                    "client_id": str(client_id),
                    "occurred_at": at(5, 12, 30).isoformat(),
                },
                headers=w.seller.headers,
            ),
            201,
        )
        assert cells(await work_time(factory, w.admin))[(4, 12)] == (1, 0, 0, 0)

        moved = await factory.client.patch(
            f"{API}/activities/{created['id']}",
            json={"kind": "meeting", "occurred_at": at(6, 17, 45).isoformat()},
            headers={**w.seller.headers, **if_match(created["version"])},
        )
        edited = json_of(moved, 200)
        result = await work_time(factory, w.admin)
        assert (4, 12) not in cells(result)
        assert cells(result)[(5, 17)] == (0, 1, 0, 0)
        assert totals(result)[str(w.seller.user.id)] == (1, 2, 1, 0)
        rows = await assert_exact(container, org)
        assert rows[(utc_hour(at(6, 17)), w.seller.user.id)] == (0, 1, 0, 0)

        # An edit of what the map does not count writes nothing.
        before = await rollup(container, org)
        renamed = await factory.client.patch(
            f"{API}/activities/{created['id']}",
            json={"subject": "Встреча в офисе"},
            headers={**w.seller.headers, **if_match(edited["version"])},
        )
        edited = json_of(renamed, 200)
        assert await rollup(container, org) == before

        # No API hands an activity to another author; a repair in the database does.
        async with container.engine.begin() as conn:
            await conn.execute(
                sa.update(activities)
                .where(
                    activities.c.organisation_id == org,
                    activities.c.id == uuid.UUID(created["id"]),
                )
                .values(author_id=w.rival.user.id)
            )
        result = await work_time(factory, w.admin)
        assert totals(result)[str(w.seller.user.id)] == (1, 1, 1, 0)
        assert totals(result)[str(w.rival.user.id)] == (1, 1, 0, 0)
        rows = await assert_exact(container, org)
        assert rows[(utc_hour(at(6, 17)), w.rival.user.id)] == (0, 1, 0, 0)
        assert (utc_hour(at(6, 17)), w.seller.user.id) not in rows

        deleted = await factory.client.delete(
            f"{API}/activities/{created['id']}", headers=w.admin.headers
        )
        assert deleted.status_code == 204, deleted.text
        result = await work_time(factory, w.admin)
        assert (5, 17) not in cells(result)
        assert totals(result)[str(w.rival.user.id)] == (1, 0, 0, 0)
        rows = await assert_exact(container, org)
        assert not any(hour == utc_hour(at(6, 17)) for hour, _ in rows)

    async def test_a_task_done_reopened_done_again_and_deleted(self, factory: Factory) -> None:
        w = await work(factory)
        container, org = factory.container, w.org.id
        client_id = await make_client(container, w.org, w.seller.user)
        task = json_of(
            await factory.client.post(
                f"{API}/tasks",
                json={"title": "Отправить КП", "client_id": str(client_id)},
                headers=w.seller.headers,
            ),
            201,
        )
        seller = str(w.seller.user.id)

        async def done_today() -> tuple[int, int, int, int] | None:
            return totals(await work_time(factory, w.admin, **today_period())).get(seller)

        async def step(action: str, version: int) -> dict[str, Any]:
            response = await factory.client.post(
                f"{API}/tasks/{task['id']}/{action}",
                headers={**w.seller.headers, **if_match(version)},
            )
            return json_of(response, 200)  # type: ignore[no-any-return]

        assert await done_today() is None
        done = await step("complete", task["version"])
        assert await done_today() == (0, 0, 1, 0)
        cell = cell_of(done["done_at"])
        assert cells(await work_time(factory, w.admin, **today_period()))[cell] == (0, 0, 1, 0)
        await assert_exact(container, org)

        reopened = await step("reopen", done["version"])
        assert await done_today() is None
        assert (await work_time(factory, w.admin, **today_period()))["cells"] == []
        await assert_exact(container, org)

        again = await step("complete", reopened["version"])
        assert await done_today() == (0, 0, 1, 0)
        await assert_exact(container, org)

        deleted = await factory.client.delete(
            f"{API}/tasks/{task['id']}",
            headers={**w.seller.headers, **if_match(again["version"])},
        )
        assert deleted.status_code == 204, deleted.text
        assert await done_today() is None
        await assert_exact(container, org)

    async def test_deal_moves_count_and_a_deals_creation_does_not(self, factory: Factory) -> None:
        w = await work(factory)
        container, org = factory.container, w.org.id
        funnel = await create_funnel(factory, w.admin)
        deal = await create_deal(
            factory, w.seller, funnel_id=funnel["id"], amount="1000.00", currency="RUB"
        )
        seller = str(w.seller.user.id)
        period = today_period()
        assert seller not in totals(await work_time(factory, w.admin, **period))

        second = stage_named(funnel, "Второй")["id"]
        moved = json_of(await move(factory, w.seller, deal["id"], second), 200)
        won = await factory.client.post(
            f"{API}/deals/{deal['id']}/win",
            headers={**w.seller.headers, **if_match(moved["version"])},
        )
        json_of(won, 200)
        assert totals(await work_time(factory, w.admin, **period))[seller] == (0, 0, 0, 2)
        await assert_exact(container, org)

        # The history going (a deal's deletion cascades to it) takes its count along.
        async with container.engine.begin() as conn:
            await conn.execute(
                sa.delete(stage_moves).where(
                    stage_moves.c.organisation_id == org,
                    stage_moves.c.deal_id == uuid.UUID(deal["id"]),
                    stage_moves.c.kind == "won",
                )
            )
        assert totals(await work_time(factory, w.admin, **period))[seller] == (0, 0, 0, 1)
        await assert_exact(container, org)

    async def test_one_statement_over_many_rows_is_one_exact_batch(self, factory: Factory) -> None:
        w = await work(factory)
        container, org = factory.container, w.org.id
        # Every counted event of the organisation shifted by a day and handed to the junior,
        # then all its calls turned into notes: bulk statements, as a merge or a repair makes.
        async with container.engine.begin() as conn:
            await conn.execute(
                sa.update(activities)
                .where(activities.c.organisation_id == org)
                .values(
                    occurred_at=activities.c.occurred_at + timedelta(days=1),
                    author_id=w.junior.user.id,
                )
            )
            await conn.execute(
                sa.update(stage_moves)
                .where(stage_moves.c.organisation_id == org)
                .values(at=stage_moves.c.at + timedelta(days=1))
            )
        result = await work_time(factory, w.admin)
        assert cells(result) == {
            (1, 10): (0, 0, 1, 0),  # the task done stays
            (2, 10): (1, 0, 0, 0),
            (2, 11): (0, 0, 0, 1),
            (3, 15): (0, 1, 0, 0),
            (4, 9): (1, 0, 0, 0),
            (7, 23): (1, 0, 0, 0),  # 31 October's call, now on 1 November
        }
        assert totals(result)[str(w.junior.user.id)] == (3, 1, 0, 1)
        await assert_exact(container, org)
        async with container.engine.begin() as conn:
            await conn.execute(
                sa.update(activities)
                .where(activities.c.organisation_id == org, activities.c.kind == "call")
                .values(kind="note")
            )
        assert totals(await work_time(factory, w.admin))[str(w.junior.user.id)] == (0, 1, 0, 1)
        await assert_exact(container, org)

    async def test_rebuild_after_the_rows_were_lost_gives_them_back(self, factory: Factory) -> None:
        w = await work(factory)
        container, org = factory.container, w.org.id
        kept = await rollup(container, org)
        async with container.engine.begin() as conn:
            await conn.execute(
                sa.delete(work_time_hours).where(work_time_hours.c.organisation_id == org)
            )
        assert (await work_time(factory, w.admin))["employees"] == []
        async with container.engine.begin() as conn:
            written = await conn.scalar(sa.select(sa.func.work_time_rebuild(org)))
        assert written == len(kept)
        assert await rollup(container, org) == kept

    async def test_an_organisations_deletion_takes_its_rollup_along(self, factory: Factory) -> None:
        w = await work(factory)
        container, org = factory.container, w.org.id
        other = (await work_time(factory, w.outsider))["employees"]
        async with container.engine.begin() as conn:
            await conn.execute(sa.text("DELETE FROM organisations WHERE id = :id"), {"id": org})
        assert await rollup(container, org) == {}
        assert (await work_time(factory, w.outsider))["employees"] == other


class TestAZoneOffByHalfAnHour:
    async def test_is_counted_from_the_events_on_its_own_clock(self, factory: Factory) -> None:
        w = await work(factory)
        changed = await factory.client.patch(
            f"{API}/organisation", json={"time_zone": "Asia/Kolkata"}, headers=w.admin.headers
        )
        assert json_of(changed, 200)["time_zone"] == "Asia/Kolkata"
        result = await work_time(factory, w.admin)
        # Kolkata is UTC+5:30, Moscow UTC+3. Each UTC hour is half of two of Kolkata's, so the
        # task done at 10:40 Moscow (13:10 there, its UTC hour starting at 12:30) and the
        # meeting at 15:30 (18:00 there, its UTC hour starting at 17:30) would land an hour
        # early in hour buckets.
        assert cells(result) == {
            (1, 12): (1, 0, 0, 0),  # the call at 10:15 Moscow, 12:45 in Kolkata
            (1, 13): (0, 0, 1, 1),  # the task at 13:10, the move at 13:30
            (2, 18): (0, 1, 0, 0),
            (3, 11): (1, 0, 0, 0),
            # 31 October 23:59 Moscow is 1 November 02:29 in Kolkata: in November there.
            (7, 2): (1, 0, 0, 0),
        }
        assert totals(result)[str(w.seller.user.id)] == (2, 1, 1, 0)
