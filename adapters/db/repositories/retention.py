"""Retention in SQL: the ABC ranking (one statement: the figures per client, their running
share by window functions, the class totals beside the page), the sleeping clients (a range
of the buyers' partial index by last purchase), and what the daily sweep did.

Money counts only what is in the organisation's currency, as plan fulfilment does."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, insert

from adapters.db.repositories.base import SqlRepository, price_index_probes_as_cached
from adapters.db.repositories.billing import payments_received
from adapters.db.repositories.visibility import owned_by, visible_owner_ids
from adapters.db.tables.billing import invoice_payments, invoices
from adapters.db.tables.clients import clients
from adapters.db.tables.deals import deal_products, deals
from adapters.db.tables.retention import (
    client_reactivations,
    cross_sell_reminders,
    cross_sell_rules,
    retention_settings,
)
from adapters.db.tables.staff import organisations, users
from domain.retention.model import (
    AbcBasis,
    AbcClass,
    AbcClassTotal,
    AbcReport,
    AbcRow,
    CrossSellCandidate,
    CrossSellReminder,
    CrossSellRule,
    Reactivation,
    RetentionSettings,
    SleepingClient,
    SleepingClients,
)
from domain.retention.ports import AbcQuery, SleepingFilter
from domain.shared.errors import PreconditionFailed
from domain.shared.scope import Scope

_HUNDRED = Decimal(100)
_SHARE = Decimal("0.01")
# The buyers that can fall asleep; the same predicate as the partial index ix_clients_sleeping.
_BUYERS = (
    clients.c.relationship_type.in_(("current", "permanent")),
    clients.c.merged_into_id.is_(None),
    clients.c.last_purchase_at.is_not(None),
)


def _percent(part: Decimal, total: Decimal) -> Decimal:
    return (part * _HUNDRED / total).quantize(_SHARE) if total else Decimal(0)


def _rule(row: Any) -> CrossSellRule:
    return CrossSellRule(
        id=row.id,
        organisation_id=row.organisation_id,
        product_pattern=row.product_pattern,
        after_days=row.after_days,
        suggestion=row.suggestion,
        is_active=row.is_active,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def _sleeping_days(settings: RetentionSettings) -> sa.ColumnElement[Any]:
    """The days after which each client sleeps: the fewest among its segments' own, else the
    organisation's. The segments are tried fewest days first, so the first match is it."""
    own = sorted(settings.sleeping_days_by_segment.items(), key=lambda item: (item[1], item[0]))
    if not own:
        return sa.literal(settings.sleeping_days, sa.Integer)
    return sa.case(
        *(
            (clients.c.segment_tags.contains(sa.literal([tag], ARRAY(sa.String))), days)
            for tag, days in own
        ),
        else_=settings.sleeping_days,
    )


def _asleep(settings: RetentionSettings, now: datetime) -> list[sa.ColumnElement[bool]]:
    days = _sleeping_days(settings)
    fewest = min((settings.sleeping_days, *settings.sleeping_days_by_segment.values()))
    return [
        clients.c.organisation_id == settings.organisation_id,
        *_BUYERS,
        # The range the index reads, then each client's own limit.
        clients.c.last_purchase_at < now - timedelta(days=fewest),
        clients.c.last_purchase_at < sa.literal(now) - sa.func.make_interval(0, 0, 0, days),
    ]


def _sleeper(
    row: Any, settings: RetentionSettings, responsible_name: str | None = None
) -> SleepingClient:
    tags = tuple(row.segment_tags or ())
    return SleepingClient(
        organisation_id=row.organisation_id,
        client_id=row.id,
        name=row.name,
        responsible_id=row.responsible_id,
        relationship_type=row.relationship_type,
        segment_tags=tags,
        last_purchase_at=row.last_purchase_at,
        sleeping_days=settings.sleeping_days_for(tags),
        responsible_name=responsible_name,
    )


_SLEEPER_COLUMNS = (
    clients.c.organisation_id,
    clients.c.id,
    clients.c.name,
    clients.c.responsible_id,
    clients.c.relationship_type,
    clients.c.segment_tags,
    clients.c.last_purchase_at,
)


