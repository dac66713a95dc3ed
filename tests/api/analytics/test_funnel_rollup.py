"""The funnel analytics' cohort rollup (migration 0034) stays exact through every path that
changes a deal or its stage moves: moves forward and back, wins, losses with and without a
reason, reopening, a change of responsible, source or amount, a move into another funnel, a
backdated import with its history, moves corrected or removed in SQL, a deal's deletion and a
change of the organisation's time zone. After each story the rows the triggers kept equal the
ones ``funnel_rollup_rebuild`` computes from the deals, and the API shows the story."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from adapters.db.tables.deals import deals, stage_moves
from adapters.db.tables.funnels import loss_reasons
from tests.api.analytics.rollup_support import kept_and_rebuilt
from tests.api.analytics.support import FUNNEL_ROLLUP, Step, add_deal, analytics
from tests.api.attachments.support import API, World, insert, world
from tests.api.deals.support import create_client, create_funnel, json_of, move, unique_name
from tests.factories import Factory, Session


@dataclass(slots=True)
class Pipeline:
    """The organisation's default funnel A → B → C, another one X → Y, and a loss reason."""

    w: World
    main: uuid.UUID
    other: uuid.UUID
    stage: dict[str, uuid.UUID]
    reason: uuid.UUID


async def pipeline(factory: Factory) -> Pipeline:
    w = await world(factory)
    funnels = [
        await create_funnel(
            factory,
            w.admin,
            is_default=default,
            stages=[{"name": n, "probability": 10 * (i + 1)} for i, n in enumerate(names)],
        )
        for default, names in ((True, "ABC"), (False, "XY"))
    ]
    stage = {s["name"]: uuid.UUID(s["id"]) for f in funnels for s in f["stages"]}
    reason = await insert(
        factory.container, loss_reasons, organisation_id=w.org.id, name=unique_name("Дорого")
    )
    return Pipeline(w, uuid.UUID(funnels[0]["id"]), uuid.UUID(funnels[1]["id"]), stage, reason)


async def open_deal(
    factory: Factory, session: Session, *, amount: int = 1000, source: str | None = None
) -> str:
    client = await create_client(factory, session)
    body = {"client_id": client["id"], "title": unique_name("Сделка"), "amount": str(amount)}
    if source is not None:
        body["source_channel"] = source
    response = await factory.client.post(f"{API}/deals", json=body, headers=session.headers)
    return json_of(response, 201)["id"]  # type: ignore[no-any-return]


async def update_deal(factory: Factory, deal_id: str, **values: Any) -> None:
    """Changes written straight into the deals table (as an import or a repair would)."""
    async with factory.container.engine.begin() as conn:
        await conn.execute(sa.update(deals).where(deals.c.id == uuid.UUID(deal_id)).values(values))


async def stayed(factory: Factory, deal_id: str, hours: float) -> None:
    """The deal entered its stage ``hours`` ago, so that the next move ends a stay that long."""
    await update_deal(factory, deal_id, stage_entered_at=datetime.now(UTC) - timedelta(hours=hours))


async def post(factory: Factory, session: Session, url: str, **body: Any) -> None:
    response = await factory.client.post(f"{API}{url}", json=body or None, headers=session.headers)
    json_of(response, 200)


async def patch(factory: Factory, session: Session, deal_id: str, **body: Any) -> None:
    response = await factory.client.patch(
        f"{API}/deals/{deal_id}", json=body, headers=session.headers
    )
    json_of(response, 200)


async def moved(factory: Factory, session: Session, deal_id: str, stage_id: uuid.UUID) -> None:
    json_of(await move(factory, session, deal_id, str(stage_id)), 200)


def last_days(days: int = 20) -> dict[str, str]:
    """A period ending today in the organisation's zone."""
    today = datetime.now(ZoneInfo("Europe/Moscow")).date()
    return {"from": (today - timedelta(days=days)).isoformat(), "to": today.isoformat()}


async def figures(
    factory: Factory, p: Pipeline, funnel: uuid.UUID, period: dict[str, str] | None = None
) -> tuple[dict[str, tuple[int, int]], tuple[int, int, int, int]]:
    """Per stage (reached, stays), and the totals (deals, won, lost, open), as the admin sees
    them."""
    result = await analytics(factory, p.w.admin, {"funnel_id": funnel, **(period or last_days())})
    t = result["totals"]
    return (
        {s["name"]: (s["reached"], s["stays"]) for s in result["stages"]},
        (t["deals"], t["won"], t["lost"], t["open"]),
    )


async def assert_rebuild_agrees(factory: Factory, p: Pipeline) -> None:
    kept, rebuilt = await kept_and_rebuilt(
        factory.container, p.w.org.id, "funnel_rollup_rebuild", FUNNEL_ROLLUP
    )
    assert kept["funnel_cohort_deals"], "the story should have left deals"
    assert kept == rebuilt


