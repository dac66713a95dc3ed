"""The work-time map through HTTP (issue 12, item 6): calls, meetings, tasks done and deal
moves by weekday and hour of the organisation's clock (Moscow here), per employee the caller
sees, narrowed to one employee or a department's subtree."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from adapters.db.tables.activities import activities, tasks
from adapters.db.tables.deals import stage_moves
from tests.api.attachments.support import API, insert, make_client, make_deal, world
from tests.api.deals.support import error_locs, json_of
from tests.factories import Factory, Session

MOSCOW = ZoneInfo("Europe/Moscow")
PERIOD = {"from": "2026-11-01", "to": "2026-11-30"}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of November 2026 on Moscow's clock (2 November is a Monday)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=MOSCOW)


async def work(factory: Factory) -> Any:
    w = await world(factory)
    org = factory.container
    c = await make_client(org, w.org, w.seller.user)
    deal = await make_deal(org, w.org, w.junior.user)

    async def activity(user: Session, kind: str, when: datetime) -> None:
        await insert(
            org,
            activities,
            organisation_id=w.org.id,
            client_id=c,
            kind=kind,
            occurred_at=when,
            author_id=user.user.id,
        )

    await activity(w.seller, "call", at(2, 10, 15))
    await activity(w.seller, "meeting", at(3, 15, 30))
    await activity(w.seller, "note", at(3, 16))  # neither a call nor a meeting
    await activity(w.rival, "call", at(4, 9, 5))
    await activity(w.seller, "call", datetime(2026, 10, 31, 23, 59, tzinfo=MOSCOW))  # before
    await insert(
        org,
        tasks,
        organisation_id=w.org.id,
        client_id=c,
        title="Перезвонить",
        assignee_id=w.seller.user.id,
        done_at=at(2, 10, 40),
        done_by=w.seller.user.id,
    )
    for kind in ("created", "moved"):
        await insert(
            org,
            stage_moves,
            id=uuid.uuid4(),
            organisation_id=w.org.id,
            deal_id=deal,
            kind=kind,
            to_status="open",
            at=at(2, 11),
            by_user_id=w.junior.user.id,
        )
    return w


async def work_time(factory: Factory, session: Session, **params: Any) -> dict[str, Any]:
    response = await factory.client.get(
        f"{API}/analytics/work-time", params={**PERIOD, **params}, headers=session.headers
    )
    return json_of(response, 200)  # type: ignore[no-any-return]


def cells(result: dict[str, Any]) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    return {
        (c["weekday"], c["hour"]): (c["calls"], c["meetings"], c["tasks_done"], c["stage_moves"])
        for c in result["cells"]
    }


def totals(result: dict[str, Any]) -> dict[str, tuple[int, int, int, int]]:
    return {
        e["user_id"]: tuple(
            e["totals"][m] for m in ("calls", "meetings", "tasks_done", "stage_moves")
        )
        for e in result["employees"]
    }


class TestWorkTimeMap:
    async def test_the_admin_sees_everyones_hours_on_the_organisations_clock(
        self, factory: Factory
    ) -> None:
        w = await work(factory)
        result = await work_time(factory, w.admin)
        assert result["time_zone"] == "Europe/Moscow"
        assert cells(result) == {
            (1, 10): (1, 0, 1, 0),
            (1, 11): (0, 0, 0, 1),
            (2, 15): (0, 1, 0, 0),
            (3, 9): (1, 0, 0, 0),
        }
        assert totals(result) == {
            str(w.seller.user.id): (1, 1, 1, 0),
            str(w.rival.user.id): (1, 0, 0, 0),
            str(w.junior.user.id): (0, 0, 0, 1),
        }
        assert result["employees"][0]["user_id"] == str(w.seller.user.id)  # busiest first

    async def test_each_caller_sees_the_people_they_see(self, factory: Factory) -> None:
        w = await work(factory)
        head = await work_time(factory, w.head_north)
        assert set(totals(head)) == {str(w.seller.user.id), str(w.junior.user.id)}
        assert (3, 9) not in cells(head)
        mine = await work_time(factory, w.seller)
        assert set(totals(mine)) == {str(w.seller.user.id)}
        outsider = await work_time(factory, w.outsider)
        assert (outsider["employees"], outsider["cells"]) == ([], [])

    async def test_one_employee_or_one_department(self, factory: Factory) -> None:
        w = await work(factory)
        junior = await work_time(factory, w.admin, user_id=str(w.junior.user.id))
        assert cells(junior) == {(1, 11): (0, 0, 0, 1)}
        sub = await work_time(factory, w.admin, department_id=str(w.north_sub.id))
        assert set(totals(sub)) == {str(w.junior.user.id)}
        north = await work_time(factory, w.admin, department_id=str(w.north.id))
        assert set(totals(north)) == {str(w.seller.user.id), str(w.junior.user.id)}

    async def test_what_is_out_of_sight_is_not_found_and_bad_periods_refused(
        self, factory: Factory
    ) -> None:
        w = await work(factory)
        for params in ({"user_id": str(w.rival.user.id)}, {"department_id": str(w.south.id)}):
            response = await factory.client.get(
                f"{API}/analytics/work-time",
                params={**PERIOD, **params},
                headers=w.head_north.headers,
            )
            assert response.status_code == 404, params
        reversed_period = await factory.client.get(
            f"{API}/analytics/work-time",
            params={"from": "2026-11-30", "to": "2026-11-01"},
            headers=w.admin.headers,
        )
        assert error_locs(reversed_period) == [["query", "to"]]
