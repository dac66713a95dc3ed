"""Deal totals from the counters (issue 9): exact after every kind of change, equal to a sum
over the deals themselves, visibility, estimates marked as such, no deadlock between opposite
moves."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.db.tables.counters import deal_counters
from adapters.db.tables.deals import deals
from adapters.db.tables.funnels import stages
from adapters.db.tables.staff import absences
from tests.api.attachments.support import insert
from tests.api.deals.support import (
    API,
    Teams,
    create_client,
    create_deal,
    json_of,
    move,
    stage_named,
    teams,
)
from tests.factories import Factory, Session

CENT = Decimal("0.01")
Figures = dict[tuple[Any, ...], tuple[int, Decimal, Decimal]]


def weight(status: str, amount: Decimal, probability: Decimal) -> Decimal:
    """The weighted amount of one deal, computed here rather than by the database."""
    if status == "won":
        return amount
    if status == "lost":
        return Decimal("0.00")
    return (amount * probability / 100).quantize(CENT, rounding=ROUND_HALF_UP)


async def deal_rows(factory: Factory, org_id: uuid.UUID) -> list[Any]:
    async with factory.container.engine.connect() as conn:
        return list(
            await conn.execute(
                sa.select(deals, stages.c.probability)
                .select_from(deals.join(stages, stages.c.id == deals.c.stage_id))
                .where(deals.c.organisation_id == org_id)
            )
        )


async def brute_force(factory: Factory, org_id: uuid.UUID) -> Figures:
    """Counts and sums per counter key, over the deals one by one."""
    figures: Figures = {}
    for d in await deal_rows(factory, org_id):
        key = (d.responsible_id, d.funnel_id, d.stage_id, d.status, d.currency)
        n, amount, weighted = figures.get(key, (0, Decimal(0), Decimal(0)))
        figures[key] = (
            n + 1,
            amount + d.amount,
            weighted + weight(d.status, d.amount, d.probability),
        )
    return figures


async def counters(factory: Factory, org_id: uuid.UUID) -> Figures:
    c = deal_counters.c
    async with factory.container.engine.connect() as conn:
        rows = list(await conn.execute(sa.select(deal_counters).where(c.organisation_id == org_id)))
    # Rows may stay at zero; then they hold nothing at all.
    for r in rows:
        if r.deal_count == 0:
            assert (r.amount, r.weighted) == (0, 0), r
    return {
        (r.responsible_id, r.funnel_id, r.stage_id, r.status, r.currency): (
            r.deal_count,
            r.amount,
            r.weighted,
        )
        for r in rows
        if r.deal_count != 0
    }


async def assert_exact(factory: Factory, org_id: uuid.UUID) -> None:
    assert await counters(factory, org_id) == await brute_force(factory, org_id)


async def totals(factory: Factory, session: Session, query: str = "") -> dict[str, Any]:
    return json_of(  # type: ignore[no-any-return]
        await factory.client.get(f"{API}/deals/totals?{query}", headers=session.headers), 200
    )


def expected(rows: list[Any]) -> list[dict[str, Any]]:
    """GET /deals/totals' currencies for these deals."""
    by_currency: dict[str, tuple[int, Decimal, Decimal]] = {}
    for d in rows:
        n, amount, weighted = by_currency.get(d.currency, (0, Decimal(0), Decimal(0)))
        by_currency[d.currency] = (
            n + 1,
            amount + d.amount,
            weighted + weight(d.status, d.amount, d.probability),
        )
    return [
        {
            "currency": currency,
            "count": n,
            "amount": str(amount.quantize(CENT)),
            "weighted_amount": str(weighted.quantize(CENT)),
        }
        for currency, (n, amount, weighted) in sorted(by_currency.items())
    ]


async def lose(factory: Factory, session: Session, deal_id: str) -> None:
    reasons = json_of(await factory.client.get(f"{API}/loss-reasons", headers=session.headers), 200)
    response = await factory.client.post(
        f"{API}/deals/{deal_id}/lose",
        json={"loss_reason_id": reasons[0]["id"]},
        headers=session.headers,
    )
    json_of(response, 200)


async def post(factory: Factory, session: Session, url: str, **body: Any) -> Any:
    return json_of(
        await factory.client.post(f"{API}{url}", json=body, headers=session.headers), 200
    )


async def patch(factory: Factory, session: Session, url: str, **body: Any) -> Any:
    return json_of(
        await factory.client.patch(f"{API}{url}", json=body, headers=session.headers), 200
    )


