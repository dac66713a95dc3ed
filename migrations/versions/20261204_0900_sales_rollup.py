"""sales structure rollup: won deals classified once, days and product demand rolled up

GET /analytics/sales classified every won deal of the period against the client's earlier
won deals and their product lines (two nested EXISTS per deal), and grouped every product
line of the deals opened or won in it: 945 ms for a month and 1.9 s for a quarter at
1,000,000 deals. Three tables now hold the answer's parts (adapters/db/tables/sales.py):

- ``sales_deals``: one row per won deal (with ``closed_at``): its client, local day,
  responsible, funnel, source, currency, amount, and whether it was a repeat purchase (the
  client has a won deal closed strictly earlier) and a cross-sell (a repeat purchase with a
  line whose product search key, lower(translate(name, 'Ёё', 'Ее')), none of those earlier
  deals had). The definitions are the query's before this revision.
- ``sales_days``: per (organisation, day, responsible, funnel, source, currency) the won
  deals, their amount, how many were repeat purchases and cross-sells.
- ``sales_product_days``: per (organisation, day, responsible, funnel, source, currency,
  product name) the deals and quantity asked for (lines of deals created that day, whatever
  their status) and sold (lines of deals won that day), and the sold amount. A deal counts
  once per search key, under the least of its names for that key, so the rows of a key add up
  to distinct deals, and the least name of the key's rows in a period is the name the query
  showed.

``day`` is the organisation's local calendar day (``organisations.time_zone``) of the moment
(``created_at`` or ``closed_at``): the API's period is whole local days, so a period is one
range of the key and its bounds are exact in any zone (a UTC hour would not be for the zones
offset by half or three quarters of an hour, and would hold 24 times the rows). A change of
the organisation's time zone rebuilds its rows (trigger on organisations).

Why triggers rather than an in-transaction domain handler: a deal's classification depends on
the client's other won deals and their lines, so it changes on a win, a reopening, a loss after
a win, a backdated ``closed_at``, a merge of clients (an UPDATE of ``client_id``), a product
line edit, a deal's deletion, and on writes that raise no domain event (imports, the bench's
loads, repairs in SQL). Triggers see every one of them, in the statement's transaction:

- deals: statement-level triggers per INSERT, UPDATE and DELETE with transition tables. The
  clients of the won deals whose status, closing moment, client, responsible, funnel, source,
  currency or amount changed (old and new client) are reclassified; the deals whose
  creation, status, closing moment, responsible, funnel, source or currency changed move
  their lines' demand (old values out, new values in). A BEFORE DELETE row trigger counts a
  deleted deal's lines out while they still exist (the cascade deletes them before any AFTER
  trigger on deals could read them).
- deal_products: statement-level triggers per INSERT, UPDATE and DELETE: the changed deals'
  lines before and after the statement are counted out and in (the per-deal attribution to
  the least name needs the whole set), and the clients of those that are won are reclassified.
- organisations: a change of ``time_zone`` rebuilds the organisation.

Reclassifying clients (``sales_deals_refresh(org, clients)``) recomputes their won deals from
scratch (a few rows per client through the client index), compares them with the stored rows
and applies only the difference, to ``sales_deals`` and as deltas to ``sales_days``. It first
takes a transaction-level advisory lock per client in one order: two transactions winning
deals of one client run one after the other, and under READ COMMITTED the second one's next
statements see the first one's deals, so neither classifies against a stale history. The
rollups take deltas with INSERT ... ON CONFLICT DO UPDATE in key order, so two statements
cannot deadlock on the rows they share. Rows of an organisation being deleted are skipped: they
go with it by cascade.

Rollup rows reaching zero are kept (at 0), as the deal counters' are; readers skip them.
``sales_rebuild(org)`` (this migration's backfill, the bench after its COPY load, a repair)
recomputes an organisation's rows from its deals and keeps only non-empty ones, inserted in
key order (a period's rows then fill neighbouring heap pages, as the triggers' rows added day
by day do); it holds SHARE locks on deals and deal_products while it runs, so nothing it reads
changes under it.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-04 08:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The first key of the two-key advisory locks on clients (the second is a hash of the client).
CLIENT_LOCK = 9033

_KEY = "organisation_id, day, responsible_id, funnel_id, source, currency"
_PRODUCT_KEY = f"{_KEY}, product"
_FACT = (
    "organisation_id, deal_id, client_id, day, responsible_id, funnel_id, source, currency, "
    "amount, repeat, cross_sell"
)
_SEARCH_KEY = "lower(translate({}, 'Ёё', 'Ее'))"


def _classified(which: str) -> str:
    """The won deals matching ``which`` (a condition on ``d``, deals) as ``sales_deals`` rows.
    ``which`` must take every won deal of a client it takes: a deal is classified against the
    client's other won deals."""
    return f"""
        SELECT w.organisation_id, w.id, w.client_id, w.day, w.responsible_id, w.funnel_id,
               w.source, w.currency, w.amount,
               w.closed_at > w.first_at,
               w.closed_at > w.first_at AND coalesce(n.novel, false)
        FROM (
            SELECT d.organisation_id, d.id, d.client_id, d.closed_at,
                   (d.closed_at AT TIME ZONE o.time_zone)::date AS day,
                   d.responsible_id, d.funnel_id, coalesce(d.source_channel, '') AS source,
                   d.currency, d.amount,
                   min(d.closed_at) OVER (PARTITION BY d.client_id) AS first_at
            FROM deals AS d
            JOIN organisations AS o ON o.id = d.organisation_id
            WHERE d.status = 'won' AND d.closed_at IS NOT NULL AND {which}
        ) AS w
        LEFT JOIN (
            -- A line is new to the client when no won deal of the client closed before this
            -- one had its product: the product's first purchase is this deal's moment.
            SELECT k.id, bool_or(k.closed_at = k.first_at) AS novel
            FROM (
                SELECT d.id, d.closed_at,
                       min(d.closed_at) OVER (
                           PARTITION BY d.client_id, {_SEARCH_KEY.format("l.name")}
                       ) AS first_at
                FROM deals AS d
                JOIN deal_products AS l
                    ON l.organisation_id = d.organisation_id AND l.deal_id = d.id
                WHERE d.status = 'won' AND d.closed_at IS NOT NULL AND {which}
            ) AS k
            GROUP BY k.id
        ) AS n ON n.id = w.id
    """  # noqa: S608


