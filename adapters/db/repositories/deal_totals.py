"""Deal totals (count, amount, weighted amount per currency) that cost nothing on the page path.

Filters on the counters' dimensions only (funnel, stages, statuses, responsibles, and the
caller's visibility and the department filter as a set of responsibles) are answered from
``deal_counters``, kept exact by triggers (migration 0011): a sum over a few hundred rows,
whatever the number of deals.

Any other filter (source, amount, dates, loss reasons, stale, search, custom fields,
client...) narrows the counters' answer for the same dimensions (the base):

- when counting them is cheap, the filtered deals are aggregated with ``LIMIT exact_up_to + 1``:
  exact when that many did not come back. Cheap is the planner's opinion of that very query
  (EXPLAIN, no execution): at most ``exact_up_to`` deals selected and a cost of at most
  ``EXACT_COST_BUDGET``. The LIMIT bounds the deals counted, not the deals read to find them
  (a seller's 50,000 deals filtered by source, say), which only the cost tells;
- otherwise an estimate, marked as such: the base scaled, per key, by the share of the sampled
  base deals (``TABLESAMPLE SYSTEM``, whole pages, about ``SAMPLE_ROWS`` deals of the table,
  repeatable) that the other filters keep, separately for the count, the amount and the weighted
  amount (a ratio estimator: a filter on amounts moves the amount's share, not only the count's).
  When the sample holds none of the base (a small organisation in a large table), the planner's
  estimates of the two sets give the share.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import util as sql_util
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement, Executable

from adapters.db.repositories.visibility import owned_by
from adapters.db.tables.counters import deal_counters
from adapters.db.tables.deals import deals
from domain.deals.ports import CurrencyTotal, DealFilter

# An estimate samples about this many deals of the whole table (whole pages of it).
SAMPLE_ROWS = 5_000
# The largest planner cost (PostgreSQL's units: a page read in sequence is 1) of the exact
# aggregate that is run. On the bench, plans up to about 1,100 ran in a few milliseconds, and
# from about 2,000 (a few thousand deals fetched out of tens of thousands read) in tens to
# hundreds.
EXACT_COST_BUDGET = 1_500.0

# (stage, currency) on the board, (None, currency) for the totals.
Key = tuple[UUID | None, str]


def counter_part(f: DealFilter) -> DealFilter:
    """The part of ``f`` the counters answer; the department among it, as it narrows the set
    of responsibles (``owners``) the counters are read for."""
    return DealFilter(
        funnel_id=f.funnel_id,
        stage_ids=f.stage_ids,
        statuses=f.statuses,
        responsible_ids=f.responsible_ids,
        department_id=f.department_id,
    )


def beyond_counters(f: DealFilter) -> DealFilter:
    """The rest of ``f``: what the counters cannot answer."""
    return replace(
        f, funnel_id=None, stage_ids=(), statuses=(), responsible_ids=(), department_id=None
    )


def counted(f: DealFilter) -> bool:
    """The counters alone answer ``f`` (a blank search is no filter). Written as a comparison,
    so a filter added to DealFilter later is taken for one the counters cannot answer."""
    search = f.search if f.search and f.search.strip() else None
    return replace(f, search=search) == counter_part(f)


def counter_conditions(
    organisation_id: UUID, owners: list[UUID] | None, f: DealFilter
) -> list[sa.ColumnElement[bool]]:
    """The counter rows of the deals the counter part of ``f`` selects among those of
    ``owners`` (None: every owner; the department filter already narrowed them); the
    primary key (organisation, responsible, ...) serves them."""
    c = deal_counters.c
    where = [c.organisation_id == organisation_id, owned_by(c.responsible_id, owners)]
    if f.funnel_id is not None:
        where.append(c.funnel_id == f.funnel_id)
    if f.stage_ids:
        where.append(c.stage_id.in_(f.stage_ids))
    if f.statuses:
        where.append(c.status.in_([s.value for s in f.statuses]))
    if f.responsible_ids:
        where.append(c.responsible_id.in_(f.responsible_ids))
    return where


async def counter_totals(
    conn: AsyncConnection, where: Sequence[sa.ColumnElement[bool]], *, by_stage: bool
) -> dict[Key, CurrencyTotal]:
    c = deal_counters.c
    keys = [c.stage_id, c.currency] if by_stage else [c.currency]
    n = sa.func.sum(c.deal_count)
    rows = await conn.execute(
        sa.select(
            *keys,
            n.label("n"),
            sa.func.sum(c.amount).label("amount"),
            sa.func.sum(c.weighted).label("weighted"),
        )
        .where(*where)
        .group_by(*keys)
        .having(n > 0)  # rows are kept at zero (see the migration)
        .order_by(*keys)
    )
    return {_key(r, by_stage): _total(r) for r in rows}


async def filtered_totals(
    conn: AsyncConnection,
    *,
    base: dict[Key, CurrencyTotal],
    source: sa.FromClause,
    part: Sequence[sa.ColumnElement[bool]],
    extra: Sequence[sa.ColumnElement[bool]],
    weighted: sa.ColumnElement[Any],
    by_stage: bool,
    exact_up_to: int,
) -> tuple[bool, dict[Key, CurrencyTotal]]:
    """Totals of the deals of ``source`` (deals joined to their stage) that ``part`` (the
    counter part of the filters, with visibility) and ``extra`` (the rest) select, ``base``
    being the counters' totals for ``part``. Exact (True) when counting is cheap and finds at
    most ``exact_up_to`` deals, an estimate (False) otherwise."""
    if not base:
        return True, {}
    picked = (
        sa.select(deals.c.stage_id, deals.c.currency, deals.c.amount, weighted.label("weighted"))
        .select_from(source)
        .where(*part, *extra)
        .limit(exact_up_to + 1)
        .subquery("picked")
    )
    keys = [picked.c.stage_id, picked.c.currency] if by_stage else [picked.c.currency]
    counting = (
        sa.select(
            *keys,
            sa.func.count().label("n"),
            sa.func.sum(picked.c.amount).label("amount"),
            sa.func.sum(picked.c.weighted).label("weighted"),
        )
        .group_by(*keys)
        .order_by(*keys)
    )
    selected, cost = await _plan(conn, counting)
    if selected > exact_up_to or cost > EXACT_COST_BUDGET:
        return False, await _estimate(conn, base, source, part, extra, weighted, by_stage)
    rows = (await conn.execute(counting)).all()
    if sum(int(r.n) for r in rows) <= exact_up_to:
        return True, {_key(r, by_stage): _total(r) for r in rows}
    return False, await _estimate(conn, base, source, part, extra, weighted, by_stage)


async def _estimate(
    conn: AsyncConnection,
    base: dict[Key, CurrencyTotal],
    source: sa.FromClause,
    part: Sequence[sa.ColumnElement[bool]],
    extra: Sequence[sa.ColumnElement[bool]],
    weighted: sa.ColumnElement[Any],
    by_stage: bool,
) -> dict[Key, CurrencyTotal]:
    table_rows = (
        await conn.execute(
            sa.text("SELECT reltuples FROM pg_class WHERE oid = CAST('deals' AS regclass)")
        )
    ).scalar_one()
    percent = min(100.0, 100.0 * SAMPLE_ROWS / max(float(table_rows), 1.0))
    sampled = deals.tablesample(
        sa.func.system(sa.cast(sa.literal(percent), sa.REAL)), name="sampled", seed=sa.literal(0)
    )
    # The same conditions, joins and weight over the sample instead of the table.
    adapter = sql_util.ClauseAdapter(sampled)
    in_sample = adapter.traverse(source)
    # Whether the other filters keep a sampled deal, evaluated once per deal.
    drawn = (
        sa.select(
            sampled.c.stage_id,
            sampled.c.currency,
            sampled.c.amount,
            adapter.traverse(weighted).label("weighted"),
            sa.and_(sa.true(), *(adapter.traverse(c) for c in extra)).label("kept"),
        )
        .select_from(in_sample)
        .where(*(adapter.traverse(c) for c in part))
        .subquery("drawn")
    )
    kept = drawn.c.kept.is_(True)
    keys = [drawn.c.stage_id, drawn.c.currency] if by_stage else [drawn.c.currency]
    rows = await conn.execute(
        sa.select(
            *keys,
            sa.func.count().label("base_n"),
            sa.func.sum(drawn.c.amount).label("base_amount"),
            sa.func.sum(drawn.c.weighted).label("base_weighted"),
            sa.func.count().filter(kept).label("n"),
            sa.func.sum(drawn.c.amount).filter(kept).label("amount"),
            sa.func.sum(drawn.c.weighted).filter(kept).label("weighted"),
        ).group_by(*keys)
    )
    sample = {_key(r, by_stage): r for r in rows}
    seen = sum(int(r.base_n) for r in sample.values())
    if seen:
        overall = _share(sum(int(r.n) for r in sample.values()), seen)
    else:
        ids = sa.select(deals.c.id).select_from(source)
        overall = _share(
            await planned_rows(conn, ids.where(*part, *extra)),
            await planned_rows(conn, ids.where(*part)),
        )
    estimated: dict[Key, CurrencyTotal] = {}
    for key, total in base.items():
        s = sample.get(key)
        by_count = _share(s.n, s.base_n) if s is not None and s.base_n else overall
        count = int((total.count * by_count).to_integral_value())
        if count == 0:
            continue
        by_amount = _share(s.amount, s.base_amount) if s is not None else None
        by_weight = _share(s.weighted, s.base_weighted) if s is not None else None
        estimated[key] = CurrencyTotal(
            total.currency,
            count,
            _money(total.amount * (by_amount if by_amount is not None else by_count)),
            _money(total.weighted_amount * (by_weight if by_weight is not None else by_count)),
        )
    return estimated


def _share(part: Any, whole: Any) -> Decimal:
    """part / whole, at most 1; 0 when there is no whole."""
    if not whole:
        return Decimal(0)
    return min(Decimal(1), Decimal(part or 0) / Decimal(whole))


class _Explain(Executable, ClauseElement):
    """EXPLAIN (FORMAT JSON) of a query, with the query's parameters."""

    inherit_cache = False

    def __init__(self, query: sa.Select[Any]) -> None:
        self.query = query