async def mixed_deals(factory: Factory, world: Teams) -> None:
    """Deals of both sellers in several stages, statuses and currencies."""
    meeting = stage_named(world.funnel, "Встреча")
    proposal = stage_named(world.funnel, "Рассмотрение КП")
    await create_deal(factory, world.seller, amount="1000.10", stage_id=meeting["id"])
    await create_deal(
        factory, world.seller, amount="333.33", stage_id=proposal["id"], source_channel="сайт"
    )
    await create_deal(factory, world.seller, amount="70", currency="EUR", source_channel="сайт")
    won = await create_deal(factory, world.seller, amount="500", stage_id=proposal["id"])
    await post(factory, world.seller, f"/deals/{won['id']}/win")
    lost = await create_deal(factory, world.seller, amount="900", source_channel="сайт")
    await lose(factory, world.seller, lost["id"])
    await create_deal(factory, world.stranger, amount="7.77", stage_id=meeting["id"])
    await create_deal(factory, world.stranger, amount="12", currency="EUR", source_channel="сайт")


class TestCountersStayExact:
    async def test_after_every_change_of_a_deal(self, factory: Factory) -> None:
        world = await teams(factory)
        org = world.org.id
        meeting = stage_named(world.funnel, "Встреча")  # 10 %
        proposal = stage_named(world.funnel, "Рассмотрение КП")  # 20 %
        first = await create_deal(factory, world.seller, amount="1000", stage_id=meeting["id"])
        second = await create_deal(factory, world.seller, amount="333.33", currency="EUR")
        third = await create_deal(factory, world.stranger, amount="50", stage_id=meeting["id"])
        await assert_exact(factory, org)

        await patch(factory, world.seller, f"/deals/{first['id']}", amount="1234.57")
        await assert_exact(factory, org)
        await patch(factory, world.seller, f"/deals/{first['id']}", currency="USD")
        await assert_exact(factory, org)
        await patch(factory, world.seller, f"/deals/{first['id']}", title="Только название")
        await assert_exact(factory, org)
        json_of(await move(factory, world.seller, first["id"], proposal["id"]), 200)
        await assert_exact(factory, org)
        await post(factory, world.seller, f"/deals/{first['id']}/win")
        await assert_exact(factory, org)
        await lose(factory, world.seller, second["id"])
        await assert_exact(factory, org)
        await post(factory, world.seller, f"/deals/{second['id']}/reopen")
        await assert_exact(factory, org)
        await patch(
            factory,
            world.admin,
            f"/deals/{second['id']}",
            responsible_id=str(world.stranger.user.id),
        )
        await assert_exact(factory, org)

        # A new probability re-weighs the stage's open deals: 50 x 33.33 % = 16.665 -> 16.67.
        await patch(
            factory,
            world.admin,
            f"/funnels/{world.funnel['id']}/stages/{meeting['id']}",
            probability="33.33",
        )
        await assert_exact(factory, org)
        assert (await counters(factory, org))[
            (
                world.stranger.user.id,
                uuid.UUID(world.funnel["id"]),
                uuid.UUID(meeting["id"]),
                "open",
                "RUB",
            )
        ] == (1, Decimal("50.00"), Decimal("16.67"))

        # Every deal of the stranger to the seller at once (one statement), then a merge of
        # clients, which rewrites the deals' client only.
        await post(
            factory,
            world.admin,
            f"/users/{world.stranger.user.id}/reassign",
            to_user_id=str(world.seller.user.id),
        )
        await assert_exact(factory, org)
        survivor = await create_client(factory, world.seller)
        absorbed = await create_client(factory, world.seller)
        await create_deal(factory, world.seller, amount="10", client_id=absorbed["id"])
        await create_deal(factory, world.seller, amount="20", client_id=survivor["id"])
        before = await counters(factory, org)
        await post(
            factory, world.admin, f"/clients/{survivor['id']}/merge", other_id=absorbed["id"]
        )
        assert await counters(factory, org) == before
        await assert_exact(factory, org)

        # Deals have no delete operation; a deleted row still leaves the counters exact.
        async with factory.container.engine.begin() as conn:
            await conn.execute(sa.delete(deals).where(deals.c.id == uuid.UUID(third["id"])))
        await assert_exact(factory, org)

    async def test_rebuild_recomputes_them_from_the_deals(self, factory: Factory) -> None:
        world = await teams(factory)
        await mixed_deals(factory, world)
        right = await counters(factory, world.org.id)
        async with factory.container.engine.begin() as conn:
            await conn.execute(
                sa.update(deal_counters)
                .where(deal_counters.c.organisation_id == world.org.id)
                .values(deal_count=99, amount=1)
            )
            written = (
                await conn.execute(sa.select(sa.func.deal_counters_rebuild(world.org.id)))
            ).scalar_one()
        assert written == len(right)
        assert await counters(factory, world.org.id) == right
        await assert_exact(factory, world.org.id)

    async def test_deleting_an_organisation_takes_its_counters(self, factory: Factory) -> None:
        world = await teams(factory)
        await create_deal(factory, world.seller, amount="10")
        async with factory.container.engine.begin() as conn:
            await conn.execute(
                sa.text("DELETE FROM organisations WHERE id = :id"), {"id": world.org.id}
            )
        assert await counters(factory, world.org.id) == {}

    async def test_opposite_moves_at_once_do_not_deadlock(self, factory: Factory) -> None:
        world = await teams(factory)
        meeting = stage_named(world.funnel, "Встреча")["id"]
        proposal = stage_named(world.funnel, "Рассмотрение КП")["id"]
        there = [
            (await create_deal(factory, world.seller, stage_id=meeting, amount="1234.56"))["id"]
            for _ in range(3)
        ]
        back = [
            (await create_deal(factory, world.seller, stage_id=proposal, amount="99.99"))["id"]
            for _ in range(3)
        ]
        stage_url = f"{API}/funnels/{world.funnel['id']}/stages/{meeting}"
        for round_ in range(4):
            to_there, to_back = (proposal, meeting) if round_ % 2 == 0 else (meeting, proposal)
            # Moves both ways, and the stage they leave and enter re-weighed meanwhile.
            responses = await asyncio.gather(
                *(move(factory, world.seller, d, to_there) for d in there),
                *(move(factory, world.seller, d, to_back) for d in back),
                factory.client.patch(
                    stage_url,
                    json={"probability": "33.33" if round_ % 2 else "15.55"},
                    headers=world.admin.headers,
                ),
            )
            assert [r.status_code for r in responses] == [200] * 7, [r.text for r in responses]
            await assert_exact(factory, world.org.id)