class TestMovesAndClosing:
    async def test_moves_forward_and_back_wins_losses_and_reopening(self, factory: Factory) -> None:
        p = await pipeline(factory)
        seller, b, c = p.w.seller, p.stage["B"], p.stage["C"]
        won = await open_deal(factory, seller, source="site")
        lost = await open_deal(factory, seller, amount=3000)
        unexplained = await open_deal(factory, p.w.junior, amount=500)
        await assert_rebuild_agrees(factory, p)

        await stayed(factory, won, 5)
        await moved(factory, seller, won, b)
        await stayed(factory, won, 30)
        await moved(factory, seller, won, c)
        # Back a stage, then forward again: B is reached once, stayed in twice.
        await stayed(factory, won, 2)
        await moved(factory, seller, won, b)
        await stayed(factory, won, 7)
        await moved(factory, seller, won, c)
        assert await figures(factory, p, p.main) == (
            # Each open deal's current stay counts too.
            {"A": (3, 3), "B": (1, 2), "C": (1, 2)},
            (3, 0, 0, 3),
        )
        await assert_rebuild_agrees(factory, p)

        await stayed(factory, won, 50)
        await post(factory, seller, f"/deals/{won}/win")
        await stayed(factory, lost, 3)
        await post(factory, seller, f"/deals/{lost}/lose", loss_reason_id=str(p.reason))
        # A loss without a reason, as an older system wrote them.
        await update_deal(factory, unexplained, status="lost", closed_at=datetime.now(UTC))
        result = await analytics(factory, p.w.admin, {"funnel_id": p.main, **last_days()})
        assert [(r["reason_id"], r["count"]) for r in result["loss_reasons"]] == [
            (str(p.reason), 1),
            (None, 1),
        ]
        assert result["totals"]["win_rate"] == "33.3"
        await assert_rebuild_agrees(factory, p)

        await post(factory, seller, f"/deals/{won}/reopen")
        await post(factory, seller, f"/deals/{lost}/reopen")
        assert (await figures(factory, p, p.main))[1] == (3, 0, 1, 2)
        await assert_rebuild_agrees(factory, p)


class TestDealsChangingHands:
    async def test_a_new_responsible_source_amount_or_funnel_moves_the_deal_between_cohorts(
        self, factory: Factory
    ) -> None:
        p = await pipeline(factory)
        seller, admin = p.w.seller, p.w.admin
        deal = await open_deal(factory, seller, source="site")
        await stayed(factory, deal, 4)
        await moved(factory, seller, deal, p.stage["B"])
        await patch(
            factory,
            admin,
            deal,
            responsible_id=str(p.w.junior.user.id),
            source_channel="phone",
            amount="2500",
        )
        by = {"funnel_id": p.main, **last_days()}
        junior = await analytics(factory, admin, {**by, "responsible_id": p.w.junior.user.id})
        assert junior["totals"]["deals"] == 1
        assert (await analytics(factory, admin, {**by, "source": "site"}))["totals"]["deals"] == 0
        await assert_rebuild_agrees(factory, p)

        # Into another funnel: its cohort now, with the stages it went through before.
        await stayed(factory, deal, 6)
        await moved(factory, admin, deal, p.stage["X"])
        await stayed(factory, deal, 1)
        await moved(factory, admin, deal, p.stage["Y"])
        assert (await figures(factory, p, p.main))[1] == (0, 0, 0, 0)
        assert await figures(factory, p, p.other) == ({"X": (1, 1), "Y": (1, 1)}, (1, 0, 0, 1))
        await assert_rebuild_agrees(factory, p)

    async def test_a_sellers_deals_handed_over_at_once_move_to_the_colleagues_cohorts(
        self, factory: Factory
    ) -> None:
        p = await pipeline(factory)
        seller, rival, admin = p.w.seller, p.w.rival.user, p.w.admin
        for source in ("site", None):
            deal = await open_deal(factory, seller, source=source)
            await stayed(factory, deal, 3)
            await moved(factory, seller, deal, p.stage["B"])
        await imported(factory, p, datetime.now(UTC) - timedelta(days=6), [Step(5, "won")])
        response = await factory.client.post(
            f"{API}/users/{seller.user.id}/reassign",
            json={"to_user_id": str(rival.id), "only_open": False},
            headers=admin.headers,
        )
        assert json_of(response, 200)["deals"] == 3
        by = {"funnel_id": p.main, **last_days()}
        for user, deals_now in ((seller.user, 0), (rival, 3)):
            result = await analytics(factory, admin, {**by, "responsible_id": user.id})
            assert result["totals"]["deals"] == deals_now
        await assert_rebuild_agrees(factory, p)


async def imported(factory: Factory, p: Pipeline, created: datetime, steps: list[Step]) -> str:
    """A deal of the main funnel with its history, written in SQL as an import does."""
    deal_id = await add_deal(
        factory.container,
        p.w.org,
        p.w.seller.user,
        funnel_id=p.main,
        stage=p.stage,
        created=created,
        steps=steps,
        amount="800",
        loss_reason_id=p.reason,
    )
    return str(deal_id)


