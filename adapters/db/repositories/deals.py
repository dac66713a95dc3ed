"""SQL repository for deals, their product lines and stage moves."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID

from adapters.db.repositories.base import SqlRepository, in_organisation
from adapters.db.repositories.custom_fields import custom_field_condition
from adapters.db.repositories.deal_totals import (
    beyond_counters,
    counted,
    counter_conditions,
    counter_part,
    counter_totals,
    filtered_totals,
)
from adapters.db.repositories.matching import contains
from adapters.db.repositories.visibility import (
    narrowed_to_department,
    owned_by,
    visible,
    visible_owner_ids,
)
from adapters.db.tables.activities import tasks
from adapters.db.tables.clients import clients
from adapters.db.tables.counters import deal_counters
from adapters.db.tables.deals import deal_products, deals, stage_moves
from adapters.db.tables.funnels import stages
from adapters.db.tables.onec import products
from adapters.db.tables.staff import organisations
from domain.clients.model import name_key
from domain.deals.model import Deal, DealStatus, MoveKind, ProductLine, StageMove
from domain.deals.ports import (
    BoardColumn,
    CurrencyTotal,
    DealFilter,
    DealSort,
    DealTotals,
    StaleCandidate,
)
from domain.deals.staleness import CLOSE_FACTOR, SECONDS_PER_DAY
from domain.shared.ids import new_id
from domain.shared.scope import Scope
from domain.shared.text import is_searchable, search_key

_UUIDS = ARRAY(PG_UUID(as_uuid=True))

_STAGE_JOIN = deals.join(
    stages,
    sa.and_(stages.c.organisation_id == deals.c.organisation_id, stages.c.id == deals.c.stage_id),
)
# Seconds, not days: "interval '1 day'" would follow the session's DST changes.
_SECOND: sa.ColumnElement[Any] = sa.literal_column("interval '1 second'")


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def weighted_sql() -> sa.ColumnElement[Any]:
    """Amount x stage probability for open deals, the amount for won, zero for lost."""
    return sa.case(
        (deals.c.status == DealStatus.WON.value, deals.c.amount),
        (deals.c.status == DealStatus.LOST.value, sa.literal(Decimal("0.00"))),
        else_=open_weighted_sql(),
    )


def open_weighted_sql() -> sa.ColumnElement[Any]:
    """weighted_sql for deals known to be open: no status in it, so an index without the
    status column (the board's partial index of open deals) answers it alone."""
    return sa.func.round(deals.c.amount * stages.c.probability / 100, 2)


def stale_sql(now: datetime, factor: int = 1) -> sa.ColumnElement[bool]:
    """domain.deals.staleness.past_limit in SQL, from the domain's own constants: open, and
    entered + max_days x factor x SECONDS_PER_DAY seconds < now."""
    return sa.and_(
        deals.c.status == DealStatus.OPEN.value,
        stages.c.max_days.is_not(None),
        deals.c.stage_entered_at
        + _SECOND * (stages.c.max_days * sa.literal(factor * SECONDS_PER_DAY, sa.Integer))
        < now,
    )


def without_next_task_sql() -> list[sa.ColumnElement[bool]]:
    """Open, and no open task on the deal: an anti-join on the tasks' (organisation, deal)
    index, per deal, so a page walks the sort's index and stops when it is full."""
    open_task = (
        sa.select(sa.literal(1))
        .where(
            tasks.c.organisation_id == deals.c.organisation_id,
            tasks.c.deal_id == deals.c.id,
            tasks.c.done_at.is_(None),
        )
        .exists()
    )
    return [deals.c.status == DealStatus.OPEN.value, sa.not_(open_task)]


def reached_sql(stage_id: UUID) -> sa.ColumnElement[bool]:
    """The deal entered the stage at some time, as the funnel analytics count "reached"
    (domain/analytics/model.py): a move into it (its creation in it is one) or being in it now;
    one probe of the moves' (organisation, deal) index per deal."""
    moved_in = (
        sa.select(sa.literal(1))
        .where(
            stage_moves.c.organisation_id == deals.c.organisation_id,
            stage_moves.c.deal_id == deals.c.id,
            stage_moves.c.to_stage_id == stage_id,
        )
        .exists()
    )
    return sa.or_(deals.c.stage_id == stage_id, moved_in)


def _visible_deal(scope: Scope) -> sa.ColumnElement[bool]:
    return sa.and_(in_organisation(deals, scope), visible(deals.c.responsible_id, scope))


def _conditions(
    f: DealFilter, now: datetime, organisation_id: UUID
) -> list[sa.ColumnElement[bool]]:
    """Every filter but the department, which narrows the visible owners instead
    (``SqlDealRepository._owners``)."""
    c: list[sa.ColumnElement[bool]] = []
    if f.funnel_id is not None:
        c.append(deals.c.funnel_id == f.funnel_id)
    if f.stage_ids:
        c.append(deals.c.stage_id.in_(f.stage_ids))
    if f.reached_stage_id is not None:
        c.append(reached_sql(f.reached_stage_id))
    if f.statuses:
        c.append(deals.c.status.in_([s.value for s in f.statuses]))
    if f.responsible_ids:
        c.append(deals.c.responsible_id.in_(f.responsible_ids))
    if f.client_id is not None:
        c.append(deals.c.client_id == f.client_id)
    if f.source_channels:
        c.append(deals.c.source_channel.in_(f.source_channels))
    if f.client_tags:
        # The clients' tags GIN index finds the clients once; their deals come by client_id.
        tagged = sa.select(clients.c.id).where(
            clients.c.organisation_id == organisation_id,
            clients.c.segment_tags.overlap(sa.cast(list(f.client_tags), ARRAY(sa.String(100)))),
        )
        c.append(deals.c.client_id.in_(tagged))
    if f.amount_min is not None:
        c.append(deals.c.amount >= f.amount_min)
    if f.amount_max is not None:
        c.append(deals.c.amount <= f.amount_max)
    if f.created_from is not None:
        c.append(deals.c.created_at >= f.created_from)
    if f.created_to is not None:
        c.append(deals.c.created_at < f.created_to)
    if f.closed_from is not None or f.closed_to is not None:
        # Only won and lost deals carry a close time; saying so lets the (organisation, status,
        # closed_at) index serve the period.
        c.append(deals.c.status.in_([DealStatus.WON.value, DealStatus.LOST.value]))
    if f.closed_from is not None:
        c.append(deals.c.closed_at >= f.closed_from)
    if f.closed_to is not None:
        c.append(deals.c.closed_at < f.closed_to)
    if f.loss_reason_ids:
        c.append(deals.c.loss_reason_id.in_(f.loss_reason_ids))
    if f.expected_close_from is not None:
        c.append(deals.c.expected_close_date >= f.expected_close_from)
    if f.expected_close_to is not None:
        c.append(deals.c.expected_close_date <= f.expected_close_to)
    if f.stale is True:
        c.append(stale_sql(now))
    elif f.stale is False:
        c.append(sa.not_(stale_sql(now)))
    if f.without_next_task:
        c.extend(without_next_task_sql())
    if f.search and f.search.strip() and not is_searchable(f.search):
        c.append(sa.false())
    elif f.search and f.search.strip():
        c.append(_search(f.search.strip(), organisation_id))
    c.extend(custom_field_condition(deals.c.custom_fields, cf) for cf in f.custom)
    return c


def _search_parts(text: str, organisation_id: UUID) -> tuple[str, str, sa.Select[Any]]:
    """The LIKE pattern of ``text`` for the titles' key, the client-name key searched for,
    and the ids of the clients whose name holds it. Both compare stored keys, so the check on
    each row a search walks past is a byte-wise LIKE rather than an ILIKE that lower-cases
    every value: ``title_key`` (the title lower-cased, ё as е) and the clients' ``name_key``,
    as the client search compares them (also without quotes and legal forms, so «Сибирь» and
    ООО Сибирь find the same clients)."""
    pattern = f"%{_escape_like(search_key(text))}%"
    key = name_key(text)
    matching_clients = sa.select(clients.c.id).where(
        clients.c.organisation_id == organisation_id, contains(clients.c.name_key, key)
    )
    return pattern, key, matching_clients


# A trigram index finds a fragment of at least three characters; a shorter one it cannot
# narrow, so every client would be read to collect the matching ones.
_TRIGRAM = 3


def _is_short(text: str) -> bool:
    return len(text) < _TRIGRAM


def _client_named(
    key: str, organisation_id: UUID, client_id: sa.ColumnElement[Any]
) -> sa.ColumnElement[bool]:
    """The deal's own client (by primary key) has a name key containing ``key``: per deal,
    for fragments too short for the clients' trigram index. A scalar subquery, which the
    planner cannot turn into a hashed set of every matching client as it may an EXISTS."""
    name = (
        sa.select(clients.c.name_key)
        .where(clients.c.organisation_id == organisation_id, clients.c.id == client_id)
        .scalar_subquery()
    )
    return contains(name, key)


def _search(text: str, organisation_id: UUID) -> sa.ColumnElement[bool]:
    """Title or client name containing ``text``: the title key's trigram index, or
    ``client_id = ANY(ARRAY(...))`` of the clients the clients' trigram index finds (computed
    once, then deals by client_id), never an OR with a per-row subquery. The planner can then
    combine both indexes, or walk the sort's index when the fragment is frequent. A fragment
    too short for the index looks up each deal's client instead."""
    pattern, key, matching_clients = _search_parts(text, organisation_id)
    if _is_short(key):
        by_client = _client_named(key, organisation_id, deals.c.client_id)
    else:
        by_client = deals.c.client_id == sa.any_(sa.func.array(matching_clients.scalar_subquery()))
    return sa.or_(deals.c.title_key.like(pattern, escape="\\"), by_client)


def _search_branches(
    text: str, organisation_id: UUID, table: sa.FromClause = deals
) -> tuple[sa.ColumnElement[bool], sa.ColumnElement[bool]]:
    """The two indexed halves of a deal list's search on ``table`` (deals, or a subquery of
    them): the title key's trigram index, and deals by client_id (the (organisation, client)
    index) of the matching clients, as a set the planner may hash. A fragment too short for
    the clients' trigram index looks up each deal's client instead of reading every client."""
    pattern, key, matching_clients = _search_parts(text, organisation_id)
    if _is_short(key):
        return (
            table.c.title_key.like(pattern, escape="\\"),
            _client_named(key, organisation_id, table.c.client_id),
        )
    return (
        table.c.title_key.like(pattern, escape="\\"),
        table.c.client_id.in_(matching_clients),
    )


# A search matching up to this many deals (after the other filters and the visibility) is
# answered from its matches; a more frequent fragment walks the sort order instead, where the
# matches are dense enough to fill a page soon.
SEARCH_CANDIDATES = 500
# The newest deals (in the list's order) a search first matches on, by an index walk.
SEARCH_WINDOW = 2000
# This many matches in the window (one deal in 400) and the fragment is frequent enough that a
# longer walk finds the page sooner than collecting more than SEARCH_CANDIDATES matches would.
SEARCH_FREQUENT_IN_WINDOW = 5


def _keyset(
    column: sa.ColumnElement[Any], descending: bool, after: tuple[object, UUID]
) -> sa.ColumnElement[bool]:
    """Rows after (value, id) in PostgreSQL's default NULL placement: last when ascending,
    first when descending."""
    value, ident = after
    if not descending:
        if value is None:
            return sa.and_(column.is_(None), deals.c.id > ident)
        return sa.or_(
            column > value, sa.and_(column == value, deals.c.id > ident), column.is_(None)
        )
    if value is None:
        return sa.or_(sa.and_(column.is_(None), deals.c.id < ident), column.is_not(None))
    return sa.or_(column < value, sa.and_(column == value, deals.c.id < ident))


# A period of expected close dates up to this long is read from its index, then sorted.
_SHORT_CLOSE_PERIOD_DAYS = 366


def _short_close_period(f: DealFilter) -> bool:
    return (
        f.expected_close_from is not None
        and f.expected_close_to is not None
        and (f.expected_close_to - f.expected_close_from).days <= _SHORT_CLOSE_PERIOD_DAYS
    )


def _range_filtered(f: DealFilter, sort: DealSort) -> bool:
    """A range filter on amount or expected close date with the list sorted by another column:
    the range's covering index (ix_deals_amount_cover, ix_deals_expected_close_date_cover)
    answers the page's keys."""
    close = f.expected_close_from is not None or f.expected_close_to is not None
    amount = f.amount_min is not None or f.amount_max is not None
    return (close and sort.column != "expected_close_date") or (amount and sort.column != "amount")


def _opaque(column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """``column`` as an expression of the same order that no index provides."""
    if column.key == "amount":
        return column + 0
    return column + sa.literal_column("interval '0 seconds'")


def _open_in_stage(
    scope: Scope,
    owners: builtins.list[UUID] | None,
    filters: DealFilter,
    now: datetime,
    stage: sa.ColumnElement[bool],
) -> builtins.list[sa.ColumnElement[bool]]:
    """Open deals of ``stage`` of the ``owners`` (``SqlDealRepository._owners``) the board's
    filters select: the board index's shape (organisation, stage, status = 'open'), whatever
    else the filters add."""
    return [
        in_organisation(deals, scope),
        owned_by(deals.c.responsible_id, owners),
        stage,
        deals.c.status == DealStatus.OPEN.value,
        *_conditions(filters, now, scope.organisation_id),
    ]


class SqlDealRepository(SqlRepository):
    async def add(self, deal: Deal) -> None:
        await self._conn.execute(
            sa.insert(deals).values(
                id=deal.id, organisation_id=deal.organisation_id, **_deal_values(deal)
            )
        )
        await self._write_products(deal)
        self._collect(deal)

    async def get(self, scope: Scope, deal_id: UUID, *, for_update: bool = False) -> Deal | None:
        query = sa.select(deals).where(_visible_deal(scope), deals.c.id == deal_id)
        if for_update:
            # NO KEY UPDATE: comments, activities, files and moves of the deal hold KEY SHARE on
            # it, which plain FOR UPDATE would wait for (and deadlock with).
            query = query.with_for_update(key_share=True)
        row = (await self._conn.execute(query)).one_or_none()
        if row is None:
            return None
        return next(iter(await self._hydrate([row])))

    async def update(self, deal: Deal, expected_version: int) -> None:
        values = _deal_values(deal)
        for key in ("created_by", "created_at"):
            values.pop(key)
        values["updated_at"] = deal.updated_at or sa.func.now()
        await self._update_versioned(
            deals,
            entity="Deal",
            ident=deal.id,
            organisation_id=deal.organisation_id,
            expected_version=expected_version,
            values=values,
        )
        deal.version = expected_version + 1
        self._collect(deal)
        await self._conn.execute(
            sa.delete(deal_products).where(
                deal_products.c.organisation_id == deal.organisation_id,
                deal_products.c.deal_id == deal.id,
            )
        )
        await self._write_products(deal)

    async def _write_products(self, deal: Deal) -> None:
        if not deal.products:
            return
        await self._conn.execute(
            sa.insert(deal_products),
            [
                {
                    "id": new_id(),
                    "organisation_id": deal.organisation_id,
                    "deal_id": deal.id,
                    "position": i,
                    "name": p.name,
                    "quantity": p.quantity,
                    "price": p.price,
                    "product_id": p.product_id,
                }
                for i, p in enumerate(deal.products)
            ],
        )

    async def add_move(self, move: StageMove) -> None:
        await self._conn.execute(
            sa.insert(stage_moves).values(
                id=move.id,
                organisation_id=move.organisation_id,
                deal_id=move.deal_id,
                kind=move.kind.value,
                from_stage_id=move.from_stage_id,
                to_stage_id=move.to_stage_id,
                from_status=move.from_status.value if move.from_status else None,
                to_status=move.to_status.value,
                seconds_in_previous=move.seconds_in_previous,
                at=move.at,
                by_user_id=move.by_user_id,
            )
        )

    async def moves(self, organisation_id: UUID, deal_id: UUID) -> Sequence[StageMove]:
        rows = await self._conn.execute(
            sa.select(stage_moves)
            .where(
                stage_moves.c.organisation_id == organisation_id, stage_moves.c.deal_id == deal_id
            )
            .order_by(stage_moves.c.at, stage_moves.c.id)
        )
        return [_move(r._mapping) for r in rows]

    async def _owners(self, scope: Scope, filters: DealFilter) -> builtins.list[UUID] | None:
        """The responsibles whose deals the caller may see (None: everyone's), narrowed to the
        filters' department subtree: read once per request."""
        owners = await visible_owner_ids(self._conn, scope)
        return await narrowed_to_department(
            self._conn, owners, scope.organisation_id, filters.department_id
        )

    async def _listed_deal(self, scope: Scope, filters: DealFilter) -> sa.ColumnElement[bool]:
        """``_visible_deal`` with visibility (and the department filter) as ``responsible_id =
        ANY(:owners)``, so the organisation's (organisation_id, responsible_id, ...) indexes
        serve it."""
        owners = await self._owners(scope, filters)
        return sa.and_(in_organisation(deals, scope), owned_by(deals.c.responsible_id, owners))

    async def list(
        self,
        scope: Scope,
        filters: DealFilter,
        *,
        now: datetime,
        sort: DealSort,
        limit: int,
        after: tuple[object, UUID] | None = None,
    ) -> Sequence[Deal]:
        column = deals.c[sort.column]
        text = (filters.search or "").strip()
        searched = bool(text) and is_searchable(text)
        listed = replace(filters, search=None) if searched else filters
        where = [
            await self._listed_deal(scope, filters),
            *_conditions(listed, now, scope.organisation_id),
        ]
        if after is not None:
            where.append(_keyset(column, sort.descending, after))

        def ordered(key: sa.ColumnElement[Any]) -> tuple[sa.ColumnElement[Any], ...]:
            if sort.descending:
                return (key.desc(), deals.c.id.desc())
            return (key.asc(), deals.c.id.asc())

        # The stages only for the stale filter: a join the conditions do not need lets the
        # planner put the stages on the outer side of a nested loop and repeat the (trigram)
        # scan of deals once per stage.
        source = _STAGE_JOIN if filters.stale is not None else deals
        if searched:
            return await self._searched(scope, text, where, sort, limit, source)

        if not _range_filtered(filters, sort):
            query = sa.select(deals).select_from(source).where(*where)
            rows = (await self._conn.execute(query.order_by(*ordered(column)).limit(limit))).all()
            return await self._hydrate(rows)
        # Keys first: the page's ids from the range filter's covering index (index-only, then a
        # bounded top-N sort), then only those rows. A short expected-close period is sorted
        # by an expression, so the planner cannot walk the sort column's index instead: it
        # assumes the period's deals spread evenly over created_at, while they cluster (deals
        # closing in a quarter were created around it), and walked most of that index.
        key = _opaque(column) if _short_close_period(filters) else column
        keys = (
            sa.select(deals.c.id)
            .select_from(source)
            .where(*where)
            .order_by(*ordered(key))
            .limit(limit)
        )
        # ANY(ARRAY(keys)): the page's rows by primary key (organisation, id), which the
        # planner otherwise trades for a hash join over the organisation's deals.
        query = sa.select(deals).where(
            in_organisation(deals, scope),
            deals.c.id == sa.any_(sa.func.array(keys.scalar_subquery())),
        )
        rows = (await self._conn.execute(query.order_by(*ordered(column)))).all()
        return await self._hydrate(rows)

    async def _searched(
        self,
        scope: Scope,
        text: str,
        where: builtins.list[sa.ColumnElement[bool]],
        sort: DealSort,
        limit: int,
        source: sa.FromClause,
    ) -> Sequence[Deal]:
        """A page of deals whose title or client's name contains ``text``, in three steps, each
        bounded, the first that answers wins:

        1. the newest SEARCH_WINDOW deals in the sort order (every other filter, the visibility
           and the cursor applied), the fragment matched on them: a frequent fragment fills its
           page here;
        2. for a rare fragment (under SEARCH_FREQUENT_IN_WINDOW matches in that window), the
           matches collected by a UNION ALL of the two indexed conditions (the title key's trigram
           index; the deals of the clients the clients' trigram index finds), up to
           SEARCH_CANDIDATES of them, then the page of those rows by primary key;
        3. otherwise the sort order walked on from the window's end with both conditions (the
           clients as a hashed set), after the window's matches.

        Steps 1 and 3 read keys first: the window and the walk need only the sort key, the id,
        the title key and the client, which the created-at search index carries
        (``ix_deals_created_search``, 0042), so in the default order they are index-only scans;
        the page's rows are then read by primary key. A window that held every deal the other
        filters select answers alone."""
        title, by_client = _search_branches(text, scope.organisation_id)

        def ordered(table: sa.FromClause) -> tuple[sa.ColumnElement[Any], ...]:
            key, ident = table.c[sort.column], table.c.id
            if sort.descending:
                return (key.desc(), ident.desc())
            return (key.asc(), ident.asc())

        # Step 1: the window's keys, materialised once for its matches and its last key.
        window_columns = {deals.c.id, deals.c[sort.column], deals.c.client_id, deals.c.title_key}
        recent = (
            sa.select(*sorted(window_columns, key=lambda c: c.name))
            .select_from(source)
            .where(*where)
            .order_by(*ordered(deals))
            .limit(SEARCH_WINDOW)
            .cte("recent")
            .prefix_with("MATERIALIZED")
        )
        matched = sa.or_(*_search_branches(text, scope.organisation_id, recent))
        hit_ids = sa.select(recent.c.id).where(matched).order_by(*ordered(recent)).limit(limit)
        last_id = (
            sa.select(recent.c.id)
            .order_by(*ordered(recent))
            .offset(SEARCH_WINDOW - 1)
            .limit(1)
            .scalar_subquery()
        )
        hits = sa.select(deals, sa.false().label("window_end")).where(
            in_organisation(deals, scope),
            deals.c.id == sa.any_(sa.func.array(hit_ids.scalar_subquery())),
        )
        end = sa.select(deals, sa.true().label("window_end")).where(
            in_organisation(deals, scope), deals.c.id == last_id
        )
        # The union in the sort order (by its output columns), so the matches come in it.
        key: sa.ColumnElement[Any] = sa.literal_column(sort.column)
        ident: sa.ColumnElement[Any] = sa.literal_column("id")
        in_order = (key.desc(), ident.desc()) if sort.descending else (key.asc(), ident.asc())
        rows = (await self._conn.execute(sa.union_all(hits, end).order_by(*in_order))).all()
        matches = [r for r in rows if not r.window_end]
        window_end = next((r for r in rows if r.window_end), None)
        if len(matches) == limit or window_end is None:
            return await self._hydrate(matches)  # a full page, or the window held every deal
        # Step 3 unless step 2 answers: the sort order walked on from the window's end with both
        # conditions, after the window's matches.
        after_window = _keyset(
            deals.c[sort.column],
            sort.descending,
            (getattr(window_end, sort.column), window_end.id),
        )
        # No index narrows a fragment shorter than a trigram: collecting its matches would
        # read every deal, so it goes straight to the walk.
        short = _is_short(text) or _is_short(name_key(text))
        if len(matches) < SEARCH_FREQUENT_IN_WINDOW and not short:
            branches = [
                sa.select(deals.c.id).select_from(source).where(*where, condition)
                for condition in (title, by_client)
            ]
            found = sa.union_all(*branches).limit(SEARCH_CANDIDATES + 1)
            ids = list(dict.fromkeys((await self._conn.execute(found)).scalars()))
            if not ids:
                return []
            if len(ids) <= SEARCH_CANDIDATES:
                by_ids = sa.select(deals).where(
                    in_organisation(deals, scope),
                    deals.c.id == sa.any_(sa.literal(ids, _UUIDS)),
                )
                page = await self._conn.execute(by_ids.order_by(*ordered(deals)).limit(limit))
                return await self._hydrate(page.all())
        walked = (
            sa.select(deals.c.id)
            .select_from(source)
            .where(*where, sa.or_(title, by_client), after_window)
            .order_by(*ordered(deals))
            .limit(limit - len(matches))
        )
        rest = await self._conn.execute(
            sa.select(deals)
            .where(
                in_organisation(deals, scope),
                deals.c.id == sa.any_(sa.func.array(walked.scalar_subquery())),
            )
            .order_by(*ordered(deals))
        )
        return await self._hydrate([*matches, *rest.all()])

    async def totals(
        self, scope: Scope, filters: DealFilter, *, now: datetime, exact_up_to: int
    ) -> DealTotals:
        """From the counters (adapters/db/repositories/deal_totals.py explains)."""
        owners = await self._owners(scope, filters)
        organisation_id = scope.organisation_id
        part = counter_part(filters)
        base = await counter_totals(
            self._conn, counter_conditions(organisation_id, owners, part), by_stage=False
        )
        if counted(filters):
            return DealTotals(exact=True, currencies=list(base.values()))
        exact, figures = await filtered_totals(
            self._conn,
            base=base,
            source=_STAGE_JOIN,
            part=[
                in_organisation(deals, scope),
                owned_by(deals.c.responsible_id, owners),
                *_conditions(part, now, organisation_id),
            ],
            extra=_conditions(beyond_counters(filters), now, organisation_id),
            weighted=weighted_sql(),
            by_stage=False,
            exact_up_to=exact_up_to,
        )
        return DealTotals(exact=exact, currencies=list(figures.values()))

    async def board(
        self,
        scope: Scope,
        funnel_id: UUID,
        filters: DealFilter,
        *,
        now: datetime,
        per_stage: int,
        exact_up_to: int,
    ) -> Sequence[BoardColumn]:
        column = stages.alias("board_stage")
        stage_ids = sa.select(column.c.id).where(
            column.c.organisation_id == scope.organisation_id, column.c.funnel_id == funnel_id
        )
        # Column totals from the counters of the funnel's stages' open deals; with filters the
        # counters cannot answer, as GET /deals/totals (exact when few, estimated otherwise).
        # The funnel filter the board's route passes is dropped, the stages implying it.
        in_funnel = replace(filters, funnel_id=None) if filters.funnel_id == funnel_id else filters
        owners = await self._owners(scope, filters)
        part = counter_part(in_funnel)
        figures = base = await counter_totals(
            self._conn,
            [
                *counter_conditions(scope.organisation_id, owners, part),
                deal_counters.c.status == DealStatus.OPEN.value,
                deal_counters.c.stage_id.in_(stage_ids),
            ],
            by_stage=True,
        )
        exact = True
        if not counted(in_funnel):
            exact, figures = await filtered_totals(
                self._conn,
                base=base,
                source=_STAGE_JOIN,
                part=[
                    in_organisation(deals, scope),
                    owned_by(deals.c.responsible_id, owners),
                    deals.c.status == DealStatus.OPEN.value,
                    deals.c.stage_id.in_(stage_ids),
                    *_conditions(part, now, scope.organisation_id),
                ],
                extra=_conditions(beyond_counters(in_funnel), now, scope.organisation_id),
                weighted=open_weighted_sql(),
                by_stage=True,
                exact_up_to=exact_up_to,
            )
        counts: dict[UUID | None, int] = {}
        totals: dict[UUID | None, builtins.list[CurrencyTotal]] = {}
        for (stage_id, _), total in figures.items():
            counts[stage_id] = counts.get(stage_id, 0) + total.count
            totals.setdefault(stage_id, []).append(total)
        # A column with no deal before the other filters has none after them, exactly.
        in_base = {stage_id for stage_id, _ in base}
        # The first cards of every column: a top-N per stage on the board index (LATERAL),
        # one more than shown to tell whether the column has a next page.
        top = (
            sa.select(deals)
            .select_from(_STAGE_JOIN)
            .where(*_open_in_stage(scope, owners, filters, now, deals.c.stage_id == column.c.id))
            .order_by(deals.c.stage_entered_at.desc(), deals.c.id.desc())
            .limit(per_stage + 1)
            .lateral("top")
        )
        result = await self._conn.execute(
            sa.select(column.c.id.label("column_id"), top)
            .select_from(column.outerjoin(top, sa.true()))
            .where(
                column.c.organisation_id == scope.organisation_id, column.c.funnel_id == funnel_id
            )
            .order_by(
                column.c.position, column.c.id, top.c.stage_entered_at.desc(), top.c.id.desc()
            )
        )
        order: builtins.list[UUID] = []
        rows: builtins.list[Any] = []
        for r in result:
            if not order or order[-1] != r.column_id:
                order.append(r.column_id)
            if r.id is not None:
                rows.append(r)
        cards: dict[UUID, builtins.list[Deal]] = {}
        for deal in await self._hydrate(rows):
            cards.setdefault(deal.stage_id, []).append(deal)
        return [
            BoardColumn(
                stage_id=i,
                count=counts.get(i, 0),
                totals=totals.get(i, []),
                deals=cards.get(i, [])[:per_stage],
                has_more=len(cards.get(i, [])) > per_stage,
                exact=exact or i not in in_base,
            )
            for i in order
        ]

    async def board_column(
        self,
        scope: Scope,
        stage_id: UUID,
        filters: DealFilter,
        *,
        now: datetime,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[Deal]:
        owners = await self._owners(scope, filters)
        query = (
            sa.select(deals)
            .select_from(_STAGE_JOIN)
            .where(*_open_in_stage(scope, owners, filters, now, deals.c.stage_id == stage_id))
        )
        if after is not None:
            query = query.where(sa.tuple_(deals.c.stage_entered_at, deals.c.id) < sa.tuple_(*after))
        rows = (
            await self._conn.execute(
                query.order_by(deals.c.stage_entered_at.desc(), deals.c.id.desc()).limit(limit)
            )
        ).all()
        return await self._hydrate(rows)

    async def client_names(
        self, organisation_id: UUID, client_ids: Sequence[UUID]
    ) -> dict[UUID, str]:
        if not client_ids:
            return {}
        rows = await self._conn.execute(
            sa.select(clients.c.id, clients.c.name).where(
                clients.c.organisation_id == organisation_id, clients.c.id.in_(client_ids)
            )
        )
        return {r.id: r.name for r in rows}

    async def list_stale(self, *, now: datetime, limit: int) -> Sequence[StaleCandidate]:
        twice = stale_sql(now, factor=CLOSE_FACTOR)
        query = (
            sa.select(deals, stages.c.max_days)
            .select_from(_STAGE_JOIN)
            .where(
                stale_sql(now),
                sa.or_(
                    deals.c.stale_notified_for.is_distinct_from(deals.c.stage_entered_at),
                    sa.and_(
                        twice,
                        deals.c.stale_close_proposed_for.is_distinct_from(deals.c.stage_entered_at),
                    ),
                ),
            )
            .order_by(deals.c.stage_entered_at, deals.c.id)
            .limit(limit)
            .with_for_update(of=deals, skip_locked=True)
        )
        rows = (await self._conn.execute(query)).all()
        limits = {r.id: r.max_days for r in rows}
        found: builtins.list[StaleCandidate] = []
        # Product lines are loaded per organisation (the sweep spans all of them).
        by_organisation: dict[UUID, builtins.list[Any]] = {}
        for r in rows:
            by_organisation.setdefault(r.organisation_id, []).append(r)
        for same in by_organisation.values():
            found.extend(StaleCandidate(d, limits[d.id]) for d in await self._hydrate(same))
        return found

    async def save_stale_marks(self, deal: Deal) -> None:
        await self._conn.execute(
            sa.update(deals)
            .where(deals.c.organisation_id == deal.organisation_id, deals.c.id == deal.id)
            .values(
                stale_notified_for=deal.stale_notified_for,
                stale_close_proposed_for=deal.stale_close_proposed_for,
            )
        )
        self._collect(deal)

    async def _hydrated(self, rows: Sequence[Any]) -> builtins.list[Deal]:
        """Deals of several organisations with their lines (loaded per organisation)."""
        by_organisation: dict[UUID, builtins.list[Any]] = {}
        for r in rows:
            by_organisation.setdefault(r.organisation_id, []).append(r)
        found: builtins.list[Deal] = []
        for same in by_organisation.values():
            found.extend(await self._hydrate(same))
        return found

    async def list_follow_ups_due(self, *, now: datetime, limit: int) -> Sequence[Deal]:
        query = (
            sa.select(deals)
            .where(
                deals.c.follow_up_next_at.is_not(None),
                deals.c.status == "open",
                deals.c.follow_up_next_at <= now,
            )
            .order_by(deals.c.follow_up_next_at, deals.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return await self._hydrated((await self._conn.execute(query)).all())

    async def list_warranties_due(
        self, *, now: datetime, limit: int
    ) -> Sequence[tuple[Deal, date]]:
        today = sa.cast(sa.func.timezone(organisations.c.time_zone, now), sa.Date)
        query = (
            sa.select(deals, today.label("today"))
            .join(organisations, organisations.c.id == deals.c.organisation_id)
            .where(
                deals.c.warranty_ends_on.is_not(None),
                deals.c.warranty_reminded_for.is_distinct_from(deals.c.warranty_ends_on),
                deals.c.warranty_remind_days.is_not(None),
                deals.c.status != "lost",
                deals.c.warranty_ends_on - deals.c.warranty_remind_days <= today,
                deals.c.warranty_ends_on >= today,
            )
            .order_by(deals.c.warranty_ends_on, deals.c.id)
            .limit(limit)
            .with_for_update(of=deals, skip_locked=True)
        )
        rows = (await self._conn.execute(query)).all()
        days = {r.id: r.today for r in rows}
        return [(d, days[d.id]) for d in await self._hydrated(rows)]

    async def save_reminder_marks(self, deal: Deal) -> None:
        await self._conn.execute(
            sa.update(deals)
            .where(deals.c.organisation_id == deal.organisation_id, deals.c.id == deal.id)
            .values(
                follow_up_next_at=deal.follow_up_next_at,
                warranty_reminded_for=deal.warranty_reminded_for,
            )
        )
        self._collect(deal)

    async def _hydrate(self, rows: Sequence[Any]) -> Sequence[Deal]:
        if not rows:
            return []
        ids = [r.id for r in rows]
        product_rows = await self._conn.execute(
            sa.select(deal_products, products.c.article)
            .select_from(
                deal_products.outerjoin(
                    products,
                    sa.and_(
                        products.c.organisation_id == deal_products.c.organisation_id,
                        products.c.id == deal_products.c.product_id,
                    ),
                )
            )
            .where(
                deal_products.c.organisation_id == rows[0].organisation_id,
                deal_products.c.deal_id.in_(ids),
            )
            .order_by(deal_products.c.deal_id, deal_products.c.position)
        )
        lines: dict[UUID, builtins.list[ProductLine]] = {}
        for p in product_rows:
            lines.setdefault(p.deal_id, []).append(
                ProductLine(
                    name=p.name,
                    quantity=p.quantity,
                    price=p.price,
                    product_id=p.product_id,
                    article=p.article,
                )
            )
        return [_deal(r._mapping, lines.get(r.id, [])) for r in rows]


def _deal_values(d: Deal) -> dict[str, Any]:
    return {
        "client_id": d.client_id,
        "contact_id": d.contact_id,
        "title": d.title,
        "amount": d.amount,
        "currency": d.currency,
        "expected_margin": d.expected_margin,
        "funnel_id": d.funnel_id,
        "stage_id": d.stage_id,
        "status": d.status.value,
        "responsible_id": d.responsible_id,
        "source_channel": d.source_channel,
        "source_campaign": d.source_campaign,
        "utm": dict(d.utm),
        "expected_close_date": d.expected_close_date,
        "custom_fields": dict(d.custom_fields),
        "stage_entered_at": d.stage_entered_at,
        "closed_at": d.closed_at,
        "loss_reason_id": d.loss_reason_id,
        "loss_comment": d.loss_comment,
        "lost_tender": d.lost_tender,
        "loss_making": d.loss_making,
        "public_conflict": d.public_conflict,
        "stale_notified_for": d.stale_notified_for,
        "stale_close_proposed_for": d.stale_close_proposed_for,
        "follow_up_every_days": d.follow_up_every_days,
        "follow_up_next_at": d.follow_up_next_at,
        "warranty_ends_on": d.warranty_ends_on,
        "warranty_remind_days": d.warranty_remind_days,
        "warranty_reminded_for": d.warranty_reminded_for,
        "created_by": d.created_by,
        "created_at": d.created_at or sa.func.now(),
        "updated_at": d.updated_at or sa.func.now(),
    }


def _deal(m: Any, lines: list[ProductLine]) -> Deal:
    return Deal(
        id=m["id"],
        organisation_id=m["organisation_id"],
        client_id=m["client_id"],
        contact_id=m["contact_id"],
        title=m["title"],
        amount=m["amount"],
        currency=m["currency"],
        expected_margin=m["expected_margin"],
        products=lines,
        funnel_id=m["funnel_id"],
        stage_id=m["stage_id"],
        status=DealStatus(m["status"]),
        responsible_id=m["responsible_id"],
        source_channel=m["source_channel"],
        source_campaign=m["source_campaign"],
        utm=dict(m["utm"] or {}),
        expected_close_date=m["expected_close_date"],
        custom_fields=dict(m["custom_fields"] or {}),
        stage_entered_at=m["stage_entered_at"],
        closed_at=m["closed_at"],
        loss_reason_id=m["loss_reason_id"],
        loss_comment=m["loss_comment"],
        lost_tender=m["lost_tender"],
        loss_making=m["loss_making"],
        public_conflict=m["public_conflict"],
        stale_notified_for=m["stale_notified_for"],
        stale_close_proposed_for=m["stale_close_proposed_for"],
        follow_up_every_days=m["follow_up_every_days"],
        follow_up_next_at=m["follow_up_next_at"],
        warranty_ends_on=m["warranty_ends_on"],
        warranty_remind_days=m["warranty_remind_days"],
        warranty_reminded_for=m["warranty_reminded_for"],
        created_by=m["created_by"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        version=m["version"],
    )


def _move(m: Any) -> StageMove:
    return StageMove(
        id=m["id"],
        organisation_id=m["organisation_id"],
        deal_id=m["deal_id"],
        kind=MoveKind(m["kind"]),
        from_stage_id=m["from_stage_id"],
        to_stage_id=m["to_stage_id"],
        from_status=DealStatus(m["from_status"]) if m["from_status"] else None,
        to_status=DealStatus(m["to_status"]),
        seconds_in_previous=m["seconds_in_previous"],
        at=m["at"],
        by_user_id=m["by_user_id"],
    )
