"""Helpers for the sales structure API tests: deals with product lines won some days ago, the
structure as a user sees it, and the rollups the triggers keep (migration 0033)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from adapters.bootstrap import Container
from adapters.db.tables.deals import deal_products, deals
from adapters.db.tables.sales import sales_days, sales_deals, sales_product_days
from tests.api.analytics.rollup_support import Counted, Rows, kept_and_rebuilt
from tests.api.attachments.support import API, make_deal
from tests.api.deals.support import json_of
from tests.factories import Factory, Session


def period() -> dict[str, str]:
    today = datetime.now(ZoneInfo("Europe/Moscow")).date()
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return {"from": first.isoformat(), "to": today.isoformat()}


async def deal(
    factory: Factory,
    w: Any,
    seller: Session,
    client: uuid.UUID,
    products: list[str],
    *,
    won_days_ago: int | None,
    currency: str = "RUB",
) -> uuid.UUID:
    deal_id = await make_deal(factory.container, w.org, seller.user, client)
    async with factory.container.engine.begin() as conn:
        await conn.execute(sa.update(deals).where(deals.c.id == deal_id).values(currency=currency))
        for position, name in enumerate(products):
            await conn.execute(
                sa.insert(deal_products).values(
                    id=uuid.uuid4(),
                    organisation_id=w.org.id,
                    deal_id=deal_id,
                    position=position,
                    name=name,
                    quantity=Decimal(2),
                    price=Decimal(100),
                )
            )
    if won_days_ago is not None:
        json_of(
            await factory.client.post(f"{API}/deals/{deal_id}/win", headers=seller.headers), 200
        )
        won_at = datetime.now(UTC) - timedelta(days=won_days_ago)
        await set_closed_at(factory.container, deal_id, won_at)
    return deal_id


async def set_closed_at(container: Container, deal_id: uuid.UUID, at: datetime) -> None:
    async with container.engine.begin() as conn:
        await conn.execute(sa.update(deals).where(deals.c.id == deal_id).values(closed_at=at))


async def sales(factory: Factory, session: Session, **params: Any) -> dict[str, Any]:
    response = await factory.client.get(
        f"{API}/analytics/sales", params={**period(), **params}, headers=session.headers
    )
    return json_of(response, 200)  # type: ignore[no-any-return]


_ROLLUPS: tuple[Counted, ...] = (
    (sales_deals, None),
    (sales_days, sales_days.c.won != 0),
    (
        sales_product_days,
        sales_product_days.c.asked_quantity + sales_product_days.c.sold_quantity != 0,
    ),
)


async def kept_and_rebuilt_sales(container: Container, org: uuid.UUID) -> tuple[Rows, Rows]:
    """The rows the triggers kept, and the ones ``sales_rebuild`` computes from the deals."""
    return await kept_and_rebuilt(container, org, "sales_rebuild", _ROLLUPS)
