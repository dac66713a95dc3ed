"""Derived data: the funnel analytics' cohort rollup (migration 0034 holds its triggers and
``funnel_rollup_rebuild(org)``; they are not part of this metadata, so Alembic compares only the
tables).

A deal belongs to the cohort of its funnel, its creation day in the organisation's time zone,
its responsible and its source channel. Each of those cohorts is kept twice: per day
(``is_month`` false, ``bucket`` the day) and per calendar month (``is_month`` true, ``bucket`` the
month's first day), so a period reads its whole months from a few month rows and only its
ragged ends from day rows. Every figure is a sum, kept exact by triggers on deals, stage moves
and the organisation's time zone, in the transaction that changes them:

- ``funnel_cohort_deals``: deals per status, currency and loss reason, their amounts, and the
  won deals' cycle (created to closed) in seconds;
- ``funnel_cohort_stages``: per stage, the deals that reached it and the ended stays in it
  (count and seconds);
- ``funnel_cohort_bins``: histograms for the medians, a count per log-scale bin of seconds
  (``domain.analytics.histogram``): the ended stays per stage, and the won deals' cycle under
  ``stage_key`` nil.

A missing source is '' in ``source_key`` and a missing loss reason the nil uuid in
``loss_reason_key``, so both can be in the primary key. Rows that reach zero stay (at zero),
as in ``deal_counters``; readers only sum them.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID

from adapters.db.tables.base import metadata, organisation_fk

NO_SOURCE = ""
NIL = "00000000-0000-0000-0000-000000000000"


def _cohort() -> list[sa.Column[object]]:
    # Plain columns, no foreign keys: a rollup row is derived from the deals, which hold the
    # references, and a row whose deals have all gone may stay (at zero).
    return [
        sa.Column("funnel_id", UUID(as_uuid=True), nullable=False),
        sa.Column("is_month", sa.Boolean, nullable=False),
        sa.Column("bucket", sa.Date, nullable=False),
        sa.Column("responsible_id", UUID(as_uuid=True), nullable=False),
        sa.Column("source_key", sa.String(100), nullable=False),
    ]


_COHORT_KEY = ("organisation_id", "funnel_id", "is_month", "bucket", "responsible_id", "source_key")

funnel_cohort_deals = sa.Table(
    "funnel_cohort_deals",
    metadata,
    organisation_fk(),
    *_cohort(),
    sa.Column("status", sa.String(8), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("loss_reason_key", UUID(as_uuid=True), nullable=False),
    sa.Column("deals", sa.BigInteger, nullable=False),
    # Unbounded numeric, as deal_counters: sums may outgrow the deals' numeric(18, 2).
    sa.Column("amount", sa.Numeric, nullable=False),
    sa.Column("cycle_seconds", sa.Numeric, nullable=False),
    sa.PrimaryKeyConstraint(*_COHORT_KEY, "status", "currency", "loss_reason_key"),
)

funnel_cohort_stages = sa.Table(
    "funnel_cohort_stages",
    metadata,
    organisation_fk(),
    *_cohort(),
    sa.Column("stage_id", UUID(as_uuid=True), nullable=False),
    sa.Column("reached", sa.BigInteger, nullable=False),
    sa.Column("stays", sa.BigInteger, nullable=False),
    sa.Column("stay_seconds", sa.Numeric, nullable=False),
    sa.PrimaryKeyConstraint(*_COHORT_KEY, "stage_id"),
)

funnel_cohort_bins = sa.Table(
    "funnel_cohort_bins",
    metadata,
    organisation_fk(),
    *_cohort(),
    # The stage of the ended stays counted; the nil uuid: the won deals' cycle.
    sa.Column("stage_key", UUID(as_uuid=True), nullable=False),
    sa.Column("bin", sa.SmallInteger, nullable=False),
    sa.Column("n", sa.BigInteger, nullable=False),
    sa.PrimaryKeyConstraint(*_COHORT_KEY, "stage_key", "bin"),
)