def _lines(deal: str, lines: str, sign: int, where: str) -> str:
    """Product lines (``lines``, shaped as deal_products) joined with their deals (``deal``,
    shaped as deals, aliased d) as ``sales_line`` columns counted with ``sign``."""
    return f"""
        SELECT d.organisation_id, d.id AS deal_id, {sign} AS sign,
               (d.created_at AT TIME ZONE o.time_zone)::date AS created_day,
               CASE WHEN d.status = 'won' THEN (d.closed_at AT TIME ZONE o.time_zone)::date
               END AS closed_day,
               d.responsible_id, d.funnel_id, coalesce(d.source_channel, '') AS source,
               d.currency, l.name, l.quantity, l.price
        FROM {deal} AS d
        JOIN organisations AS o ON o.id = d.organisation_id
        JOIN {lines} AS l ON l.organisation_id = d.organisation_id AND l.deal_id = d.id
        WHERE {where}
    """  # noqa: S608


def _demand(lines: str) -> str:
    """``sales_product_days`` rows (deltas, or whole rows on a rebuild) from ``lines``, a
    relation of ``sales_line`` columns; groups summing to nothing are left out."""
    return f"""
        WITH per_name AS (
            SELECT organisation_id, deal_id, sign, created_day, closed_day, responsible_id,
                   funnel_id, source, currency, name,
                   sum(quantity) AS quantity, sum(quantity * price) AS amount,
                   -- A deal counts once per search key, under its least name for it.
                   (name = min(name) OVER (
                       PARTITION BY organisation_id, deal_id, sign,
                                    {_SEARCH_KEY.format("name")}
                   ))::int AS counted
            FROM {lines} AS x
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
        )
        SELECT organisation_id, day, responsible_id, funnel_id, source, currency, product,
               sum(asked_deals), sum(asked_quantity), sum(sold_deals), sum(sold_quantity),
               sum(sold_amount)
        FROM (
            SELECT organisation_id, created_day AS day, responsible_id, funnel_id, source,
                   currency, name AS product, sign * counted AS asked_deals,
                   sign * quantity AS asked_quantity, 0 AS sold_deals, 0 AS sold_quantity,
                   0 AS sold_amount
            FROM per_name
            UNION ALL
            SELECT organisation_id, closed_day, responsible_id, funnel_id, source, currency,
                   name, 0, 0, sign * counted, sign * quantity, sign * amount
            FROM per_name
            WHERE closed_day IS NOT NULL
        ) AS parts
        GROUP BY 1, 2, 3, 4, 5, 6, 7
        HAVING sum(asked_deals) <> 0 OR sum(asked_quantity) <> 0 OR sum(sold_deals) <> 0
            OR sum(sold_quantity) <> 0 OR sum(sold_amount) <> 0
    """  # noqa: S608


