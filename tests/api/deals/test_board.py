"""The funnel board's columns page on their own: keyset order, visibility, tenancy."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from adapters.db.tables.deals import deals
from tests.api.deals.support import (
    API,
    create_deal,
    create_funnel,
    json_of,
    stage_named,
    teams,
)
from tests.factories import Factory, Session


async def entered(factory: Factory, deal_id: str, at: datetime) -> None:
    async with factory.container.engine.begin() as conn:
        await conn.execute(
            sa.update(deals).where(deals.c.id == uuid.UUID(deal_id)).values(stage_entered_at=at)
        )


async def column(
    factory: Factory, session: Session, funnel_id: str, stage_id: str, query: str = ""
) -> Any:
    return await factory.client.get(
        f"{API}/funnels/{funnel_id}/board/columns/{stage_id}?{query}", headers=session.headers
    )


class TestBoardColumnPaging:
    async def test_pages_follow_the_board_in_keyset_order(self, factory: Factory) -> None:
        world = await teams(factory)
        funnel_id = world.funnel["id"]
        meeting = stage_named(world.funnel, "Встреча")
        now = datetime.now(UTC).replace(microsecond=0)
        ids = []
        for i in range(5):
            deal = await create_deal(
                factory, world.seller, title=f"Карта {i}", stage_id=meeting["id"]
            )
            ids.append(deal["id"])
        # Two deals entered at the same moment: the id breaks the tie.
        moments = [now - timedelta(days=d) for d in (1, 2, 2, 3, 4)]
        for deal_id, at in zip(ids, moments, strict=True):
            await entered(factory, deal_id, at)
        hidden = await create_deal(factory, world.stranger, stage_id=meeting["id"])
        expected = [
            i
            for _, i in sorted(
                zip(moments, ids, strict=True), key=lambda p: (p[0], p[1]), reverse=True
            )
        ]

        board = json_of(
            await factory.client.get(
                f"{API}/funnels/{funnel_id}/board?per_stage=2", headers=world.seller.headers
            ),
            200,
        )
        first = next(c for c in board["columns"] if c["stage_id"] == meeting["id"])
        assert [d["id"] for d in first["deals"]] == expected[:2]
        assert first["count"] == 5
        assert first["next_cursor"]
        others = [c for c in board["columns"] if c["stage_id"] != meeting["id"]]
        assert all(c["next_cursor"] is None for c in others)

        seen = [d["id"] for d in first["deals"]]
        cursor = first["next_cursor"]
        while cursor:
            page = json_of(
                await column(
                    factory, world.seller, funnel_id, meeting["id"], f"limit=2&cursor={cursor}"
                ),
                200,
            )
            assert page["stage_id"] == meeting["id"]
            assert len(page["deals"]) <= 2
            seen += [d["id"] for d in page["deals"]]
            cursor = page["next_cursor"]
        assert seen == expected  # every card once, in order; the stranger's never
        assert hidden["id"] not in seen

        everything = json_of(
            await column(factory, world.admin, funnel_id, meeting["id"], "limit=100"), 200
        )
        assert {d["id"] for d in everything["deals"]} == {*ids, hidden["id"]}
        assert everything["next_cursor"] is None

    async def test_filters_and_open_deals_only(self, factory: Factory) -> None:
        world = await teams(factory)
        funnel_id = world.funnel["id"]
        meeting = stage_named(world.funnel, "Встреча")
        big = await create_deal(factory, world.seller, amount="5000", stage_id=meeting["id"])
        await create_deal(factory, world.seller, amount="5", stage_id=meeting["id"])
        page = json_of(
            await column(factory, world.seller, funnel_id, meeting["id"], "amount_min=1000"), 200
        )
        assert [d["id"] for d in page["deals"]] == [big["id"]]
        async with factory.container.engine.begin() as conn:
            await conn.execute(
                sa.update(deals).where(deals.c.id == uuid.UUID(big["id"])).values(status="won")
            )
        page = json_of(await column(factory, world.seller, funnel_id, meeting["id"]), 200)
        assert big["id"] not in {d["id"] for d in page["deals"]}

    async def test_another_organisation_and_another_funnel_are_not_found(
        self, factory: Factory
    ) -> None:
        world = await teams(factory)
        funnel_id = world.funnel["id"]
        meeting = stage_named(world.funnel, "Встреча")
        await create_deal(factory, world.seller, stage_id=meeting["id"])
        assert (await column(factory, world.outsider, funnel_id, meeting["id"])).status_code == 404
        other = await create_funnel(factory, world.admin)
        foreign_stage = other["stages"][0]["id"]
        response = await column(factory, world.seller, funnel_id, foreign_stage)
        assert response.status_code == 404
        unknown = await column(factory, world.seller, funnel_id, str(uuid.uuid4()))
        assert unknown.status_code == 404
        bad = await column(factory, world.seller, funnel_id, meeting["id"], "cursor=garbage")
        assert bad.status_code == 422
