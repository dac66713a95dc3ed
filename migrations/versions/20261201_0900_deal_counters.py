"""deal counters: exact totals per organisation, responsible, funnel, stage, status, currency

``deal_counters`` holds, per (organisation, responsible, funnel, stage, status, currency), the
number of deals, the sum of their amounts and the sum of their weighted amounts (won: the amount,
lost: 0, open: round(amount x stage probability / 100, 2) per deal, as weighted_sql() in
adapters/db/repositories/deals.py). GET /deals/totals and the board's column totals read it
instead of aggregating the deals.

Triggers keep it exact in the transaction that changes the deals:

- on deals, one statement-level trigger per INSERT, UPDATE and DELETE with transition tables,
  so a statement touching many deals (a bulk reassignment, an organisation's deletion) is one
  batch of deltas: the old row's contribution subtracted and the new one's added, summed per
  key, upserted (INSERT ... ON CONFLICT DO UPDATE) in key order, so two transactions moving
  deals in opposite directions lock the same counter rows in the same order and cannot
  deadlock. An UPDATE that changes none of the key columns nor the amount touches no counter.
  (Transition tables rule out "UPDATE OF <columns>", hence the filter inside.) Deals whose
  organisation is being deleted are skipped: the counters go with it by cascade.
- an open deal's weight depends on its stage's probability, so a change of probability
  recomputes that stage's open counters (trigger on stages). Writers of open deals take a
  shared transaction-level advisory lock per stage before reading the probability, the
  recomputation an exclusive one on every stage of the funnel (both in one order), so neither
  adds a weight computed from a probability the other is replacing.

Rows reaching zero are kept (at 0): deleting them would race with a concurrent upsert of the
same key, and their number is bounded by responsibles x stages x statuses x currencies; readers
skip them, and ``deal_counters_rebuild(org)`` (the bench after its COPY load, a repair) recomputes
an organisation's rows from its deals and keeps only non-empty ones. It holds SHARE locks on
deals and stages while it runs, so no deal or probability changes under it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 09:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The first key of the two-key advisory locks on stages (the second is a hash of the stage id);
# the two-key space does not overlap the one-key locks used elsewhere.
STAGE_LOCK = 9011

_KEY = "organisation_id, responsible_id, funnel_id, stage_id, status, currency"

FUNCTIONS = [
    # One deal's contribution to a counter row, with the sign of its arrival or departure.
    """
    CREATE TYPE deal_counter_change AS (
        organisation_id uuid,
        responsible_id uuid,
        funnel_id uuid,
        stage_id uuid,
        status varchar(8),
        currency varchar(3),
        sign integer,
        amount numeric
    )
    """,
    f"""
    CREATE FUNCTION deal_counters_apply(changes deal_counter_change[]) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        IF cardinality(changes) = 0 THEN
            RETURN;
        END IF;
        -- Shared locks on the open deals' stages before their probabilities are read and
        -- before any counter row is locked, in one order (see deal_counters_reweigh).
        PERFORM pg_advisory_xact_lock_shared({STAGE_LOCK}, l.k)
        FROM (
            SELECT DISTINCT hashtext(c.stage_id::text) AS k
            FROM unnest(changes) AS c
            WHERE c.status = 'open'
            ORDER BY k
        ) AS l;
        INSERT INTO deal_counters AS dc ({_KEY}, deal_count, amount, weighted)
        SELECT c.organisation_id, c.responsible_id, c.funnel_id, c.stage_id, c.status,
               c.currency, sum(c.sign), sum(c.sign * c.amount),
               sum(c.sign * CASE c.status
                   WHEN 'won' THEN c.amount
                   WHEN 'lost' THEN 0
                   ELSE round(c.amount * coalesce(s.probability, 0) / 100, 2)
               END)
        FROM unnest(changes) AS c
        LEFT JOIN stages AS s ON s.organisation_id = c.organisation_id AND s.id = c.stage_id
        WHERE EXISTS (SELECT FROM organisations AS o WHERE o.id = c.organisation_id)
        GROUP BY 1, 2, 3, 4, 5, 6
        -- Counter rows are locked in key order: no deadlock between two statements.
        ORDER BY 1, 2, 3, 4, 5, 6
        ON CONFLICT ({_KEY}) DO UPDATE SET
            deal_count = dc.deal_count + excluded.deal_count,
            amount = dc.amount + excluded.amount,
            weighted = dc.weighted + excluded.weighted;
    END
    $$
    """,
    """
    CREATE FUNCTION deal_counters_on_insert() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM deal_counters_apply(ARRAY(
            SELECT ROW(n.organisation_id, n.responsible_id, n.funnel_id, n.stage_id, n.status,
                       n.currency, 1, n.amount)::deal_counter_change
            FROM added AS n
        ));
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE FUNCTION deal_counters_on_delete() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM deal_counters_apply(ARRAY(
            SELECT ROW(o.organisation_id, o.responsible_id, o.funnel_id, o.stage_id, o.status,
                       o.currency, -1, o.amount)::deal_counter_change
            FROM gone AS o
        ));
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE FUNCTION deal_counters_on_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM deal_counters_apply(ARRAY(
            WITH moved AS (
                SELECT o.organisation_id AS o_org, o.responsible_id AS o_resp,
                       o.funnel_id AS o_funnel, o.stage_id AS o_stage, o.status AS o_status,
                       o.currency AS o_cur, o.amount AS o_amount,
                       n.organisation_id AS n_org, n.responsible_id AS n_resp,
                       n.funnel_id AS n_funnel, n.stage_id AS n_stage, n.status AS n_status,
                       n.currency AS n_cur, n.amount AS n_amount
                FROM old_deals AS o
                JOIN new_deals AS n ON n.id = o.id
                WHERE (o.organisation_id, o.responsible_id, o.funnel_id, o.stage_id, o.status,
                       o.currency, o.amount)
                      IS DISTINCT FROM
                      (n.organisation_id, n.responsible_id, n.funnel_id, n.stage_id, n.status,
                       n.currency, n.amount)
            )
            SELECT ROW(o_org, o_resp, o_funnel, o_stage, o_status, o_cur, -1,
                       o_amount)::deal_counter_change
            FROM moved
            UNION ALL
            SELECT ROW(n_org, n_resp, n_funnel, n_stage, n_status, n_cur, 1,
                       n_amount)::deal_counter_change
            FROM moved
        ));
        RETURN NULL;
    END
    $$
    """,
    f"""
    CREATE FUNCTION deal_counters_reweigh() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        -- Every stage of the funnel at once, in the writers' order: a funnel saved with
        -- several new probabilities cannot deadlock with a move between two of its stages.
        PERFORM pg_advisory_xact_lock({STAGE_LOCK}, l.k)
        FROM (
            SELECT DISTINCT hashtext(s.id::text) AS k
            FROM stages AS s
            WHERE s.organisation_id = NEW.organisation_id
              AND (s.funnel_id = NEW.funnel_id OR s.id = NEW.id)
            ORDER BY k
        ) AS l;
        -- Rows at zero deals weigh 0 whatever the probability; every other open row of the
        -- stage has deals, and gets their sum at the new probability.
        UPDATE deal_counters AS dc
        SET weighted = w.weighted
        FROM (
            SELECT d.responsible_id, d.funnel_id, d.currency,
                   sum(round(d.amount * NEW.probability / 100, 2)) AS weighted
            FROM deals AS d
            WHERE d.organisation_id = NEW.organisation_id
              AND d.stage_id = NEW.id
              AND d.status = 'open'
            GROUP BY 1, 2, 3
        ) AS w
        WHERE dc.organisation_id = NEW.organisation_id
          AND dc.responsible_id = w.responsible_id
          AND dc.funnel_id = w.funnel_id
          AND dc.stage_id = NEW.id
          AND dc.status = 'open'
          AND dc.currency = w.currency;
        RETURN NULL;
    END
    $$
    """,
    f"""
    CREATE FUNCTION deal_counters_rebuild(org uuid) RETURNS bigint
    LANGUAGE plpgsql AS $$
    DECLARE
        written bigint;
    BEGIN
        -- No deal nor probability changes until this transaction ends (deal writes of every
        -- organisation wait): the counters then match the deals exactly.
        LOCK TABLE deals, stages IN SHARE MODE;
        DELETE FROM deal_counters WHERE organisation_id = org;
        INSERT INTO deal_counters ({_KEY}, deal_count, amount, weighted)
        SELECT d.organisation_id, d.responsible_id, d.funnel_id, d.stage_id, d.status,
               d.currency, count(*), sum(d.amount),
               sum(CASE d.status
                   WHEN 'won' THEN d.amount
                   WHEN 'lost' THEN 0
                   ELSE round(d.amount * coalesce(s.probability, 0) / 100, 2)
               END)
        FROM deals AS d
        LEFT JOIN stages AS s ON s.organisation_id = d.organisation_id AND s.id = d.stage_id
        WHERE d.organisation_id = org
        GROUP BY 1, 2, 3, 4, 5, 6;
        GET DIAGNOSTICS written = ROW_COUNT;
        RETURN written;
    END
    $$
    """,
]

TRIGGERS = [
    """
    CREATE TRIGGER deal_counters_insert AFTER INSERT ON deals
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION deal_counters_on_insert()
    """,
    """
    CREATE TRIGGER deal_counters_update AFTER UPDATE ON deals
    REFERENCING OLD TABLE AS old_deals NEW TABLE AS new_deals
    FOR EACH STATEMENT EXECUTE FUNCTION deal_counters_on_update()
    """,
    """
    CREATE TRIGGER deal_counters_delete AFTER DELETE ON deals
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION deal_counters_on_delete()
    """,
    """
    CREATE TRIGGER deal_counters_reweigh AFTER UPDATE OF probability ON stages
    FOR EACH ROW WHEN (OLD.probability IS DISTINCT FROM NEW.probability)
    EXECUTE FUNCTION deal_counters_reweigh()
    """,
]


def upgrade() -> None:
    op.create_table(
        "deal_counters",
        sa.Column("organisation_id", sa.UUID(), nullable=False),
        sa.Column("responsible_id", sa.UUID(), nullable=False),
        sa.Column("funnel_id", sa.UUID(), nullable=False),
        sa.Column("stage_id", sa.UUID(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("deal_count", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.Numeric(), nullable=False),
        sa.Column("weighted", sa.Numeric(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_deal_counters_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id",
            "responsible_id",
            "funnel_id",
            "stage_id",
            "status",
            "currency",
            name=op.f("pk_deal_counters"),
        ),
    )
    for statement in FUNCTIONS + TRIGGERS:
        op.execute(statement)
    # The deals that exist already.
    op.execute("SELECT deal_counters_rebuild(id) FROM organisations")


def downgrade() -> None:
    for trigger, table in (
        ("deal_counters_insert", "deals"),
        ("deal_counters_update", "deals"),
        ("deal_counters_delete", "deals"),
        ("deal_counters_reweigh", "stages"),
    ):
        op.execute(f"DROP TRIGGER {trigger} ON {table}")
    for function in (
        "deal_counters_rebuild(uuid)",
        "deal_counters_reweigh()",
        "deal_counters_on_update()",
        "deal_counters_on_delete()",
        "deal_counters_on_insert()",
        "deal_counters_apply(deal_counter_change[])",
    ):
        op.execute(f"DROP FUNCTION {function}")
    op.execute("DROP TYPE deal_counter_change")
    op.drop_table("deal_counters")