class TestTotals:
    async def test_counter_filters_equal_a_sum_over_the_deals(self, factory: Factory) -> None:
        world = await teams(factory)
        await mixed_deals(factory, world)
        rows = await deal_rows(factory, world.org.id)
        meeting = uuid.UUID(stage_named(world.funnel, "Встреча")["id"])
        seller = world.seller.user.id
        cases: list[tuple[str, Any]] = [
            ("", lambda d: True),
            ("status=open", lambda d: d.status == "open"),
            ("status=won&status=lost", lambda d: d.status != "open"),
            (f"stage_id={meeting}", lambda d: d.stage_id == meeting),
            (f"responsible_id={seller}", lambda d: d.responsible_id == seller),
            (
                f"funnel_id={world.funnel['id']}&status=open&responsible_id={seller}",
                lambda d: d.status == "open" and d.responsible_id == seller,
            ),
            (f"funnel_id={uuid.uuid4()}", lambda d: False),
        ]
        for query, wanted in cases:
            assert await totals(factory, world.admin, query) == {
                "exact": True,
                "currencies": expected([d for d in rows if wanted(d)]),
            }, query

    async def test_other_filters_are_exact_over_few_deals(self, factory: Factory) -> None:
        world = await teams(factory)
        await mixed_deals(factory, world)
        rows = await deal_rows(factory, world.org.id)
        seller = world.seller.user.id
        cases: list[tuple[str, Any]] = [
            ("source_channel=сайт", lambda d: d.source_channel == "сайт"),
            ("amount_min=100&status=open", lambda d: d.amount >= 100 and d.status == "open"),
            (
                f"source_channel=сайт&responsible_id={seller}",
                lambda d: d.source_channel == "сайт" and d.responsible_id == seller,
            ),
            ("q=no-such-deal-anywhere", lambda d: False),
        ]
        for query, wanted in cases:
            assert await totals(factory, world.admin, query) == {
                "exact": True,
                "currencies": expected([d for d in rows if wanted(d)]),
            }, query

    async def test_a_seller_counts_their_own_and_the_absent_colleagues_deals(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)
        await mixed_deals(factory, world)
        rows = await deal_rows(factory, world.org.id)
        seller, stranger = world.seller.user.id, world.stranger.user.id

        def own(*owners: uuid.UUID) -> list[Any]:
            return [d for d in rows if d.responsible_id in owners]

        assert await totals(factory, world.stranger) == {
            "exact": True,
            "currencies": expected(own(stranger)),
        }
        sited = [d for d in own(stranger) if d.source_channel == "сайт"]
        assert (await totals(factory, world.stranger, "source_channel=сайт"))[
            "currencies"
        ] == expected(sited)
        # Asking for someone else's deals by name shows nothing more.
        assert (await totals(factory, world.stranger, f"responsible_id={seller}")) == {
            "exact": True,
            "currencies": [],
        }
        assert (await totals(factory, world.outsider))["currencies"] == []

        today = datetime.now(UTC).date()
        await insert(
            factory.container,
            absences,
            organisation_id=world.org.id,
            user_id=seller,
            kind="vacation",
            starts_on=today - timedelta(days=1),
            ends_on=today + timedelta(days=1),
            substitute_id=stranger,
            created_by=world.admin.user.id,
        )
        assert (await totals(factory, world.stranger))["currencies"] == expected(
            own(stranger, seller)
        )
        sited = [d for d in own(stranger, seller) if d.source_channel == "сайт"]
        assert (await totals(factory, world.stranger, "source_channel=сайт"))[
            "currencies"
        ] == expected(sited)