@compiles(_Explain, "postgresql")
def _compile_explain(element: _Explain, compiler: SQLCompiler, **kw: Any) -> str:
    return "EXPLAIN (FORMAT JSON) " + compiler.process(element.query, **kw)


async def _explained(conn: AsyncConnection, query: sa.Select[Any]) -> dict[str, Any]:
    plan = (await conn.execute(_Explain(query))).scalar_one()
    document = json.loads(plan) if isinstance(plan, str) else plan
    root: dict[str, Any] = document[0]["Plan"]
    return root


async def planned_rows(conn: AsyncConnection, query: sa.Select[Any]) -> float:
    """The planner's estimate of the number of rows ``query`` returns (no execution)."""
    return float((await _explained(conn, query))["Plan Rows"])


async def _plan(conn: AsyncConnection, counting: sa.Select[Any]) -> tuple[float, float]:
    """The planner's estimates for the exact aggregate: the deals its filters select (the
    rows under its LIMIT) and its total cost."""
    root = node = await _explained(conn, counting)
    while node.get("Node Type") != "Limit" and _inputs(node):
        node = _inputs(node)[0]
    under = _inputs(node) or [node]
    return float(under[0]["Plan Rows"]), float(root["Total Cost"])


def _inputs(node: dict[str, Any]) -> list[dict[str, Any]]:
    """A plan node's inputs, without the subqueries it runs once or per row (the search's
    ARRAY of matching clients is an InitPlan)."""
    return [
        child
        for child in node.get("Plans", ())
        if child.get("Parent Relationship") not in ("InitPlan", "SubPlan")
    ]


def _key(row: Any, by_stage: bool) -> Key:
    return (row.stage_id if by_stage else None, row.currency)


def _total(row: Any) -> CurrencyTotal:
    return CurrencyTotal(row.currency, int(row.n), _money(row.amount), _money(row.weighted))


def _money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))
