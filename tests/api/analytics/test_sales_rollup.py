"""The sales structure's rollups (migration 0033) stay exact through every path that changes
a won deal or its lines: a win, a reopening, a loss, a backdated close, product lines added,
renamed, re-quantified or removed, a merge of clients, a deal's deletion, a change of the
organisation's time zone. After each story the rows the triggers kept equal the ones
``sales_rebuild`` computes from the deals."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from adapters.db.tables.deals import deal_products, deals
from adapters.db.tables.funnels import loss_reasons
from adapters.db.tables.sales import sales_days, sales_product_days
from adapters.db.tables.staff import organisations
from tests.api.analytics.sales_support import deal, kept_and_rebuilt_sales, sales, set_closed_at
from tests.api.attachments.support import API, World, insert, make_client, make_deal, world
from tests.api.deals.support import json_of
from tests.factories import Factory, Session


def kinds(result: dict[str, Any]) -> tuple[int, int, int, int]:
    return (result["won"], result["repeat"], result["upsell"], result["cross_sell"])


def demand(result: dict[str, Any]) -> dict[str, tuple[int, Decimal, int, Decimal]]:
    return {
        p["product"]: (
            p["asked_deals"],
            Decimal(p["asked_quantity"]),
            p["sold_deals"],
            Decimal(p["sold_quantity"]),
        )
        for p in result["products"]
    }


async def lose(factory: Factory, w: World, session: Session, deal_id: uuid.UUID) -> None:
    reason = await insert(factory.container, loss_reasons, organisation_id=w.org.id, name="Дорого")
    response = await factory.client.post(
        f"{API}/deals/{deal_id}/lose", json={"loss_reason_id": str(reason)}, headers=session.headers
    )
    json_of(response, 200)


async def post(factory: Factory, session: Session, url: str) -> None:
    json_of(await factory.client.post(f"{API}{url}", headers=session.headers), 200)


async def assert_rebuild_agrees(factory: Factory, org: uuid.UUID) -> None:
    kept, rebuilt = await kept_and_rebuilt_sales(factory.container, org)
    assert kept["sales_deals"], "the story should have left won deals"
    assert rebuilt == kept


class TestWinReopenLose:
    async def test_reopening_an_earlier_purchase_reclassifies_the_later_one(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        x = await make_client(factory.container, w.org, w.seller.user, "Икс")
        first = await deal(factory, w, w.seller, x, ["Лицензия"], won_days_ago=3)
        await deal(factory, w, w.seller, x, ["Обучение"], won_days_ago=1)
        assert kinds(await sales(factory, w.seller)) == (2, 1, 0, 1)

        await post(factory, w.seller, f"/deals/{first}/reopen")
        after_reopen = await sales(factory, w.seller)
        assert kinds(after_reopen) == (1, 0, 0, 0)
        # Still asked for (opened in the period), no longer sold.
        assert demand(after_reopen)["Лицензия"] == (1, Decimal(2), 0, Decimal(0))

        # Won again now, after the other: that one is the first purchase, this one brings a
        # product the client had not bought.
        await post(factory, w.seller, f"/deals/{first}/win")
        assert kinds(await sales(factory, w.seller)) == (2, 1, 0, 1)
        await assert_rebuild_agrees(factory, w.org.id)

        await post(factory, w.seller, f"/deals/{first}/reopen")
        await lose(factory, w, w.seller, first)
        lost = await sales(factory, w.seller)
        assert kinds(lost) == (1, 0, 0, 0)
        assert [(c["currency"], c["won"], c["average"]) for c in lost["average_check"]] == [
            ("RUB", 1, "100000.00")
        ]
        await assert_rebuild_agrees(factory, w.org.id)

    async def test_a_backdated_close_moves_the_deal_and_its_neighbours_kinds(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        x = await make_client(factory.container, w.org, w.seller.user)
        early = await deal(factory, w, w.seller, x, ["Лицензия"], won_days_ago=3)
        late = await deal(factory, w, w.seller, x, ["Лицензия", "Сервер"], won_days_ago=1)
        assert kinds(await sales(factory, w.seller)) == (2, 1, 0, 1)
        # The later deal closed before the other after all: it is the first purchase, and the
        # other (only what it had bought) an upsell.
        await set_closed_at(factory.container, late, datetime.now(UTC) - timedelta(days=5))
        assert kinds(await sales(factory, w.seller)) == (2, 1, 1, 0)
        # Out of the period altogether: the other is a repeat purchase of a deal not shown.
        await set_closed_at(factory.container, late, datetime.now(UTC) - timedelta(days=400))
        assert kinds(await sales(factory, w.seller)) == (1, 1, 1, 0)
        assert early
        await assert_rebuild_agrees(factory, w.org.id)


class TestProductLines:
    async def test_lines_added_renamed_requantified_and_removed(self, factory: Factory) -> None:
        w = await world(factory)
        x = await make_client(factory.container, w.org, w.seller.user)
        first = await deal(factory, w, w.seller, x, ["Лицензия"], won_days_ago=3)
        later = await deal(factory, w, w.seller, x, ["Обучение"], won_days_ago=1)
        assert kinds(await sales(factory, w.seller)) == (2, 1, 0, 1)
        line = uuid.uuid4()
        async with factory.container.engine.begin() as conn:
            await conn.execute(
                sa.insert(deal_products).values(
                    id=line,
                    organisation_id=w.org.id,
                    deal_id=first,
                    position=1,
                    name="ОБУЧЕНИЕ",
                    quantity=Decimal(3),
                    price=Decimal(10),
                )
            )
        # The client had bought it in the first deal: the later one is an upsell now.
        added = await sales(factory, w.seller)
        assert kinds(added) == (2, 1, 1, 0)
        # One product by its search key, under the least of its names.
        assert demand(added)["ОБУЧЕНИЕ"] == (2, Decimal(5), 2, Decimal(5))
        assert "Обучение" not in demand(added)

        async with factory.container.engine.begin() as conn:
            await conn.execute(
                sa.update(deal_products).where(deal_products.c.id == line).values(name="Монтаж")
            )
            await conn.execute(
                sa.update(deal_products)
                .where(deal_products.c.deal_id == later)
                .values(quantity=Decimal(7))
            )
        renamed = await sales(factory, w.seller)
        assert kinds(renamed) == (2, 1, 0, 1)
        assert demand(renamed)["Обучение"] == (1, Decimal(7), 1, Decimal(7))
        assert demand(renamed)["Монтаж"] == (1, Decimal(3), 1, Decimal(3))
        await assert_rebuild_agrees(factory, w.org.id)

        async with factory.container.engine.begin() as conn:
            await conn.execute(sa.delete(deal_products).where(deal_products.c.id == line))
        removed = await sales(factory, w.seller)
        assert "Монтаж" not in demand(removed)
        assert {p["product"]: Decimal(p["sold_amount"]) for p in removed["products"]} == {
            "Лицензия": Decimal(200),
            "Обучение": Decimal(700),
        }
        await assert_rebuild_agrees(factory, w.org.id)

    async def test_a_deal_with_two_spellings_of_a_product_counts_once(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        x = await make_client(factory.container, w.org, w.seller.user)
        await deal(factory, w, w.seller, x, ["Ёлка", "елка", "Ёлка"], won_days_ago=1)
        result = await sales(factory, w.seller)
        assert demand(result) == {"Ёлка": (1, Decimal(6), 1, Decimal(6))}
        assert Decimal(result["products"][0]["sold_amount"]) == Decimal(600)
        await assert_rebuild_agrees(factory, w.org.id)


class TestClientsAndDeals:
    async def test_a_merge_makes_the_absorbed_clients_purchase_a_repeat(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        survivor = await make_client(factory.container, w.org, w.seller.user, "Икс")
        other = await make_client(factory.container, w.org, w.seller.user, "Икс дубль")
        await deal(factory, w, w.seller, survivor, ["Лицензия"], won_days_ago=3)
        await deal(factory, w, w.seller, other, ["Лицензия"], won_days_ago=1)
        assert kinds(await sales(factory, w.seller)) == (2, 0, 0, 0)
        response = await factory.client.post(
            f"{API}/clients/{survivor}/merge",
            json={"other_id": str(other)},
            headers=w.admin.headers,
        )
        json_of(response, 200)
        assert kinds(await sales(factory, w.seller)) == (2, 1, 1, 0)
        await assert_rebuild_agrees(factory, w.org.id)

    async def test_deals_written_and_deleted_in_sql_are_counted_in_and_out(
        self, factory: Factory
    ) -> None:
        w = await world(factory)
        x = await make_client(factory.container, w.org, w.seller.user)
        kept = await deal(factory, w, w.seller, x, ["Лицензия"], won_days_ago=2)
        template = await make_deal(factory.container, w.org, w.seller.user, x)
        async with factory.container.engine.begin() as conn:
            row = (await conn.execute(sa.select(deals).where(deals.c.id == template))).one()
            values = {
                **row._asdict(),
                "id": uuid.uuid4(),
                "status": "won",
                "closed_at": datetime.now(UTC) - timedelta(days=3),
            }
            del values["title_key"]
            await conn.execute(sa.insert(deals).values(values))
            await conn.execute(
                sa.insert(deal_products).values(
                    id=uuid.uuid4(),
                    organisation_id=w.org.id,
                    deal_id=values["id"],
                    name="Сервер",
                    quantity=Decimal(1),
                    price=Decimal(5),
                )
            )
        # Written straight into the table, earlier than the API's: that one is a repeat now.
        assert kinds(await sales(factory, w.seller)) == (2, 1, 0, 1)
        await assert_rebuild_agrees(factory, w.org.id)
        async with factory.container.engine.begin() as conn:
            await conn.execute(sa.delete(deals).where(deals.c.id.in_([values["id"], template])))
        result = await sales(factory, w.seller)
        assert kinds(result) == (1, 0, 0, 0)
        assert set(demand(result)) == {"Лицензия"}
        assert kept
        await assert_rebuild_agrees(factory, w.org.id)


class TestLocalDays:
    async def test_the_period_is_the_organisations_calendar_days(self, factory: Factory) -> None:
        w = await world(factory)
        x = await make_client(factory.container, w.org, w.seller.user)
        y = await make_client(factory.container, w.org, w.seller.user)
        async with factory.container.engine.begin() as conn:
            await conn.execute(
                sa.update(organisations)
                .where(organisations.c.id == w.org.id)
                .values(time_zone="Asia/Kolkata")
            )
        # 23:59 on 30 November and 00:01 on 1 December in Kolkata (UTC+05:30).
        before = await deal(factory, w, w.seller, x, ["Лицензия"], won_days_ago=0)
        after = await deal(factory, w, w.seller, y, ["Сервер"], won_days_ago=0)
        await set_closed_at(factory.container, before, datetime(2026, 11, 30, 18, 29, tzinfo=UTC))
        await set_closed_at(factory.container, after, datetime(2026, 11, 30, 18, 31, tzinfo=UTC))
        december = {"from": "2026-12-01", "to": "2026-12-31"}
        november = {"from": "2026-11-01", "to": "2026-11-30"}
        assert (await sales(factory, w.seller, **december))["won"] == 1
        assert set(demand(await sales(factory, w.seller, **november))) == {"Лицензия"}

        # A new zone moves every day: in UTC both closed on 30 November.
        async with factory.container.engine.begin() as conn:
            await conn.execute(
                sa.update(organisations)
                .where(organisations.c.id == w.org.id)
                .values(time_zone="UTC")
            )
        assert (await sales(factory, w.seller, **december))["won"] == 0
        assert (await sales(factory, w.seller, **november))["won"] == 2
        await assert_rebuild_agrees(factory, w.org.id)


class TestRebuild:
    async def test_the_rows_are_written_in_key_order(self, factory: Factory) -> None:
        # A period is a range of the key: written in key order, its rows fill neighbouring heap
        # pages (at 1,000,000 deals a quarter's product-day rows lay on 29,268 pages, now
        # 1,540). Enough rows for several pages; the pages of the rows in key order must rise.
        w = await world(factory)
        sellers = [w.seller.user.id, w.junior.user.id, w.rival.user.id]
        products = ["Сервер", "Лицензия", "Аудит", "Монтаж", "Обучение", "Поддержка"]
        client = await make_client(factory.container, w.org, w.seller.user)
        template = await make_deal(factory.container, w.org, w.seller.user, client)
        now = datetime.now(UTC)
        async with factory.container.engine.begin() as conn:
            row = (await conn.execute(sa.select(deals).where(deals.c.id == template))).one()
            # title_key is a generated column.
            copied = {k: v for k, v in row._asdict().items() if k != "title_key"}
            won = [
                {
                    **copied,
                    "id": uuid.uuid4(),
                    "responsible_id": sellers[n % 3],
                    "status": "won",
                    "created_at": now - timedelta(days=n % 17 + 20),
                    "closed_at": now - timedelta(days=n % 13),
                }
                for n in range(120)
            ]
            await conn.execute(sa.insert(deals), won)
            await conn.execute(
                sa.insert(deal_products),
                [
                    {
                        "id": uuid.uuid4(),
                        "organisation_id": w.org.id,
                        "deal_id": values["id"],
                        "position": k,
                        "name": products[(n + 2 * k) % len(products)],
                        "quantity": Decimal(1),
                        "price": Decimal(10),
                    }
                    for n, values in enumerate(won)
                    for k in range(3)
                ],
            )
        async with factory.container.engine.connect() as conn, conn.begin() as transaction:
            await conn.execute(sa.select(sa.func.sales_rebuild(w.org.id)))
            for rollup in (sales_days, sales_product_days):
                page = sa.literal_column("(ctid::text::point)[0]").label("page")
                pages = [
                    r.page
                    for r in await conn.execute(
                        sa.select(page)
                        .where(rollup.c.organisation_id == w.org.id)
                        .order_by(*rollup.primary_key.columns)
                    )
                ]
                if rollup is sales_product_days:
                    assert len(set(pages)) > 2, "the rows should fill several pages"
                assert pages == sorted(pages), rollup.name
            await transaction.rollback()
