"""Sales structure in SQL, from the rollups migration 0033's triggers keep exact: the period's
won deals with how many were repeat purchases and cross-sells and their amounts per currency
(``sales_days``), and demand by product (``sales_product_days``: lines of the deals opened in
the period against those of the deals won in it), grouped by the product name's search key.
Both are keyed by the organisation's local day, so the period is one range of their keys and
a month reads a few rows per day, never the deals themselves."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.repositories.analytics import SqlFunnelAnalyticsQueries, _department_subtree
from adapters.db.repositories.base import plan_with_values
from adapters.db.repositories.visibility import owned_by, visible_owner_ids
from adapters.db.tables.sales import sales_days, sales_product_days
from adapters.db.tables.staff import users
from domain.analytics.sales import (
    PRODUCTS_SHOWN,
    CurrencyCheck,
    ProductDemand,
    SalesFigures,
    SalesQuery,
)
from domain.shared.scope import Scope


def _key(name: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    return sa.func.lower(sa.func.translate(name, "Ёё", "Ее"))


class SqlSalesQueries(SqlFunnelAnalyticsQueries):
    """Reuses the funnel analytics' checks of which users and departments the caller sees."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine)
        self._engine = engine

    async def sales(self, scope: Scope, query: SalesQuery) -> SalesFigures:
        org = scope.organisation_id
        async with self._engine.connect() as conn:
            await plan_with_values(conn)
            owners = await visible_owner_ids(conn, scope)
            won_rows = list(await conn.execute(_won(org, query, owners)))
            products = list(await conn.execute(_demand(org, query, owners)))
        return SalesFigures(
            won=sum(int(r.won) for r in won_rows),
            repeat=sum(int(r.repeat) for r in won_rows),
            cross_sell=sum(int(r.cross_sell) for r in won_rows),
            checks=tuple(
                CurrencyCheck(currency=r.currency, won=int(r.won), amount=Decimal(r.amount))
                for r in sorted(won_rows, key=lambda r: (-int(r.won), r.currency))
            ),
            products=tuple(
                ProductDemand(
                    product=r.product,
                    asked_deals=int(r.asked_deals),
                    asked_quantity=Decimal(r.asked_quantity),
                    sold_deals=int(r.sold_deals),
                    sold_quantity=Decimal(r.sold_quantity),
                    sold_amount=Decimal(r.sold_amount),
                )
                for r in products
            ),
        )


def _whose(
    rollup: sa.Table, org: UUID, q: SalesQuery, owners: list[UUID] | None
) -> list[sa.ColumnElement[bool]]:
    """The rollup's rows of the period, the caller's visibility and the filters."""
    c = rollup.c
    conditions: list[sa.ColumnElement[bool]] = [
        c.organisation_id == org,
        c.day >= q.first_day,
        c.day <= q.last_day,
        owned_by(c.responsible_id, owners),
    ]
    if q.funnel_id is not None:
        conditions.append(c.funnel_id == q.funnel_id)
    if q.responsible_id is not None:
        conditions.append(c.responsible_id == q.responsible_id)
    if q.department_id is not None:
        conditions.append(
            c.responsible_id.in_(
                sa.select(users.c.id).where(
                    users.c.organisation_id == org,
                    users.c.department_id.in_(_department_subtree(org, q.department_id)),
                )
            )
        )
    if q.source is not None:
        # A deal without a source is kept under '' (see adapters/db/tables/sales.py).
        conditions.append(c.source == q.source)
    return conditions


def _won(org: UUID, q: SalesQuery, owners: list[UUID] | None) -> sa.Select[Any]:
    won = sa.func.sum(sales_days.c.won)
    return (
        sa.select(
            sales_days.c.currency,
            won.label("won"),
            sa.func.sum(sales_days.c.amount).label("amount"),
            sa.func.sum(sales_days.c.repeat).label("repeat"),
            sa.func.sum(sales_days.c.cross_sell).label("cross_sell"),
        )
        .where(*_whose(sales_days, org, q, owners))
        .group_by(sales_days.c.currency)
        # Rows may stay at zero once their deals have gone.
        .having(won > 0)
    )


def _demand(org: UUID, q: SalesQuery, owners: list[UUID] | None) -> sa.Select[Any]:
    p = sales_product_days.c
    asked_deals = sa.func.sum(p.asked_deals)
    sold_deals = sa.func.sum(p.sold_deals)
    # The name shown is the least of the key's names on the lines asked for (or, when none
    # was, sold) in the period: rows at zero hold no line of it.
    product = sa.func.coalesce(
        sa.func.min(p.product).filter(p.asked_quantity > 0),
        sa.func.min(p.product).filter(p.sold_quantity > 0),
    )
    return (
        sa.select(
            product.label("product"),
            asked_deals.label("asked_deals"),
            sa.func.sum(p.asked_quantity).label("asked_quantity"),
            sold_deals.label("sold_deals"),
            sa.func.sum(p.sold_quantity).label("sold_quantity"),
            sa.func.coalesce(sa.func.sum(p.sold_amount).filter(p.currency == q.currency), 0).label(
                "sold_amount"
            ),
        )
        .where(*_whose(sales_product_days, org, q, owners))
        .group_by(_key(p.product))
        .having(sa.or_(sa.func.sum(p.asked_quantity) > 0, sa.func.sum(p.sold_quantity) > 0))
        .order_by(asked_deals.desc(), sold_deals.desc(), sa.text("product"))
        .limit(PRODUCTS_SHOWN)
    )