FUNCTIONS = [
    # A sales_deals row arriving (+1) or leaving (-1).
    """
    CREATE TYPE sales_deal_change AS (
        organisation_id uuid,
        deal_id uuid,
        client_id uuid,
        day date,
        responsible_id uuid,
        funnel_id uuid,
        source varchar(100),
        currency varchar(3),
        amount numeric(18, 2),
        repeat boolean,
        cross_sell boolean,
        sign integer
    )
    """,
    # A product line with what of its deal the demand is keyed by, counted in (+1) or out (-1).
    """
    CREATE TYPE sales_line AS (
        organisation_id uuid,
        deal_id uuid,
        sign integer,
        created_day date,
        closed_day date,
        responsible_id uuid,
        funnel_id uuid,
        source varchar(100),
        currency varchar(3),
        name varchar(300),
        quantity numeric(18, 3),
        price numeric(18, 2)
    )
    """,
    f"""
    CREATE FUNCTION sales_deals_refresh(org uuid, wanted uuid[]) RETURNS void
    LANGUAGE plpgsql AS $$
    DECLARE
        changes sales_deal_change[];
    BEGIN
        IF cardinality(wanted) = 0
           OR NOT EXISTS (SELECT FROM organisations AS o WHERE o.id = org) THEN
            RETURN;
        END IF;
        -- One client's deals are classified by one transaction at a time; the statements
        -- below take their snapshots after the wait, so they see what the other committed.
        PERFORM pg_advisory_xact_lock({CLIENT_LOCK}, l.k)
        FROM (
            SELECT DISTINCT hashtext(org::text || c::text) AS k
            FROM unnest(wanted) AS c
            ORDER BY k
        ) AS l;
        changes := ARRAY(
            WITH fresh AS MATERIALIZED (
                {_classified("d.organisation_id = org AND d.client_id = ANY(wanted)")}
            ), stored AS MATERIALIZED (
                SELECT {_FACT} FROM sales_deals AS s
                WHERE s.organisation_id = org AND s.client_id = ANY(wanted)
            )
            SELECT ROW(g.*, -1)::sales_deal_change
            FROM (SELECT * FROM stored EXCEPT SELECT * FROM fresh) AS g
            UNION ALL
            SELECT ROW(g.*, 1)::sales_deal_change
            FROM (SELECT * FROM fresh EXCEPT SELECT * FROM stored) AS g
        );
        IF cardinality(changes) = 0 THEN
            RETURN;
        END IF;
        DELETE FROM sales_deals AS s
        USING unnest(changes) AS c
        WHERE c.sign = -1 AND s.organisation_id = org AND s.deal_id = c.deal_id;
        INSERT INTO sales_deals ({_FACT})
        SELECT {_FACT} FROM unnest(changes) AS c WHERE c.sign = 1;
        INSERT INTO sales_days AS r ({_KEY}, won, amount, repeat, cross_sell)
        SELECT {_KEY}, sum(c.sign), sum(c.sign * c.amount),
               coalesce(sum(c.sign) FILTER (WHERE c.repeat), 0),
               coalesce(sum(c.sign) FILTER (WHERE c.cross_sell), 0)
        FROM unnest(changes) AS c
        GROUP BY 1, 2, 3, 4, 5, 6
        -- Rollup rows are locked in key order: no deadlock between two statements.
        ORDER BY 1, 2, 3, 4, 5, 6
        ON CONFLICT ({_KEY}) DO UPDATE SET
            won = r.won + excluded.won,
            amount = r.amount + excluded.amount,
            repeat = r.repeat + excluded.repeat,
            cross_sell = r.cross_sell + excluded.cross_sell;
    END
    $$
    """,  # noqa: S608
    f"""
    CREATE FUNCTION sales_demand_apply(lines sales_line[]) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        IF cardinality(lines) = 0 THEN
            RETURN;
        END IF;
        INSERT INTO sales_product_days AS p (
            {_PRODUCT_KEY}, asked_deals, asked_quantity, sold_deals, sold_quantity, sold_amount
        )
        SELECT * FROM (
            {
        _demand('''(
                SELECT * FROM unnest(lines) AS u
                WHERE EXISTS (SELECT FROM organisations AS o WHERE o.id = u.organisation_id)
            )''')
    }
        ) AS delta
        ORDER BY 1, 2, 3, 4, 5, 6, 7
        ON CONFLICT ({_PRODUCT_KEY}) DO UPDATE SET
            asked_deals = p.asked_deals + excluded.asked_deals,
            asked_quantity = p.asked_quantity + excluded.asked_quantity,
            sold_deals = p.sold_deals + excluded.sold_deals,
            sold_quantity = p.sold_quantity + excluded.sold_quantity,
            sold_amount = p.sold_amount + excluded.sold_amount;
    END
    $$
    """,  # noqa: S608
    # The clients of the won deals among ``touched``, per organisation, reclassified.
    """
    CREATE FUNCTION sales_refresh_clients(touched jsonb) RETURNS void
    LANGUAGE plpgsql AS $$
    DECLARE
        org uuid;
        wanted uuid[];
    BEGIN
        FOR org, wanted IN
            SELECT (t ->> 'organisation_id')::uuid, array_agg(DISTINCT (t ->> 'client_id')::uuid)
            FROM jsonb_array_elements(touched) AS t
            GROUP BY 1
            ORDER BY 1
        LOOP
            PERFORM sales_deals_refresh(org, wanted);
        END LOOP;
    END
    $$
    """,
    f"""
    CREATE FUNCTION sales_on_deals_insert() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM sales_refresh_clients(coalesce(jsonb_agg(jsonb_build_object(
            'organisation_id', n.organisation_id, 'client_id', n.client_id)), '[]'))
        FROM added AS n
        WHERE n.status = 'won';
        PERFORM sales_demand_apply(ARRAY(
            SELECT ROW(x.*)::sales_line
            FROM ({_lines("added", "deal_products", 1, "true")}) AS x
        ));
        RETURN NULL;
    END
    $$
    """,  # noqa: S608
    f"""
    CREATE FUNCTION sales_on_deals_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM sales_refresh_clients(coalesce(jsonb_agg(jsonb_build_object(
            'organisation_id', c.organisation_id, 'client_id', c.client_id)), '[]'))
        FROM (
            SELECT o.organisation_id, o.client_id, n.client_id AS new_client_id
            FROM old_deals AS o
            JOIN new_deals AS n ON n.organisation_id = o.organisation_id AND n.id = o.id
            WHERE (o.status = 'won' OR n.status = 'won')
              AND (o.status, o.closed_at, o.client_id, o.responsible_id, o.funnel_id,
                   o.source_channel, o.currency, o.amount)
                  IS DISTINCT FROM
                  (n.status, n.closed_at, n.client_id, n.responsible_id, n.funnel_id,
                   n.source_channel, n.currency, n.amount)
        ) AS m
        CROSS JOIN LATERAL (
            VALUES (m.organisation_id, m.client_id), (m.organisation_id, m.new_client_id)
        ) AS c (organisation_id, client_id);
        PERFORM sales_demand_apply(ARRAY(
            WITH moved AS (
                SELECT o.organisation_id, o.id
                FROM old_deals AS o
                JOIN new_deals AS n ON n.organisation_id = o.organisation_id AND n.id = o.id
                WHERE (o.created_at, o.status, o.closed_at, o.responsible_id, o.funnel_id,
                       o.source_channel, o.currency)
                      IS DISTINCT FROM
                      (n.created_at, n.status, n.closed_at, n.responsible_id, n.funnel_id,
                       n.source_channel, n.currency)
            )
            SELECT ROW(x.*)::sales_line
            FROM ({_lines("old_deals", "deal_products", -1, "(d.organisation_id, d.id) IN (SELECT * FROM moved)")}) AS x
            UNION ALL
            SELECT ROW(x.*)::sales_line
            FROM ({_lines("new_deals", "deal_products", 1, "(d.organisation_id, d.id) IN (SELECT * FROM moved)")}) AS x
        ));
        RETURN NULL;
    END
    $$
    """,  # noqa: E501, S608
    """
    CREATE FUNCTION sales_on_deals_delete() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM sales_refresh_clients(coalesce(jsonb_agg(jsonb_build_object(
            'organisation_id', o.organisation_id, 'client_id', o.client_id)), '[]'))
        FROM gone AS o
        WHERE o.status = 'won';
        RETURN NULL;
    END
    $$
    """,
    f"""
    CREATE FUNCTION sales_on_deal_forget() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        -- An organisation's deletion takes its rollups by cascade.
        IF EXISTS (SELECT FROM organisations AS o WHERE o.id = OLD.organisation_id) THEN
            PERFORM sales_demand_apply(ARRAY(
                SELECT ROW(x.*)::sales_line
                FROM ({_lines("(SELECT OLD.*)", "deal_products", -1, "true")}) AS x
            ));
        END IF;
        RETURN OLD;
    END
    $$
    """,  # noqa: S608
    # ``gone`` and ``came`` are the statement's old and new versions of the changed lines.
    f"""
    CREATE FUNCTION sales_lines_changed(gone deal_products[], came deal_products[])
    RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        -- A deal deleted by this statement's cascade is gone from deals: its lines were
        -- counted out by sales_deal_forget, its classification by sales_deals_delete.
        PERFORM sales_refresh_clients(coalesce(jsonb_agg(jsonb_build_object(
            'organisation_id', d.organisation_id, 'client_id', d.client_id)), '[]'))
        FROM deals AS d
        WHERE d.status = 'won'
          AND (d.organisation_id, d.id) IN (
              SELECT g.organisation_id, g.deal_id FROM unnest(gone) AS g
              UNION SELECT c.organisation_id, c.deal_id FROM unnest(came) AS c
          );
        PERFORM sales_demand_apply(ARRAY(
            WITH touched AS (
                SELECT g.organisation_id, g.deal_id FROM unnest(gone) AS g
                UNION SELECT c.organisation_id, c.deal_id FROM unnest(came) AS c
            ), now_lines AS (
                SELECT l.* FROM deal_products AS l
                WHERE (l.organisation_id, l.deal_id) IN (SELECT * FROM touched)
            ), then_lines AS (
                SELECT * FROM now_lines AS l
                WHERE l.id NOT IN (SELECT c.id FROM unnest(came) AS c)
                UNION ALL
                SELECT * FROM unnest(gone)
            )
            SELECT ROW(x.*)::sales_line
            FROM ({_lines("deals", "then_lines", -1, "(d.organisation_id, d.id) IN (SELECT * FROM touched)")}) AS x
            UNION ALL
            SELECT ROW(x.*)::sales_line
            FROM ({_lines("deals", "now_lines", 1, "(d.organisation_id, d.id) IN (SELECT * FROM touched)")}) AS x
        ));
    END
    $$
    """,  # noqa: E501, S608
    """
    CREATE FUNCTION sales_on_lines_insert() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM sales_lines_changed('{}', ARRAY(SELECT ROW(n.*)::deal_products FROM added AS n));
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE FUNCTION sales_on_lines_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        -- Only what the demand and the classification read: the deal, name, quantity, price.
        PERFORM sales_lines_changed(
            ARRAY(
                SELECT ROW(o.*)::deal_products
                FROM old_lines AS o JOIN new_lines AS n ON n.id = o.id
                WHERE (o.deal_id, o.name, o.quantity, o.price)
                      IS DISTINCT FROM (n.deal_id, n.name, n.quantity, n.price)
            ),
            ARRAY(
                SELECT ROW(n.*)::deal_products
                FROM old_lines AS o JOIN new_lines AS n ON n.id = o.id
                WHERE (o.deal_id, o.name, o.quantity, o.price)
                      IS DISTINCT FROM (n.deal_id, n.name, n.quantity, n.price)
            )
        );
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE FUNCTION sales_on_lines_delete() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM sales_lines_changed(ARRAY(SELECT ROW(o.*)::deal_products FROM gone AS o), '{}');
        RETURN NULL;
    END
    $$
    """,
    f"""
    CREATE FUNCTION sales_rebuild(org uuid) RETURNS bigint
    LANGUAGE plpgsql AS $$
    DECLARE
        written bigint;
    BEGIN
        -- No deal nor line changes until this transaction ends: the rows then match exactly.
        LOCK TABLE deals, deal_products IN SHARE MODE;
        DELETE FROM sales_deals WHERE organisation_id = org;
        DELETE FROM sales_days WHERE organisation_id = org;
        DELETE FROM sales_product_days WHERE organisation_id = org;
        INSERT INTO sales_deals ({_FACT})
        {_classified("d.organisation_id = org")};
        INSERT INTO sales_days ({_KEY}, won, amount, repeat, cross_sell)
        SELECT {_KEY}, count(*), sum(amount), count(*) FILTER (WHERE repeat),
               count(*) FILTER (WHERE cross_sell)
        FROM sales_deals
        WHERE organisation_id = org
        GROUP BY 1, 2, 3, 4, 5, 6
        -- In key order, so a period's rows lie together on the heap: the readers scan a
        -- range of days, and rows inserted as they come scatter a quarter's 75,000
        -- product-day rows over 29,000 pages at 1,000,000 deals.
        ORDER BY 1, 2, 3, 4, 5, 6;
        GET DIAGNOSTICS written = ROW_COUNT;
        INSERT INTO sales_product_days (
            {_PRODUCT_KEY}, asked_deals, asked_quantity, sold_deals, sold_quantity, sold_amount
        )
        {_demand("(" + _lines("deals", "deal_products", 1, "d.organisation_id = org") + ")")}
        ORDER BY 1, 2, 3, 4, 5, 6, 7;
        RETURN written;
    END
    $$
    """,  # noqa: S608
    """
    CREATE FUNCTION sales_rezone() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        -- Every row's day moves with the zone.
        PERFORM sales_rebuild(NEW.id);
        RETURN NULL;
    END
    $$
    """,
]

