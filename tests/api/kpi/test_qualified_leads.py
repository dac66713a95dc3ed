"""Telemarketers are measured by qualified leads handed to sales (issue 12, item 10): deals a
person opened in the period that went to someone else."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from adapters.db.tables.deals import deals
from tests.api.attachments.support import make_deal, world
from tests.api.kpi.support import fulfilment, metric, row_of, set_plan
from tests.factories import Factory


class TestQualifiedLeads:
    async def test_deals_opened_for_sales_count_for_who_opened_them(self, factory: Factory) -> None:
        w = await world(factory)
        caller = await factory.user(w.org, "telemarketer", department=w.north)
        handed = [await make_deal(factory.container, w.org, w.seller.user) for _ in range(3)]
        kept = await make_deal(factory.container, w.org, caller)
        last_month = await make_deal(factory.container, w.org, w.seller.user)
        async with factory.container.engine.begin() as conn:
            await conn.execute(
                sa.update(deals).where(deals.c.id.in_([*handed, kept])).values(created_by=caller.id)
            )
            await conn.execute(
                sa.update(deals)
                .where(deals.c.id == last_month)
                .values(
                    created_by=caller.id,
                    created_at=sa.func.now() - timedelta(days=40),
                )
            )
        await set_plan(factory, w.admin, user_id=caller.id, metric="qualified_leads", target="6")
        row = row_of(await fulfilment(factory, w.admin), caller.id)
        qualified = metric(row, "qualified_leads")
        assert (qualified["fact"], qualified["plan"], qualified["percent"]) == ("3", "6.00", "50.0")
        # The seller who received them opened none.
        seller = row_of(await fulfilment(factory, w.admin), w.seller.user.id)
        assert metric(seller, "qualified_leads")["fact"] == "0"