class TestWrittenInSql:
    async def test_an_import_with_a_backdated_history_is_counted(self, factory: Factory) -> None:
        p = await pipeline(factory)
        now = datetime.now(UTC)
        await imported(factory, p, now - timedelta(days=5), [Step(3, "B"), Step(40, "won")])
        await imported(factory, p, now - timedelta(days=45), [Step(1, "C"), Step(2, "lost")])
        await imported(factory, p, now - timedelta(days=2), [Step(10, "B"), Step(11, "A")])
        assert await figures(factory, p, p.main) == (
            {"A": (2, 3), "B": (2, 2), "C": (0, 0)},
            (2, 1, 0, 1),
        )
        await assert_rebuild_agrees(factory, p)

    async def test_corrected_and_removed_moves_are_counted_again(self, factory: Factory) -> None:
        p = await pipeline(factory)
        now = datetime.now(UTC)
        deal = await imported(
            factory, p, now - timedelta(days=3), [Step(2, "B"), Step(5, "C"), Step(9, "won")]
        )
        into_c = (stage_moves.c.deal_id == uuid.UUID(deal)) & (
            stage_moves.c.to_stage_id == p.stage["C"]
        )
        async with factory.container.engine.begin() as conn:
            # The stay in B was longer, and the deal went through A again instead of C.
            await conn.execute(
                sa.update(stage_moves)
                .where(into_c, stage_moves.c.kind == "moved")
                .values(seconds_in_previous=7200, to_stage_id=p.stage["A"])
            )
        assert (await figures(factory, p, p.main))[0]["C"] == (1, 1)
        await assert_rebuild_agrees(factory, p)

        async with factory.container.engine.begin() as conn:
            await conn.execute(
                sa.delete(stage_moves).where(
                    stage_moves.c.deal_id == uuid.UUID(deal), stage_moves.c.kind == "moved"
                )
            )
        assert await figures(factory, p, p.main) == (
            {"A": (1, 0), "B": (0, 0), "C": (1, 1)},
            (1, 1, 0, 0),
        )
        await assert_rebuild_agrees(factory, p)

    async def test_a_deleted_stage_is_left_out_of_the_history(self, factory: Factory) -> None:
        p = await pipeline(factory)
        now = datetime.now(UTC)
        await imported(factory, p, now - timedelta(days=3), [Step(2, "B"), Step(5, "C")])
        await assert_rebuild_agrees(factory, p)
        # No deal is in B now: it may go, and the moves into and out of it lose it.
        response = await factory.client.delete(
            f"{API}/funnels/{p.main}/stages/{p.stage['B']}", headers=p.w.admin.headers
        )
        json_of(response, 200)
        assert await figures(factory, p, p.main) == ({"A": (1, 1), "C": (1, 1)}, (1, 0, 0, 1))
        await assert_rebuild_agrees(factory, p)

    async def test_a_deleted_deal_takes_its_figures_away(self, factory: Factory) -> None:
        p = await pipeline(factory)
        now = datetime.now(UTC)
        await imported(factory, p, now - timedelta(days=4), [Step(2, "B"), Step(8, "won")])
        gone = await imported(factory, p, now - timedelta(days=4), [Step(3, "B"), Step(5, "lost")])
        async with factory.container.engine.begin() as conn:
            await conn.execute(sa.delete(deals).where(deals.c.id == uuid.UUID(gone)))
        assert await figures(factory, p, p.main) == (
            {"A": (1, 1), "B": (1, 1), "C": (0, 0)},
            (1, 1, 0, 0),
        )
        await assert_rebuild_agrees(factory, p)


class TestTimeZone:
    async def test_a_new_zone_moves_each_deal_to_its_local_day_and_month(
        self, factory: Factory
    ) -> None:
        p = await pipeline(factory)
        # 01:30 on 1 December in Moscow, 22:30 on 30 November in UTC.
        await imported(
            factory, p, datetime(2026, 11, 30, 22, 30, tzinfo=UTC), [Step(1, "B"), Step(2, "won")]
        )
        december = {"from": "2026-12-01", "to": "2026-12-01"}
        november = {"from": "2026-11-01", "to": "2026-11-30"}
        assert (await figures(factory, p, p.main, december))[1] == (1, 1, 0, 0)
        assert (await figures(factory, p, p.main, november))[1] == (0, 0, 0, 0)

        response = await factory.client.patch(
            f"{API}/organisation", json={"time_zone": "UTC"}, headers=p.w.admin.headers
        )
        json_of(response, 200)
        assert (await figures(factory, p, p.main, december))[1] == (0, 0, 0, 0)
        assert (await figures(factory, p, p.main, november))[1] == (1, 1, 0, 0)
        await assert_rebuild_agrees(factory, p)