TRIGGERS = [
    """
    CREATE TRIGGER sales_deals_insert AFTER INSERT ON deals
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION sales_on_deals_insert()
    """,
    """
    CREATE TRIGGER sales_deals_update AFTER UPDATE ON deals
    REFERENCING OLD TABLE AS old_deals NEW TABLE AS new_deals
    FOR EACH STATEMENT EXECUTE FUNCTION sales_on_deals_update()
    """,
    """
    CREATE TRIGGER sales_deals_delete AFTER DELETE ON deals
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION sales_on_deals_delete()
    """,
    """
    CREATE TRIGGER sales_deal_forget BEFORE DELETE ON deals
    FOR EACH ROW EXECUTE FUNCTION sales_on_deal_forget()
    """,
    """
    CREATE TRIGGER sales_lines_insert AFTER INSERT ON deal_products
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION sales_on_lines_insert()
    """,
    """
    CREATE TRIGGER sales_lines_update AFTER UPDATE ON deal_products
    REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION sales_on_lines_update()
    """,
    """
    CREATE TRIGGER sales_lines_delete AFTER DELETE ON deal_products
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION sales_on_lines_delete()
    """,
    """
    CREATE TRIGGER sales_rezone AFTER UPDATE OF time_zone ON organisations
    FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone)
    EXECUTE FUNCTION sales_rezone()
    """,
]