class SqlRetentionRepository(SqlRepository):
    # --- settings ----------------------------------------------------------------------

    async def settings(self, organisation_id: UUID) -> RetentionSettings | None:
        row = (
            await self._conn.execute(
                sa.select(retention_settings).where(
                    retention_settings.c.organisation_id == organisation_id
                )
            )
        ).one_or_none()
        if row is None:
            return None
        return RetentionSettings(
            organisation_id=row.organisation_id,
            abc_a_share=row.abc_a_share,
            abc_b_share=row.abc_b_share,
            sleeping_days=row.sleeping_days,
            sleeping_days_by_segment=dict(row.sleeping_days_by_segment),
            version=row.version,
            updated_at=row.updated_at,
        )

    async def save_settings(self, settings: RetentionSettings, expected_version: int) -> None:
        values = {
            "abc_a_share": settings.abc_a_share,
            "abc_b_share": settings.abc_b_share,
            "sleeping_days": settings.sleeping_days,
            "sleeping_days_by_segment": settings.sleeping_days_by_segment,
            "updated_at": settings.updated_at or sa.func.now(),
        }
        if expected_version == 0:
            result = await self._conn.execute(
                insert(retention_settings)
                .values(organisation_id=settings.organisation_id, version=1, **values)
                .on_conflict_do_nothing()
            )
        else:
            result = await self._conn.execute(
                sa.update(retention_settings)
                .where(
                    retention_settings.c.organisation_id == settings.organisation_id,
                    retention_settings.c.version == expected_version,
                )
                .values(version=expected_version + 1, **values)
            )
        if result.rowcount != 1:
            raise PreconditionFailed("Settings were changed by someone else; reload them")

    # --- ABC ---------------------------------------------------------------------------

    async def abc(self, scope: Scope, query: AbcQuery) -> AbcReport:
        owners = await visible_owner_ids(self._conn, scope)
        if _from_payments(query):
            await price_index_probes_as_cached(self._conn)
        per = _per_client(scope.organisation_id, query, owners).cte("per")
        order = (per.c.amount.desc(), per.c.client_id)
        ranked = sa.select(
            per.c.client_id,
            per.c.amount,
            sa.func.row_number().over(order_by=order).label("rank"),
            (sa.func.sum(per.c.amount).over(order_by=order, rows=(None, 0)) - per.c.amount).label(
                "above"
            ),
            sa.func.sum(per.c.amount).over().label("total"),
        ).cte("ranked")
        a, b = query.a_share, query.b_share
        classed = sa.select(
            ranked,
            sa.case(
                (ranked.c.above * 100 < a * ranked.c.total, AbcClass.A.value),
                (ranked.c.above * 100 < (a + b) * ranked.c.total, AbcClass.B.value),
                else_=AbcClass.C.value,
            ).label("cls"),
        ).cte("classed")
        page = sa.select(classed).where(classed.c.rank > query.after_rank)
        if query.abc_class is not None:
            page = page.where(classed.c.cls == query.abc_class.value)
        page_rows = page.order_by(classed.c.rank).limit(query.limit).subquery()
        rows_part = sa.select(
            sa.literal("row").label("kind"),
            page_rows.c.rank,
            page_rows.c.client_id,
            page_rows.c.amount,
            page_rows.c.above,
            page_rows.c.total,
            page_rows.c.cls,
            sa.cast(sa.null(), sa.BigInteger).label("clients"),
        )
        classes_part = sa.select(
            sa.literal("class"),
            sa.cast(sa.null(), sa.BigInteger),
            sa.cast(sa.null(), clients.c.id.type),
            sa.func.sum(classed.c.amount),
            sa.cast(sa.null(), sa.Numeric),
            sa.func.max(classed.c.total),
            classed.c.cls,
            sa.func.count(),
        ).group_by(classed.c.cls)
        result = list(await self._conn.execute(sa.union_all(rows_part, classes_part)))
        page_found = sorted((r for r in result if r.kind == "row"), key=lambda r: r.rank)
        names = await self._names(scope.organisation_id, [r.client_id for r in page_found])
        totals = {r.cls: r for r in result if r.kind == "class"}
        total = next((Decimal(r.total) for r in totals.values()), Decimal(0))
        classes = tuple(
            AbcClassTotal(
                abc_class=cls,
                clients=int(totals[cls.value].clients) if cls.value in totals else 0,
                amount=Decimal(totals[cls.value].amount) if cls.value in totals else Decimal(0),
                share=_percent(Decimal(totals[cls.value].amount), total)
                if cls.value in totals
                else Decimal(0),
            )
            for cls in AbcClass
        )
        return AbcReport(
            total=total,
            clients=sum(c.clients for c in classes),
            classes=classes,
            rows=tuple(
                AbcRow(
                    rank=int(r.rank),
                    client_id=r.client_id,
                    client_name=names.get(r.client_id, ""),
                    amount=Decimal(r.amount),
                    share=_percent(Decimal(r.amount), total),
                    cumulative_share=_percent(Decimal(r.above) + Decimal(r.amount), total),
                    abc_class=AbcClass(r.cls),
                )
                for r in page_found
            ),
        )

    async def _names(self, organisation_id: UUID, ids: Sequence[UUID]) -> dict[UUID, str]:
        if not ids:
            return {}
        rows = await self._conn.execute(
            sa.select(clients.c.id, clients.c.name).where(
                clients.c.organisation_id == organisation_id, clients.c.id.in_(ids)
            )
        )
        return {r.id: r.name for r in rows}

    # --- sleeping clients --------------------------------------------------------------

    async def sleeping(
        self,
        scope: Scope,
        settings: RetentionSettings,
        now: datetime,
        filters: SleepingFilter,
        *,
        limit: int,
        after: tuple[datetime, UUID] | None,
    ) -> SleepingClients:
        owners = await visible_owner_ids(self._conn, scope)
        selected = [*_asleep(settings, now), owned_by(clients.c.responsible_id, owners)]
        if filters.segment is not None:
            selected.append(
                clients.c.segment_tags.contains(sa.literal([filters.segment], ARRAY(sa.String)))
            )
        if filters.responsible_id is not None:
            selected.append(clients.c.responsible_id == filters.responsible_id)
        # The total reads the same range of ix_clients_sleeping as the page, without the
        # cursor; the page names each responsible by a join of its few rows to users' key.
        total = await self._conn.scalar(
            sa.select(sa.func.count()).select_from(clients).where(*selected)
        )
        page = (
            sa.select(*_SLEEPER_COLUMNS, users.c.full_name)
            .select_from(
                clients.outerjoin(
                    users,
                    sa.and_(
                        users.c.organisation_id == clients.c.organisation_id,
                        users.c.id == clients.c.responsible_id,
                    ),
                )
            )
            .where(*selected)
        )
        if after is not None:
            page = page.where(
                sa.tuple_(clients.c.last_purchase_at, clients.c.id) > sa.tuple_(*after)
            )
        rows = await self._conn.execute(
            page.order_by(clients.c.last_purchase_at, clients.c.id).limit(limit)
        )
        return SleepingClients(
            items=tuple(_sleeper(r, settings, r.full_name) for r in rows), total=total or 0
        )

    async def organisation_ids(self) -> Sequence[UUID]:
        return list(await self._conn.scalars(sa.select(organisations.c.id)))

    async def unwoken_sleepers(
        self, settings: RetentionSettings, now: datetime, *, limit: int
    ) -> Sequence[SleepingClient]:
        woken = sa.exists().where(
            client_reactivations.c.organisation_id == clients.c.organisation_id,
            client_reactivations.c.client_id == clients.c.id,
            client_reactivations.c.last_purchase_at == clients.c.last_purchase_at,
        )
        rows = await self._conn.execute(
            sa.select(*_SLEEPER_COLUMNS)
            .where(*_asleep(settings, now), ~woken)
            .order_by(clients.c.last_purchase_at, clients.c.id)
            .limit(limit)
        )
        return [_sleeper(r, settings) for r in rows]

    async def add_reactivation(self, reactivation: Reactivation) -> bool:
        sleeper = reactivation.client
        result = await self._conn.execute(
            insert(client_reactivations)
            .values(
                organisation_id=sleeper.organisation_id,
                client_id=sleeper.client_id,
                last_purchase_at=sleeper.last_purchase_at,
                created_at=reactivation.at,
            )
            .on_conflict_do_nothing()
        )
        if result.rowcount != 1:
            reactivation.events.clear()
            return False
        self._collect(reactivation)
        return True

    # --- cross-sell --------------------------------------------------------------------

    async def cross_sell_candidates(
        self, rule: CrossSellRule, now: datetime, *, limit: int
    ) -> Sequence[CrossSellCandidate]:
        after = timedelta(days=rule.after_days)
        product_key = sa.func.lower(sa.func.translate(deal_products.c.name, "Ёё", "Ее"))
        named = sa.exists().where(
            deal_products.c.organisation_id == deals.c.organisation_id,
            deal_products.c.deal_id == deals.c.id,
            sa.func.strpos(product_key, rule.pattern_key) > 0,
        )
        reminded = sa.exists().where(
            cross_sell_reminders.c.organisation_id == deals.c.organisation_id,
            cross_sell_reminders.c.rule_id == rule.id,
            cross_sell_reminders.c.deal_id == deals.c.id,
        )
        rows = await self._conn.execute(
            sa.select(
                deals.c.id,
                deals.c.client_id,
                deals.c.responsible_id,
                deals.c.title,
                deals.c.closed_at,
            )
            .where(
                deals.c.organisation_id == rule.organisation_id,
                deals.c.status == "won",
                # The reminder's moment has come, and came after the rule was made: a new rule
                # does not remind of every sale of the past.
                deals.c.closed_at <= now - after,
                deals.c.closed_at > rule.created_at - after,
                named,
                ~reminded,
            )
            .order_by(deals.c.closed_at, deals.c.id)
            .limit(limit)
        )
        return [
            CrossSellCandidate(
                deal_id=r.id,
                client_id=r.client_id,
                responsible_id=r.responsible_id,
                deal_title=r.title,
                closed_at=r.closed_at,
            )
            for r in rows
        ]

    async def add_cross_sell_reminder(self, reminder: CrossSellReminder) -> bool:
        result = await self._conn.execute(
            insert(cross_sell_reminders)
            .values(
                organisation_id=reminder.organisation_id,
                rule_id=reminder.rule.id,
                deal_id=reminder.candidate.deal_id,
                created_at=reminder.at,
            )
            .on_conflict_do_nothing()
        )
        if result.rowcount != 1:
            reminder.events.clear()
            return False
        self._collect(reminder)
        return True

    async def add_rule(self, rule: CrossSellRule) -> None:
        await self._conn.execute(
            sa.insert(cross_sell_rules).values(
                id=rule.id,
                organisation_id=rule.organisation_id,
                product_pattern=rule.product_pattern,
                pattern_key=rule.pattern_key,
                after_days=rule.after_days,
                suggestion=rule.suggestion,
                is_active=rule.is_active,
                created_by=rule.created_by,
                created_at=rule.created_at,
                updated_at=rule.updated_at,
                version=rule.version,
            )
        )

    async def get_rule(self, organisation_id: UUID, rule_id: UUID) -> CrossSellRule | None:
        row = (
            await self._conn.execute(
                sa.select(cross_sell_rules)
                .where(
                    cross_sell_rules.c.organisation_id == organisation_id,
                    cross_sell_rules.c.id == rule_id,
                )
                .with_for_update()
            )
        ).one_or_none()
        return None if row is None else _rule(row)

    async def update_rule(self, rule: CrossSellRule, expected_version: int) -> None:
        await self._update_versioned(
            cross_sell_rules,
            entity="Cross-sell rule",
            ident=rule.id,
            organisation_id=rule.organisation_id,
            expected_version=expected_version,
            values={
                "product_pattern": rule.product_pattern,
                "pattern_key": rule.pattern_key,
                "after_days": rule.after_days,
                "suggestion": rule.suggestion,
                "is_active": rule.is_active,
                "updated_at": rule.updated_at,
            },
        )
        rule.version = expected_version + 1

    async def delete_rule(self, organisation_id: UUID, rule_id: UUID) -> None:
        await self._conn.execute(
            sa.delete(cross_sell_rules).where(
                cross_sell_rules.c.organisation_id == organisation_id,
                cross_sell_rules.c.id == rule_id,
            )
        )

    async def list_rules(
        self, organisation_id: UUID, *, active_only: bool = False
    ) -> Sequence[CrossSellRule]:
        query = sa.select(cross_sell_rules).where(
            cross_sell_rules.c.organisation_id == organisation_id
        )
        if active_only:
            query = query.where(cross_sell_rules.c.is_active)
        rows = await self._conn.execute(
            query.order_by(cross_sell_rules.c.created_at, cross_sell_rules.c.id)
        )
        return [_rule(r) for r in rows]

    async def count_rules(self, organisation_id: UUID) -> int:
        return int(
            await self._conn.scalar(
                sa.select(sa.func.count()).where(
                    cross_sell_rules.c.organisation_id == organisation_id
                )
            )
            or 0
        )