@pytest.mark.usefixtures("exact_up_to_one")
class TestEstimates:
    async def test_beyond_the_limit_the_figures_are_marked_as_an_estimate(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)
        await mixed_deals(factory, world)
        rows = await deal_rows(factory, world.org.id)
        # The counters stay exact whatever the number of deals.
        assert (await totals(factory, world.admin, "status=open"))["exact"] is True
        estimate = await totals(factory, world.admin, "source_channel=сайт")
        assert estimate == {
            "exact": False,
            "currencies": expected([d for d in rows if d.source_channel == "сайт"]),
        }
        estimate = await totals(factory, world.admin, "amount_min=100")
        assert estimate == {
            "exact": False,
            "currencies": expected([d for d in rows if d.amount >= 100]),
        }

    async def test_board_columns_say_which_figures_are_estimates(self, factory: Factory) -> None:
        world = await teams(factory)
        meeting = stage_named(world.funnel, "Встреча")["id"]
        proposal = stage_named(world.funnel, "Рассмотрение КП")["id"]
        for amount in ("100", "200", "300"):
            await create_deal(factory, world.seller, amount=amount, stage_id=meeting)
        await create_deal(factory, world.seller, amount="400", stage_id=proposal)

        async def columns(query: str) -> dict[str, Any]:
            board = json_of(
                await factory.client.get(
                    f"{API}/funnels/{world.funnel['id']}/board?{query}",
                    headers=world.seller.headers,
                ),
                200,
            )
            return {c["stage_id"]: c for c in board["columns"]}

        counted = await columns("")
        assert all(c["exact"] for c in counted.values())
        assert counted[meeting]["count"] == 3
        estimated = await columns("amount_min=150")
        assert estimated[meeting]["exact"] is False
        assert (estimated[meeting]["count"], estimated[meeting]["totals"]) == (
            2,
            [{"currency": "RUB", "count": 2, "amount": "500.00", "weighted_amount": "50.00"}],
        )
        # A column without deals has none under any filter, exactly.
        empty = next(i for i, c in estimated.items() if i not in (meeting, proposal))
        assert (estimated[empty]["exact"], estimated[empty]["count"]) == (True, 0)


class TestBoardTotals:
    async def test_columns_from_the_counters_and_under_other_filters(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)
        meeting = stage_named(world.funnel, "Встреча")["id"]
        for amount in ("100", "200", "300"):
            await create_deal(factory, world.seller, amount=amount, stage_id=meeting)
        won = await create_deal(factory, world.seller, amount="5000", stage_id=meeting)
        await post(factory, world.seller, f"/deals/{won['id']}/win")
        await create_deal(factory, world.stranger, amount="777", stage_id=meeting)
        await create_deal(factory, world.seller, amount="9", currency="EUR", stage_id=meeting)

        async def column(session: Session, query: str = "") -> dict[str, Any]:
            board = json_of(
                await factory.client.get(
                    f"{API}/funnels/{world.funnel['id']}/board?{query}", headers=session.headers
                ),
                200,
            )
            return next(c for c in board["columns"] if c["stage_id"] == meeting)  # type: ignore[no-any-return]

        seen = await column(world.seller)
        assert (seen["exact"], seen["count"]) == (True, 4)
        assert seen["totals"] == [
            {"currency": "EUR", "count": 1, "amount": "9.00", "weighted_amount": "0.90"},
            {"currency": "RUB", "count": 3, "amount": "600.00", "weighted_amount": "60.00"},
        ]
        assert (await column(world.admin))["count"] == 5
        filtered = await column(world.seller, "amount_min=150")
        assert (filtered["exact"], filtered["count"]) == (True, 2)
        assert filtered["totals"] == [
            {"currency": "RUB", "count": 2, "amount": "500.00", "weighted_amount": "50.00"}
        ]
        # Counter dimensions narrow the counters' answer.
        assert (await column(world.admin, f"responsible_id={world.stranger.user.id}"))[
            "totals"
        ] == [{"currency": "RUB", "count": 1, "amount": "777.00", "weighted_amount": "77.70"}]
        assert (await column(world.seller, "status=won"))["count"] == 0  # open deals only