# (trigger, table) in the order they are dropped.
_TRIGGERS = (
    ("sales_rezone", "organisations"),
    ("sales_lines_delete", "deal_products"),
    ("sales_lines_update", "deal_products"),
    ("sales_lines_insert", "deal_products"),
    ("sales_deal_forget", "deals"),
    ("sales_deals_delete", "deals"),
    ("sales_deals_update", "deals"),
    ("sales_deals_insert", "deals"),
)
_FUNCTIONS = (
    "sales_rezone()",
    "sales_rebuild(uuid)",
    "sales_on_lines_delete()",
    "sales_on_lines_update()",
    "sales_on_lines_insert()",
    "sales_lines_changed(deal_products[], deal_products[])",
    "sales_on_deal_forget()",
    "sales_on_deals_delete()",
    "sales_on_deals_update()",
    "sales_on_deals_insert()",
    "sales_refresh_clients(jsonb)",
    "sales_demand_apply(sales_line[])",
    "sales_deals_refresh(uuid, uuid[])",
)


def _key_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("responsible_id", sa.UUID(), nullable=False),
        sa.Column("funnel_id", sa.UUID(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
    ]


def _organisation_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organisation_id"],
        ["organisations.id"],
        name=op.f(f"fk_{table}_organisation_id_organisations"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "sales_deals",
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("deal_id", sa.UUID(), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("responsible_id", sa.UUID(), nullable=False),
        sa.Column("funnel_id", sa.UUID(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("repeat", sa.Boolean(), nullable=False),
        sa.Column("cross_sell", sa.Boolean(), nullable=False),
        _organisation_fk("sales_deals"),
        sa.PrimaryKeyConstraint("organisation_id", "deal_id", name=op.f("pk_sales_deals")),
    )
    op.create_index(
        op.f("ix_sales_deals_organisation_id_client_id"),
        "sales_deals",
        ["organisation_id", "client_id"],
    )
    op.create_table(
        "sales_days",
        *_key_columns(),
        sa.Column("won", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.Numeric(), nullable=False),
        sa.Column("repeat", sa.BigInteger(), nullable=False),
        sa.Column("cross_sell", sa.BigInteger(), nullable=False),
        _organisation_fk("sales_days"),
        sa.PrimaryKeyConstraint(*_KEY.split(", "), name=op.f("pk_sales_days")),
    )
    op.create_table(
        "sales_product_days",
        *_key_columns(),
        sa.Column("product", sa.String(length=300), nullable=False),
        sa.Column("asked_deals", sa.BigInteger(), nullable=False),
        sa.Column("asked_quantity", sa.Numeric(), nullable=False),
        sa.Column("sold_deals", sa.BigInteger(), nullable=False),
        sa.Column("sold_quantity", sa.Numeric(), nullable=False),
        sa.Column("sold_amount", sa.Numeric(), nullable=False),
        _organisation_fk("sales_product_days"),
        sa.PrimaryKeyConstraint(*_PRODUCT_KEY.split(", "), name=op.f("pk_sales_product_days")),
    )
    for statement in FUNCTIONS + TRIGGERS:
        op.execute(statement)
    # The deals that exist already.
    op.execute("SELECT sales_rebuild(id) FROM organisations")


def downgrade() -> None:
    for trigger, table in _TRIGGERS:
        op.execute(f"DROP TRIGGER {trigger} ON {table}")
    for function in _FUNCTIONS:
        op.execute(f"DROP FUNCTION {function}")
    op.execute("DROP TYPE sales_line")
    op.execute("DROP TYPE sales_deal_change")
    op.drop_table("sales_product_days")
    op.drop_table("sales_days")
    op.drop_table("sales_deals")
