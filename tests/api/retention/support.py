"""Retention through HTTP: helpers shared by the ABC, sleeping and cross-sell tests."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from adapters.bootstrap import Container
from adapters.db.tables.clients import clients
from adapters.db.tables.deals import deal_products, deals
from tests.api.attachments.support import API, make_client, make_deal
from tests.api.deals.support import json_of
from tests.factories import Factory, Org, Session


async def sale(
    factory: Factory,
    org: Org,
    seller: Session,
    *,
    amount: str = "100000",
    margin: str | None = None,
    client_id: uuid.UUID | None = None,
    product: str | None = None,
) -> tuple[uuid.UUID, uuid.UUID]:
    """A deal of ``seller`` for ``amount`` (a new client unless given), with one product line
    when named, won through the API: (client id, deal id)."""
    client_id = client_id or await make_client(factory.container, org, seller.user)
    deal_id = await make_deal(factory.container, org, seller.user, client_id)
    async with factory.container.engine.begin() as conn:
        await conn.execute(
            sa.update(deals)
            .where(deals.c.organisation_id == org.id, deals.c.id == deal_id)
            .values(
                amount=Decimal(amount),
                expected_margin=None if margin is None else Decimal(margin),
            )
        )
        if product is not None:
            await conn.execute(
                sa.insert(deal_products).values(
                    id=uuid.uuid4(),
                    organisation_id=org.id,
                    deal_id=deal_id,
                    position=0,
                    name=product,
                    quantity=1,
                    price=Decimal(amount),
                )
            )
    json_of(await factory.client.post(f"{API}/deals/{deal_id}/win", headers=seller.headers), 200)
    return client_id, deal_id


async def set_client_name(container: Container, client_id: uuid.UUID, name: str) -> None:
    async with container.engine.begin() as conn:
        await conn.execute(sa.update(clients).where(clients.c.id == client_id).values(name=name))


async def bought_at(container: Container, client_id: uuid.UUID, at: datetime) -> None:
    """The client's sales happened at ``at``, as an import of older history would have them."""
    async with container.engine.begin() as conn:
        await conn.execute(
            sa.update(deals)
            .where(deals.c.client_id == client_id, deals.c.status == "won")
            .values(closed_at=at)
        )
        await conn.execute(
            sa.update(clients).where(clients.c.id == client_id).values(last_purchase_at=at)
        )


async def tag(container: Container, client_id: uuid.UUID, *tags: str) -> None:
    async with container.engine.begin() as conn:
        await conn.execute(
            sa.update(clients).where(clients.c.id == client_id).values(segment_tags=list(tags))
        )


async def get(factory: Factory, session: Session, path: str, **params: Any) -> Any:
    response = await factory.client.get(
        f"{API}/retention/{path}",
        params={k: str(v) for k, v in params.items()},
        headers=session.headers,
    )
    return json_of(response, 200)
