"""funnel analytics rollup: a deal cohort's figures kept as exact sums, medians as histograms

GET /analytics/funnel reads a cohort: the deals of a funnel created in a period (days in the
organisation's time zone), narrowed by responsible, department and source channel and by what
the caller sees. Reading the cohort's deals and their stage moves took 0.5 s for a month and
1.8 s for a quarter at 1,000,000 deals and 6,000,000 moves. These tables hold its figures per
(organisation, funnel, bucket, responsible, source channel), the bucket being the creation day
in the organisation's time zone and, once more, its calendar month (``is_month``), so a period
sums a few month rows and day rows for its ragged ends (adapters/db/tables/funnel_rollup.py):

- ``funnel_cohort_deals``: per status, currency and loss reason, the deals, their amount and
  the won deals' cycle seconds (created to closed);
- ``funnel_cohort_stages``: per stage, the deals that reached it (distinct, over their moves into
  it and the stage they are in) and the ended stays in it (moves out, wins, losses: count and
  seconds);
- ``funnel_cohort_bins``: per stage (the nil uuid: the won deals' cycle), a count per log-scale
  bin of seconds, 8 to a doubling (``funnel_rollup_bin``; domain.analytics.histogram reads the
  median back to within 2^(1/16), 4.4%).

What depends on "now" (the open deals' current stays and staleness) stays a live query over the
cohort's open deals, by the partial index ``ix_deals_cohort_open``.

Kept exact in the transaction that changes the deals, as ``deal_counters`` (migration 0011):

- a deal's contribution is a function of its row and its stage moves
  (``funnel_rollup_deal_changes``); a change of either subtracts the old contribution and adds
  the new one, summed per key and upserted in key order (``funnel_rollup_apply``), so two
  transactions lock rollup rows in the same order. Statement-level triggers with transition
  tables on deals (insert; an update changing the funnel, stage, status, responsible, source,
  currency, amount, loss reason, creation or closing time) and on stage moves (insert, update,
  delete: the ended stays are added or taken away, and a deal's reached stages are compared as
  sets before and after, read by the moves' (organisation, deal) index);
- a deal's deletion subtracts its whole contribution in a BEFORE DELETE row trigger, while its
  moves are still there (the cascade removes them before any statement trigger on deals runs;
  the moves' own trigger then finds no deal and does nothing). Deals whose organisation is
  being deleted are skipped: the rollup goes with it by cascade;
- a deal's bucket depends on the organisation's time zone: changing the zone rebuilds the
  organisation's rollup in that transaction (``funnel_rollup_rezone``), which takes the
  rebuild's locks for as long as it reads the organisation's deals (seconds at 1,000,000).

``funnel_rollup_rebuild(org)`` (the bench after its COPY load with these triggers off, a repair)
recomputes an organisation's rows through the same functions, a month of deals at a time,
under SHARE locks on deals and stage moves. Rows reaching zero stay (at 0), as the counters'.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-04 08:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NIL = "'00000000-0000-0000-0000-000000000000'::uuid"
_COHORT = "organisation_id, funnel_id, is_month, bucket, responsible_id, source_key"
_DEALS_KEY = f"{_COHORT}, status, currency, loss_reason_key"
_STAGES_KEY = f"{_COHORT}, stage_id"
_BINS_KEY = f"{_COHORT}, stage_key, bin"


def _keyed(source: str) -> str:
    """Contributions from ``source`` (rows of funnel_rollup_change) with their buckets: the
    creation day in the organisation's zone, and its month. An organisation that is gone (being
    deleted) drops out here."""
    return f"""
        {source} AS c
        JOIN organisations AS o ON o.id = c.organisation_id
        CROSS JOIN LATERAL (
            VALUES (false, (c.created_at AT TIME ZONE o.time_zone)::date),
                   (true, date_trunc('month', c.created_at AT TIME ZONE o.time_zone)::date)
        ) AS g(is_month, bucket)
    """


_COHORT_OF_C = (
    "c.organisation_id, c.funnel_id, g.is_month, g.bucket, c.responsible_id, "
    "coalesce(c.source_channel, '')"
)
# A move that ends a stay in from_stage_id, with its length (as the live query counted them).
_STAY = (
    "m.kind IN ('moved', 'won', 'lost') AND m.from_stage_id IS NOT NULL "
    "AND m.seconds_in_previous IS NOT NULL"
)
# The deal columns a contribution depends on: an update changing none of them changes nothing.
_DEAL_COLUMNS = (
    "funnel_id, stage_id, status, responsible_id, source_channel, currency, amount, "
    "loss_reason_id, created_at, closed_at"
)
_MOVE_COLUMNS = "deal_id, kind, from_stage_id, to_stage_id, seconds_in_previous"


def _cols(alias: str, columns: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in columns.split(","))


def _changed(columns: str) -> str:
    """The old row ``o`` and the new row ``n`` differ in one of ``columns``."""
    return f"({_cols('o', columns)}) IS DISTINCT FROM ({_cols('n', columns)})"


def _sums(source: str, *, upsert: bool) -> str:
    """The three statements adding the contributions of ``source`` to the rollup, summed per
    key: upserted in key order (the triggers' deltas), or inserted into emptied rows (the
    rebuild)."""
    deals_conflict = stages_conflict = bins_conflict = ""
    if upsert:
        deals_conflict = f"""ON CONFLICT ({_DEALS_KEY}) DO UPDATE SET
            deals = t.deals + excluded.deals,
            amount = t.amount + excluded.amount,
            cycle_seconds = t.cycle_seconds + excluded.cycle_seconds"""
        stages_conflict = f"""ON CONFLICT ({_STAGES_KEY}) DO UPDATE SET
            reached = t.reached + excluded.reached,
            stays = t.stays + excluded.stays,
            stay_seconds = t.stay_seconds + excluded.stay_seconds"""
        bins_conflict = f"ON CONFLICT ({_BINS_KEY}) DO UPDATE SET n = t.n + excluded.n"
    return f"""
        -- Each table's rows in key order: no deadlock between two statements.
        INSERT INTO funnel_cohort_deals AS t ({_DEALS_KEY}, deals, amount, cycle_seconds)
        SELECT {_COHORT_OF_C}, c.status, c.currency, coalesce(c.loss_reason_id, {NIL}),
               sum(c.sign), sum(c.sign * c.amount), coalesce(sum(c.sign * c.seconds), 0)
        FROM {_keyed(source)}
        WHERE c.part = 'deal'
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
        HAVING sum(c.sign) <> 0 OR sum(c.sign * c.amount) <> 0
            OR coalesce(sum(c.sign * c.seconds), 0) <> 0
        ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
        {deals_conflict};

        INSERT INTO funnel_cohort_stages AS t ({_STAGES_KEY}, reached, stays, stay_seconds)
        SELECT {_COHORT_OF_C}, c.stage_id,
               coalesce(sum(c.sign) FILTER (WHERE c.part = 'reach'), 0),
               coalesce(sum(c.sign) FILTER (WHERE c.part = 'stay'), 0),
               coalesce(sum(c.sign * c.seconds) FILTER (WHERE c.part = 'stay'), 0)
        FROM {_keyed(source)}
        WHERE c.part IN ('reach', 'stay')
        GROUP BY 1, 2, 3, 4, 5, 6, 7
        HAVING coalesce(sum(c.sign) FILTER (WHERE c.part = 'reach'), 0) <> 0
            OR coalesce(sum(c.sign) FILTER (WHERE c.part = 'stay'), 0) <> 0
            OR coalesce(sum(c.sign * c.seconds) FILTER (WHERE c.part = 'stay'), 0) <> 0
        ORDER BY 1, 2, 3, 4, 5, 6, 7
        {stages_conflict};

        INSERT INTO funnel_cohort_bins AS t ({_BINS_KEY}, n)
        SELECT {_COHORT_OF_C}, coalesce(c.stage_id, {NIL}), funnel_rollup_bin(c.seconds),
               sum(c.sign)
        FROM {_keyed(source)}
        WHERE c.seconds IS NOT NULL AND (c.part = 'stay' OR c.part = 'deal' AND c.status = 'won')
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
        HAVING sum(c.sign) <> 0
        ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
        {bins_conflict};
    """  # noqa: S608 - only this module's constants are interpolated


FUNCTIONS = [
    # One contribution of one deal to the rollup, signed: 'deal' (its row: status, currency,
    # reason, amount; seconds = the cycle when won), 'stay' (an ended stay in stage_id of
    # seconds) or 'reach' (the deal reached stage_id).
    """
    CREATE TYPE funnel_rollup_change AS (
        part text,
        organisation_id uuid,
        funnel_id uuid,
        created_at timestamptz,
        responsible_id uuid,
        source_channel text,
        status text,
        currency text,
        loss_reason_id uuid,
        stage_id uuid,
        seconds numeric,
        amount numeric,
        sign integer
    )
    """,
    # The histogram bin of a duration: 0 for [0, 1) s, k for [2^((k-1)/8), 2^(k/8)) s
    # (domain.analytics.histogram reads them back).
    """
    CREATE FUNCTION funnel_rollup_bin(seconds numeric) RETURNS smallint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE
            WHEN seconds < 1 THEN 0
            ELSE (floor(8 * ln(seconds::float8) / ln(2::float8)) + 1)::smallint
        END
    $$
    """,
    # Every contribution of these deal rows, with their stage moves as they are now.
    f"""
    CREATE FUNCTION funnel_rollup_deal_changes(snapshots deals[], direction integer)
    RETURNS SETOF funnel_rollup_change
    LANGUAGE sql STABLE AS $$
        SELECT 'deal'::text, d.organisation_id, d.funnel_id, d.created_at, d.responsible_id,
               d.source_channel::text, d.status::text, d.currency::text, d.loss_reason_id,
               NULL::uuid,
               CASE WHEN d.status = 'won'
                   THEN extract(epoch FROM d.closed_at - d.created_at) END,
               d.amount::numeric, direction
        FROM unnest(snapshots) AS d
        UNION ALL
        SELECT 'stay'::text, d.organisation_id, d.funnel_id, d.created_at, d.responsible_id,
               d.source_channel::text, NULL::text, NULL::text, NULL::uuid, m.from_stage_id,
               m.seconds_in_previous::numeric, NULL::numeric, direction
        FROM unnest(snapshots) AS d
        JOIN stage_moves AS m ON m.organisation_id = d.organisation_id AND m.deal_id = d.id
        WHERE {_STAY}
        UNION ALL
        SELECT 'reach'::text, d.organisation_id, d.funnel_id, d.created_at, d.responsible_id,
               d.source_channel::text, NULL::text, NULL::text, NULL::uuid, r.stage_id,
               NULL::numeric, NULL::numeric, direction
        FROM unnest(snapshots) AS d
        CROSS JOIN LATERAL (
            SELECT m.to_stage_id
            FROM stage_moves AS m
            WHERE m.organisation_id = d.organisation_id
              AND m.deal_id = d.id
              AND m.to_stage_id IS NOT NULL
            UNION
            SELECT d.stage_id
        ) AS r(stage_id)
    $$
    """,  # noqa: S608 - only this module's constants are interpolated
    # The same contributions, of every deal of an organisation at once (the rebuild), set-based.
    f"""
    CREATE FUNCTION funnel_rollup_contributions(org uuid)
    RETURNS SETOF funnel_rollup_change
    LANGUAGE sql STABLE AS $$
        SELECT 'deal'::text, d.organisation_id, d.funnel_id, d.created_at, d.responsible_id,
               d.source_channel::text, d.status::text, d.currency::text, d.loss_reason_id,
               NULL::uuid,
               CASE WHEN d.status = 'won'
                   THEN extract(epoch FROM d.closed_at - d.created_at) END,
               d.amount::numeric, 1
        FROM deals AS d
        WHERE d.organisation_id = org
        UNION ALL
        SELECT 'stay'::text, d.organisation_id, d.funnel_id, d.created_at, d.responsible_id,
               d.source_channel::text, NULL::text, NULL::text, NULL::uuid, m.from_stage_id,
               m.seconds_in_previous::numeric, NULL::numeric, 1
        FROM deals AS d
        JOIN stage_moves AS m ON m.organisation_id = d.organisation_id AND m.deal_id = d.id
        WHERE d.organisation_id = org AND m.organisation_id = org AND {_STAY}
        UNION ALL
        SELECT 'reach'::text, d.organisation_id, d.funnel_id, d.created_at, d.responsible_id,
               d.source_channel::text, NULL::text, NULL::text, NULL::uuid, r.stage_id,
               NULL::numeric, NULL::numeric, 1
        FROM (
            SELECT m.deal_id, m.to_stage_id
            FROM stage_moves AS m
            WHERE m.organisation_id = org AND m.to_stage_id IS NOT NULL
            UNION
            SELECT d.id, d.stage_id FROM deals AS d WHERE d.organisation_id = org
        ) AS r(deal_id, stage_id)
        JOIN deals AS d ON d.organisation_id = org AND d.id = r.deal_id
    $$
    """,  # noqa: S608 - only this module's constants are interpolated
    f"""
    CREATE FUNCTION funnel_rollup_apply(changes funnel_rollup_change[]) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        IF cardinality(changes) = 0 THEN
            RETURN;
        END IF;
        {_sums("unnest(changes)", upsert=True)}
    END
    $$
    """,
    # Deal rows replaced: the old rows' contributions out, the new rows' in.
    """
    CREATE FUNCTION funnel_rollup_deals_changed(removed deals[], added deals[]) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        IF cardinality(removed) + cardinality(added) = 0 THEN
            RETURN;
        END IF;
        PERFORM funnel_rollup_apply(ARRAY(
            SELECT c FROM funnel_rollup_deal_changes(removed, -1) AS c
            UNION ALL
            SELECT c FROM funnel_rollup_deal_changes(added, 1) AS c
        ));
    END
    $$
    """,
    # Stage moves replaced (the old versions removed, the new added): their ended stays out and
    # in, and each touched deal's reached stages compared as sets, before and after.
    f"""
    CREATE FUNCTION funnel_rollup_moves_changed(removed stage_moves[], added stage_moves[])
    RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        IF cardinality(removed) + cardinality(added) = 0 THEN
            RETURN;
        END IF;
        PERFORM funnel_rollup_apply(ARRAY(
            WITH touched AS (
                -- A deal being deleted is gone already: its rows were taken out before.
                SELECT d.organisation_id, d.id, d.funnel_id, d.created_at, d.responsible_id,
                       d.source_channel, d.stage_id
                FROM deals AS d
                WHERE (d.organisation_id, d.id) IN (
                    SELECT m.organisation_id, m.deal_id FROM unnest(removed) AS m
                    UNION
                    SELECT m.organisation_id, m.deal_id FROM unnest(added) AS m
                )
            ),
            stays AS (
                SELECT m.organisation_id, m.deal_id, m.from_stage_id AS stage_id,
                       m.seconds_in_previous::numeric AS seconds, 1 AS sign
                FROM unnest(added) AS m
                WHERE {_STAY}
                UNION ALL
                SELECT m.organisation_id, m.deal_id, m.from_stage_id,
                       m.seconds_in_previous::numeric, -1
                FROM unnest(removed) AS m
                WHERE {_STAY}
            ),
            reached_now AS (
                SELECT d.organisation_id, d.id AS deal_id, m.to_stage_id AS stage_id
                FROM touched AS d
                JOIN stage_moves AS m
                  ON m.organisation_id = d.organisation_id AND m.deal_id = d.id
                WHERE m.to_stage_id IS NOT NULL
                UNION
                SELECT d.organisation_id, d.id, d.stage_id FROM touched AS d
            ),
            reached_before AS (
                SELECT d.organisation_id, d.id AS deal_id, m.to_stage_id AS stage_id
                FROM touched AS d
                JOIN stage_moves AS m
                  ON m.organisation_id = d.organisation_id AND m.deal_id = d.id
                WHERE m.to_stage_id IS NOT NULL
                  AND m.id NOT IN (SELECT a.id FROM unnest(added) AS a)
                UNION
                SELECT m.organisation_id, m.deal_id, m.to_stage_id
                FROM unnest(removed) AS m
                WHERE m.to_stage_id IS NOT NULL
                UNION
                SELECT d.organisation_id, d.id, d.stage_id FROM touched AS d
            ),
            reach AS (
                SELECT n.*, 1 AS sign
                FROM (SELECT * FROM reached_now EXCEPT SELECT * FROM reached_before) AS n
                UNION ALL
                SELECT b.*, -1
                FROM (SELECT * FROM reached_before EXCEPT SELECT * FROM reached_now) AS b
            )
            SELECT ROW('stay', d.organisation_id, d.funnel_id, d.created_at, d.responsible_id,
                       d.source_channel, NULL, NULL, NULL, s.stage_id, s.seconds, NULL,
                       s.sign)::funnel_rollup_change
            FROM stays AS s
            JOIN touched AS d ON d.organisation_id = s.organisation_id AND d.id = s.deal_id
            UNION ALL
            SELECT ROW('reach', d.organisation_id, d.funnel_id, d.created_at, d.responsible_id,
                       d.source_channel, NULL, NULL, NULL, r.stage_id, NULL, NULL,
                       r.sign)::funnel_rollup_change
            FROM reach AS r
            JOIN touched AS d ON d.organisation_id = r.organisation_id AND d.id = r.deal_id
        ));
    END
    $$
    """,  # noqa: S608 - only this module's constants are interpolated
    """
    CREATE FUNCTION funnel_rollup_on_deals_insert() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM funnel_rollup_deals_changed('{}', ARRAY(SELECT ROW(n.*)::deals FROM added AS n));
        RETURN NULL;
    END
    $$
    """,
    f"""
    CREATE FUNCTION funnel_rollup_on_deals_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM funnel_rollup_deals_changed(
            ARRAY(
                SELECT ROW(o.*)::deals FROM old_deals AS o
                JOIN new_deals AS n ON n.organisation_id = o.organisation_id AND n.id = o.id
                WHERE {_changed(_DEAL_COLUMNS)}
            ),
            ARRAY(
                SELECT ROW(n.*)::deals FROM old_deals AS o
                JOIN new_deals AS n ON n.organisation_id = o.organisation_id AND n.id = o.id
                WHERE {_changed(_DEAL_COLUMNS)}
            )
        );
        RETURN NULL;
    END
    $$
    """,  # noqa: S608 - only this module's constants are interpolated
    """
    CREATE FUNCTION funnel_rollup_on_deal_delete() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        -- The organisation's own deletion: the rollup goes by cascade.
        IF EXISTS (SELECT FROM organisations AS o WHERE o.id = OLD.organisation_id) THEN
            PERFORM funnel_rollup_deals_changed(ARRAY[OLD], '{}');
        END IF;
        RETURN OLD;
    END
    $$
    """,
    """
    CREATE FUNCTION funnel_rollup_on_moves_insert() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM funnel_rollup_moves_changed(
            '{}', ARRAY(SELECT ROW(n.*)::stage_moves FROM added AS n)
        );
        RETURN NULL;
    END
    $$
    """,
    f"""
    CREATE FUNCTION funnel_rollup_on_moves_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM funnel_rollup_moves_changed(
            ARRAY(
                SELECT ROW(o.*)::stage_moves FROM old_moves AS o
                JOIN new_moves AS n ON n.organisation_id = o.organisation_id AND n.id = o.id
                WHERE {_changed(_MOVE_COLUMNS)}
            ),
            ARRAY(
                SELECT ROW(n.*)::stage_moves FROM old_moves AS o
                JOIN new_moves AS n ON n.organisation_id = o.organisation_id AND n.id = o.id
                WHERE {_changed(_MOVE_COLUMNS)}
            )
        );
        RETURN NULL;
    END
    $$
    """,  # noqa: S608 - only this module's constants are interpolated
    """
    CREATE FUNCTION funnel_rollup_on_moves_delete() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM funnel_rollup_moves_changed(
            ARRAY(SELECT ROW(o.*)::stage_moves FROM gone AS o), '{}'
        );
        RETURN NULL;
    END
    $$
    """,
    f"""
    CREATE FUNCTION funnel_rollup_rebuild(org uuid) RETURNS bigint
    LANGUAGE plpgsql AS $$
    DECLARE
        written bigint;
    BEGIN
        -- No deal nor move changes until this transaction ends (writes of every organisation
        -- wait): the rollup then matches the deals exactly.
        LOCK TABLE deals, stage_moves IN SHARE MODE;
        DELETE FROM funnel_cohort_deals WHERE organisation_id = org;
        DELETE FROM funnel_cohort_stages WHERE organisation_id = org;
        DELETE FROM funnel_cohort_bins WHERE organisation_id = org;
        {_sums("funnel_rollup_contributions(org)", upsert=False)}
        SELECT count(*) INTO written FROM deals WHERE organisation_id = org;
        RETURN written;
    END
    $$
    """,  # noqa: S608 - only this module's constants are interpolated
    """
    CREATE FUNCTION funnel_rollup_rezone() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM funnel_rollup_rebuild(NEW.id);
        RETURN NULL;
    END
    $$
    """,
]

TRIGGERS = [
    """
    CREATE TRIGGER funnel_rollup_insert AFTER INSERT ON deals
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION funnel_rollup_on_deals_insert()
    """,
    """
    CREATE TRIGGER funnel_rollup_update AFTER UPDATE ON deals
    REFERENCING OLD TABLE AS old_deals NEW TABLE AS new_deals
    FOR EACH STATEMENT EXECUTE FUNCTION funnel_rollup_on_deals_update()
    """,
    """
    CREATE TRIGGER funnel_rollup_delete BEFORE DELETE ON deals
    FOR EACH ROW EXECUTE FUNCTION funnel_rollup_on_deal_delete()
    """,
    """
    CREATE TRIGGER funnel_rollup_moves_insert AFTER INSERT ON stage_moves
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION funnel_rollup_on_moves_insert()
    """,
    """
    CREATE TRIGGER funnel_rollup_moves_update AFTER UPDATE ON stage_moves
    REFERENCING OLD TABLE AS old_moves NEW TABLE AS new_moves
    FOR EACH STATEMENT EXECUTE FUNCTION funnel_rollup_on_moves_update()
    """,
    """
    CREATE TRIGGER funnel_rollup_moves_delete AFTER DELETE ON stage_moves
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION funnel_rollup_on_moves_delete()
    """,
    """
    CREATE TRIGGER funnel_rollup_rezone AFTER UPDATE OF time_zone ON organisations
    FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone)
    EXECUTE FUNCTION funnel_rollup_rezone()
    """,
]

# (trigger, table), as dropped on downgrade; bench/scale.py turns the deal and move ones off
# during its COPY load and calls funnel_rollup_rebuild afterwards.
TRIGGER_TABLES = (
    ("funnel_rollup_insert", "deals"),
    ("funnel_rollup_update", "deals"),
    ("funnel_rollup_delete", "deals"),
    ("funnel_rollup_moves_insert", "stage_moves"),
    ("funnel_rollup_moves_update", "stage_moves"),
    ("funnel_rollup_moves_delete", "stage_moves"),
    ("funnel_rollup_rezone", "organisations"),
)


def _cohort_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("funnel_id", sa.UUID(), nullable=False),
        sa.Column("is_month", sa.Boolean(), nullable=False),
        sa.Column("bucket", sa.Date(), nullable=False),
        sa.Column("responsible_id", sa.UUID(), nullable=False),
        sa.Column("source_key", sa.String(length=100), nullable=False),
    ]


def _organisation_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organisation_id"],
        ["organisations.id"],
        name=op.f(f"fk_{table}_organisation_id_organisations"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    cohort = [c.strip() for c in _COHORT.split(",")]
    op.create_table(
        "funnel_cohort_deals",
        *_cohort_columns(),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("loss_reason_key", sa.UUID(), nullable=False),
        sa.Column("deals", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.Numeric(), nullable=False),
        sa.Column("cycle_seconds", sa.Numeric(), nullable=False),
        _organisation_fk("funnel_cohort_deals"),
        sa.PrimaryKeyConstraint(
            *cohort, "status", "currency", "loss_reason_key", name=op.f("pk_funnel_cohort_deals")
        ),
    )
    op.create_table(
        "funnel_cohort_stages",
        *_cohort_columns(),
        sa.Column("stage_id", sa.UUID(), nullable=False),
        sa.Column("reached", sa.BigInteger(), nullable=False),
        sa.Column("stays", sa.BigInteger(), nullable=False),
        sa.Column("stay_seconds", sa.Numeric(), nullable=False),
        _organisation_fk("funnel_cohort_stages"),
        sa.PrimaryKeyConstraint(*cohort, "stage_id", name=op.f("pk_funnel_cohort_stages")),
    )
    op.create_table(
        "funnel_cohort_bins",
        *_cohort_columns(),
        sa.Column("stage_key", sa.UUID(), nullable=False),
        sa.Column("bin", sa.SmallInteger(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        _organisation_fk("funnel_cohort_bins"),
        sa.PrimaryKeyConstraint(*cohort, "stage_key", "bin", name=op.f("pk_funnel_cohort_bins")),
    )
    # The cohort's open deals, for what depends on now (current stays, staleness).
    op.create_index(
        "ix_deals_cohort_open",
        "deals",
        ["organisation_id", "funnel_id", "created_at"],
        postgresql_include=["stage_id", "stage_entered_at", "responsible_id", "source_channel"],
        postgresql_where=sa.text("status = 'open'"),
    )
    for statement in FUNCTIONS + TRIGGERS:
        op.execute(statement)
    # The deals that exist already.
    op.execute("SELECT funnel_rollup_rebuild(id) FROM organisations")


def downgrade() -> None:
    for trigger, table in TRIGGER_TABLES:
        op.execute(f"DROP TRIGGER {trigger} ON {table}")
    for function in (
        "funnel_rollup_rezone()",
        "funnel_rollup_rebuild(uuid)",
        "funnel_rollup_on_moves_delete()",
        "funnel_rollup_on_moves_update()",
        "funnel_rollup_on_moves_insert()",
        "funnel_rollup_on_deal_delete()",
        "funnel_rollup_on_deals_update()",
        "funnel_rollup_on_deals_insert()",
        "funnel_rollup_moves_changed(stage_moves[], stage_moves[])",
        "funnel_rollup_deals_changed(deals[], deals[])",
        "funnel_rollup_apply(funnel_rollup_change[])",
        "funnel_rollup_contributions(uuid)",
        "funnel_rollup_deal_changes(deals[], integer)",
        "funnel_rollup_bin(numeric)",
    ):
        op.execute(f"DROP FUNCTION {function}")
    op.execute("DROP TYPE funnel_rollup_change")
    op.drop_index("ix_deals_cohort_open", table_name="deals")
    op.drop_table("funnel_cohort_bins")
    op.drop_table("funnel_cohort_stages")
    op.drop_table("funnel_cohort_deals")