def _from_payments(q: AbcQuery) -> bool:
    return q.basis is AbcBasis.TURNOVER and q.turnover_from_payments


def _per_client(organisation_id: UUID, q: AbcQuery, owners: list[UUID] | None) -> sa.Select[Any]:
    """(client_id, amount) of the period: payments received (turnover on the paid-invoices
    basis), or won deals' amounts or expected margins; only positive sums rank."""
    if _from_payments(q):
        amount = sa.func.sum(invoice_payments.c.amount)
        paid, received = payments_received(organisation_id, q.first_day, q.end_day, q.currency)
        return (
            sa.select(invoices.c.client_id.label("client_id"), amount.label("amount"))
            .select_from(paid)
            .where(*received, owned_by(deals.c.responsible_id, owners))
            .group_by(invoices.c.client_id)
            .having(amount > 0)
        )
    value = deals.c.amount if q.basis is AbcBasis.TURNOVER else deals.c.expected_margin
    amount = sa.func.sum(value)
    return (
        sa.select(deals.c.client_id.label("client_id"), amount.label("amount"))
        .where(
            deals.c.organisation_id == organisation_id,
            deals.c.status == "won",
            deals.c.closed_at >= q.starts_at,
            deals.c.closed_at < q.ends_at,
            deals.c.currency == q.currency,
            owned_by(deals.c.responsible_id, owners),
        )
        .group_by(deals.c.client_id)
        .having(amount > 0)
    )
