"""The deal list's filters behind the dashboard's numbers: the responsible's department (its
subtree), the stage reached, the loss reason, and the days a deal was created or closed on in
the organisation's time zone; through the list, its totals and the board, within what the
caller sees."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.db.tables.deals import deals
from domain.staff.model import Department
from tests.api.deals.support import (
    API,
    create_deal,
    create_funnel,
    error_locs,
    json_of,
    move,
    unique_name,
)
from tests.factories import Factory, Session


@dataclass(slots=True)
class World:
    """Sales (headed by ``head``, with ``seller``) and its sub-department (``junior``), a
    separate department (``stranger``), the admin, the organisation's funnel (two stages) and
    one deal per person, in its first stage."""

    admin: Session
    head: Session
    seller: Session
    junior: Session
    stranger: Session
    sales: Department
    sub: Department
    other: Department
    funnel: dict[str, Any]
    deal: dict[str, dict[str, Any]]


async def world(factory: Factory) -> World:
    org, admin = await factory.admin_session()
    head_user = await factory.user(org, "head_of_sales")
    sales = await factory.department(org, head=head_user)
    sub = await factory.department(org, parent=sales)
    other = await factory.department(org)
    async with factory.container.uow() as uow:
        head_user.assign(department_id=sales.id)
        await uow.users.update(head_user, head_user.version)
        await uow.commit()
    people = {
        "head": await factory.login(head_user),
        "seller": await factory.login(await factory.user(org, "seller", department=sales)),
        "junior": await factory.login(await factory.user(org, "seller", department=sub)),
        "stranger": await factory.login(await factory.user(org, "seller", department=other)),
    }
    funnel = await create_funnel(factory, admin)  # the organisation's first, its default
    deal = {
        name: await create_deal(factory, session, title=unique_name(name), amount="100")
        for name, session in people.items()
    }
    return World(
        admin=admin,
        **people,
        sales=sales,
        sub=sub,
        other=other,
        funnel=funnel,
        deal=deal,
    )


async def listed(factory: Factory, session: Session, query: str) -> set[str]:
    response = await factory.client.get(f"{API}/deals?{query}", headers=session.headers)
    return {d["id"] for d in json_of(response, 200)["items"]}


async def counted(factory: Factory, session: Session, query: str) -> int:
    """The deals GET /deals/totals counts (exact over this few)."""
    response = await factory.client.get(f"{API}/deals/totals?{query}", headers=session.headers)
    body = json_of(response, 200)
    assert body["exact"] is True
    return sum(c["count"] for c in body["currencies"])


def ids(w: World, *names: str) -> set[str]:
    return {w.deal[name]["id"] for name in names}


class TestDepartmentFilter:
    async def test_selects_the_deals_of_the_department_and_the_ones_below_it(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        assert await listed(factory, w.admin, f"department_id={w.sales.id}") == ids(
            w, "head", "seller", "junior"
        )
        assert await listed(factory, w.admin, f"department_id={w.sub.id}") == ids(w, "junior")
        assert await listed(factory, w.admin, f"department_id={w.other.id}") == ids(w, "stranger")
        assert await counted(factory, w.admin, f"department_id={w.sales.id}") == 3

    async def test_narrows_what_the_caller_sees_and_adds_nothing(self, factory: Factory) -> None:
        w = await world(factory)
        # A head asking for a department outside their team sees none of its deals.
        assert await listed(factory, w.head, f"department_id={w.other.id}") == set()
        assert await counted(factory, w.head, f"department_id={w.other.id}") == 0
        assert await listed(factory, w.head, f"department_id={w.sub.id}") == ids(w, "junior")
        # A seller filtering on their department still sees only their own deals.
        assert await listed(factory, w.seller, f"department_id={w.sales.id}") == ids(w, "seller")
        assert await counted(factory, w.seller, f"department_id={w.sales.id}") == 1
        # Another organisation's admin names this organisation's department: nothing.
        _, outsider = await factory.admin_session()
        assert await listed(factory, outsider, f"department_id={w.sales.id}") == set()

    async def test_meets_the_responsible_filter(self, factory: Factory) -> None:
        w = await world(factory)
        junior, stranger = w.junior.user.id, w.stranger.user.id
        query = f"department_id={w.sales.id}&responsible_id={junior}&responsible_id={stranger}"
        assert await listed(factory, w.admin, query) == ids(w, "junior")
        assert await counted(factory, w.admin, query) == 1

    @pytest.mark.usefixtures("exact_up_to_one")
    async def test_totals_come_from_the_counters(self, factory: Factory) -> None:
        """The department narrows the responsibles the counters are read for, so its totals
        stay exact however many deals it has (here more than the one counted deal by deal)."""
        w = await world(factory)
        response = await factory.client.get(
            f"{API}/deals/totals?department_id={w.sales.id}", headers=w.admin.headers
        )
        assert json_of(response, 200) == {
            "exact": True,
            "currencies": [
                {"currency": "RUB", "count": 3, "amount": "300.00", "weighted_amount": "30.00"}
            ],
        }

    async def test_narrows_the_board_and_its_columns(self, factory: Factory) -> None:
        w = await world(factory)
        junior = w.deal["junior"]
        board = f"{API}/funnels/{junior['funnel_id']}/board"
        response = await factory.client.get(
            f"{board}?department_id={w.sub.id}", headers=w.admin.headers
        )
        columns = json_of(response, 200)["columns"]
        assert {d["id"] for c in columns for d in c["deals"]} == ids(w, "junior")
        assert sum(c["count"] for c in columns) == 1
        response = await factory.client.get(
            f"{board}/columns/{junior['stage_id']}?department_id={w.sub.id}",
            headers=w.admin.headers,
        )
        assert {d["id"] for d in json_of(response, 200)["deals"]} == ids(w, "junior")


async def lose(factory: Factory, session: Session, deal_id: str, reason_id: str) -> None:
    response = await factory.client.post(
        f"{API}/deals/{deal_id}/lose", json={"loss_reason_id": reason_id}, headers=session.headers
    )
    json_of(response, 200)


async def set_moments(factory: Factory, deal_id: str, **moments: datetime) -> None:
    """Pretend the deal was created or closed at these moments."""
    async with factory.container.engine.begin() as conn:
        await conn.execute(
            sa.update(deals).where(deals.c.id == uuid.UUID(deal_id)).values(**moments)
        )


class TestReachedStageFilter:
    async def test_selects_the_deals_that_entered_the_stage_at_any_time(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        first, second = (s["id"] for s in w.funnel["stages"])
        # The seller's deal moves on to the second stage and is won there; the junior's is
        # created in it; the head's and the stranger's stay in the first.
        json_of(await move(factory, w.seller, w.deal["seller"]["id"], second), 200)
        won = await factory.client.post(
            f"{API}/deals/{w.deal['seller']['id']}/win", headers=w.seller.headers
        )
        json_of(won, 200)
        created_there = await create_deal(factory, w.junior, stage_id=second, amount="100")
        query = f"reached_stage_id={second}"
        assert await listed(factory, w.admin, query) == {
            w.deal["seller"]["id"],
            created_there["id"],
        }
        assert await counted(factory, w.admin, query) == 2
        assert await listed(factory, w.admin, f"reached_stage_id={first}") == ids(
            w, "head", "seller", "junior", "stranger"
        )
        # Visibility still applies.
        assert await listed(factory, w.stranger, query) == set()


class TestLossReasonFilter:
    async def test_selects_the_deals_lost_for_any_of_the_reasons(self, factory: Factory) -> None:
        w = await world(factory)
        reasons = json_of(
            await factory.client.get(f"{API}/loss-reasons", headers=w.admin.headers), 200
        )
        first, second = reasons[0]["id"], reasons[1]["id"]
        await lose(factory, w.seller, w.deal["seller"]["id"], first)
        await lose(factory, w.junior, w.deal["junior"]["id"], second)
        assert await listed(factory, w.admin, f"loss_reason_id={first}") == ids(w, "seller")
        both = f"loss_reason_id={first}&loss_reason_id={second}"
        assert await listed(factory, w.admin, both) == ids(w, "seller", "junior")
        assert await counted(factory, w.admin, both) == 2
        # Visibility still applies: the stranger sees neither.
        assert await listed(factory, w.stranger, both) == set()


class TestDayFilters:
    async def test_closed_days_are_the_organisations_calendar_days(self, factory: Factory) -> None:
        w = await world(factory)
        response = await factory.client.patch(
            f"{API}/organisation", json={"time_zone": "Asia/Vladivostok"}, headers=w.admin.headers
        )
        json_of(response, 200)
        reasons = json_of(
            await factory.client.get(f"{API}/loss-reasons", headers=w.admin.headers), 200
        )
        await lose(factory, w.seller, w.deal["seller"]["id"], reasons[0]["id"])
        won = await factory.client.post(
            f"{API}/deals/{w.deal['junior']['id']}/win", headers=w.junior.headers
        )
        json_of(won, 200)
        # 14:30 UTC on 31 March is already 1 April in Vladivostok (UTC+10); 13:30 is not.
        await set_moments(
            factory, w.deal["seller"]["id"], closed_at=datetime(2026, 3, 31, 14, 30, tzinfo=UTC)
        )
        await set_moments(
            factory, w.deal["junior"]["id"], closed_at=datetime(2026, 3, 31, 13, 30, tzinfo=UTC)
        )
        april = "closed_from=2026-04-01&closed_to=2026-04-30"
        assert await listed(factory, w.admin, april) == ids(w, "seller")
        assert await counted(factory, w.admin, april) == 1
        march = "closed_from=2026-03-01&closed_to=2026-03-31"
        assert await listed(factory, w.admin, march) == ids(w, "junior")
        # Open deals have no close day: an open-ended period still leaves them out.
        assert await listed(factory, w.admin, "closed_from=2000-01-01") == ids(
            w, "seller", "junior"
        )
        assert await listed(factory, w.admin, "closed_to=2026-03-31&status=won") == ids(w, "junior")

    async def test_created_days_are_the_organisations_calendar_days(self, factory: Factory) -> None:
        w = await world(factory)
        # The default zone, Europe/Moscow (UTC+3): 21:30 UTC on 31 March is 1 April there.
        await set_moments(
            factory, w.deal["head"]["id"], created_at=datetime(2026, 3, 31, 21, 30, tzinfo=UTC)
        )
        await set_moments(
            factory, w.deal["seller"]["id"], created_at=datetime(2026, 3, 31, 20, 30, tzinfo=UTC)
        )
        query = "created_on_from=2026-04-01&created_on_to=2026-04-01"
        assert await listed(factory, w.admin, query) == ids(w, "head")
        assert await counted(factory, w.admin, query) == 1
        assert await listed(factory, w.admin, "created_on_to=2026-03-31") == ids(w, "seller")
        # Days and moments meet: the later start and the earlier end.
        both = "created_on_to=2026-04-01&created_to=2026-03-31T21:00:00Z"
        assert await listed(factory, w.admin, both) == ids(w, "seller")


class TestValidation:
    async def test_a_period_ending_before_it_starts_is_refused_on_its_end(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        for name in ("closed", "created_on"):
            response = await factory.client.get(
                f"{API}/deals?{name}_from=2026-04-02&{name}_to=2026-04-01", headers=admin.headers
            )
            assert response.status_code == 422, response.text
            assert response.headers["content-type"].startswith("application/problem+json")
            assert error_locs(response) == [["query", f"{name}_to"]]

    async def test_malformed_values_are_refused_with_their_field(self, factory: Factory) -> None:
        _, admin = await factory.admin_session()
        cases = {
            "closed_from=1800-01-01": ["query", "closed_from"],
            "closed_to=2026-02-30": ["query", "closed_to"],
            "created_on_from=yesterday": ["query", "created_on_from"],
            "department_id=sales": ["query", "department_id"],
            "loss_reason_id=price": ["query", "loss_reason_id", 0],
        }
        for query, loc in cases.items():
            for path in ("/deals", "/deals/totals"):
                response = await factory.client.get(f"{API}{path}?{query}", headers=admin.headers)
                assert response.status_code == 422, (path, query, response.text)
                assert loc in error_locs(response), (path, query, response.text)
